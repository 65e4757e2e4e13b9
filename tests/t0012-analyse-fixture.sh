#!/bin/bash
# Unit: the analysers' tables for the committed 6.18 fixture equal totals a
# script computes from trace-cmd report -R text of the same pages: allocs
# and frees per order, allocs per slab cache (kmem_cache_alloc name, kmalloc
# size class), and faults per pid split user/kernel and read/write/exec.
. "$TESTLIB"
WRITE=$(dirname "$KMS")/tests/unit-tracedat
cd "$WORK"

"$WRITE" --write "$FIXTURES/live-6.18" fx.dat || fail "cannot build the fixture file"
"$KMS" report -r "$FIXTURES/all-tables.recipe" --json fx.dat >fx.json || fail "report failed"

perl -ne '
	next unless /^\s*(.*)-(\d+)\s+\[\d+\]\s+\S+:\s+(\w+):\s+(.*)$/;
	my ($pid, $ev, $f) = ($2, $3, $4);
	my %v = map { split /=/, $_, 2 } split /\s+/, $f;
	if ($ev eq "mm_page_alloc") { $c{"order $v{order} allocs"}++ }
	elsif ($ev eq "mm_page_free") { $c{"order $v{order} frees"}++ }
	elsif ($ev eq "kmem_cache_alloc") { $c{"cache $v{name} allocs"}++ }
	elsif ($ev eq "kmalloc") { $c{"cache kmalloc-" . $v{bytes_alloc} . " allocs"}++ }
	elsif ($ev =~ /^page_fault_(user|kernel)$/) {
		my $e = hex($v{error_code});
		$c{"pid $pid faults"}++; $c{"pid $pid $1"}++;
		$c{"pid $pid " . ($e & 0x10 ? "exec" : $e & 2 ? "write" : "read")}++;
	}
	END { print "$_ $c{$_}\n" for sort keys %c }
' "$FIXTURES/live-6.18/tracecmd-report-R.txt" >expect

perl -MJSON::PP -e '
	local $/; my $d = decode_json(<STDIN>); my %c; my $t = $d->{tables};
	for (@{$t->{page_orders}}) {
		$c{"order $_->{order} allocs"} = $_->{allocs} if $_->{allocs};
		$c{"order $_->{order} frees"} = $_->{frees} if $_->{frees};
	}
	for (@{$t->{slab}}) { $c{"cache $_->{cache} allocs"} = $_->{allocs} if $_->{allocs} }
	for my $r (@{$t->{faults}}) {
		for my $k (qw(faults user kernel read write exec)) {
			$c{"pid $r->{pid} $k"} = $r->{$k} if $r->{$k};
		}
	}
	print "$_ $c{$_}\n" for sort keys %c
' <fx.json >got
[ "$(wc -l <expect)" -gt 20 ] || fail "too few expected totals"
diff -u expect got || fail "analyser totals differ from trace-cmd report"
# Processes, call sites and the per-process pages add up to the totals.
perl -MJSON::PP -e 'local $/; my $d = decode_json(<STDIN>); my $t = $d->{tables}; my %s;
	$s{$_->[0]} += $_->[1] for (map({ ["pp", $_->{count}] } @{$t->{pages_by_process}}),
				   map({ ["pg", $_->{count}] } @{$t->{pages}}),
				   map({ ["sc", $_->{allocs}] } @{$t->{slab_by_callsite}}),
				   map({ ["sp", $_->{allocs}] } @{$t->{slab_by_process}}),
				   map({ ["sl", $_->{allocs}] } @{$t->{slab}}));
	exit(($s{pp} == $s{pg} && $s{sc} == $s{sl} && $s{sp} == $s{sl}) ? 0 : 1)' <fx.json ||
	fail "per-process or per-call-site tables do not add up to the totals"
ok "$(wc -l <got) totals equal to trace-cmd's"

# GFP flag sets are named from the file's own print format, as trace-cmd names them.
cat >gfp.recipe <<EOR
description pages by order and gfp
event kmem:mm_page_alloc
table pages by order,gfp
EOR
"$KMS" report -r ./gfp.recipe --json fx.dat >gfp.json || fail "report by gfp failed"
perl -ne 'print "$1 $2\n" if / mm_page_alloc: .* order=(\d+) .*gfp_flags=(\S+)/' \
	"$FIXTURES/live-6.18/tracecmd-report.txt" | sort | uniq -c | awk '{print $2, $3, $1}' | sort >gfp.expect
perl -MJSON::PP -e 'local $/; my $d = decode_json(<STDIN>);
	print "$_->{order} $_->{gfp} $_->{count}\n" for @{$d->{tables}{pages}}' <gfp.json | sort >gfp.got
diff -u gfp.expect gfp.got || fail "per-order GFP flag sets differ from trace-cmd report"
ok "$(wc -l <gfp.got) (order, GFP flags) groups equal to trace-cmd's"
