#!/bin/bash
# Docs against the binary (no root needed):
# - every option token of 'kmemscope CMD -h' (-o, --events, a bare --)
#   is an item (.TP tag) of the OPTIONS section of man/kmemscope-CMD.1,
# - the SYNOPSIS of man/kmemscope-CMD.1 names 'kmemscope CMD',
# - man/kmemscope.1 lists, in COMMANDS, every command of 'kmemscope -h',
#   and documents the options of 'kmemscope -h'.
# The pages of the commands in PAGES are checked (record, report and reset,
# which 'kmemscope -h' must list). Needs KMS (the binary) and SRCDIR (the
# source root).
set -u
KMS=${KMS:?KMS must name the kmemscope binary}
SRCDIR=${SRCDIR:?SRCDIR must name the source root}
MAN=$SRCDIR/man
PAGES="record report top list check reset pagemap diff"
errors=0

bad() {
	echo "FAIL: $*" >&2
	errors=$((errors + 1))
}

# Plain text of a roff file: font escapes dropped, '\-' -> '-', no
# backslashes left, and the macro name stripped from control lines.
plain() {
	sed -e 's/\\f\[[^]]*\]//g' -e 's/\\f([A-Za-z][A-Za-z]//g' -e 's/\\f[A-Za-z0-9]//g' \
	    -e 's/\\//g' -e 's/^[.'"'"'][A-Za-z][A-Za-z]*[[:space:]]*//' -e 's/"//g'
}

# The body of one .SH section (without its heading), as plain text.
section() {	# page, section name
	awk -v want="$2" '
		/^\.SH[ \t]/ {
			name = $0
			sub(/^\.SH[ \t]+/, "", name)
			gsub(/"/, "", name)
			insec = (name == want)
			next
		}
		insec' "$1" | plain
}

# The item tags of one .SH section (the line after .TP or .TQ, or the
# argument of .IP), as plain text: where a list of options names them.
tags() {	# page, section name
	awk -v want="$2" '
		/^\.SH[ \t]/ {
			name = $0
			sub(/^\.SH[ \t]+/, "", name)
			gsub(/"/, "", name)
			insec = (name == want)
			next
		}
		!insec { next }
		next_is_tag { print; next_is_tag = 0; next }
		/^\.(TP|TQ)([ \t]|$)/ { next_is_tag = 1; next }
		/^\.IP[ \t]/ { sub(/^\.IP[ \t]+/, ""); print }' "$1" | plain
}

# Option tokens of a help text: -x, --long, and a bare "--" (as in
# "[-- COMMAND]"), each preceded by the start of a line, a blank, '[', '|'
# or '(' so that words such as "trace-cmd" or "Ctrl-C" do not count.
help_options() {
	{
		grep -oE '(^|[][ |(])--?[A-Za-z][A-Za-z0-9-]*' | sed 's/^[][ |(]//'
	} <<<"$1"
	grep -qE '(^|[][ |(])--($|[] ])' <<<"$1" && echo "--"
}

# Is the option token a whole word of the text?
has_option() {	# text, token
	grep -qE -- "(^|[^A-Za-z0-9-])$2(\$|[^A-Za-z0-9-])" <<<"$1"
}

[ -x "$KMS" ] || { echo "FAIL: $KMS is not executable" >&2; exit 1; }
[ -d "$MAN" ] || { echo "FAIL: no man directory $MAN" >&2; exit 1; }

top_help=$("$KMS" -h) || bad "'kmemscope -h' exited $?"
cmds=$(sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\)  .*/\1/p' <<<"$top_help")
[ -n "$cmds" ] || { echo "FAIL: 'kmemscope -h' lists no command" >&2; exit 1; }
for need in $PAGES; do
	grep -qx "$need" <<<"$cmds" || bad "'kmemscope -h' does not list $need"
done

# kmemscope.1: its SYNOPSIS, every command in COMMANDS, the global options.
page=$MAN/kmemscope.1
if [ ! -f "$page" ]; then
	bad "no man page $page"
else
	syn=$(section "$page" SYNOPSIS | tr -s ' \n\t' ' ')
	has_option "$syn" kmemscope || bad "$page: SYNOPSIS does not name kmemscope"
	commands=$(section "$page" COMMANDS)
	[ -n "$commands" ] || bad "$page: no COMMANDS section"
	for c in $cmds; do
		grep -qx "[[:space:]]*${c}[[:space:]]*" <<<"$commands" ||
			bad "$page: COMMANDS does not list '$c' (listed by 'kmemscope -h')"
	done
	options=$(tags "$page" OPTIONS)
	for o in $(help_options "$top_help" | sort -u); do
		has_option "$options" "$o" || bad "$page: OPTIONS has no item for '$o' of 'kmemscope -h'"
	done
fi

# kmemscope-CMD.1: SYNOPSIS names the command, OPTIONS has every -h option.
for c in $PAGES; do
	page=$MAN/kmemscope-$c.1
	if [ ! -f "$page" ]; then
		bad "no man page $page for '$c'"
		continue
	fi
	help=$("$KMS" "$c" -h) || { bad "'kmemscope $c -h' exited $?"; continue; }
	syn=$(section "$page" SYNOPSIS | tr -s ' \n\t' ' ')
	grep -qE "(^| )kmemscope $c( |\$)" <<<"$syn" ||
		bad "$page: SYNOPSIS does not name 'kmemscope $c'"
	# The options must be items of OPTIONS, not merely mentioned in it.
	options=$(tags "$page" OPTIONS)
	if [ -z "$options" ]; then
		bad "$page: no OPTIONS section, or no .TP items in it"
		continue
	fi
	opts=$(help_options "$help" | sort -u)
	[ -n "$opts" ] || bad "'kmemscope $c -h' shows no option (not even -h)"
	before=$errors
	for o in $opts; do
		has_option "$options" "$o" ||
			bad "$page: option '$o' of 'kmemscope $c -h' is not an item of OPTIONS"
	done
	[ $errors -eq $before ] && echo "ok: $c: SYNOPSIS and all $(wc -w <<<"$opts") options of -h: ${opts//$'\n'/ }"
done

if [ $errors -gt 0 ]; then
	echo "FAIL: $errors mismatch(es) between the man pages and -h" >&2
	exit 1
fi
echo "ok: man pages agree with -h"
exit 0
