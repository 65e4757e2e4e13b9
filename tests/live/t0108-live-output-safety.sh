#!/bin/bash
# Live: -o replaces only regular files; the temporary file is O_EXCL and
# never someone else's; recordings are 0600 unless --mode; a command killed
# by a signal is named and sets the status (128 + N). Oracles: stat(1) and
# the file system itself.
. "$TESTLIB"
need_live
cd "$WORK"

"$KMS" record -q -d 1 -o /dev/full 2>err && fail "record -o /dev/full succeeded"
[ -c /dev/full ] || fail "/dev/full is no longer a character device"
[ ! -e /dev/full.old ] || fail "/dev/full.old was made"
grep -q '/dev/full is not a regular file' err || fail "-o /dev/full: $(cat err)"

mkdir d && touch d/keep
"$KMS" record -q -d 1 -o d 2>err && fail "record -o DIR succeeded"
[ -f d/keep ] && [ ! -e d.old ] || fail "the directory was moved"
grep -q 'is a directory' err || fail "-o DIR: $(cat err)"

echo target >t.txt && ln -s t.txt link.dat
"$KMS" record -q -d 1 -o link.dat 2>err && fail "record -o SYMLINK succeeded"
[ -L link.dat ] && [ "$(cat t.txt)" = target ] && [ ! -e link.dat.old ] ||
	fail "the symbolic link or its target changed"
grep -q 'symbolic link' err || fail "-o SYMLINK: $(cat err)"
no_instances_left
ok "devices, directories and symbolic links refused, left as they were"

# A file planted at our own temporary name is refused and kept.
sh -c 'echo planted >p.dat.kmemscope-$$.tmp; exec "$0" record -q -d 1 -o p.dat' "$KMS" 2>err &&
	fail "record wrote over a planted temporary file"
planted=$(ls p.dat.kmemscope-*.tmp 2>/dev/null)
[ -n "$planted" ] && [ "$(cat "$planted")" = planted ] || fail "the planted file was removed or changed"
[ ! -e p.dat ] || fail "p.dat was written"
rm -f "$planted"
# A stale one of a dead owner is removed by the next record, and by reset.
echo stale >q.dat.kmemscope-999999.tmp
"$KMS" record -q -d 1 -o q.dat 2>err || fail "record failed: $(cat err)"
[ ! -e q.dat.kmemscope-999999.tmp ] || fail "record left the stale temporary file"
grep -q 'removed stale temporary file' err || fail "record did not say it removed it: $(cat err)"
echo stale >r.dat.kmemscope-999999.tmp
"$KMS" reset "$WORK" >out || fail "reset failed"
[ ! -e r.dat.kmemscope-999999.tmp ] || fail "reset left the stale temporary file"
grep -q "removed stale temporary file $WORK/r.dat.kmemscope-999999.tmp" out || fail "reset: $(cat out)"
ok "planted temporary file refused and kept; stale ones removed by record and reset"

umask 022
[ "$(stat -c %a q.dat)" = 600 ] || fail "recording mode $(stat -c %a q.dat), want 600"
"$KMS" record -q -d 1 --mode 0640 -o m.dat 2>err || fail "record --mode failed: $(cat err)"
[ "$(stat -c %a m.dat)" = 640 ] || fail "--mode 0640 gave $(stat -c %a m.dat)"
ok "recordings 0600, --mode 0640 honoured"

"$KMS" record -q -o k.dat -- sh -c 'kill -SEGV $$' 2>err
rc=$?
[ "$rc" = 139 ] || fail "a command killed by SIGSEGV gave status $rc, want 139"
grep -q 'killed by signal 11' err || fail "the signal is not named: $(cat err)"
[ -s k.dat ] || fail "no recording written"
"$KMS" record -q -o x.dat -- sh -c 'exit 3' 2>err || fail "a command exiting 3 gave status $?"
grep -q 'exited with status 3' err || fail "exit status not named: $(cat err)"
no_instances_left
ok "killed command: status 139 and its signal named; exit 3 named, status 0"
