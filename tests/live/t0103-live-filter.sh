#!/bin/bash
# Live: -f puts a filter in the kernel (every recorded event matches it)
# and a rejected filter names the event, the filter and the kernel's reason.
. "$TESTLIB"
need_live
need_tracecmd
cd "$WORK"

# Higher-order allocations come from fork (kernel stacks, page tables) and pipes.
load() { for i in $(seq 40); do sh -c 'echo x | cat >/dev/null'; done; "$TOUCHMEM" -m 8 >/dev/null; }

"$KMS" record -q -e kmem:mm_page_alloc -f 'order > 0' -o f.dat -- bash -c "$(declare -f load); TOUCHMEM=$TOUCHMEM; load" \
	2>rec.err || fail "record failed: $(cat rec.err)"
"$KMS" record -q -e kmem:mm_page_alloc -o u.dat -- bash -c "$(declare -f load); TOUCHMEM=$TOUCHMEM; load" \
	2>rec.err || fail "unfiltered record failed: $(cat rec.err)"
no_instances_left
tracecmd_events f.dat >f.txt
tracecmd_events u.dat >u.txt
nu=$(grep -c ' order=0 ' u.txt || true)
[ "$nu" -gt 0 ] || fail "the unfiltered run saw no order-0 allocation (test is void)"
bad=$(grep -c ' order=0 ' f.txt || true)
[ "$bad" -eq 0 ] || fail "$bad events with order=0 passed the filter 'order > 0'"
ok "filter kept $(wc -l <f.txt) events, none with order 0 (unfiltered run: $nu order-0)"

# A filter the kernel rejects.
if "$KMS" record -q -e kmem:mm_page_alloc -f 'nosuchfield > 1' -o x.dat -- true 2>err.txt; then
	fail "a bad filter was accepted"
fi
msg=$(head -1 err.txt)
echo "$msg" | grep -q "kmem:mm_page_alloc" || fail "error does not name the event: $msg"
echo "$msg" | grep -q "nosuchfield > 1" || fail "error does not name the filter: $msg"
echo "$msg" | grep -qi "field not found\|invalid\|not found" || fail "error lacks the kernel's reason: $msg"
[ ! -e x.dat ] || fail "a file was written for a failed run"
no_instances_left
ok "rejected filter: $msg"

# An event that does not exist.
if "$KMS" record -q -e kmem:no_such_event -o x.dat -- true 2>err.txt; then fail "unknown event accepted"; fi
grep -q "unknown event kmem:no_such_event" err.txt || fail "unclear error: $(cat err.txt)"
no_instances_left
ok "unknown event: $(head -1 err.txt)"
