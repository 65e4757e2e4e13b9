#!/bin/bash
# CLI: help, unique prefixes, ambiguity and argument errors (no root needed).
. "$TESTLIB"
cd "$WORK" || exit 1

"$KMS" -h | grep -q '^usage: kmemscope' || fail "kmemscope -h"
for c in record report reset; do
	"$KMS" $c -h >out || fail "$c -h exited $?"
	grep -q "^usage: kmemscope $c" out || fail "$c -h prints no usage"
done
"$KMS" rec -h | grep -q '^usage: kmemscope record' || fail "prefix 'rec' does not select record"
"$KMS" res -h | grep -q '^usage: kmemscope reset' || fail "prefix 'res' does not select reset"

expect_fail 2 "ambiguous command: re, could be: record report reset" "$KMS" re
expect_fail 2 "unknown command: frobnicate" "$KMS" frobnicate
expect_fail 2 "invalid buffer size 'abc'" "$KMS" record -b abc
expect_fail 2 "invalid duration '-3'" "$KMS" record -d -3
expect_fail 2 "must follow the -e" "$KMS" record -f 'order > 1'
expect_fail 2 "invalid pid 'x'" "$KMS" record -p x
expect_fail 2 "either -p or -- COMMAND" "$KMS" record -p 1 -- true
expect_fail 2 "unexpected argument 'extra'" "$KMS" reset extra
ok "help, prefixes and argument errors"
