#!/bin/bash
# Live: a closed pipe ends top and report promptly with cleanup and status
# 141 (documented), and record whose stderr reader is gone still writes a
# complete file. The oracle is tracefs itself: no instance is left.
. "$TESTLIB"
need_live
cd "$WORK"

# status of the first stage of "CMD | head ..." (PIPESTATUS), within 15 s
first_status() {
	local rc
	timeout 15 "$@" | head -c "${HEAD_BYTES:-200}" >/dev/null
	rc=${PIPESTATUS[0]}
	[ "$rc" != 124 ] || fail "'$*' did not end within 15 s of its pipe closing"
	echo "$rc"
}

rc=$(HEAD_BYTES=10 first_status "$KMS" top -d 1)
[ "$rc" = 141 ] || fail "top | head exited $rc, want 141"
no_instances_left
rc=$(HEAD_BYTES=10 first_status "$KMS" top --json -d 1)
[ "$rc" = 141 ] || fail "top --json | head -c 10 exited $rc, want 141"
no_instances_left
ok "top | head: exit 141, instance removed"

# record: stderr is a pipe nobody reads; the recording is its output.
set -o pipefail
"$KMS" record -d 1 -o r.dat 2>&1 >/dev/null | true
rc=$?
set +o pipefail
[ "$rc" = 0 ] || fail "record -d 1 2>&1 | true exited $rc"
no_instances_left
[ -s r.dat ] || fail "record wrote no file"
if command -v trace-cmd >/dev/null; then
	n=$(tracecmd_events r.dat | wc -l)
	[ "$n" -gt 0 ] || fail "trace-cmd reads no events from r.dat"
fi
ok "record with its stderr reader gone: complete file, exit 0"

# report --events of a long recording: stops at the closed pipe.
"$KMS" record -q -e kmem -o big.dat -- "$TOUCHMEM" -m 64 >/dev/null 2>&1 || fail "record failed"
rc=$(HEAD_BYTES=100 first_status "$KMS" report --events big.dat)
[ "$rc" = 141 ] || fail "report --events | head exited $rc, want 141"
"$KMS" report --events big.dat 2>err | head -c 100 >/dev/null
[ ! -s err ] || fail "report printed on a closed pipe: $(cat err)"
ok "report --events | head: exit 141, nothing on stderr"
