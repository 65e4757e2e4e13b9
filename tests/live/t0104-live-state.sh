#!/bin/bash
# Live: the system's tracing state is exactly as it was after recordings,
# failed recordings and reset. The top-level instance is never written.
. "$TESTLIB"
need_live
cd "$WORK"

snapshot() {
	local f
	for f in tracing_on current_tracer set_event set_event_pid buffer_size_kb \
		trace_clock trace_options buffer_percent; do
		[ -r "$T/$f" ] && { echo "== $f"; cat "$T/$f" 2>/dev/null; }
	done
	for f in "$T"/events/kmem/*/enable "$T"/events/kmem/*/filter \
		"$T"/events/exceptions/*/enable "$T"/events/exceptions/*/filter \
		"$T"/events/sched/sched_process_*/enable "$T"/events/sched/sched_process_*/filter; do
		echo "== $f"; cat "$f"
	done
	# kmemscope instances of other runs come and go: no_instances_left checks ours
	echo "== instances"; ls "$T/instances" | grep -v "^kmemscope-[0-9]*\$"
	echo "== trace entries"; grep -c -v '^#' "$T/trace" || true
}

snapshot >before
"$KMS" record -q -o a.dat -- "$TOUCHMEM" -m 2 >/dev/null 2>&1 || fail "record failed"
"$KMS" record -q -e kmem:mm_page_alloc -f 'order >' -o b.dat -- true >/dev/null 2>&1 && fail "bad filter accepted"
"$KMS" record -q -e kmem:kmalloc -b 2048 -p $$ -d 1 -o c.dat >/dev/null 2>&1 || fail "record -p failed"
"$KMS" reset >/dev/null || fail "reset failed"
snapshot >after
diff -u before after || fail "tracing state changed"
no_instances_left
ok "tracing state unchanged ($(wc -l <before) lines compared)"
