#!/bin/bash
# Unit: kmemscope report --events on a trace.dat made from the committed
# raw pages prints exactly the lines trace-cmd report printed for it,
# including the "[N EVENTS DROPPED]" lines of the lossy fixture.
. "$TESTLIB"
WRITE=$(dirname "$KMS")/tests/unit-tracedat

for fx in live-6.18 lossy-6.18; do
	"$WRITE" --write "$FIXTURES/$fx" "$WORK/$fx.dat" || fail "cannot write $fx"
	"$KMS" report --events "$WORK/$fx.dat" >"$WORK/got" 2>"$WORK/err" || fail "report failed: $(cat "$WORK/err")"
	if ! diff -u "$FIXTURES/$fx/tracecmd-report.txt" "$WORK/got" >"$WORK/diff"; then
		head -20 "$WORK/diff" >&2
		fail "$fx: report --events differs from trace-cmd report"
	fi
	ok "$fx: $(wc -l <"$WORK/got") lines identical to trace-cmd report"
done
# The lossy fixture's known drop counts (trace-cmd's own lines) are reported as lost.
want=$(grep -o '\[[0-9]* EVENTS DROPPED\]' "$FIXTURES/lossy-6.18/tracecmd-report.txt" | tr -dc '0-9\n' | awk '{s+=$1} END {print s}')
"$KMS" report "$WORK/lossy-6.18.dat" >"$WORK/sum" || fail "report summary failed"
grep -q "lost: $want\$" "$WORK/sum" || fail "summary does not report lost $want: $(head -1 "$WORK/sum")"
ok "lossy summary reports lost $want"
