# Guest side of t-confidentiality.sh (busybox sh, /test.sh under
# lockdown=confidentiality). Records what tracefs and kmemscope do there as
# KMS-INFO lines; asserts only that kmemscope fails with a one-line message.
. /vmlib.sh

case $(cat /sys/kernel/security/lockdown 2>/dev/null) in
*"[confidentiality]"*) pass env-lockdown "$(cat /sys/kernel/security/lockdown)" ;;
*) fail env-lockdown "expected [confidentiality]: $(cat /sys/kernel/security/lockdown 2>&1)" ;;
esac

## what tracefs looks like (facts, not asserted)
info "tracefs mounted: $(grep -c ' /sys/kernel/tracing tracefs ' /proc/mounts)"
info "tracefs entries: $(ls -A "$T" 2>&1 | wc -l): $(ls -A "$T" 2>&1 | head -20 | oneline)"
info "ls events/kmem: $(ls "$T/events/kmem" 2>&1 | head -5 | oneline)"
info "cat tracing_on: $(cat "$T/tracing_on" 2>&1 | oneline)"
msg=$( (echo 1 >"$T/tracing_on") 2>&1); e=$?
info "write tracing_on: exit $e: $(echo "$msg" | oneline)"
msg=$(mkdir "$T/instances/kmstest" 2>&1); e=$?
info "mkdir instance: exit $e: $(echo "$msg" | oneline)"
msg=$(mkdir "$T/instances" 2>&1); e=$?
info "mkdir instances dir: exit $e: $(echo "$msg" | oneline)"
rmdir "$T/instances/kmstest" 2>/dev/null
info "debugfs entries: $(ls -A /sys/kernel/debug 2>&1 | wc -l); tracing under debugfs: $(ls /sys/kernel/debug/tracing 2>&1 | head -3 | oneline)"

## kmemscope record must fail with a one-line message
run rec "$KMS" record -e kmem:mm_page_alloc -d 1 -o /tmp/c.dat
info "kmemscope record exit: $rc"
info "kmemscope record stderr ($(wc -l </tmp/rec.err) lines): $(head_of /tmp/rec.err 5)"
info "kmemscope record stdout ($(wc -l </tmp/rec.out) lines): $(head_of /tmp/rec.out 5)"
show "record stderr" /tmp/rec.err
lines=$(grep -c . /tmp/rec.err)
if [ "$rc" = 0 ]; then
	fail record-fails "kmemscope record exited 0 under lockdown=confidentiality"
elif [ "$rc" = 143 ]; then
	fail record-fails "kmemscope record hung (killed after ${RUN_TIMEOUT:-120} s)"
elif [ "$rc" -ge 128 ]; then
	fail record-fails "kmemscope record died of signal $((rc - 128))"
else
	pass record-fails "exit $rc"
fi
if [ "$lines" = 1 ]; then
	pass record-one-line "$(head_of /tmp/rec.err 1)"
else
	fail record-one-line "want one line on stderr, got $lines: $(head_of /tmp/rec.err 5)"
fi
[ ! -e /tmp/c.dat ] || info "an output file was left: $(ls -l /tmp/c.dat* 2>&1 | oneline)"

## the documented code (7) and message, from record, top and check
run rec "$KMS" record -e kmem:mm_page_alloc -d 1 -o /tmp/c.dat
[ "$rc" = 7 ] && grep -q 'lockdown=confidentiality closes tracefs' /tmp/rec.err &&
	pass record-lockdown-code "exit 7: $(head_of /tmp/rec.err 1)" ||
	fail record-lockdown-code "exit $rc: $(head_of /tmp/rec.err 2)"
run top "$KMS" top -r faults -n 1 -- /touchmem -m 1
[ "$rc" = 7 ] && grep -q 'lockdown=confidentiality closes tracefs' /tmp/top.err &&
	pass top-lockdown-code "exit 7: $(head_of /tmp/top.err 1)" ||
	fail top-lockdown-code "exit $rc: $(head_of /tmp/top.err 2)"
run chk "$KMS" check
info "kmemscope check exit: $rc"
show "check" /tmp/chk.out /tmp/chk.err
[ "$rc" = 7 ] && grep -q 'lockdown=confidentiality closes tracefs' /tmp/chk.out /tmp/chk.err &&
	pass check-lockdown-code "exit 7" || fail check-lockdown-code "exit $rc: $(head_of /tmp/chk.err 2)"
dmesg | grep -i -e lockdown -e tracing | show dmesg
