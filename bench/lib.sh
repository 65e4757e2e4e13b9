# The start that bench/overhead.sh, throughput.sh, readpath.sh and
# stacks.sh share (sourced by them, run as SCRIPT BUILDDIR ...): B, the
# build tree, and S, the source tree; KMS and LOAD in B; OUT, a temporary
# directory removed on exit; median, of the numbers on stdin.
B=$(cd "$1" && pwd)
S=$(cd "$(dirname "$0")/.." && pwd)
KMS=$B/kmemscope
LOAD=$B/bench/kmemload
OUT=$(mktemp -d /tmp/kms-bench.XXXXXX)
trap 'rm -rf $OUT' EXIT

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
