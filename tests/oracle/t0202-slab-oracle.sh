#!/bin/bash
# Live oracle: a program that opens and closes N files and N sockets has at
# least 2N filp allocations in its per-process slab row; where bpftrace
# runs, its own count of the same tracepoints for that pid is equal when
# kmemscope lost no events.
. "$TESTLIB"
need_live
cd "$WORK"
OPENCLOSE=$PROGS/openclose
N=2000

bt_pid=
if command -v bpftrace >/dev/null && bpftrace -e 'BEGIN { exit(); }' >/dev/null 2>&1; then
	bpftrace -e 'tracepoint:kmem:kmem_cache_alloc,tracepoint:kmem:kmalloc { @[pid] = count(); }' >bt.out 2>bt.err &
	bt_pid=$!
	for i in $(seq 50); do grep -q Attaching bt.out 2>/dev/null && break; sleep 0.2; done
fi
"$KMS" record -q -r slab -o s.dat -- "$OPENCLOSE" $N prog.out 2>rec.err || fail "record: $(cat rec.err)"
[ -n "$bt_pid" ] && { sleep 0.5; kill -INT $bt_pid; wait $bt_pid; }
pid=$(sed -n 's/^pid=\([0-9]*\) .*/\1/p' prog.out)
# Every row (the shipped recipe limits its tables).
cat >all.recipe <<EOR
description every slab row
event kmem:kmalloc
event kmem:kfree
event kmem:kmem_cache_alloc
event kmem:kmem_cache_free
table slab_by_process
EOR
"$KMS" report -r ./all.recipe --json s.dat >s.json || fail "report failed"
filp=$(perl -MJSON::PP -e 'local $/; my $d = decode_json(<STDIN>); my $n = 0;
	$n += $_->{allocs} for grep { $_->{pid} == $ARGV[0] && $_->{cache} eq "filp" } @{$d->{tables}{slab_by_process}};
	print $n' "$pid" <s.json)
[ "$filp" -ge $((2 * N)) ] || fail "pid $pid: $filp filp allocations, want >= $((2 * N))"
ok "pid $pid: $filp filp allocations for $N files and $N sockets"
no_instances_left

if [ -n "$bt_pid" ]; then
	lost=$(perl -MJSON::PP -e 'local $/; print decode_json(<STDIN>)->{lost_events}' <s.json)
	bt=$(sed -n "s/^@\[$pid\]: \([0-9]*\)/\1/p" bt.out)
	ours=$(perl -MJSON::PP -e 'local $/; my $d = decode_json(<STDIN>); my $n = 0;
		$n += $_->{allocs} for grep { $_->{pid} == $ARGV[0] } @{$d->{tables}{slab_by_process}};
		print $n' "$pid" <s.json)
	[ -n "$bt" ] || fail "bpftrace counted nothing for $pid: $(cat bt.out bt.err | head -5)"
	if [ "$lost" = 0 ]; then
		[ "$bt" -eq "$ours" ] || fail "bpftrace counted $bt slab allocations for $pid, kmemscope $ours"
	fi
	ok "bpftrace $bt, kmemscope $ours slab allocations for pid $pid (lost $lost)"
else
	echo "note: bpftrace cannot run here; cross-check skipped"
fi
