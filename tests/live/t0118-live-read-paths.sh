#!/bin/bash
# Live: the two read paths of the ring buffer (KMEMSCOPE_READ=mmap, the
# trace_pipe_raw mmap interface of 6.10+, and KMEMSCOPE_READ=splice) record
# the same workload into files trace-cmd reads with no warning, each CPU's
# events in the file equal to the kernel's own count of the events read from
# it (per_cpu/cpuN/stats, which the file keeps and trace-cmd report --stat
# prints), nothing left in the buffers and nothing lost; with the recorder
# stopped while the workload runs, both count exactly the events the kernel
# says it overwrote, and trace-cmd sees the drops too. top gets the same
# pages: its fault count of a command agrees with the kernel's (getrusage)
# on both paths, with partial pages handed over every second.
. "$TESTLIB"
set -o pipefail
need_live
need_tracecmd
cd "$WORK"

rb=$(KMEMSCOPE_READ=mmap "$KMS" check --json | perl -MJSON::PP -e 'local $/;
	my $f = decode_json(<STDIN>)->{facts}{ring_buffer}; print "$f->{value}: $f->{evidence}"') ||
	fail "check --json failed"
case "$rb" in
mmap:*) ;;
*) skip "the ring buffer cannot be mapped here ($rb)";;
esac
KMEMSCOPE_READ=splice "$KMS" check | grep -q '^ring_buffer .* splice .*KMEMSCOPE_READ=splice' ||
	fail "check does not say KMEMSCOPE_READ=splice chooses splice"
if KMEMSCOPE_READ=both "$KMS" record -q -o x.dat -- true 2>err; then fail "KMEMSCOPE_READ=both accepted"; fi
grep -q 'KMEMSCOPE_READ=both: expected auto, mmap or splice' err || fail "unclear error: $(cat err)"
no_instances_left

# Per CPU, "CPU events-in-file read-events-of-the-stats", from trace-cmd alone.
per_cpu() {
	trace-cmd report -i "$1" 2>/dev/null | perl -ne '$n{$1 + 0}++ if /^\s*\S.*?\[(\d+)\]\s+\d+\.\d+:/;
		END { print "$_ ", $n{$_} + 0, "\n" for sort { $a <=> $b } keys %n }' >"$1.got"
	trace-cmd report --stat -i "$1" 2>/dev/null | perl -ne '$c = $1 if /^CPU: (\d+)/;
		$r{$c} = $1 if /^read events: (\d+)/; $o += $1 if /^overrun: (\d+)/;
		$e += $1 if /^entries: (\d+)/;
		END { print "$_ $r{$_}\n" for sort { $a <=> $b } grep { $r{$_} } keys %r;
		      print STDERR "overrun=", $o + 0, " entries=", $e + 0, "\n" }' >"$1.want" 2>"$1.left"
}

for p in mmap splice; do
	KMEMSCOPE_READ=$p "$KMS" record -e kmem:mm_page_alloc -e kmem:mm_page_free -e kmem:kmalloc \
		-e exceptions:page_fault_user -o $p.dat -- "$TOUCHMEM" -m 32 -o $p.prog \
		>/dev/null 2>$p.err || fail "record ($p): $(cat $p.err)"
	grep -q "^kmemscope: read by $p " $p.err || fail "record did not read by $p: $(tail -1 $p.err)"
	grep -q '^kmemscope: lost 0 events' $p.err || fail "$p lost events: $(grep lost $p.err)"
	tracecmd_events $p.dat >$p.txt
	per_cpu $p.dat
	[ -s $p.dat.got ] || fail "$p: trace-cmd reports no events"
	cmp -s $p.dat.got $p.dat.want ||
		fail "$p: events per CPU in the file ($(tr '\n' ' ' <$p.dat.got)) differ from the kernel's read events ($(tr '\n' ' ' <$p.dat.want))"
	[ "$(cat $p.dat.left)" = "overrun=0 entries=0" ] || fail "$p: the kernel says $(cat $p.dat.left)"
	# the summary's counts by event are trace-cmd's
	for ev in mm_page_alloc page_fault_user; do
		tc=$(grep -c " $ev:" $p.txt || true)
		km=$(sed -n "s/^  $ev  *\([0-9]*\)$/\1/p" $p.err)
		[ "$tc" = "$km" ] || fail "$p: trace-cmd counts $tc $ev, the summary $km"
	done
	nf=$(grep -c " page_fault_user:" $p.txt || true)
	[ "$nf" -ge 8192 ] || fail "$p: only $nf page_fault_user events for 32 MiB"
	no_instances_left
	ok "$p: $(awk '{ n += $2 } END { print n }' $p.dat.got) events, per CPU as the kernel read them ($(awk '{ printf "%scpu%s %s", (NR > 1 ? ", " : ""), $1, $2 }' $p.dat.got)), none lost"
