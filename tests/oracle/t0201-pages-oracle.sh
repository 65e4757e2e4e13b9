#!/bin/bash
# Live oracle: per-order allocation and free totals from report --json
# equal the per-order counts in trace-cmd report of the same file.
. "$TESTLIB"
need_live
need_tracecmd
cd "$WORK"

"$KMS" record -q -r page-order -o p.dat -- bash -c 'for i in $(seq 30); do sh -c "echo x | cat >/dev/null"; done; '"$TOUCHMEM"' -m 8 >/dev/null' \
	2>rec.err || fail "record: $(cat rec.err)"
tracecmd_events p.dat >tc.txt
"$KMS" report -r page-order --json p.dat >p.json || fail "report failed"
perl -ne 'if (/ (mm_page_alloc|mm_page_free):\s.*order=(\d+)/) { $c{"$1 $2"}++ } END { print "$_ $c{$_}\n" for sort keys %c }' tc.txt >expect
perl -MJSON::PP -e 'local $/; my $d = decode_json(<STDIN>); my %c;
	for my $r (@{$d->{tables}{page_orders}}) {
		$c{"mm_page_alloc $r->{order}"} = $r->{allocs} if $r->{allocs};
		$c{"mm_page_free $r->{order}"} = $r->{frees} if $r->{frees};
	}
	print "$_ $c{$_}\n" for sort keys %c' <p.json >got
[ "$(wc -l <expect)" -ge 2 ] || fail "trace-cmd shows too few orders: $(cat expect)"
diff -u expect got || fail "per-order totals differ from trace-cmd report"
# The pages table (by order and migratetype) sums to the same allocations.
perl -MJSON::PP -e 'local $/; my $d = decode_json(<STDIN>); my ($a, $b) = (0, 0);
	$a += $_->{count} for @{$d->{tables}{pages}}; $b += $_->{allocs} for @{$d->{tables}{page_orders}};
	exit($a == $b ? 0 : 1)' <p.json || fail "pages and page_orders disagree"
ok "per-order totals equal trace-cmd's: $(tr '\n' ';' <got)"

# --order: in the kernel when recording, in the analyser when reporting.
"$KMS" report -r page-order --order 1- --json p.dat >o.json || fail "report --order failed"
perl -MJSON::PP -e 'local $/; my $d = decode_json(<STDIN>);
	exit(grep({ $_->{order} < 1 } @{$d->{tables}{page_orders}}, @{$d->{tables}{pages}}) ? 1 : 0)' <o.json ||
	fail "report --order 1- shows order-0 rows"
"$KMS" record -q -r page-order --order 1- -o q.dat -- bash -c 'for i in $(seq 30); do sh -c "echo x | cat >/dev/null"; done' \
	2>rec.err || fail "record --order: $(cat rec.err)"
tracecmd_events q.dat >q.txt
grep -q ' order=0 ' q.txt && fail "record --order 1- let order-0 events through"
"$KMS" report --order x p.dat 2>err.txt && fail "a bad order set was accepted"
grep -q "invalid order set 'x'" err.txt || fail "unclear --order error: $(cat err.txt)"
ok "--order filters in report and, in the kernel, in record ($(wc -l <q.txt) events kept)"
