#!/bin/bash
# Bad input to report: one line on stderr naming the file and the
# documented status (kmemscope(1), EXIT STATUS), never a crash: 1 for a
# missing or foreign file, 8 for a truncated or corrupt trace.dat.
. "$TESTLIB"
WRITE=$UNITDIR/unit-tracedat
cd "$WORK"

check_err() {	# file, pattern, status
	expect_fail "$3" "$2" "$KMS" report "$1"
	grep -q "$1" err || fail "report $1: error does not name the file: $(cat err)"
}

check_err missing.dat "No such file" 1
echo "hello" >text.dat
check_err text.dat "not a trace.dat file" 1
"$WRITE" --write "$FIXTURES/live-6.18" good.dat || fail "cannot build a trace.dat"
"$KMS" report good.dat >/dev/null || fail "report on a good file failed"
for size in 12 200 5000 20000; do
	head -c $size good.dat >trunc.dat
	check_err trunc.dat "trunc" 8
done
# Flip bytes inside the event data: an error or a clean report, never a crash.
cp good.dat corrupt.dat
len=$(stat -c %s corrupt.dat)
for off in $((len - 3000)) $((len - 70000)) $((len - 150000)); do
	printf '\xff\xff\xff\xff\xff\xff\xff\xff' | dd of=corrupt.dat bs=1 seek=$off conv=notrunc 2>/dev/null
done
# Exit 0, or 8 with one line naming the file; the events and the tables.
check_corrupt() {	# report options...
	local rc=0
	"$KMS" report "$@" corrupt.dat >/dev/null 2>err || rc=$?
	case $rc in
	0) ;;
	8) [ "$(wc -l <err)" -eq 1 ] && grep -q corrupt.dat err ||
		fail "report $* corrupt.dat: want one line naming the file, got: $(cat err)" ;;
	*) fail "report $* on corrupt data exited $rc, want 0 or 8: $(cat err)" ;;
	esac
}
check_corrupt --events
check_corrupt
ok "missing, foreign, truncated and corrupt files handled"
