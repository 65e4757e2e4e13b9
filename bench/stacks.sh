#!/bin/bash
# The cost of kernel stacks (issue 13): the slab-heavy workload's wall time
# recorded with the slab events and no stacks, with a stack after every
# slab allocation, and with stacks only for allocations over 256 bytes, as
# ratios to the same workload untraced (ROUNDS rounds, median). Not part of
# make check.
# Usage (root): bench/stacks.sh BUILDDIR [ITERATIONS] [ROUNDS]
#   (after make in BUILDDIR, and make bench/kmemload there)
set -eu
. "$(dirname "$0")/lib.sh"
ITER=${2:-50000}
ROUNDS=${3:-3}
[ -x $KMS ] && [ -x $LOAD ] || { echo "make kmemscope and bench/kmemload in $B first" >&2; exit 1; }

# A recipe with the slab events; $1 is appended (its stack lines).
recipe() {
	{
		echo "description stacks bench"
		for e in kmalloc kfree kmem_cache_alloc kmem_cache_free; do echo "event kmem:$e"; done
		echo "table slab"
		printf '%b' "$1"
	} >$OUT/$2.recipe
}
recipe "" nostacks
recipe "stack kmem:kmalloc\nstack kmem:kmem_cache_alloc\n" all
recipe "stack kmem:kmalloc if bytes_alloc > 256\nstack kmem:kmem_cache_alloc if bytes_alloc > 256\n" over256

run_untraced() { $LOAD $ITER; }
run_nostacks() { $KMS record -q -r $OUT/nostacks.recipe -o $OUT/n.dat -- $LOAD $ITER; }
run_all() { $KMS record -q -r $OUT/all.recipe -o $OUT/a.dat -- $LOAD $ITER; }
run_over256() { $KMS record -q -r $OUT/over256.recipe -o $OUT/o.dat -- $LOAD $ITER; }

modes="untraced nostacks all over256"
for r in $(seq $ROUNDS); do
	for m in $modes; do
		t=$(run_$m | tail -1)
		echo "$m $t" >>$OUT/times
	done
done
base=$(awk '$1=="untraced"{print $2}' $OUT/times | median)
echo "workload: bench/kmemload $ITER (slab events), $ROUNDS rounds, median seconds"
for m in $modes; do
	t=$(awk -v m=$m '$1==m{print $2}' $OUT/times | median)
	awk -v m=$m -v t=$t -v b=$base 'BEGIN { printf "%-10s %8.3f s  x%.3f\n", m, t, t / b }'
done
for f in a o; do
	$KMS report -r $OUT/all.recipe --folded --weight count $OUT/$f.dat 2>&1 >/dev/null |
		sed "s/^kmemscope:/$([ $f = a ] && echo all || echo over256):/"
done
