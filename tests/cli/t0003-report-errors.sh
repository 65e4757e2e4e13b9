#!/bin/bash
# Bad input to report: a one-line error naming the file and a non-zero
# exit, never a crash, for missing, foreign, truncated and corrupt files.
. "$TESTLIB"
WRITE=$UNITDIR/unit-tracedat
cd "$WORK"

check_err() {	# file, pattern
	local rc
	"$KMS" report "$1" >out 2>err && fail "report accepted $1"
	rc=$?
	[ $rc -ge 1 ] && [ $rc -lt 126 ] || fail "report on $1 exited $rc (crash?)"
	grep -q -- "$2" err || fail "report $1: '$(cat err)' lacks '$2'"
	grep -q "$1" err || fail "report $1: error does not name the file: $(cat err)"
}

check_err missing.dat "No such file"
echo "hello" >text.dat
check_err text.dat "not a trace.dat file"
"$WRITE" --write "$FIXTURES/live-6.18" good.dat || fail "cannot build a trace.dat"
"$KMS" report good.dat >/dev/null || fail "report on a good file failed"
for size in 12 200 5000 20000; do
	head -c $size good.dat >trunc.dat
	check_err trunc.dat "trunc"
done
# Flip bytes inside the event data: an error or a clean report, never a crash.
cp good.dat corrupt.dat
len=$(stat -c %s corrupt.dat)
for off in $((len - 3000)) $((len - 70000)) $((len - 150000)); do
	printf '\xff\xff\xff\xff\xff\xff\xff\xff' | dd of=corrupt.dat bs=1 seek=$off conv=notrunc 2>/dev/null
done
"$KMS" report --events corrupt.dat >/dev/null 2>err
rc=$?
[ $rc -lt 126 ] || fail "report crashed on corrupt data (exit $rc)"
ok "missing, foreign, truncated and corrupt files handled"
