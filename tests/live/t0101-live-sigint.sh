#!/bin/bash
# Live: a recording stopped halfway by SIGINT, SIGTERM or SIGHUP still
# writes a complete file (trace-cmd and kmemscope agree on its events)
# and removes its instance. Also for a whole-system recording.
. "$TESTLIB"
need_live
need_tracecmd
cd "$WORK"

for sig in INT TERM HUP; do
	"$KMS" record -q -e kmem:mm_page_alloc -e exceptions:page_fault_user -o s.dat -- \
		"$TOUCHMEM" -m 4 -r 400 -p 20 >/dev/null 2>rec.err &
	kpid=$!
	wait_instance $kpid
	sleep 1
	kill -$sig $kpid
	wait $kpid || fail "record stopped by SIG$sig exited $?: $(cat rec.err)"
	no_instances_left
	tracecmd_events s.dat >tc.txt
	n=$("$KMS" report --events s.dat 2>/dev/null | grep -vc '^cpus=')
	[ "$(wc -l <tc.txt)" -eq "$n" ] || fail "SIG$sig: trace-cmd $(wc -l <tc.txt) events, kmemscope $n"
	[ "$n" -gt 100 ] || fail "SIG$sig: only $n events recorded in 1 s"
	ok "SIG$sig halfway: $n events, instance removed"
done

# Whole system, stopped with SIGINT.
"$KMS" record -q -e kmem:mm_page_alloc -o w.dat 2>rec.err &
kpid=$!
wait_instance $kpid
# the instance exists before its readers start and tracing is switched on
on=0
for i in $(seq 100); do
	[ "$(cat "$T/instances/kmemscope-$kpid/tracing_on" 2>/dev/null)" = 1 ] && on=1 && break
	sleep 0.1
done
[ $on = 1 ] || fail "whole-system record did not switch tracing on in 10 s: $(cat rec.err)"
"$TOUCHMEM" -m 8 >/dev/null
kill -INT $kpid
wait $kpid || fail "whole-system record exited $?: $(cat rec.err)"
no_instances_left
tracecmd_events w.dat >tc.txt
[ "$(wc -l <tc.txt)" -gt 0 ] || fail "whole-system recording is empty"
ok "whole-system SIGINT: $(wc -l <tc.txt) events"
