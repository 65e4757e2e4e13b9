#!/bin/bash
# Unit: every field of every kmem/exceptions event in the committed raw
# sub-buffers, decoded by kmemscope's page iterator and field decoder, must
# equal what trace-cmd report -R -t printed for the same pages (committed
# text, converted to "TS_NS PID EVENT field=value..." with decimal values).
. "$TESTLIB"
DECODE=$(dirname "$KMS")/tests/unit-decode


for fx in live-6.18 lossy-6.18; do
	dir=$FIXTURES/$fx
	canon_tracecmd "$dir/tracecmd-report-R.txt" | sort >"$WORK/expect"
	"$DECODE" "$dir" 2 | sort >"$WORK/got" || fail "unit-decode failed on $fx"
	n=$(wc -l <"$WORK/expect")
	[ "$n" -gt 1000 ] || fail "$fx: oracle has only $n events"
	if ! diff -u "$WORK/expect" "$WORK/got" >"$WORK/diff"; then
		head -20 "$WORK/diff" >&2
		fail "$fx: decoded fields differ from trace-cmd report -R"
	fi
	for ev in mm_page_alloc kmalloc kmem_cache_alloc kfree page_fault_user; do
		grep -q " $ev " "$WORK/got" || [ $fx = lossy-6.18 ] || fail "$fx: no $ev event decoded"
	done
	ok "$fx: $n events, all fields equal to trace-cmd's"
done
grep -q ' kmem_cache_alloc .*name=filp ' "$WORK/got" 2>/dev/null || { "$DECODE" "$FIXTURES/live-6.18" 2 | grep -q ' kmem_cache_alloc .*name=filp ' || fail 'kmem_cache_alloc name not decoded'; }
