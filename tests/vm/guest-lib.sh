# Helpers for guest test scripts (busybox sh; sourced from /vmlib.sh).
# Results go to the console as one line each:
#   KMS-RESULT <name> PASS|FAIL|SKIP <detail>
# and facts as "KMS-INFO <text>". The host counts the KMS-RESULT lines.
T=/sys/kernel/tracing
KMS=${KMS:-kmemscope}

# one line: newlines and tabs to spaces, at most 300 characters.
oneline() { tr '\n\t\r' '   ' | sed 's/  */ /g; s/^ //; s/ $//' | cut -c1-300; }
result() {
	_n=$1 _s=$2; shift 2
	echo "KMS-RESULT $_n $_s $(echo "$*" | oneline)"
}
pass() { _n=$1; shift; result "$_n" PASS "$@"; }
fail() { _n=$1; shift; result "$_n" FAIL "$@"; }
skip() { _n=$1; shift; result "$_n" SKIP "$@"; }
info() { echo "KMS-INFO $(echo "$*" | oneline)"; }

# run NAME CMD...: run the program CMD (not a shell function) with stdout
# in /tmp/NAME.out, stderr in /tmp/NAME.err, killed (SIGTERM) after
# $RUN_TIMEOUT seconds (default 120; then rc is 143); sets $rc.
run() {
	_n=$1; shift
	timeout "${RUN_TIMEOUT:-120}" "$@" >"/tmp/$_n.out" 2>"/tmp/$_n.err"
	rc=$?
	return 0
}
# The first lines of a file, on one line (for details).
head_of() { head -n "${2:-3}" "$1" 2>/dev/null | oneline; }

# Print a file's lines prefixed, for the host log (debugging).
show() { _p=$1; shift; sed "s/^/$_p: /" "$@" 2>/dev/null; }
