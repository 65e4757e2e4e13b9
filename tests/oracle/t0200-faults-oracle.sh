#!/bin/bash
# Live oracle: the fault count of a command kmemscope starts equals the
# kernel's own count for it (getrusage minflt+majflt, printed by the
# program itself) within 0.5%, from record+report and from top.
. "$TESTLIB"
need_live
[ -e "$T/events/exceptions/page_fault_user" ] || skip "no exceptions:page_fault_user tracepoint"
cd "$WORK"

# json_row FILE TABLE PID FIELD: the field of the table row for pid.
json_row() {
	perl -MJSON::PP -e '
		local $/; open my $f, "<", $ARGV[0] or die; my $d = decode_json(<$f>);
		for my $r (@{$d->{tables}{$ARGV[1]}}) { if ($r->{pid} == $ARGV[2]) { print $r->{$ARGV[3]} // "null"; exit } }
		print "none"' "$@"
}

check() {	# label, kernel count, kmemscope count
	perl -e 'my ($l, $k, $m) = @ARGV; exit 1 if $m !~ /^\d+$/;
		 my $d = abs($k - $m) / $k * 100; printf "%s: kernel %d, kmemscope %d (%.3f%%)\n", $l, $k, $m, $d;
		 exit($d <= 0.5 ? 0 : 1)' "$@" || fail "$1: fault counts differ by more than 0.5% (kernel $2, kmemscope $3)"
}

"$KMS" record -q -r faults -o f.dat -- "$TOUCHMEM" -m 32 -o prog.out 2>rec.err || fail "record: $(cat rec.err)"
pid=$(sed -n 's/^pid=\([0-9]*\) .*/\1/p' prog.out)
want=$(sed -n 's/.* faults=\([0-9]*\)$/\1/p' prog.out)
"$KMS" report -r faults --json f.dat >f.json || fail "report --json failed"
got=$(json_row f.json faults "$pid" faults)
check "record+report" "$want" "$got"
[ "$(json_row f.json faults "$pid" comm)" = touchmem ] || fail "comm of $pid is not touchmem"
user=$(json_row f.json faults "$pid" user)
write=$(json_row f.json faults "$pid" write)
[ "$write" -ge 8192 ] || fail "only $write write faults for 32 MiB touched"
[ "$user" -ge 8192 ] || fail "only $user user faults"
no_instances_left

"$KMS" top -r faults --json -n 1 -- "$TOUCHMEM" -m 32 -s 1 -o prog2.out >top.json 2>top.err || fail "top: $(cat top.err)"
[ "$(wc -l <top.json)" -eq 1 ] || fail "top -n 1 printed $(wc -l <top.json) lines"
pid=$(sed -n 's/^pid=\([0-9]*\) .*/\1/p' prog2.out)
want=$(sed -n 's/.* faults=\([0-9]*\)$/\1/p' prog2.out)
got=$(json_row top.json faults "$pid" faults)
check "top" "$want" "$got"
rss=$(json_row top.json faults "$pid" rss_kib)
[ "$rss" != null ] && [ "$rss" -gt 0 ] || fail "no RSS for $pid: $rss"
perl -MJSON::PP -e 'local $/; my $d = decode_json(<STDIN>); my $n = 0;
	$n += $_->{faults} for grep { $_->{pid} == $ARGV[0] && $_->{mapping} =~ m{libc} } @{$d->{tables}{faults_by_mapping}};
	exit($n > 0 ? 0 : 1)' "$pid" <top.json || fail "no libc faults in the per-mapping table"
no_instances_left
ok "fault counts agree with the kernel's"
