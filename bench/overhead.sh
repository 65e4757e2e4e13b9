#!/bin/bash
# Overhead of collecting on a kmem-heavy workload (bench/README.md): the
# workload's own wall time under each collector, ROUNDS interleaved rounds,
# as a markdown table of medians and min-max, ratios to untraced and to the
# floor, lost events, the collector's CPU seconds per million events and
# its peak RSS.
# Usage (root): bench/overhead.sh BUILDDIR [ITERATIONS] [ROUNDS]
set -eu
. "$(dirname "$0")/lib.sh"
ITER=${2:-20000}
ROUNDS=${3:-5}
FLOOR=$B/bench/floor
# The overview recipe's events, and the process events every live session adds.
EVENTS="kmem:mm_page_alloc kmem:mm_page_free kmem:kmalloc kmem:kfree
	kmem:kmem_cache_alloc kmem:kmem_cache_free exceptions:page_fault_user
	exceptions:page_fault_kernel kmem:rss_stat sched:sched_process_fork
	sched:sched_process_exec sched:sched_process_exit"
TIME=/usr/bin/time

eargs() { for e in $EVENTS; do printf -- '-e %s ' "$e"; done; }

# Each mode runs the workload once; stdout: the workload's "WALL USER SYS",
# $OUT/lost (written by the mode or, untimed, its post_ step): events lost
# (or "-"). The whole tree's rusage goes to $OUT/rus.
run_untraced() { $LOAD $ITER; echo - >$OUT/lost; }
run_floor() {
	$FLOOR -b 8192 $(eargs) -- $LOAD $ITER 2>$OUT/floor.err
	awk '/^floor:/ {print $2}' $OUT/floor.err >>$OUT/floor.events
	echo - >$OUT/lost
}
run_record() { $KMS record -r overview -q -o $OUT/k.dat -- $LOAD $ITER; }
post_record() {
	$KMS report --json $OUT/k.dat | awk -F'[:,]' '/"lost_events"/ {gsub(/[ \t]/, "", $2); print $2; exit}' >$OUT/lost
}
run_top() {
	$KMS top -r overview --json -n 1 -- $LOAD $ITER >$OUT/top.out
	grep -E '^[0-9.]+ [0-9.]+ [0-9.]+$' $OUT/top.out
	tail -1 $OUT/top.out | grep -o '"lost_events":[ \t]*[0-9]*' | grep -o '[0-9]*$' >$OUT/lost || echo "?" >$OUT/lost
}
run_perf() {
	perf record -q -o $OUT/perf.data $(eargs) -- $LOAD $ITER 2>/dev/null
}
post_perf() {
	perf report -i $OUT/perf.data --stats 2>/dev/null |
		awk '/LOST events:/ {n += $3} /LOST_SAMPLES events:/ {n += $3} END {print n + 0}' >$OUT/lost
}
run_bpftrace() {
	local probes=""

	for e in $EVENTS; do probes="${probes:+$probes,}tracepoint:$e"; done
	bpftrace -q -e "$probes { @[pid] = count(); } END { clear(@); }" -c "$LOAD $ITER" 2>/dev/null |
		grep -E '^[0-9.]+ [0-9.]+ [0-9.]+$'
	echo "0" >$OUT/lost	# in-kernel maps: nothing to lose
}

modes="untraced floor record top"
notes=""
if command -v perf >/dev/null && perf list tracepoint 2>/dev/null | grep -q kmem:kmalloc; then
	modes="$modes perf"
else
	notes="$notes perf: not installed or no tracepoints;"
fi
if command -v bpftrace >/dev/null && bpftrace -e 'BEGIN { exit(); }' >/dev/null 2>&1; then
	modes="$modes bpftrace"
else
	notes="$notes bpftrace: not installed or cannot load programs;"
fi

for r in $(seq $ROUNDS); do
	for m in $modes; do
		line=$($TIME -f '%U %S %M' -o $OUT/rus bash -c "$(declare -f run_$m eargs); \
			OUT=$OUT LOAD=$LOAD ITER=$ITER KMS=$KMS FLOOR=$FLOOR EVENTS='$EVENTS'; run_$m" | tail -1)
		! declare -f post_$m >/dev/null || post_$m
		# wall, workload cpu, tree cpu, peak rss, lost
		echo "$m $line $(cat $OUT/rus | tail -1) $(cat $OUT/lost)" >>$OUT/times
	done
done

col() { awk -v m=$1 -v c=$2 '$1==m {print $c}' $OUT/times; }
base=$(col untraced 2 | median)
floor=$(col floor 2 | median)
events=$(median <$OUT/floor.events)
echo "Workload: \`bench/kmemload $ITER\`, $ROUNDS interleaved rounds; events per run (the floor's ring buffers): $events"
echo
echo "| configuration | wall s median (min-max) | x untraced | x floor | lost events | collector CPU s / M events | collector peak RSS |"
echo "|---|---|---|---|---|---|---|"
for m in $modes; do
	t=$(col $m 2 | median)
	lo=$(col $m 2 | sort -g | head -1)
	hi=$(col $m 2 | sort -g | tail -1)
	# collector CPU: the tree's user+sys less the workload's own
	cpu=$(awk -v m=$m '$1==m {print $5 + $6 - $3 - $4}' $OUT/times | median)
	rss=$(col $m 7 | median)
	lost=$(col $m 8 | sort -g | tr '\n' ' ' | sed 's/ $//; s/ /, /g')
	case $m in
	untraced) name="untraced"; cpu=-; rss=-; lost=-;;
	floor) name="floor: events on, no reader"; cpu=-; rss=-; lost=-;;
	record) name="\`kmemscope record -r overview\`";;
	top) name="\`kmemscope top -r overview --json\`";;
	perf) name="\`perf record\` of the same tracepoints";;
	bpftrace) name="bpftrace counting them per pid";;
	esac
	awk -v n="$name" -v t=$t -v lo=$lo -v hi=$hi -v b=$base -v f=$floor -v l="$lost" \
	    -v c=$cpu -v r=$rss -v e=$events 'BEGIN {
		cs = c == "-" ? "-" : sprintf("%.2f", c / (e / 1e6));
		rs = r == "-" ? "-" : sprintf("%.0f MB", r / 1024);
		printf "| %s | %.3f (%.3f-%.3f) | %.2f | %.2f | %s | %s | %s |\n", n, t, lo, hi, t / b, t / f, l, cs, rs }'
done
[ -z "$notes" ] || { echo; echo "Skipped:$notes"; }
