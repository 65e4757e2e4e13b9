#!/bin/bash
# VM test: Debian's cloud kernel under lockdown=confidentiality. The guest
# (tests/vm/guest-confidentiality.sh) records what tracefs looks like and
# checks that kmemscope record fails with a one-line message.
# Exit: 0 all passed, 1 a failure, 77 qemu cannot run here.
set -u
. "$(dirname "$0")/lib.sh"
vm_test confidentiality "lockdown=confidentiality${KMS_VM_APPEND:+ $KMS_VM_APPEND}" "$VM_DIR/guest-confidentiality.sh"
