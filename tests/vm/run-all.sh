#!/bin/bash
# The VM test tier (make check-vm): tests/vm/setup.sh (qemu, busybox,
# cpio, the cloud kernel), then every tests/vm/t-*.sh in turn.
# Writes $KMS_VM_RESULTS (default tests/vm/results.txt) with one line per
# result, "PASS name", "FAIL name" or "SKIP name", for .ci/run to count, and
# prints "N passed, N failed, N skipped".
# Exit: 0 no failure, 1 a failure, 77 everything skipped (qemu cannot run).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
: "${KMS_VM_RESULTS:=$PWD/tests/vm/results.txt}"
: "${KMS_VM_LOGDIR:=$(dirname "$KMS_VM_RESULTS")/logs}"
export KMS_VM_RESULTS KMS_VM_LOGDIR
mkdir -p "$(dirname "$KMS_VM_RESULTS")" "$KMS_VM_LOGDIR"
: >"$KMS_VM_RESULTS"
tests=$(ls "$HERE"/t-*.sh)

totals() {
	local p f s
	p=$(grep -c '^PASS ' "$KMS_VM_RESULTS"); f=$(grep -c '^FAIL ' "$KMS_VM_RESULTS")
	s=$(grep -c '^SKIP ' "$KMS_VM_RESULTS")
	echo "vm: $p passed, $f failed, $s skipped"
	[ "$f" = 0 ] || exit 1
	[ "$p" != 0 ] || exit 77
	exit 0
}

t0=$EPOCHREALTIME
if ! kernel=$("$HERE/setup.sh" 2>"$KMS_VM_LOGDIR/setup.log" | tail -1) || [ -z "$kernel" ]; then
	cat "$KMS_VM_LOGDIR/setup.log" >&2
	if ! command -v qemu-system-x86_64 >/dev/null; then
		echo "SKIP: qemu-system-x86_64 is not available and tests/vm/setup.sh could not install it" >&2
		for t in $tests; do echo "SKIP $(basename "$t" .sh)" >>"$KMS_VM_RESULTS"; done
	else
		echo "FAIL: tests/vm/setup.sh failed" >&2
		echo "FAIL vm-setup" >>"$KMS_VM_RESULTS"
	fi
	totals
fi
echo "vm: kernel $kernel (setup $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s)"
export KMS_VM_KERNEL=$kernel

for t in $tests; do
	name=$(basename "$t" .sh)
	echo "=== $name"
	before=$(wc -l <"$KMS_VM_RESULTS")
	ts=$EPOCHREALTIME
	bash "$t"
	rc=$?
	echo "=== $name: exit $rc, $(awk -v a="$ts" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"
	# A test that failed without saying so still counts as a failure.
	if [ $rc != 0 ] && [ $rc != 77 ] &&
		! tail -n +"$((before + 1))" "$KMS_VM_RESULTS" | grep -q '^FAIL '; then
		echo "FAIL $name" >>"$KMS_VM_RESULTS"
	fi
	if [ $rc = 77 ] && [ "$(wc -l <"$KMS_VM_RESULTS")" = "$before" ]; then
		echo "SKIP $name" >>"$KMS_VM_RESULTS"
	fi
done
totals
