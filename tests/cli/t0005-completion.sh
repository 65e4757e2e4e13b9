#!/bin/bash
# Bash completion (dist/kmemscope.bash-completion), sourced in a plain bash:
# it registers itself, and scripted completions of "kmemscope rep<TAB>",
# "top -r <TAB>", "report --table <TAB>", "top --te<TAB>" and a .dat file.
. "$TESTLIB"
cd "$WORK" || exit 1
COMP=$SRCDIR/dist/kmemscope.bash-completion
[ -f "$COMP" ] || fail "no $COMP"

out=$(bash -c 'source "$1"; complete -p kmemscope' _ "$COMP") || fail "complete -p kmemscope failed"
[ "$out" = "complete -F _kmemscope kmemscope" ] || fail "complete -p: '$out'"

complete_words() {	# words... (the last one is completed)
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_kmemscope; printf "%s\n" "${COMPREPLY[@]}"' _ "$COMP" "$@" | sort
}
[ "$(complete_words "$KMS" rep)" = report ] || fail "rep<TAB>: '$(complete_words "$KMS" rep)'"
[ "$(complete_words "$KMS" re | tr '\n' ' ')" = "record report reset " ] || fail "re<TAB>"
recipes=$(complete_words "$KMS" top -r "" | tr '\n' ' ')
[ "$recipes" = "faults faults-kprobe overview page-order page-owner slab slab-kprobes stacks " ] ||
	fail "top -r <TAB>: '$recipes'"
[ "$(complete_words "$KMS" record --recipe sl | tr '\n' ' ')" = "slab slab-kprobes " ] || fail "--recipe sl<TAB>"
complete_words "$KMS" report --table "" | grep -qx slab_by_callsite || fail "--table <TAB>"
[ "$(complete_words "$KMS" top --te | tr '\n' ' ')" = "--textfile --textfile-top " ] || fail "top --te<TAB>"
touch a.dat b.txt
[ "$(complete_words "$KMS" report "")" = a.dat ] || fail "report <TAB>: '$(complete_words "$KMS" report "")'"
complete_words "$KMS" -V >/dev/null
ok "bash completion: commands, options, recipes, tables and .dat files"
