#!/bin/bash
# Oracle test of kmemscope pagemap against the kernel's own accounting:
# - tests/pagemapprog maps 64 MiB anonymous (MADV_NOHUGEPAGE, all
#   written), maps a 16 MiB file and reads half of it, then sleeps;
# - present pages of every mapping = Rss of that mapping in
#   /proc/PID/smaps within 1% (zero-page entries, which smaps does not
#   count, taken out; VM_PFNMAP mappings such as [vvar] skipped);
# - as root: USS within 2% of smaps_rollup Private_*, PSS within 2% of
#   its Pss, ANON pages of the anonymous mapping = its present pages, and,
#   where THP allows madvise, THP pages of a MADV_HUGEPAGE mapping =
#   its smaps AnonHugePages;
# - without CAP_SYS_ADMIN (run as nobody): PFN columns are left out;
# - errors: bad PID (2), no such process and a zombie (4), another user's
#   process (5), each with a one-line message.
. "$TESTLIB"
PROG=$PROGS/pagemapprog
[ -x "$PROG" ] || fail "no test program $PROG"
cd "$WORK"

# expect_exit CODE PATTERN CMD...: exit status and a one-line message on
# stderr (usage errors, 2, add a line pointing to -h).
expect_exit() {
	local want=$1 pat=$2 rc lines=1
	shift 2
	"$@" >out 2>err
	rc=$?
	[ "$want" = 2 ] && lines=2
	[ "$rc" = "$want" ] || fail "'$*' exited $rc, want $want: $(cat err)"
	[ "$(wc -l <err)" = $lines ] || fail "'$*': not $lines line(s) on stderr: $(cat err)"
	head -1 err | grep -q "$pat" || fail "'$*': message '$(cat err)' lacks '$pat'"
	[ -s out ] && fail "'$*' printed on stdout: $(head -3 out)"
	ok "'$*' -> $rc: $(head -1 err)"
}

# start_prog DIR ARGS...: run the test program, wait until it is ready;
# sets PID (its pid) and adds it to PROGS, which are killed on exit.
PROGS=
trap 'kill $PROGS 2>/dev/null; cleanup' EXIT
start_prog() {
	local dir=$1 i bg
	shift
	"$@" -o "$dir/ready" -s 120 >/dev/null &
	bg=$!
	for i in $(seq 600); do
		grep -qx ready "$dir/ready" 2>/dev/null && break
		kill -0 $bg 2>/dev/null || fail "test program died"
		sleep 0.1
	done
	grep -qx ready "$dir/ready" 2>/dev/null || fail "test program not ready after 60 s"
	PID=$(sed -n 's/^pid=//p' "$dir/ready")
	PROGS="$PROGS $PID"
}

# Errors first.
expect_exit 2 "invalid PID" "$KMS" pagemap 12x
expect_exit 2 "give its PID" "$KMS" pagemap
max=$(cat /proc/sys/kernel/pid_max)
expect_exit 4 "no process with pid $max" "$KMS" pagemap "$max"
perl -e '$| = 1; my $c = fork(); if (!$c) { exit 0 } print "$c\n"; sleep 30' >zpid &
for i in $(seq 50); do [ -s zpid ] && break; sleep 0.1; done
sleep 0.3
expect_exit 4 "has exited" "$KMS" pagemap "$(cat zpid)"

# The program and the oracle.
thp=0
grep -q '\[\(always\|madvise\)\]' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null && thp=8
start_prog "$WORK" "$PROG" -m 64 -f "$WORK/data" -F 16 -t $thp
pid=$PID
"$KMS" pagemap --json --all-maps "$pid" >pm.json 2>pm.err || fail "pagemap --json: $(cat pm.err)"
cp "/proc/$pid/smaps" smaps
# Read by the shell itself: a cp would map libc pages and make them shared.
printf '%s\n' "$(<"/proc/$pid/smaps_rollup")" >rollup
"$KMS" pagemap "$pid" >pm.txt 2>&1 || fail "pagemap (text): $(cat pm.txt)"
"$KMS" pagemap --csv "$pid" >pm.csv 2>csv.err || fail "pagemap --csv: $(cat csv.err)"
head -1 pm.csv | grep -q '^start,end,perms,size_kib,present,' || fail "CSV header: $(head -1 pm.csv)"
grep -q '^Pages by mapping' pm.txt || fail "no mappings table in the text output"

