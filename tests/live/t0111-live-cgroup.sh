#!/bin/bash
# Live: --cgroup DIR follows the tasks of a cgroup, those in it at the
# start and those that join later. A test program is started inside a
# fresh cgroup before record, a second joins after the start; each one's
# faults row equals its own getrusage (minflt + majflt, counted from when it
# starts touching memory) within 0.5%, and no pid outside the cgroup appears,
# although a load runs beside it. For a cgroup v2 directory (cgroup2 mounted
# here) and, where the host has one, a v1 hierarchy's directory.
. "$TESTLIB"
need_live
cd "$WORK"

( while :; do "$TOUCHMEM" -m 16 >/dev/null; done ) &
noise=$!
mounted=
dirs=
trap 'kill $noise 2>/dev/null; for d in $dirs; do rmdir "$d" 2>/dev/null; done;
      [ -n "$mounted" ] && umount "$mounted"; cleanup' EXIT

kinds=
mkdir cg2
if mount -t cgroup2 none "$WORK/cg2" 2>/dev/null; then
	mounted=$WORK/cg2
	kinds="$WORK/cg2/kms-test-$$"
fi
[ -f /sys/fs/cgroup/pids/cgroup.procs ] && kinds="$kinds /sys/fs/cgroup/pids/kms-test-$$"
[ -n "$kinds" ] || skip "no cgroup v2 mount and no v1 pids hierarchy here"

within() {	# got want: |got - want| <= 0.5% of want
	awk -v g="$1" -v w="$2" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(w > 0 && d * 200 <= w) }'
}

for cg in $kinds; do
	mkdir "$cg" || fail "cannot create $cg"
	dirs="$dirs $cg"
	rm -f go a.out b.out
	"$TOUCHMEM" -g "$cg" -w go -m 16 -o a.out &
	a=$!
	for i in $(seq 50); do grep -qx "$a" "$cg/cgroup.procs" && break; sleep 0.1; done
	"$KMS" record -q -o c.dat --cgroup "$cg" 2>rec.err &
	rec=$!
	wait_instance $rec
	sleep 0.3
	"$TOUCHMEM" -g "$cg" -w go -m 16 -o b.out &
	b=$!
	sleep 1.5	# more than the time record takes to see a task that joined
	touch go
	wait $a $b
	kill -INT $rec
	wait $rec || fail "record --cgroup exited $?: $(cat rec.err)"
	no_instances_left
	printf 'description faults\nevent exceptions:page_fault_user\nevent exceptions:page_fault_kernel\ntable faults\n' >all.recipe
	"$KMS" report -r ./all.recipe --json c.dat >c.json || fail "report failed"
	perl -MJSON::PP -e 'local $/; my $d = decode_json(<STDIN>);
		print "$_->{pid} $_->{faults}\n" for @{$d->{tables}{faults}}' <c.json >rows
	for p in a b; do
		pid=$(sed -n 's/^pid=\([0-9]*\) .*/\1/p' $p.out)
		want=$(sed -n 's/.* since=\([0-9]*\).*/\1/p' $p.out)
		got=$(awk -v p="$pid" '$1 == p { print $2 }' rows)
		[ -n "$got" ] || fail "$cg: program $p (pid $pid) has no faults row: $(cat rows)"
		within "$got" "$want" || fail "$cg: program $p: kmemscope $got faults, getrusage $want"
		echo "program $p (pid $pid): kmemscope $got, getrusage $want"
	done
	others=$(awk -v a="$a" -v b="$b" '$1 != a && $1 != b' rows)
	[ -z "$others" ] || fail "$cg: pids outside the cgroup: $others"
	perl -MJSON::PP -e 'local $/; my $s = decode_json(<STDIN>)->{scope};
		exit !($s && $s->{kind} eq "cgroup" && $s->{cgroup} eq $ARGV[0])' "$cg" <c.json ||
		fail "$cg: the recording does not name its cgroup"
	ok "--cgroup $cg: both programs within 0.5% of getrusage, nothing else"
	rmdir "$cg"
done
