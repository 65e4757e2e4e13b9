# Guest: the faults-kprobe recipe (handle_mm_fault, seed 004's probe point)
# counts the test program's faults within 1% of its own getrusage
# minflt+majflt; its probe is gone afterwards.
run fk "$KMS" record -q -r faults-kprobe -o /tmp/fk.dat -- /touchmem -m 32 -o /tmp/fk.prog
if [ "$rc" != 0 ]; then
	fail faults-kprobe-record "exit $rc: $(head_of /tmp/fk.err)"
	return 0
fi
grep -q 'instead of' /tmp/fk.err && fail faults-kprobe-kprobes "fell back although kprobes exist: $(head_of /tmp/fk.err)"
pid=$(sed -n 's/^pid=\([0-9]*\) .*/\1/p' /tmp/fk.prog)
want=$(sed -n 's/.* faults=\([0-9]*\)$/\1/p' /tmp/fk.prog)
run fkr "$KMS" report -r faults-kprobe --csv --table faults /tmp/fk.dat
got=$(awk -F, -v p="$pid" '$1 == p { print $3 }' /tmp/fkr.out)
if [ -n "$got" ] && awk -v k="$want" -v m="$got" 'BEGIN { d = (m - k) / k; if (d < 0) d = -d; exit !(d <= 0.01) }'; then
	pass faults-kprobe-count "pid $pid: handle_mm_fault $got, getrusage $want"
else
	fail faults-kprobe-count "pid $pid: handle_mm_fault '$got', getrusage $want: $(head_of /tmp/fkr.out 4) $(head_of /tmp/fkr.err)"
fi
if grep -q kmemscope_ "$T/kprobe_events"; then
	fail faults-kprobe-removed "left: $(grep kmemscope_ "$T/kprobe_events" | oneline)"
else
	pass faults-kprobe-removed "no kmemscope_ probe in kprobe_events"
fi
