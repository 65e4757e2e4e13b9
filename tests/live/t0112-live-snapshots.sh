#!/bin/bash
# Live: the buddyinfo, meminfo and vmstat tables of a recording against
# /proc/buddyinfo, /proc/meminfo and /proc/vmstat read by the test just
# before and after record; the fragmentation index against the kernel's
# formula (mm/vmstat.c __fragmentation_index) computed here; text, JSON,
# CSV; record's summary names the snapshot lines' event.
. "$TESTLIB"
set -o pipefail
need_live
cd "$WORK"

for f in buddyinfo meminfo vmstat; do cat /proc/$f >$f.0; done
"$KMS" record -r overview -o s.dat -- "$TOUCHMEM" -m 8 >prog.out 2>rec.err ||
	fail "record failed: $(cat rec.err)"
for f in buddyinfo meminfo vmstat; do cat /proc/$f >$f.1; done
no_instances_left
grep -q '^  print  *[0-9]' rec.err || fail "record's summary does not name the print event: $(cat rec.err)"
grep -q 'event id' rec.err && fail "record's summary still prints a bare event id"
printf '%s\n' "description the snapshot tables, unlimited" "event kmem:mm_page_alloc" \
	"table buddyinfo" "table meminfo" "table vmstat" >snap.recipe
"$KMS" report -r ./snap.recipe --json s.dat >s.json || fail "report failed"

# meminfo: the same fields as /proc/meminfo; MemTotal as the test read it.
perl -MJSON::PP -e 'local $/; my $d = decode_json(<STDIN>);
	print "$_->{field} $_->{before} $_->{after} $_->{unit}\n" for @{$d->{tables}{meminfo}}' <s.json >mi.got
"$KMS" report -r ./snap.recipe --table meminfo --csv s.dat >mi.csv || fail "CSV failed"
head -1 mi.csv | grep -qx 'field,before,after,delta,unit' || fail "meminfo CSV header: $(head -1 mi.csv)"
[ "$(($(wc -l <mi.csv) - 1))" -eq "$(wc -l <meminfo.0)" ] || fail "meminfo CSV has $(wc -l <mi.csv) lines, /proc/meminfo $(wc -l <meminfo.0)"
total=$(awk '$1 == "MemTotal:" {print $2}' meminfo.0)
grep -qx "MemTotal $total $total kB" <(awk -F, '{print $1, $2, $3, $5}' mi.csv) || fail "MemTotal is not $total kB"
ok "meminfo: $(wc -l <meminfo.0) fields, MemTotal $total kB"

# vmstat: event counters lie between the test's reads, before <= after.
perl -MJSON::PP -e 'local $/; my $d = decode_json(<STDIN>);
	print "$_->{field} $_->{before} $_->{after} $_->{delta}\n" for @{$d->{tables}{vmstat}}' <s.json >vm.got
for c in pgfault pgalloc_normal pgfree; do
	read -r _ b a d < <(grep "^$c " vm.got) || fail "vmstat has no $c row"
	t0=$(awk -v c=$c '$1 == c {print $2}' vmstat.0)
	t1=$(awk -v c=$c '$1 == c {print $2}' vmstat.1)
	[ "$t0" -le "$b" ] && [ "$b" -le "$a" ] && [ "$a" -le "$t1" ] && [ "$d" -eq $((a - b)) ] ||
		fail "$c: test $t0 .. $t1, recorded $b .. $a (delta $d)"
done
"$KMS" report s.dat >s.txt || fail "text report failed"
grep -q "^/proc/vmstat counters that changed" s.txt || fail "no vmstat table in text"
ok "vmstat counters between the test's reads"

# buddyinfo: the zones and orders of /proc/buddyinfo; the index by the kernel's formula.
perl -MJSON::PP -e 'local $/; my $d = decode_json(<STDIN>);
	print "$_->{node} $_->{zone} $_->{order} $_->{before} $_->{after} $_->{frag_before} $_->{frag_after}\n"
		for @{$d->{tables}{buddyinfo}}' <s.json | sort -k1,1n -k2,2 -k3,3n >bi.got
awk '{ for (i = 5; i <= NF; i++) print $2 + 0, $4, i - 5 }' buddyinfo.0 | sort -k1,1n -k2,2 -k3,3n >bi.want
diff <(cut -d' ' -f1-3 bi.got) bi.want || fail "buddyinfo zones and orders differ from /proc/buddyinfo"
perl -ne '
	my ($n, $z, $o, $b, $a, $fb, $fa) = split;
	push @{$z{"$n $z"}}, [$o, $b, $a, $fb, $fa];
	END {
		sub idx { my ($o, @nr) = @_; my ($t, $p, $s) = (0, 0, 0);
			for my $i (0 .. $#nr) { $t += $nr[$i]; $p += $nr[$i] << $i; $s += $nr[$i] << ($i - $o) if $i >= $o }
			return 0 unless $t; return -1000 if $s;
			return 1000 - int((1000 + int($p * 1000 / (1 << $o))) / $t) }
		for my $k (keys %z) {
			my @r = sort { $a->[0] <=> $b->[0] } @{$z{$k}};
			my @b = map { $_->[1] } @r; my @a = map { $_->[2] } @r;
			for (@r) {
				my ($o, $fb, $fa) = ($_->[0], $_->[3], $_->[4]);
				die "zone $k order $o: index $fb, want " . idx($o, @b) / 1000 . "\n"
					if abs($fb - idx($o, @b) / 1000) > 1e-9;
				die "zone $k order $o: index after $fa\n" if abs($fa - idx($o, @a) / 1000) > 1e-9;
			}
		}
	}' bi.got || fail "fragmentation index differs from the kernel's formula"
# Free pages of each zone, before, within 5% of the test's own read.
perl -e 'open(my $g, "<", $ARGV[0]) or die; my (%k, %t);
	while (<$g>) { my ($n, $z, $o, $b) = split; $k{"$n $z"} += $b << $o }
	open(my $w, "<", $ARGV[1]) or die;
	while (<$w>) { my @f = split; my $z = ($f[1] + 0) . " $f[3]"; $t{$z} += $f[$_] << ($_ - 4) for 4 .. $#f }
	for (keys %t) { next if $t{$_} < 1000; exit 1 if abs($k{$_} - $t{$_}) > 0.05 * $t{$_} }' bi.got buddyinfo.0 ||
	fail "free pages per zone differ by more than 5% from /proc/buddyinfo"
ok "buddyinfo: $(wc -l <bi.got) zone orders, fragmentation index as the kernel computes it"
