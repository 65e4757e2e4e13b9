#!/bin/bash
# Docs: every option of each command's -h appears in its man page's
# OPTIONS section, each page's SYNOPSIS names its command, and kmemscope(1)
# lists every command that kmemscope -h lists.
. "$TESTLIB"
MAN=$SRCDIR/man

# Text of one section, with roff escapes and font macros removed.
section() {	# page, section name
	sed -n "/^\.SH $2\$/,/^\.SH /p" "$1" | sed 's/\\-/-/g; s/\\f[BIRP]//g; s/^\.[A-Z][A-Z]* *//'
}

cmds=$("$KMS" -h | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p')
[ -n "$cmds" ] || fail "kmemscope -h lists no command"
for c in $cmds; do
	page=$MAN/kmemscope-$c.1
	[ -f "$page" ] || fail "no man page for $c"
	section "$page" SYNOPSIS | grep -q "kmemscope $c" || fail "$page: SYNOPSIS does not name 'kmemscope $c'"
	opts=$("$KMS" $c -h | grep -o -- '\(^\| \|\[\)--*[a-zA-Z][a-zA-Z-]*' | tr -d ' [' | sort -u)
	for o in $opts; do
		section "$page" OPTIONS | grep -q -- "$o\b" || fail "$page: option $o of '$c -h' is not documented"
	done
	section "$MAN/kmemscope.1" COMMANDS | grep -qx "$c" || fail "kmemscope.1 does not list $c"
	ok "$c: $(echo $opts | wc -w) options documented"
done
