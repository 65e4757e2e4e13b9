#!/bin/bash
# Soak: `top -d 1 --json` beside a heavy load for SECONDS (default 300):
# its RSS stays flat (the median of the last quarter within 1.2x that of
# the second; in runs under 2 minutes, below 256 MiB), a snapshot comes every interval (each on time within one
# interval), SIGINT ends it within one interval with status 0, and its
# instance is gone. Oracles: /proc/PID/status (VmRSS), the clock, tracefs.
#   tests/soak/top-soak.sh [SECONDS [LOADS]]   (needs root; LOADS copies of
#   the load, default 3; make check runs 20 s with 3:
#   tests/live/t0119-live-top-soak.sh)
. "${TESTLIB:?TESTLIB must name tests/lib.sh}"
need_live
secs=${1:-300}
loads=${2:-3}
cd "$WORK"

# The load: more work than CPUs, fresh pages and slab churn.
load() { while :; do "$TOUCHMEM" -m 32 >/dev/null; "$PROGS/openclose" 200 /dev/null >/dev/null; done; }
pids=
for i in $(seq "$loads"); do load & pids="$pids $!"; done
trap 'kill $pids 2>/dev/null; cleanup' EXIT

"$KMS" top -r overview -d 1 --json >top.json 2>top.err &
top=$!
wait_instance $top
start=$(date +%s.%N)
quarter=$((secs / 4 > 0 ? secs / 4 : 1))
: >rss
for i in $(seq "$secs"); do
	sleep 1
	kill -0 $top 2>/dev/null || fail "top ended after $i s: $(tail -3 top.err)"
	awk '/^VmRSS/ { print $2 }' /proc/$top/status >>rss
done
t0=$(date +%s.%N)
kill -INT $top
wait $top
rc=$?
t1=$(date +%s.%N)
kill $pids 2>/dev/null	# the checks below need no load
# each snapshot's header keys (they come before "tables"): JSON::PP is slow on whole snapshots
perl -MJSON::PP -ne 's/,"tables":.*//; print encode_json(decode_json("$_}")), "\n"' top.json >head.json ||
	fail "a snapshot is not JSON: $(tail -c 300 top.json)"
[ "$rc" = 0 ] || fail "top exited $rc after SIGINT: $(tail -3 top.err)"
no_instances_left
took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
awk -v t="$took" 'BEGIN { exit !(t <= 2.0) }' || fail "SIGINT took $took s (interval 1 s)"

# RSS jitters as pages are queued and merged: compare medians, the second
# quarter against the last one (a leak rises; a bounded queue does not).
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
base=$(sed -n "$quarter,$((2 * quarter))p" rss | median)
last=$(tail -n "$quarter" rss | median)
max=$(sort -n rss | tail -1)
# In a short run the maps are still filling up to their bounds (kmemscope-
# top(1), MEMORY): below 2 minutes only the bound itself is checked.
# An ASan build's RSS is its allocator's (freed memory held in quarantine,
# the shadow): the bounds are kmemscope's, so they are checked without it.
if grep -q __asan_init "$KMS" 2>/dev/null; then
	echo "RSS not checked: an ASan build (median $base -> $last KiB, max $max)"
elif [ "$secs" -ge 120 ]; then
	awk -v b="$base" -v l="$last" 'BEGIN { exit !(l <= 1.2 * b) }' ||
		fail "RSS rose from a median $base KiB to $last KiB: $(tr "\n" " " <rss)"
else
	[ "$max" -le $((256 * 1024)) ] || fail "RSS reached $max KiB in $secs s: $(tr "\n" " " <rss)"
fi
n=$(wc -l <top.json)
[ "$n" -ge $((secs - 2)) ] || fail "$n snapshots in $secs s at a 1 s interval: $(tr "\n" " " <rss)"
# each snapshot's duration since the start: steps of about one interval
# (but the last, printed when SIGINT came, anywhere in its interval)
head -n -1 head.json >steps.json
late=$(perl -MJSON::PP -ne 'my $d = decode_json($_)->{duration_s}; printf "%.3f\n", $d - $p if defined $p; $p = $d' steps.json |
	awk '$1 > 2.0 || $1 < 0.5' | wc -l)
[ "$late" -eq 0 ] || fail "$late snapshots more than one interval late"
lost=$(perl -MJSON::PP -ne '$l = decode_json($_)->{lost_events}; END { print $l }' head.json)
# how far behind the analysis was (kmemscope-top(1), BEHIND): said, not required
behind=$(perl -MJSON::PP -ne '$b = decode_json($_)->{behind_s}; defined $b or die "no behind_s\n"; $m = $b if $b > $m; END { printf "%.3f", $m }' head.json) ||
	fail "a snapshot without behind_s"
steps=$(perl -MJSON::PP -ne 'my $d = decode_json($_)->{duration_s}; printf "%.3f\n", $d - $p if defined $p; $p = $d' steps.json |
	sort -n | awk '{ v[NR] = $1 } END { printf "%s-%s", v[1], v[NR] }')
# SOAK_KEEP=DIR keeps the RSS samples and each snapshot's header figures
if [ -n "${SOAK_KEEP:-}" ]; then
	mkdir -p "$SOAK_KEEP" && cp rss "$SOAK_KEEP/rss" &&
		perl -MJSON::PP -ne 'my $j = decode_json($_); print join(" ", map { $j->{$_} // "-" } qw(duration_s events lost_events events_through_s behind_s)), "\n"' head.json >"$SOAK_KEEP/snapshots"
fi
ok "top beside $loads loads for $secs s: RSS median $base -> $last KiB (max $max), $n snapshots on time (steps $steps s), SIGINT in $took s, lost $lost events, at most $behind s behind"