# compare.pl: the oracle checks, from pm.json, smaps and rollup.
cat >compare.pl <<'EOF'
use strict;
use warnings;
no warnings 'portable';	# 64-bit hex addresses
use JSON::PP;
my ($anon, $file, $thp, $pfns_expected) = @ARGV;
local $/;
open my $jf, '<', 'pm.json' or die;
my $d = decode_json(<$jf>);
$/ = "\n";
my $bad = 0;
sub bad { print "FAIL: @_\n"; $bad++ }
sub within {	# label, want, got, percent
	my ($l, $w, $g, $p) = @_;
	my $diff = abs($w - $g);
	my $ok = $diff <= $w * $p / 100;
	printf "%s: %s want %s, got %s (%.2f%%)\n", $ok ? 'ok' : 'FAIL', $l, $w, $g,
		$w ? 100 * $diff / $w : ($g ? 100 : 0);
	$bad++ unless $ok;
}
my %map = map { (hex($_->{start}) . '-' . hex($_->{end})) => $_ } @{$d->{mappings}};
my $readable = $d->{pfns_readable} ? 1 : 0;
bad("pfns_readable is $readable, want $pfns_expected") if $readable != $pfns_expected;
my (%smaps, @order, $cur);
open my $s, '<', 'smaps' or die;
while (<$s>) {
	if (/^([0-9a-f]+)-([0-9a-f]+) \S+(?: +\S+){3} *(.*)$/) {
		$cur = hex($1) . '-' . hex($2);
		push @order, $cur;
		$smaps{$cur} = { name => $3 };
	} elsif (/^(\w+):\s+(\d+) kB/) {
		$smaps{$cur}{$1} = $2;
	} elsif (/^VmFlags:(.*)/) {
		$smaps{$cur}{vmflags} = $1;
	}
}
my $kib = $d->{page_size} / 1024;
my $n = 0;
for my $k (@order) {
	my $sm = $smaps{$k};
	my $m = $map{$k} or do { bad("mapping $k ($sm->{name}) missing from pagemap"); next };
	next if $sm->{vmflags} =~ /\bpf\b/;
	if (!defined $m->{present}) {	# a reservation not scanned: must be empty
		bad("unscanned mapping $m->{start} has $sm->{Rss} kB resident") if $sm->{Rss};
		next;
	}
	my $got = $m->{present} - ($readable ? $m->{flags}{ZERO_PAGE} : 0);
	my $want = $sm->{Rss} / $kib;
	if (abs($got - $want) > $want / 100) {
		bad("mapping $m->{start} $sm->{name}: present $got, smaps Rss $want pages");
	}
	$n++;
}
print "ok: present pages of $n mappings agree with smaps Rss\n" unless $bad;
my ($as, $ae) = map { hex } split /-/, $anon;
my ($a) = grep { hex($_->{start}) <= $as && hex($_->{end}) >= $ae } @{$d->{mappings}};
if ($a) {
	within('present pages of the 64 MiB anonymous mapping', 16384, $a->{present}, 1);
	within('ANON pages of the anonymous mapping', $a->{present}, $a->{flags}{ANON}, 0)
		if $readable;
} else {
	bad("no mapping holds $anon");
}
my ($fs) = map { hex } split /-/, $file;
my ($f) = grep { hex($_->{start}) == $fs } @{$d->{mappings}};
if (!$f) {
	bad("no mapping at $file");
} elsif ($f->{present} < 2048 || $f->{present} > 2048 + 64) {
	bad("file mapping: $f->{present} pages present, want half of 4096 (fault-around: +64)");
} else {
	print "ok: file mapping has $f->{present} pages present (half: 2048)\n";
}
if ($readable) {
	my %r;
	open my $rf, '<', 'rollup' or die;
	while (<$rf>) { $r{$1} = $2 if /^(\w+):\s+(\d+) kB/ }
	my $priv = $r{Private_Clean} + $r{Private_Dirty} + ($r{Private_Hugetlb} // 0);
	within('USS vs smaps_rollup Private_*', $priv, $d->{totals}{uss_kib}, 2);
	within('PSS vs smaps_rollup Pss', $r{Pss}, $d->{totals}{pss_kib}, 2);
	if ($thp ne '-') {
		my ($ts) = map { hex } split /-/, $thp;
		my ($k) = grep { (split /-/)[0] == $ts } @order;
		my ($t) = grep { hex($_->{start}) == $ts } @{$d->{mappings}};
		if (!$k || !$t) {
			bad("no THP mapping at $thp");
		} else {
			my $want = $smaps{$k}{AnonHugePages} / $kib;
			within('THP pages vs smaps AnonHugePages', $want, $t->{flags}{THP}, 1);
			print "note: no huge page was allocated (memory fragmented?)\n" unless $want;
		}
	}
}
exit($bad ? 1 : 0);
EOF
anon=$(sed -n 's/^anon=//p' ready)
file=$(sed -n 's/^file=//p' ready)
thpmap=$(sed -n 's/^thp=//p' ready)
pfns=0
[ "$(id -u)" = 0 ] && pfns=1
perl compare.pl "$anon" "$file" "${thpmap:--}" $pfns || fail "pagemap disagrees with smaps"
[ $thp = 0 ] && echo "note: THP check skipped: transparent_hugepage/enabled allows no madvise"
[ "$(id -u)" = 0 ] || skip "USS, PSS, flags and permission checks need root (pagemap counts checked)"

# Without CAP_SYS_ADMIN: the program and kmemscope as nobody.
chmod 755 "$WORK"
if command -v setpriv >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null &&
   setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$KMS" -a -x "$PROG"; then
	mkdir nobody && chmod 777 nobody
	as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	start_prog nobody as_nobody "$PROG" -m 8 -f "$WORK/nobody/data" -F 1
	npid=$PID
	as_nobody "$KMS" pagemap --json "$npid" >nobody.json 2>nobody.err ||
		fail "pagemap as nobody: $(cat nobody.err)"
	perl -MJSON::PP -e 'local $/; my $d = decode_json(<STDIN>);
		exit 1 if $d->{pfns_readable} || ($d->{note} // "") !~ /CAP_SYS_ADMIN/;
		for my $m (@{$d->{mappings}}, $d->{totals}) {
			exit 1 if exists $m->{uss_kib} || exists $m->{pss_kib} || exists $m->{flags};
		}
		exit 1 unless $d->{totals}{present} >= 2048' <nobody.json ||
		fail "as nobody, PFN-derived data is shown or the note is missing: $(head -c 600 nobody.json)"
	as_nobody "$KMS" pagemap "$npid" >nobody.txt 2>&1
	grep -q '^note: PFNs read as zero' nobody.txt || fail "text output as nobody lacks the note"
	grep -qE '^(START|MAPPINGS) .* USS ' nobody.txt && fail "text output as nobody shows USS"
	grep -q '^Page flags' nobody.txt && fail "text output as nobody shows page flags"
	ok "without CAP_SYS_ADMIN only the pagemap columns are shown, with a note"
	expect_exit 5 "may not read the page tables of pid $pid" as_nobody "$KMS" pagemap "$pid"
else
	echo "note: setpriv cannot run $KMS as nobody here: unprivileged checks skipped"
fi
ok "kmemscope pagemap agrees with smaps and smaps_rollup"
