# Guest side of t-integrity.sh (busybox sh, run as /test.sh by /init under
# lockdown=integrity). Prints KMS-RESULT lines; the exit status is ignored
# by the host, which counts FAIL results.
. /vmlib.sh

## environment
test_env() {
	if [ -e "$T/events/kmem/mm_page_alloc" ] && [ -d "$T/instances" ]; then
		pass env-tracefs "tracefs mounted with instances and kmem:mm_page_alloc"
	else
		fail env-tracefs "no usable tracefs at $T: $(ls "$T" 2>&1 | head -5)"
	fi
	case $(cat /sys/kernel/security/lockdown 2>/dev/null) in
	*"[integrity]"*) pass env-lockdown "$(cat /sys/kernel/security/lockdown)" ;;
	*) fail env-lockdown "expected [integrity]: $(cat /sys/kernel/security/lockdown 2>&1)" ;;
	esac
}

## kmemscope record smoke test: faults of one command, checked by trace-cmd
test_record_smoke() {
	if [ ! -e "$T/events/exceptions/page_fault_user" ]; then
		fail record-smoke "no exceptions:page_fault_user event: $(ls "$T/events/exceptions" 2>&1)"
		return
	fi
	run rec "$KMS" record -q -e kmem:mm_page_alloc -e exceptions:page_fault_user \
		-o /tmp/t.dat -- /touchmem -m 8 -o /tmp/prog.out
	if [ "$rc" != 0 ] || [ ! -s /tmp/t.dat ]; then
		fail record-smoke "kmemscope record exit $rc: $(head_of /tmp/rec.err)"
		return
	fi
	pass record-smoke "exit 0, $(wc -c </tmp/t.dat) bytes; touchmem: $(head_of /tmp/prog.out 2)"

	run tcrep trace-cmd report -i /tmp/t.dat
	run kmsrep "$KMS" report --events /tmp/t.dat
	tc=$(grep -c page_fault_user /tmp/tcrep.out)
	km=$(grep -c page_fault_user /tmp/kmsrep.out)
	# 8 MiB touched one 4 KiB page at a time: at least 2048 faults.
	if [ "$tc" = "$km" ] && [ "$tc" -ge 2048 ]; then
		pass record-faults-match "trace-cmd $tc = kmemscope $km page_fault_user lines"
	else
		fail record-faults-match "trace-cmd $tc, kmemscope $km page_fault_user lines (want equal, >= 2048); trace-cmd: $(head_of /tmp/tcrep.err 2) kmemscope: $(head_of /tmp/kmsrep.err 2)"
	fi
	if [ -s /tmp/tcrep.err ]; then
		fail record-tracecmd-clean "trace-cmd report warned: $(head_of /tmp/tcrep.err)"
	else
		pass record-tracecmd-clean "trace-cmd report read /tmp/t.dat with no warning"
	fi
	if cmp -s /tmp/tcrep.out /tmp/kmsrep.out; then
		pass record-report-identical "kmemscope report --events = trace-cmd report, $(wc -l </tmp/tcrep.out) lines"
	else
		fail record-report-identical "outputs differ: $(diff /tmp/tcrep.out /tmp/kmsrep.out | grep '^[-+][^-+]' | head -2)"
	fi
	n=$(grep -c mm_page_alloc /tmp/kmsrep.out)
	if [ "$n" -gt 0 ] && [ "$n" = "$(grep -c mm_page_alloc /tmp/tcrep.out)" ]; then
		pass record-pages-match "$n mm_page_alloc lines in both"
	else
		fail record-pages-match "kmemscope $n, trace-cmd $(grep -c mm_page_alloc /tmp/tcrep.out) mm_page_alloc lines"
	fi
}

## trace-cmd records on the Debian kernel; kmemscope reads its file
test_tracecmd_file() {
	run tcrec trace-cmd record -e kmem:mm_page_alloc -e kmem:kmalloc -o /tmp/tc.dat -- /touchmem -m 4
	if [ "$rc" != 0 ] || [ ! -s /tmp/tc.dat ]; then
		fail tracecmd-record "trace-cmd record exit $rc: $(head_of /tmp/tcrec.err)"
		return
	fi
	pass tracecmd-record "exit 0, $(wc -c </tmp/tc.dat) bytes"
	run tcrep2 trace-cmd report -i /tmp/tc.dat
	run kmsrep2 "$KMS" report --events /tmp/tc.dat
	tc=$(grep -vc '^cpus=' /tmp/tcrep2.out)
	km=$(grep -vc '^cpus=' /tmp/kmsrep2.out)
	if [ "$rc" = 0 ] && [ "$tc" = "$km" ] && [ "$tc" -gt 0 ]; then
		pass tracecmd-file-report "trace-cmd $tc = kmemscope $km event lines"
	else
		fail tracecmd-file-report "kmemscope report exit $rc: trace-cmd $tc, kmemscope $km lines; $(head_of /tmp/kmsrep2.err 2)"
	fi
	if cmp -s /tmp/tcrep2.out /tmp/kmsrep2.out; then
		pass tracecmd-file-identical "kmemscope report --events = trace-cmd report on trace-cmd's file, $(wc -l </tmp/tcrep2.out) lines"
	else
		fail tracecmd-file-identical "outputs differ: $(diff /tmp/tcrep2.out /tmp/kmsrep2.out | grep '^[-+][^-+]' | head -2)"
		# The first differing lines, for the log.
		grep -v '^cpus=' /tmp/tcrep2.out >/tmp/a; grep -v '^cpus=' /tmp/kmsrep2.out >/tmp/b
		diff /tmp/a /tmp/b | head -10 | show diff
	fi
}

## kprobe tests
# Hook for kprobe recipe tests: every /tests.d/*.sh in the initramfs (from
# tests/vm/tests.d/ on the host, added by t-integrity.sh) is sourced in a
# subshell, with /vmlib.sh's helpers (pass/fail/skip/run/info) available.
# Each must print its own KMS-RESULT lines and remove the probes it made.
test_kprobes() {
	for f in /tests.d/*.sh; do
		[ -e "$f" ] || continue
		info "running $f"
		( . "$f" )
	done
}

test_env
test_record_smoke
test_tracecmd_file
test_kprobes
# kmemscope must leave no instance behind.
left=$(ls "$T/instances" 2>/dev/null | grep '^kmemscope' | oneline)
if [ -z "$left" ]; then
	pass no-instances-left "no kmemscope instance in $T/instances"
else
	fail no-instances-left "left behind: $left"
fi
