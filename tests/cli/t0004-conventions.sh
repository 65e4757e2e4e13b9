#!/bin/bash
# CLI conventions (no root needed): --version and -V, help [CMD], "did you
# mean", bad options reported once in one line naming the option, long
# options in every -h, -o - refused, and without root one line and exit 3.
. "$TESTLIB"
cd "$WORK" || exit 1

for v in --version -V; do
	"$KMS" $v >out 2>err || fail "$v exited $?"
	grep -qx 'kmemscope [0-9][0-9.]*' out || fail "$v printed '$(cat out)'"
done

# help CMD: the man page where man has it, else the -h text; never empty.
MANPATH=/nonexistent "$KMS" help top >out 2>err || fail "help top exited $? ($(cat err))"
grep -q 'kmemscope top\|KMEMSCOPE-TOP' out || fail "help top shows neither the page nor -h"
"$KMS" help >out 2>err || fail "help exited $?"
[ -s out ] || fail "help printed nothing"
"$KMS" help -h | grep -q '^usage: kmemscope help' || fail "help -h"

expect_fail 2 "unknown command: [a-z]* (did you mean record?)" "$KMS" recrod
expect_fail 2 "unknown command: [a-z]* (did you mean report?)" "$KMS" reprot
expect_fail 2 "unknown command: [a-z]* (did you mean top?)" "$KMS" tpo
expect_fail 2 "unknown option '--bogus'" "$KMS" top --bogus
expect_fail 2 "unknown option '-x'" "$KMS" record -x
expect_fail 2 "option '-r' needs a value" "$KMS" report -r
expect_fail 2 "option '--recipe' needs a value" "$KMS" top --recipe
expect_fail 2 "option '--json' takes no value" "$KMS" check --json=yes
expect_fail 2 "unknown option '--nope'" "$KMS" list --nope
expect_fail 2 "cannot go to stdout" "$KMS" record -o -
[ ! -e ./- ] || fail "record -o - created a file named -"

# Every -h lists each option's long name beside its short one.
for c in record report top list check pagemap reset help; do
	h=$("$KMS" $c -h) || fail "$c -h exited $?"
	grep -q -- '-h, --help' <<<"$h" || fail "$c -h lacks '-h, --help'"
	for s in $(grep -oE '^  -[A-Za-z] ' <<<"$h"); do
		fail "$c -h: '$s' has no long option beside it"
	done
done

# Without root: one line naming root and the gid= group, exit 3, before
# anything touches securityfs.
if [ "$(id -u)" = 0 ]; then
	command -v setpriv >/dev/null || skip "setpriv (util-linux) is missing to drop root"
	asuser() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
else
	asuser() { "$@"; }
fi
for c in "record -d 1 -o $WORK/x.dat" "top -n 1" check; do
	asuser "$KMS" $c >out 2>err && fail "$c as a normal user succeeded"
	rc=$?
	[ -w /sys/kernel/tracing/instances ] && [ "$(id -u)" != 0 ] && continue
	[ $rc -eq 3 ] || fail "$c as a normal user: exit $rc, want 3 ($(cat err))"
	[ "$(wc -l <err)" -eq 1 ] || fail "$c as a normal user: not one line: $(cat err)"
	grep -q 'needs root.*gid=' err || fail "$c as a normal user: '$(cat err)'"
	grep -qi securityfs err && fail "$c as a normal user mentions securityfs"
done
ok "version, help, suggestions, option errors, long options, -o -, root"
