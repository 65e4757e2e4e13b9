#!/bin/bash
# Live: record a command that touches 16 MiB of fresh anonymous memory;
# trace-cmd report must read the file without warnings and list the same
# events as kmemscope report; the program's pid must show >= 4096 user
# faults; a second run keeps the first file as .old; nothing is left behind.
. "$TESTLIB"
set -o pipefail		# a pipeline fails when any of its stages does
need_live
need_tracecmd
cd "$WORK"

"$KMS" record -q -e kmem:mm_page_alloc -e exceptions:page_fault_user -o t.dat -- \
	"$TOUCHMEM" -m 16 >prog.out 2>rec.err || fail "record failed: $(cat rec.err)"
pid=$(sed -n 's/^pid=\([0-9]*\) .*/\1/p' prog.out)
[ -n "$pid" ] || fail "test program printed no pid"
no_instances_left

tracecmd_events t.dat >tc.txt
"$KMS" report --events t.dat 2>/dev/null | grep -v '^cpus=' >km.txt || fail "kmemscope report failed"
ntc=$(wc -l <tc.txt)
nkm=$(wc -l <km.txt)
[ "$ntc" -eq "$nkm" ] || fail "trace-cmd lists $ntc events, kmemscope $nkm"
cmp -s tc.txt km.txt || fail "event lines differ from trace-cmd report"
nf=$(grep -E -- "-$pid +\[[0-9]+\] .* page_fault_user:" tc.txt | wc -l)
[ "$nf" -ge 4096 ] || fail "pid $pid has $nf page_fault_user events, want >= 4096"
grep -q 'mm_page_alloc:' tc.txt || fail "no mm_page_alloc recorded"
ok "trace-cmd and kmemscope agree on $ntc events; pid $pid has $nf user faults"

# A second recording keeps the first as t.dat.old, byte for byte.
cp t.dat first.dat
"$KMS" record -q -e kmem:mm_page_alloc -o t.dat -- true 2>rec.err || fail "second record failed: $(cat rec.err)"
cmp -s first.dat t.dat.old || fail "t.dat.old is not the previous recording"
left=$(ls | grep '\.tmp$') && fail "temporary file left: $left"
no_instances_left
ok "previous recording kept as t.dat.old"

# A command that cannot run: clear error, no output file, nothing left.
rm -f n.dat
if "$KMS" record -q -o n.dat -- /nonexistent/prog 2>err.txt; then fail "record of a missing command succeeded"; fi
grep -q 'cannot run /nonexistent/prog' err.txt || fail "unclear error: $(cat err.txt)"
[ ! -e n.dat ] || fail "n.dat written for a failed run"
no_instances_left
ok "missing command reported: $(cat err.txt)"
