# Guest: trace-cmd record (it records on this kernel) for the same events;
# kmemscope report on its file gives the per-order and per-pid totals that
# trace-cmd report's own lines give.
run tcr trace-cmd record -q -e kmem:mm_page_alloc -e exceptions:page_fault_user -o /tmp/tcr.dat -- /touchmem -m 8
if [ "$rc" != 0 ]; then
	fail tracecmd-file-record "trace-cmd record exit $rc: $(head_of /tmp/tcr.err)"
	return 0
fi
run tct trace-cmd report -i /tmp/tcr.dat
awk '/ mm_page_alloc: / { for (i = 1; i <= NF; i++) if ($i ~ /^order=/) { sub("order=", "", $i); n[$i]++ } }
     END { for (o in n) print o, n[o] }' /tmp/tct.out | sort >/tmp/tc-orders
run kmo "$KMS" report -r page-order --csv --table page_orders /tmp/tcr.dat
awk -F, 'NR > 1 && $2 > 0 { print $1, $2 }' /tmp/kmo.out | sort >/tmp/km-orders
if [ -s /tmp/tc-orders ] && cmp -s /tmp/tc-orders /tmp/km-orders; then
	pass tracecmd-file-orders "per order: $(oneline </tmp/km-orders)"
else
	fail tracecmd-file-orders "trace-cmd: $(oneline </tmp/tc-orders); kmemscope: $(oneline </tmp/km-orders) $(head_of /tmp/kmo.err)"
fi
awk '/ page_fault_user: / { s = $1; sub(/.*-/, "", s); n[s]++ } END { for (p in n) print p, n[p] }' /tmp/tct.out | sort >/tmp/tc-pids
run kmf "$KMS" report -r faults --csv --table faults /tmp/tcr.dat
awk -F, 'NR > 1 && $4 > 0 { print $1, $4 }' /tmp/kmf.out | sort >/tmp/km-pids
if [ -s /tmp/tc-pids ] && cmp -s /tmp/tc-pids /tmp/km-pids; then
	pass tracecmd-file-pids "user faults per pid: $(oneline </tmp/km-pids)"
else
	fail tracecmd-file-pids "trace-cmd: $(oneline </tmp/tc-pids); kmemscope: $(oneline </tmp/km-pids)"
fi
