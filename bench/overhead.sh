#!/bin/bash
# Overhead of recording on a kmem-heavy workload, as ratios to the same
# workload untraced, all measured in one run (ROUNDS rounds, median):
#   untraced | events on, no reader (the kernel's own cost) | kmemscope record
#   | kmemscope top (live aggregation) | perf record of the same tracepoints
#   | bpftrace counting them
# Usage (root): bench/overhead.sh [ITERATIONS] [ROUNDS]
set -eu
cd "$(dirname "$0")/.."
ITER=${1:-100000}
ROUNDS=${2:-5}
T=/sys/kernel/tracing
KMS=./kmemscope
LOAD=bench/kmemload
EVENTS="kmalloc kfree kmem_cache_alloc kmem_cache_free mm_page_alloc mm_page_free"
OUT=$(mktemp -d)
trap 'rmdir $T/instances/kms-bench 2>/dev/null || true; rm -rf $OUT' EXIT

cc -O2 -o $LOAD bench/kmemload.c
[ -x $KMS ] || { echo "build kmemscope first" >&2; exit 1; }

run_untraced() { $LOAD $ITER; }
run_nreader() {
	mkdir $T/instances/kms-bench
	for e in $EVENTS; do echo 1 >$T/instances/kms-bench/events/kmem/$e/enable; done
	$LOAD $ITER
	echo 0 >$T/instances/kms-bench/tracing_on
	rmdir $T/instances/kms-bench
}
run_kmemscope() {
	local args=""
	for e in $EVENTS; do args="$args -e kmem:$e"; done
	$KMS record -q -o $OUT/k.dat $args -- $LOAD $ITER
}
run_ktop() {
	{
		echo "description bench"
		for e in $EVENTS; do echo "event kmem:$e"; done
		echo "table slab"
		echo "table pages"
	} >$OUT/bench.recipe
	$KMS top -r $OUT/bench.recipe --json -n 1 -- $LOAD $ITER >$OUT/top.out
	grep -m1 -E '^[0-9]+\.[0-9]+$' $OUT/top.out
}
run_perf() {
	local args=""
	for e in $EVENTS; do args="$args -e kmem:$e"; done
	perf record -q -o $OUT/perf.data $args -a -- $LOAD $ITER 2>/dev/null
}
run_bpftrace() {
	local probes=""
	for e in $EVENTS; do probes="${probes:+$probes,}tracepoint:kmem:$e"; done
	bpftrace -q -e "$probes { @[probe] = count(); } END { clear(@); }" -c "$LOAD $ITER" 2>/dev/null | head -1
}

modes="untraced nreader kmemscope ktop"
command -v perf >/dev/null && perf list 2>/dev/null | grep -q kmem:kmalloc && modes="$modes perf"
command -v bpftrace >/dev/null && modes="$modes bpftrace"
for r in $(seq $ROUNDS); do
	for m in $modes; do
		t=$(run_$m | tail -1)
		echo "$m $t" >>$OUT/times
	done
done
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
base=$(awk '$1=="untraced"{print $2}' $OUT/times | median)
echo "workload: bench/kmemload $ITER (events: $EVENTS), $ROUNDS rounds, median seconds"
for m in $modes; do
	t=$(awk -v m=$m '$1==m{print $2}' $OUT/times | median)
	awk -v m=$m -v t=$t -v b=$base 'BEGIN { printf "%-10s %8.3f s  x%.3f\n", m, t, t / b }'
done
