#!/bin/bash
# Live: a full disk stops record at once. Output in a 2 MiB tmpfs, under a
# load that fills it within a second: record ends within a few seconds with
# status 1 and a message naming the file and ENOSPC; the previous FILE is
# intact, no temporary file remains, the instance is gone.
. "$TESTLIB"
need_live
cd "$WORK"
mkdir small
mount -t tmpfs -o size=2m tmpfs small 2>/dev/null || skip "cannot mount a tmpfs"
trap 'umount "$WORK/small" 2>/dev/null; cleanup' EXIT
echo "previous recording" >small/out.dat
cp small/out.dat before.dat

start=$(date +%s)
timeout 60 "$KMS" record -q -b 1024 -o small/out.dat -- "$TOUCHMEM" -m 512 -r 20 >/dev/null 2>err
rc=$?
end=$(date +%s)
[ "$rc" = 1 ] || fail "record on a full disk exited $rc, want 1: $(cat err)"
[ $((end - start)) -le 30 ] || fail "record took $((end - start)) s to stop on a full disk"
grep -q 'small/out.dat' err || fail "error does not name the file: $(cat err)"
grep -q 'No space left on device' err || fail "error does not say why: $(cat err)"
[ "$(wc -l <err)" = 1 ] || fail "more than one line on stderr: $(cat err)"
cmp -s before.dat small/out.dat || fail "the previous recording was changed"
left=$(ls small | grep -v '^out.dat$' || true)
[ -z "$left" ] || fail "files left in the output directory: $left"
no_instances_left
ok "full disk: exit 1 in $((end - start)) s, '$(cat err)', old file intact"
