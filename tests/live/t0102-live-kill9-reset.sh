#!/bin/bash
# Live: after kill -9 the instance stays; kmemscope reset removes it and
# says so, but leaves a running kmemscope's instance alone; record also
# clears stale instances before it starts.
. "$TESTLIB"
need_live
cd "$WORK"

start_bg() {
	"$KMS" record -q -e kmem:mm_page_alloc -o "$1" >/dev/null 2>&1 &
	BG=$!
	for i in $(seq 100); do
		[ -d "$T/instances/kmemscope-$BG" ] && return 0
		sleep 0.1
	done
	fail "instance kmemscope-$BG never appeared"
}

# The live one starts first: a starting record clears stale instances itself.
start_bg b.dat
live=$BG
start_bg a.dat
dead=$BG
kill -9 $dead
wait $dead 2>/dev/null
[ -d "$T/instances/kmemscope-$dead" ] || fail "instance vanished without reset (test is void)"
"$KMS" reset >reset.out 2>&1 || fail "reset failed: $(cat reset.out)"
grep -qx "removed stale instance kmemscope-$dead" reset.out || fail "reset did not report kmemscope-$dead: $(cat reset.out)"
[ ! -d "$T/instances/kmemscope-$dead" ] || fail "stale instance still there"
[ -d "$T/instances/kmemscope-$live" ] || fail "reset removed the instance of a running kmemscope"
kill -INT $live
wait $live || fail "live recorder failed after reset"
no_instances_left
ok "reset removed kmemscope-$dead and kept kmemscope-$live"

"$KMS" reset >reset.out 2>&1 || fail "second reset failed"
grep -qx 'nothing to remove' reset.out || fail "second reset: $(cat reset.out)"

# record itself clears a stale instance first.
start_bg c.dat
dead=$BG
kill -9 $dead
wait $dead 2>/dev/null
"$KMS" record -e kmem:mm_page_alloc -o d.dat -- true >/dev/null 2>rec.err || fail "record failed: $(cat rec.err)"
grep -q "removed stale instance kmemscope-$dead" rec.err || fail "record did not clear kmemscope-$dead: $(cat rec.err)"
no_instances_left
ls -a | grep -q '\.tmp$' && fail "temporary file left behind"
ok "record cleared stale kmemscope-$dead"
