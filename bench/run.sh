#!/bin/bash
# make bench: the overhead and throughput tables (bench/README.md), in
# markdown, to stdout and to BUILDDIR/bench/results.md.
# Usage (root): bench/run.sh BUILDDIR   (ITER, ROUNDS, TITER, RUNS: sizes)
set -eu
B=$(cd "$1" && pwd)
S=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "make bench: needs root (tracefs)" >&2; exit 1; }
{
	echo "## $(date -u +%Y-%m-%d) on $(nproc) CPUs ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), Linux $(uname -r), $(git -C $S describe --always --dirty 2>/dev/null || echo '?')"
	echo
	echo "### Overhead"
	echo
	bash $S/bench/overhead.sh $B ${ITER:-10000} ${ROUNDS:-5}
	echo
	echo "### Throughput (one core)"
	echo
	bash $S/bench/throughput.sh $B ${TITER:-2000} ${RUNS:-5}
} | tee $B/bench/results.md
