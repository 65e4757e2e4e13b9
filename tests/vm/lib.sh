# Host-side helpers for the VM tests (sourced by tests/vm/t-*.sh).
#   vm_test NAME CMDLINE_EXTRA GUEST_SCRIPT [EXTRA...]
# boots the guest (tests/vm/boot.sh), keeps its console in
# $KMS_VM_LOGDIR/NAME.console.log, turns every "KMS-RESULT <test> <status>
# <detail>" line into "<status> NAME/<test>" in $KMS_VM_RESULTS (when set),
# adds NAME/vm-done (the guest reached KMS-VM-DONE), prints the guest's
# KMS-INFO lines and a total "N passed, N failed, N skipped", and returns
# 0, 1 (a failure) or 77 (qemu cannot run here).
VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRCDIR=${SRCDIR:-$(cd "$VM_DIR/../.." && pwd)}
export SRCDIR
: "${KMS_VM_LOGDIR:=$PWD/tests/vm/logs}"

vm_record() { # STATUS NAME
	[ -z "${KMS_VM_RESULTS:-}" ] || echo "$1 $2" >>"$KMS_VM_RESULTS"
}

vm_test() {
	local name=$1 append=$2 script=$3 log rc st t d pass=0 fail=0 skip=0
	shift 3
	mkdir -p "$KMS_VM_LOGDIR"
	log=$KMS_VM_LOGDIR/$name.console.log
	"$VM_DIR/boot.sh" "$append" "$script" "$log" "$@"
	rc=$?
	if [ $rc = 77 ]; then
		vm_record SKIP "$name"
		echo "0 passed, 0 failed, 1 skipped"
		return 77
	fi
	grep '^KMS-INFO ' "$log" 2>/dev/null | sed "s/^KMS-INFO /  $name: /"
	while read -r t st d; do
		case $st in
		PASS) pass=$((pass + 1)) ;;
		SKIP) skip=$((skip + 1)) ;;
		*) fail=$((fail + 1)); st=FAIL ;;
		esac
		echo "$st: $name/$t $d"
		vm_record "$st" "$name/$t"
	done < <(sed -n 's/^KMS-RESULT //p' "$log" 2>/dev/null)
	if [ $rc = 0 ] && grep -q '^KMS-VM-DONE' "$log"; then
		pass=$((pass + 1)); st=PASS
		d=$(grep -m1 '^KMS-VM-DONE' "$log")
	else
		fail=$((fail + 1)); st=FAIL
		d="the guest did not finish (boot.sh exit $rc); see $log"
	fi
	echo "$st: $name/vm-done $d"
	vm_record "$st" "$name/vm-done"
	if [ $((pass + fail + skip)) = 1 ] && [ $rc = 0 ]; then
		# The guest finished but reported nothing: count that as a failure.
		fail=$((fail + 1))
		echo "FAIL: $name/results no KMS-RESULT line in $log"
		vm_record FAIL "$name/results"
	fi
	echo "$pass passed, $fail failed, $skip skipped"
	[ $fail = 0 ]
}
