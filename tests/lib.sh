# Shared helpers for the shell tests (sourced). Exit 77 means "skipped".
set -u
T=${TRACEFS:-/sys/kernel/tracing}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kms-test.XXXXXX")
# On any exit, stop background recorders (SIGINT lets them clean up) first.
cleanup() {
	local j
	j=$(jobs -p)
	if [ -n "$j" ]; then
		kill -INT $j 2>/dev/null
		sleep 1
		kill -KILL $j 2>/dev/null
		"${KMS:-false}" reset >/dev/null 2>&1
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*" >&2; exit 77; }
ok() { echo "ok: $*"; }

# expect_fail STATUS PATTERN COMMAND...: COMMAND fails with STATUS and says
# so in one line on stderr (a "Try/Run 'kmemscope ... -h'" hint aside) that
# matches PATTERN; its output stays in $WORK/out and $WORK/err.
expect_fail() {
	local want=$1 pat=$2 rc
	shift 2
	"$@" >"$WORK/out" 2>"$WORK/err" && fail "$* succeeded"
	rc=$?
	[ $rc -eq "$want" ] || fail "$*: exit $rc, want $want ($(cat "$WORK/err"))"
	grep -q -- "$pat" "$WORK/err" || fail "$*: message '$(cat "$WORK/err")' lacks '$pat'"
	[ "$(grep -Evc "^(Try|Run) 'kmemscope" "$WORK/err")" -eq 1 ] || fail "$*: not one line: $(cat "$WORK/err")"
}

# Live tests need root and a writable tracefs with instances.
need_live() {
	[ "$(id -u)" = 0 ] || skip "needs root to use tracefs"
	if [ ! -d "$T/instances" ]; then
		mount -t tracefs nodev "$T" 2>/dev/null || true
	fi
	[ -d "$T/instances" ] || skip "no tracefs at $T"
	[ -w "$T/instances" ] || skip "tracefs at $T is not writable"
	[ -e "$T/events/kmem/mm_page_alloc" ] || skip "no kmem:mm_page_alloc tracepoint"
	# Live tests look at the whole of tracefs: one at a time, even under make -j.
	exec 9>"${TMPDIR:-/tmp}/kmemscope-live-tests.lock"
	flock 9
}

need_tracecmd() {
	command -v trace-cmd >/dev/null || skip "trace-cmd is not installed"
}

# Wait (up to 10 s) for the instance of kmemscope PID to appear.
wait_instance() {
	local i
	for i in $(seq 100); do
		[ -d "$T/instances/kmemscope-$1" ] && return 0
		sleep 0.1
	done
	fail "instance kmemscope-$1 never appeared"
}

# No kmemscope instance may be left behind: one whose owner is gone is
# ours to answer for; those of a kmemscope still running belong to whoever
# runs it (other tools and runs share this tracefs).
no_instances_left() {
	local left="" i pid
	for i in $(ls "$T/instances" 2>/dev/null | grep '^kmemscope-[0-9][0-9]*$'); do
		pid=${i#kmemscope-}
		kill -0 "$pid" 2>/dev/null && grep -q kmemscope "/proc/$pid/comm" 2>/dev/null && continue
		left="$left $i"
	done
	[ -z "$left" ] || fail "instances left behind:$left"
}

# trace-cmd report must read the file with no warning; prints the event lines.
tracecmd_events() {
	trace-cmd report -i "$1" >"$WORK/tc.out" 2>"$WORK/tc.err" || fail "trace-cmd report failed on $1: $(cat "$WORK/tc.err")"
	[ ! -s "$WORK/tc.err" ] || fail "trace-cmd report warned on $1: $(head -3 "$WORK/tc.err")"
	grep -v '^cpus=' "$WORK/tc.out"
}

# trace-cmd report -R -t text in unit-decode's form: "TS_NS PID EVENT
# field=value...", fields sorted, values decimal (hex, (nil), and 4.19's
# bare-hex call_site converted).
canon_tracecmd() {
	perl -ne '
		next unless /^\s*(.*)-(\d+)\s+\[(\d+)\]\s+(\d+)\.(\d+):\s+(\w+):\s+(.*?)\s*$/;
		my ($pid, $sec, $frac, $ev, $rest) = ($2, $4, $5, $6, $7);
		my @t;
		for my $kv (split /\s+/, $rest) {
			my ($k, $v) = split /=/, $kv, 2;
			$v = 0 if $v eq "(nil)";
			if ($v =~ /^0x[0-9a-f]+$/) {
				$v = sprintf("%u", hex($v));
			} elsif ($k eq "call_site" && $v =~ /^[0-9a-f]+$/) {
				$v = sprintf("%u", hex($v));	# 4.19 prints it %lx: bare hex
			}
			push @t, "$k=$v";
		}
		print join(" ", $sec . $frac, $pid, $ev, sort @t), "\n";
	' "$1"
}