done

# Lost events: the recorder stopped (SIGSTOP) while the workload fills a small buffer.
for p in mmap splice; do
	KMEMSCOPE_READ=$p "$KMS" record -b 256 -e kmem:mm_page_alloc -e kmem:kmalloc -o lost-$p.dat -- \
		sh -c "kill -STOP \$PPID; \"$TOUCHMEM\" -m 64 >/dev/null; kill -CONT \$PPID" \
		>/dev/null 2>lost-$p.err || fail "record ($p, stopped): $(cat lost-$p.err)"
	grep -q "^kmemscope: read by $p " lost-$p.err || fail "record did not read by $p"
	lost=$(sed -n 's/^kmemscope: lost \([0-9]*\) events.*/\1/p' lost-$p.err)
	tracecmd_events lost-$p.dat >lost-$p.txt
	per_cpu lost-$p.dat
	cmp -s lost-$p.dat.got lost-$p.dat.want ||
		fail "$p: events per CPU in the file ($(tr '\n' ' ' <lost-$p.dat.got)) differ from the kernel's read events ($(tr '\n' ' ' <lost-$p.dat.want))"
	over=$(sed -n 's/^overrun=\([0-9]*\) .*/\1/p' lost-$p.dat.left)
	[ "$over" -gt 0 ] || fail "$p: nothing was overwritten; the test did not stop the recorder"
	[ "$lost" = "$over" ] || fail "$p: kmemscope says $lost lost, the kernel overwrote $over"
	drops=$(perl -ne '$n += $1 if /CPU:\d+ \[(\d+) EVENTS DROPPED\]/; $l++ if /EVENTS DROPPED/;
		END { print $l + 0, " ", $n + 0 }' lost-$p.txt)
	[ "${drops% *}" -gt 0 ] || fail "$p: trace-cmd shows no dropped events"
	[ "${drops#* }" -le "$over" ] || fail "$p: trace-cmd counts ${drops#* } dropped, more than the $over overwritten"
	no_instances_left
	ok "$p: $lost lost = the kernel's overrun; trace-cmd shows ${drops% *} drops of ${drops#* } events"
done

# top on both paths, with partial pages handed over at each refresh.
for p in mmap splice; do
	KMEMSCOPE_READ=$p "$KMS" top -r faults --json -d 1 -- "$TOUCHMEM" -m 8 -r 4 -p 400 \
		-o top-$p.prog >top-$p.json 2>top-$p.err || fail "top ($p): $(cat top-$p.err)"
	[ "$(wc -l <top-$p.json)" -ge 2 ] || fail "top ($p) printed one snapshot only"
	pid=$(sed -n 's/^pid=\([0-9]*\) .*/\1/p' top-$p.prog)
	want=$(sed -n 's/.* faults=\([0-9]*\)$/\1/p' top-$p.prog)
	tail -1 top-$p.json | perl -MJSON::PP -e 'local $/; my $d = decode_json(<STDIN>);
		my ($r) = grep { $_->{pid} == $ARGV[0] } @{$d->{tables}{faults}};
		my $m = $r ? $r->{faults} : 0; my $k = $ARGV[1];
		printf "kernel %d, top %d, lost %d\n", $k, $m, $d->{lost_events};
		exit(($d->{lost_events} == 0 && abs($k - $m) <= $k * 0.005) ? 0 : 1)' "$pid" "$want" >top-$p.cmp ||
		fail "top ($p): $(cat top-$p.cmp)"
	no_instances_left
	ok "top ($p): $(cat top-$p.cmp)"
done
