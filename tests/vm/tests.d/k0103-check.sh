# Guest: kmemscope check under lockdown=integrity: exit 0, kprobes
# available, the kprobe recipes run (not degraded), page-owner cannot.
run ck "$KMS" check --json
[ "$rc" = 0 ] && pass check-exit "exit 0" || fail check-exit "exit $rc: $(head_of /tmp/ck.err)"
kp=$(awk '/"kprobe_events"/ { f = 1 } f && /"ok"/ { print; exit }' /tmp/ck.out | tr -d ' \t,')
[ "$kp" = '"ok":true' ] && pass check-kprobes "kprobe_events ok" || fail check-kprobes "kprobe_events: $kp"
ld=$(grep -m1 '"lockdown":' /tmp/ck.out | tr -d ' \t,')
[ "$ld" = '"lockdown":"integrity"' ] && pass check-lockdown "$ld" || fail check-lockdown "$ld"
run ckt "$KMS" check
for r in faults-kprobe slab-kprobes; do
	grep -q "^$r  *runs" /tmp/ckt.out && pass "check-$r" "$(grep "^$r " /tmp/ckt.out)" ||
		fail "check-$r" "$(grep "^$r " /tmp/ckt.out)"
done
grep -q '^page-owner  *cannot  *CONFIG_PAGE_OWNER' /tmp/ckt.out && pass check-page-owner "$(grep '^page-owner' /tmp/ckt.out)" ||
	fail check-page-owner "$(grep '^page-owner' /tmp/ckt.out)"
show check /tmp/ckt.out
