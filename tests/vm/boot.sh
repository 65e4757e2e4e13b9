#!/bin/bash
# Boot Debian's cloud kernel under qemu (TCG) with the test initramfs.
#   tests/vm/boot.sh CMDLINE_EXTRA TEST_SCRIPT OUTPUT_LOG [EXTRA...]
# Builds the initramfs (tests/vm/mkinitramfs.sh, EXTRA passed on), runs the
# guest with the serial console captured in OUTPUT_LOG, and prints the time
# to /init and the total time. Exit: 0 when the guest printed KMS-VM-DONE,
# 1 when it did not (timeout, panic, ...), 77 when qemu cannot run at all.
# Environment: KMS_VM_KERNEL (vmlinuz; else tests/vm/setup.sh finds it),
# KMS_VM_TIMEOUT (seconds, default 600), KMS_VM_MEM (MiB, default 1024),
# KMS_VM_SMP (default 2), KMS_VM_VERBOSE=1 (copy the console to stderr),
# KMS, TOUCHMEM, OPENCLOSE, RECIPES (see mkinitramfs.sh).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
die() { echo "vm-boot: error: $*" >&2; exit 1; }
skip() { echo "vm-boot: SKIP: $*" >&2; exit 77; }
[ $# -ge 3 ] || die "usage: $0 CMDLINE_EXTRA TEST_SCRIPT OUTPUT_LOG [EXTRA...]"
APPEND=$1 SCRIPT=$2 LOG=$3; shift 3
TMO=${KMS_VM_TIMEOUT:-600}
QEMU=${QEMU:-qemu-system-x86_64}

command -v "$QEMU" >/dev/null || skip "$QEMU is not installed (tests/vm/setup.sh installs qemu-system-x86)"
qv=$("$QEMU" -version 2>&1) || skip "$QEMU does not run: $(echo "$qv" | head -2 | tr '\n' ' ')"

KERNEL=${KMS_VM_KERNEL:-}
if [ -z "$KERNEL" ]; then
	KERNEL=$("$HERE/setup.sh" | tail -1) || die "tests/vm/setup.sh failed"
fi
[ -r "$KERNEL" ] || die "kernel $KERNEL is not readable"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/kms-vm.XXXXXX")
qpid='' watch=''
cleanup() {
	if [ -n "$qpid" ] && kill -0 "$qpid" 2>/dev/null; then
		kill -TERM "$qpid" 2>/dev/null
		sleep 1
		kill -KILL "$qpid" 2>/dev/null
		wait "$qpid" 2>/dev/null
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

INITRD=$WORK/initrd.cpio.gz
"$HERE/mkinitramfs.sh" "$INITRD" "$SCRIPT" "$@" || die "mkinitramfs.sh failed"

mkdir -p "$(dirname "$LOG")"
: >"$LOG"
t0=$EPOCHREALTIME
# -nographic: serial on stdout, captured in LOG. stdin is /dev/null so
# qemu never touches the caller's terminal.
timeout -k 10 "$TMO" "$QEMU" -accel tcg -m "${KMS_VM_MEM:-1024}" -smp "${KMS_VM_SMP:-2}" \
	-nographic -no-reboot -kernel "$KERNEL" -initrd "$INITRD" \
	-append "console=ttyS0 panic=-1 $APPEND" \
	</dev/null >"$LOG" 2>"$WORK/qemu.err" &
qpid=$!
if [ "${KMS_VM_VERBOSE:-0}" = 1 ]; then
	tail -n +1 -f --pid="$qpid" "$LOG" >&2 &
	watch=$!
fi
t_init=
while kill -0 "$qpid" 2>/dev/null; do
	if [ -z "$t_init" ] && grep -q '^KMS-VM-INIT' "$LOG" 2>/dev/null; then
		t_init=$EPOCHREALTIME
	fi
	sleep 0.1
done
wait "$qpid"
qrc=$?
qpid=
t1=$EPOCHREALTIME
[ -z "$watch" ] || wait "$watch" 2>/dev/null
[ -n "$t_init" ] || ! grep -q '^KMS-VM-INIT' "$LOG" || t_init=$t1

secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
tr -d '\r' <"$LOG" >"$WORK/log" && cat "$WORK/log" >"$LOG"
if [ -s "$WORK/qemu.err" ]; then
	sed 's/^/qemu: /' "$WORK/qemu.err" >&2
fi
# qemu failed before the guest printed anything: it cannot run here.
if [ "$qrc" != 0 ] && [ "$qrc" != 124 ] && [ "$qrc" != 137 ] &&
	! grep -q 'Linux version' "$LOG"; then
	skip "$QEMU cannot start (exit $qrc): $(head -3 "$WORK/qemu.err" | tr '\n' ' ')"
fi
to_init=never
[ -z "$t_init" ] || to_init="$(secs "$t0" "$t_init") s"
echo "vm-boot: $(basename "$SCRIPT") [$APPEND]: /init after $to_init, total $(secs "$t0" "$t1") s, qemu exit $qrc"
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	echo "vm-boot: qemu timed out after $TMO s" >&2
fi
if ! grep -q '^KMS-VM-DONE' "$LOG"; then
	echo "vm-boot: no KMS-VM-DONE in $LOG; last lines:" >&2
	tail -n 15 "$LOG" | sed 's/^/  | /' >&2
	exit 1
fi
exit 0
