#!/bin/bash
# Live: exact attribution. Beside an unrelated kmem-heavy process, the pids
# of every kmem, fault and process event in trace-cmd's report of a
# `record -- CMD` are exactly the pids CMD logged for itself and the children
# it started (kmemscope's own pid only writes the trace_marker lines that
# carry its scope and snapshots); the same for `top --json -- CMD` (every pid
# in its tables), and for -p PID. Short-lived processes are named: every pid
# of a fault in trace-cmd's report has a real comm in kmemscope's table.
. "$TESTLIB"
need_live
need_tracecmd
cd "$WORK"

# The unrelated load, outside any traced tree, until the test ends.
( while :; do "$TOUCHMEM" -m 16 >/dev/null; done ) &
noise=$!
trap 'kill $noise 2>/dev/null; cleanup' EXIT

# pids of the data events (not ftrace print lines) in trace-cmd's report
event_pids() {
	tracecmd_events "$1" | perl -ne 'next if /\bprint:\s/; print "$1\n" if /^\s*.*?-(\d+)\s+\[\d+\]/' | sort -nu
}

cat >cmd.sh <<EOS
echo \$\$ >>pids
ls /usr >/dev/null & echo \$! >>pids
wait
"$TOUCHMEM" -m 8 -o t.out & echo \$! >>pids
wait
EOS
rm -f pids
"$KMS" record -q -o s.dat -- bash cmd.sh 2>rec.err || fail "record: $(cat rec.err)"
sort -nu pids >want
event_pids s.dat >got
diff -u want got >d || fail "pids in the recording are not the command's tree: $(cat d)"
n=$(tracecmd_events s.dat | grep -vc '\bprint:\s')
ok "record -- CMD beside a load: $n events, pids $(tr '\n' ' ' <got)exactly the command's tree"

rm -f pids
"$KMS" top --json -d 60 -- bash cmd.sh >top.json 2>top.err || fail "top: $(cat top.err)"
sort -nu pids >want
perl -MJSON::PP -ne 'my $d = decode_json($_); for my $t (values %{$d->{tables}}) {
	for my $r (@$t) { print "$r->{pid}\n" if defined $r->{pid} } }' top.json | sort -nu >got
[ -s got ] || fail "top printed no per-process rows"
extra=$(comm -13 want got)
[ -z "$extra" ] || fail "top's tables hold pids outside the command's tree: $extra"
ok "top --json -- CMD: every pid in its tables is in the command's tree ($(tr '\n' ' ' <got))"

rm -f go
"$TOUCHMEM" -m 8 -w go -o p.out &
target=$!
"$KMS" record -q -o p.dat -p $target -- 2>rec.err &
rec=$!
wait_instance $rec
sleep 0.5
touch go
wait $target
wait $rec || fail "record -p exited $?: $(cat rec.err)"
got=$(event_pids p.dat | tr '\n' ' ')
[ "$got" = "$target " ] || fail "record -p $target holds events of pids: $got"
ok "record -p PID beside a load: only pid $target"
no_instances_left

cat >short.sh <<EOS
for i in \$(seq 200); do /bin/true; done
EOS
"$KMS" record -q -e exceptions:page_fault_user -o short.dat -- bash short.sh 2>rec.err || fail "record: $(cat rec.err)"
tracecmd_events short.dat | perl -ne 'print "$1\n" if /-(\d+)\s+\[\d+\].*page_fault_user/' | sort -nu >tc.pids
printf 'description every faults row\nevent exceptions:page_fault_user\ntable faults\n' >all.recipe
"$KMS" report -r ./all.recipe --json short.dat >short.json || fail "report failed"
perl -MJSON::PP -e 'local $/; my $d = decode_json(<STDIN>);
	print "$_->{pid} $_->{comm}\n" for @{$d->{tables}{faults}}' <short.json | sort -n >km.rows
[ "$(wc -l <tc.pids)" -ge 200 ] || fail "trace-cmd shows only $(wc -l <tc.pids) faulting pids"
while read -r pid; do
	comm=$(awk -v p="$pid" '$1 == p { print $2 }' km.rows)
	[ -n "$comm" ] || fail "pid $pid of trace-cmd's report is not in kmemscope's faults table"
	case $comm in "<...>"|"") fail "pid $pid is unnamed ($comm)" ;; esac
done <tc.pids
unnamed=$(grep -c ' true$' km.rows)
ok "200 short-lived /bin/true: $(wc -l <tc.pids) pids, every one named ($unnamed named true)"
