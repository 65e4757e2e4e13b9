#!/bin/bash
# Live: two recordings of the test program touching 16 and 32 MiB; in
# kmemscope diff the program's faults are about twice in B (totals), and
# its rates per second are the totals over each recording's duration.
. "$TESTLIB"
set -o pipefail
need_live
cd "$WORK"
# a comm of its own: recordings are system-wide, and other tests run touchmem
prog=kd$$
cp "$TOUCHMEM" "$prog"

"$KMS" record -q -r faults -o a.dat -- "./$prog" -m 16 >a.out 2>a.err || fail "record A: $(cat a.err)"
"$KMS" record -q -r faults -o b.dat -- "./$prog" -m 32 >b.out 2>b.err || fail "record B: $(cat b.err)"
no_instances_left
"$KMS" diff -r faults --table faults --json a.dat b.dat >d.json || fail "diff failed"
PROG=$prog perl -MJSON::PP -e 'local $/; my $d = decode_json(<STDIN>);
	my ($r) = grep { $_->{comm} eq $ENV{PROG} } @{$d->{tables}{faults}} or die "no $ENV{PROG} row\n";
	my $x = $r->{b} / $r->{a};
	die "B/A = $x, want about 2\n" if $x < 1.8 || $x > 2.2;
	die "rates are not per second\n" if abs($r->{a_per_s} - $r->{a} / $d->{a_duration_s}) > 1e-6 * $r->{a_per_s};
	printf "$ENV{PROG}: A %d, B %d faults (x%.2f)\n", $r->{a}, $r->{b}, $x' <d.json >ratio || fail "$(cat ratio)"
ok "$(cat ratio)"
