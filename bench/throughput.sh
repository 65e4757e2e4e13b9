#!/bin/bash
# Throughput of reading recordings (bench/README.md): kmemscope report -r
# overview on our recording, perf kmem --slab --page stat on perf's own
# recording of the same workload, trace-cmd report of our recording to
# /dev/null; on one core (taskset), at 1x and 10x sizes, as a markdown
# table of events/s and peak RSS. Then callgrind's instructions per event
# of report on the committed fixture, which no machine noise moves.
# Usage (root): bench/throughput.sh BUILDDIR [ITERATIONS] [RUNS]
set -eu
. "$(dirname "$0")/lib.sh"
ITER=${2:-2000}
RUNS=${3:-5}
CPU=$(($(nproc) - 1))
# The command's wall, user and system seconds to the millisecond (bash's
# time; GNU time's have two decimals, 6% of a 0.16 s run), its errors in
# $OUT/err; GNU time around it takes the peak RSS.
PRECISE='TIMEFORMAT="%3R %3U %3S"; { time taskset -c '$CPU' "$@" >/dev/null 2>'$OUT'/err; } 2>'$OUT'/t'

# Run "$@" RUNS times on one core; prints median wall s, cpu s, peak RSS KB,
# the runs that failed (their errors in $OUT/err) and the least cpu s.
timed() {
	local i failed=0

	: >$OUT/runs
	for i in $(seq $RUNS); do
		/usr/bin/time -f %M -o $OUT/rus bash -c "$PRECISE" bash "$@" || failed=$((failed + 1))
		echo "$(tail -1 $OUT/t) $(tail -1 $OUT/rus)" >>$OUT/runs
	done
	echo "$(awk '{print $1}' $OUT/runs | median) $(awk '{print $2 + $3}' $OUT/runs | median) $(awk '{print $4}' $OUT/runs | median) $failed $(awk '{print $2 + $3}' $OUT/runs | sort -g | head -1)"
}

row() {	# name, events, "wall cpu rss failed least-cpu"
	set -- "$1" "$2" $3
	if [ "$6" != 0 ]; then
		echo "| $1 | $2 | failed in $6 of $RUNS runs: $(grep -v '^Command exited' $OUT/err | tail -1) | | | |"
		return
	fi
	awk -v n="$1" -v e=$2 -v w=$3 -v c=$4 -v r=$5 'BEGIN {
		printf "| %s | %d | %.3f | %.3f | %.2fM | %.0f MB |\n", n, e, w, c, e / c / 1e6, r / 1024 }'
}

have_perf=0
command -v perf >/dev/null && perf list tracepoint 2>/dev/null | grep -q kmem:kmalloc && have_perf=1
have_tc=0
command -v trace-cmd >/dev/null && have_tc=1

echo "| reader | size | events | wall s | CPU s | M events/s (CPU) | peak RSS |"
echo "|---|---|---|---|---|---|---|"
for x in 1 10; do
	n=$((ITER * x))
	$KMS record -r overview -b 32768 -q -o $OUT/k$x.dat -- $LOAD $n >/dev/null
	ev=$($KMS report --json $OUT/k$x.dat | awk -F'[:,]' '/"events"/ {gsub(/[ \t]/, "", $2); print $2; exit}')
	r=$(timed $KMS report -r overview $OUT/k$x.dat)
	echo "kms $x $ev $r" >>$OUT/all
	row "\`kmemscope report -r overview\`" "$ev" "$r" | sed "s/^| \([^|]*\) |/| \1 | ${x}x |/"
	if [ $have_perf = 1 ]; then
		perf kmem --slab --page record -o $OUT/p$x.data -- $LOAD $n >/dev/null 2>&1
		pev=$(perf report -i $OUT/p$x.data --stats 2>/dev/null | awk '/SAMPLE events:/ {print $3; exit}')
		r=$(timed perf kmem --slab --page -i $OUT/p$x.data stat)
		echo "perf $x $pev $r" >>$OUT/all
		row "\`perf kmem --slab --page stat\` (perf's file)" "$pev" "$r" | sed "s/^| \([^|]*\) |/| \1 | ${x}x |/"
		rm -f $OUT/p$x.data
	fi
	if [ $have_tc = 1 ]; then
		RUNS_SAVE=$RUNS RUNS=1
		r=$(timed trace-cmd report $OUT/k$x.dat)
		RUNS=$RUNS_SAVE
		row "\`trace-cmd report >/dev/null\`" "$ev" "$r" | sed "s/^| \([^|]*\) |/| \1 | ${x}x |/"
	fi
	[ $x = 10 ] || rm -f $OUT/k$x.dat
done
echo
awk -v runs=$RUNS '$1 == "kms" {e[$2] = $3; c[$2] = $5; r[$2] = $6; least[$2] = $8}
     $1 == "perf" && $7 == 0 {pe[$2] = $3; pc[$2] = $5}
     END {
	fast = least[10] > 0 ? e[10] / least[10] / 1e6 : 0
	printf "report: %.2fM events/s at 10x (the fastest of its %d runs: %.2fM); RSS 10x/1x: %.2f", e[10] / c[10] / 1e6, runs, fast, r[10] / r[1]
	x = pc[10] ? 10 : 1
	if (pc[x]) printf "; %.1fx the events/s of perf kmem stat (at %dx)", (e[x] / c[x]) / (pe[x] / pc[x]), x
	printf "\n"
     }' $OUT/all
[ $have_perf = 1 ] || echo "perf kmem: skipped (perf or its kmem tracepoints are missing)"
[ $have_tc = 1 ] || echo "trace-cmd report: skipped (trace-cmd is not installed)"

# Instructions per event: callgrind on the committed fixture.
if command -v valgrind >/dev/null; then
	xz -dc $S/bench/fixture-kmemload.dat.xz >$OUT/fx.dat
	fev=$($KMS report --json $OUT/fx.dat | awk -F'[:,]' '/"events"/ {gsub(/[ \t]/, "", $2); print $2; exit}')
	valgrind --tool=callgrind --callgrind-out-file=$OUT/cg.out $KMS report -r overview $OUT/fx.dat >/dev/null 2>$OUT/cg.err
	total=$(awk '/^summary:/ {print $2}' $OUT/cg.out)
	loop=$(callgrind_annotate --inclusive=yes $OUT/cg.out 2>/dev/null |
		awk '/kms_file_iterate_runs/ {gsub(/,/, "", $1); print $1; exit}')
	echo
	awk -v t=$total -v l=${loop:-0} -v e=$fev 'BEGIN {
		printf "callgrind, bench/fixture-kmemload.dat (%d events): %.0f instructions per event in the event loop (kms_file_iterate_runs), %.0f per event for the whole run (%.1fM instructions)\n", e, l / e, t / e, t / 1e6 }'
else
	echo "callgrind: skipped (valgrind is not installed)"
fi
