#!/bin/bash
# Unit: files written by trace-cmd record itself on Debian's 6.1 kernel (in
# the VM tier, tests/vm/mkfixtures.sh): v6, v7 with zstd, and a file with
# two buffers (-B). kmemscope report --events prints exactly trace-cmd
# report's lines, and the per-order, per-pid and per-cache totals of
# report --json equal what this script computes from trace-cmd's text,
# including the cache names that 6.1 only gives at kmem_cache_free.
. "$TESTLIB"
D=$FIXTURES/tracecmd-6.1
cd "$WORK"

# Totals from trace-cmd report text: "order N", "pid P", "cache C SOURCE".
totals() {	# file, buffer prefix ("" for the top level)
	perl -ne '
		BEGIN { $want = shift @ARGV; %cls = map { $_ => 1 } (8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192); }
		my $buf = s/^(\S+):\s// ? $1 : "";
		next unless $buf eq $want;
		next unless /^\s*(.*)-(\d+)\s+\[\d+\]\s+\S+:\s+(\w+):\s+(.*)$/;
		my ($pid, $ev, $f) = ($2, $3, $4);
		my %v = map { /^(\w+)=(.*)$/ ? ($1, $2) : () } split /\s+/, $f;
		if ($ev eq "mm_page_alloc") { $t{"order $v{order}"}++ }
		elsif ($ev eq "page_fault_user" || $ev eq "page_fault_kernel") { $t{"pid $pid faults"}++ }
		elsif ($ev eq "kmalloc") {
			$t{"cache " . ($cls{$v{bytes_alloc}} ? "kmalloc-$v{bytes_alloc}" : $v{bytes_alloc} > 8192 ? "kmalloc-large" : "kmalloc-?") . " size-class"}++;
			delete $pend{$v{ptr}};
		} elsif ($ev eq "kmem_cache_alloc") {
			if (defined $v{name}) { $t{"cache $v{name} event"}++ }
			else {
				$t{"cache ? unknown"}++;
				$pend{$v{ptr}} = 1 if $v{ptr} ne "(nil)";
			}
		} elsif ($ev eq "kfree") { delete $pend{$v{ptr}} }
		elsif ($ev eq "kmem_cache_free") {
			if (exists $pend{$v{ptr}} && defined $v{name}) {
				$t{"cache ? unknown"}--;
				$t{"cache $v{name} inferred"}++;
			}
			delete $pend{$v{ptr}};
		}
		END { print "$_ $t{$_}\n" for sort grep { $t{$_} } keys %t }
	' "$2" "$1"
}

ours() {	# json
	perl -MJSON::PP -e '
		local $/; my $d = decode_json(<STDIN>); my $t = $d->{tables}; my %c;
		$c{"order $_->{order}"} += $_->{allocs} for grep { $_->{allocs} } @{$t->{page_orders}};
		$c{"pid $_->{pid} faults"} += $_->{faults} for @{$t->{faults}};
		$c{"cache $_->{cache} $_->{name_source}"} += $_->{allocs} for @{$t->{slab}};
		print "$_ $c{$_}\n" for sort grep { $c{$_} } keys %c' <"$1"
}

for f in v6 v7-zstd multi; do
	"$KMS" report --events "$D/$f.dat" >ev.txt 2>err || fail "$f: report --events: $(cat err)"
	cmp -s ev.txt "$D/$f.report.txt" || { diff "$D/$f.report.txt" ev.txt | head -5; fail "$f: --events differs from trace-cmd report"; }
	"$KMS" report -r "$FIXTURES/all-tables.recipe" --json "$D/$f.dat" >t.json || fail "$f: report --json"
	totals "$D/$f.report.txt" "" >expect
	ours t.json >got
	[ "$(wc -l <expect)" -ge 2 ] || fail "$f: too few totals: $(cat expect)"
	diff -u expect got || fail "$f: totals differ from trace-cmd report"
	ok "$f: $(wc -l <ev.txt) event lines identical; $(wc -l <got) totals equal"
done
# v6 and v7 hold kmem_cache_free names: some cache names are inferred, and marked so.
"$KMS" report -r "$FIXTURES/all-tables.recipe" --json "$D/v7-zstd.dat" | grep -q '"name_source":\s*"inferred"' ||
	fail "no inferred cache name in the 6.1 recording"
"$KMS" report -r slab "$D/v7-zstd.dat" | grep -q ' inferred$' || fail "text output does not mark inferred names"

# The second buffer of the -B file, selected with --buffer.
"$KMS" report -r "$FIXTURES/all-tables.recipe" --buffer second --json "$D/multi.dat" >b.json || fail "--buffer second"
totals "$D/multi.report.txt" second >expect
ours b.json >got
diff -u expect got || fail "buffer 'second': totals differ"
grep -Eq '"buffers":[[:space:]]*"top, second \(shown\)"' b.json || fail "buffers not listed: $(grep buffers b.json)"
"$KMS" report --buffer nosuch "$D/multi.dat" 2>err && fail "unknown buffer accepted"
grep -q "no buffer named 'nosuch'" err || fail "unclear: $(cat err)"
ok "buffer 'second': $(wc -l <got) totals equal; buffers listed"
