#!/bin/bash
# Live: list --events shows every kmem, exceptions and sched event of this
# host's tracefs with the fields of its format file; list --probes names
# for each recipe probe the first alternative the kernel's symbols have.
. "$TESTLIB"
set -o pipefail
need_live
cd "$WORK"

"$KMS" list --events >ev.txt || fail "list --events failed"
for f in "$T"/events/kmem/*/format "$T"/events/exceptions/*/format "$T"/events/sched/*/format; do
	[ -f "$f" ] || continue
	e=${f%/format}; name=$(basename "$e"); sys=$(basename "$(dirname "$e")")
	want=$(sed -n 's/^\tfield:.* \**\([A-Za-z_][A-Za-z0-9_]*\)\(\[.*\]\)\{0,1\};.*/\1/p' "$f" | grep -v '^common_' | tr '\n' ' ' | sed 's/ $//')
	got=$(awk -v e="$sys:$name" '$1 == e { $1 = ""; sub(/^ /, ""); print }' ev.txt)
	[ "$got" = "$want" ] || fail "$sys:$name: fields '$got', format has '$want'"
	n=$((${n:-0} + 1))
done
[ "${n:-0}" -gt 10 ] || fail "only ${n:-0} events checked"
ok "list --events: $n events with the fields of their formats"

"$KMS" list --probes >pr.txt || fail "list --probes failed"
syms=$T/available_filter_functions
head -c1 "$syms" >/dev/null 2>&1 || syms=/proc/kallsyms
grep -q '^  slab-kprobes  *kmalloc ' pr.txt || fail "no slab-kprobes kmalloc probe listed"
while read -r recipe probe used alts _; do
	[ "$used" = "(none" ] && continue
	grep -qw -- "${used%%%*}" "$syms" || fail "$recipe $probe: $used is not in $syms"
	first=$(tr '|' '\n' <<<"$alts" | while read -r s; do grep -qw -- "${s%%%*}" "$syms" && { echo "$s"; break; }; done)
	[ "$first" = "$used" ] || fail "$recipe $probe: used $used, first available $first"
done < <(tail -n +2 pr.txt)
ok "list --probes: $(($(wc -l <pr.txt) - 1)) probe points, each the first alternative the kernel has"
