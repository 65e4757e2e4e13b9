#!/bin/bash
# VM test: Debian's cloud kernel under lockdown=integrity. The guest
# (tests/vm/guest-integrity.sh) records with kmemscope and trace-cmd and
# compares their reports; tests/vm/tests.d/*.sh (kprobe recipe tests) run
# in the guest's "kprobe tests" hook.
# Exit: 0 all passed, 1 a failure, 77 qemu cannot run here.
set -u
. "$(dirname "$0")/lib.sh"
extra=()
for f in "$VM_DIR"/tests.d/*.sh; do
	[ -e "$f" ] && extra+=("$f=/tests.d/$(basename "$f")")
done
vm_test integrity "lockdown=integrity${KMS_VM_APPEND:+ $KMS_VM_APPEND}" "$VM_DIR/guest-integrity.sh" "${extra[@]}"
