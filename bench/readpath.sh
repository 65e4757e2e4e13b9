#!/bin/bash
# The two read paths of the ring buffer (KMEMSCOPE_READ=mmap and splice)
# on the same workload, ROUNDS interleaved rounds: record's readers' CPU
# seconds per million events (the readers' own clock, CLOCK_THREAD_CPUTIME_ID,
# which record's summary prints), the whole recorder's CPU per million
# events (the tree's user+sys less the workload's own), the bytes written
# and the events lost, as a markdown table of medians and min-max.
# Usage (root): bench/readpath.sh BUILDDIR [ITERATIONS] [ROUNDS]
set -eu
. "$(dirname "$0")/lib.sh"
ITER=${2:-10000}
ROUNDS=${3:-5}

for r in $(seq $ROUNDS); do
	for p in mmap splice; do
		/usr/bin/time -f '%U %S' -o $OUT/rus env KMEMSCOPE_READ=$p \
			$KMS record -r overview -o $OUT/k.dat -- $LOAD $ITER >$OUT/load 2>$OUT/err ||
			{ cat $OUT/err >&2; exit 1; }
		# the workload prints "WALL USER SYS"
		perl -e 'my ($u, $s) = split " ", `tail -1 $ARGV[0]`; my (undef, $wu, $ws) = split " ", `tail -1 $ARGV[1]`;
			local $/; my $e = `cat $ARGV[2]`;
			my ($ev) = $e =~ /recorded (\d+) events \(([\d.]+ \w+)\)/ or die "no summary\n";
			my ($mb) = $e =~ /recorded \d+ events \(([\d.]+ \w+)\)/;
			my ($cpu) = $e =~ /readers. CPU ([\d.]+) s/ or die "no readers CPU\n";
			my ($lost) = $e =~ /lost (\d+) events/;
			$e =~ /read by (\w+)/; $1 eq $ARGV[3] or die "read by $1, not $ARGV[3]\n";
			printf "%s %.4f %.4f %s %s\n", $ARGV[3], $cpu / ($ev / 1e6),
				($u + $s - $wu - $ws) / ($ev / 1e6), $mb =~ s/ //r, $lost' \
			$OUT/rus $OUT/load $OUT/err $p >>$OUT/rows
	done
done

stat() { sort -g | awk '{a[NR]=$1} END {printf "%.3f (%.3f-%.3f)", a[int((NR+1)/2)], a[1], a[NR]}'; }
echo "Workload: \`kmemscope record -r overview -- bench/kmemload $ITER\`, $ROUNDS interleaved rounds"
echo
echo "| read path | readers' CPU s / M events | recorder CPU s / M events | written | lost events |"
echo "|---|---|---|---|---|"
for p in mmap splice; do
	rc=$(awk -v p=$p '$1 == p {print $2}' $OUT/rows | stat)
	tc=$(awk -v p=$p '$1 == p {print $3}' $OUT/rows | stat)
	mb=$(awk -v p=$p '$1 == p {print $4}' $OUT/rows | tr '\n' ' ' | sed 's/ $//; s/ /, /g')
	lost=$(awk -v p=$p '$1 == p {print $5}' $OUT/rows | tr '\n' ' ' | sed 's/ $//; s/ /, /g')
	echo "| $p | $rc | $tc | $mb | $lost |"
done
