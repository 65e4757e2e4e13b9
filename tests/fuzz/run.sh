#!/bin/bash
# Run one libFuzzer target for a time: tests/fuzz/run.sh TARGET SECONDS [BUILDDIR]
# TARGET is tracedat, subbuf, recipe or pagemap; BUILDDIR (default: .) is a
# tree configured with --enable-fuzzing. New inputs go to
# BUILDDIR/fuzz-work/TARGET (the committed seeds in tests/fuzz/corpus/TARGET
# are only read); a crash, hang or leak-free OOM is written there as
# crash-*, timeout-* or oom-* and the script exits 1. With
# FUZZ_KEEP_GOING=1 it goes on past crashes (libFuzzer -fork=1) and
# reports them at the end. Runs at nice 19, one process at a time.
set -u
target=${1:?usage: run.sh TARGET SECONDS [BUILDDIR]}
secs=${2:?usage: run.sh TARGET SECONDS [BUILDDIR]}
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${3:-.}" && pwd)
bin=$build/tests/fuzz/fuzz-$target
seeds=$src/tests/fuzz/corpus/$target
work=$build/fuzz-work/$target
[ -x "$bin" ] || { echo "run.sh: no $bin (./configure --enable-fuzzing && make $bin)" >&2; exit 2; }
[ -d "$seeds" ] || { echo "run.sh: no seed corpus $seeds" >&2; exit 2; }
mkdir -p "$work/corpus" "$work/artifacts"
# libtracecmd leaks on its error paths; leaks are not what we look for
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
args=(-max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048
      -max_len=65536 -print_final_stats=1 -artifact_prefix="$work/artifacts/")
[ "${FUZZ_KEEP_GOING:-0}" = 1 ] && args+=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
# CI: a fixed seed and number of runs, so that a run is the same on every
# machine and load (a random 60 s can meet a library bug the next one does not)
[ -n "${FUZZ_RUNS:-}" ] && args+=(-seed="${FUZZ_SEED:-1}" -runs="$FUZZ_RUNS")
# First the inputs that crashed it once (tests/fixtures/corrupt/README).
reg=("$src"/tests/fixtures/corrupt/fuzz-"$target"-*)
[ "$target" = tracedat ] && reg+=("$src"/tests/fixtures/corrupt/*.dat)
reg=($(ls "${reg[@]}" 2>/dev/null))
if [ ${#reg[@]} -gt 0 ]; then
	nice -n 19 "$bin" -timeout=10 -rss_limit_mb=2048 "${reg[@]}" >"$work/regress.log" 2>&1 ||
		{ tail -30 "$work/regress.log"; echo "fuzz-$target: a regression input crashed it"; exit 1; }
	echo "fuzz-$target: ${#reg[@]} regression inputs pass"
fi
before=$(ls "$work/artifacts" | wc -l)
nice -n 19 "$bin" "${args[@]}" "$work/corpus" "$seeds" >"$work/log" 2>&1
rc=$?
after=$(ls "$work/artifacts" | wc -l)
grep -E '^(stat::|#[0-9]+ *DONE)' "$work/log" | tail -8
echo "fuzz-$target: ${secs}s, exit $rc, $((after - before)) new artifacts in $work/artifacts"
[ $rc -eq 0 ] && [ "$after" -eq "$before" ]
