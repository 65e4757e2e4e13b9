#!/bin/bash
# Live: kmemscope check's facts agree with independent evidence read here,
# it exits 0 where the default recipe runs, and leaves nothing behind
# (no instance, securityfs mounted or not as before).
. "$TESTLIB"
need_live
cd "$WORK"
sec_before=$(grep -c ' /sys/kernel/security ' /proc/mounts || true)
"$KMS" check --json >c.json
rc=$?
sec_after=$(grep -c ' /sys/kernel/security ' /proc/mounts || true)
[ "$sec_before" = "$sec_after" ] || fail "check left securityfs mounted=$sec_after (was $sec_before)"
no_instances_left

fact() {	# name field
	perl -MJSON::PP -e 'local $/; my $d = decode_json(<STDIN>); my $v = $d->{facts}{$ARGV[0]}{$ARGV[1]};
		print ref($v) ? ($v ? "true" : "false") : defined $v ? $v : "null"' "$1" "$2" <c.json
}
want=false; [ -e "$T/kprobe_events" ] && want=true
[ "$(fact kprobe_events ok)" = $want ] || fail "kprobe_events: check says $(fact kprobe_events ok), tracefs says $want"
want=false; [ -r /sys/kernel/btf/vmlinux ] && want=true
[ "$(fact btf ok)" = $want ] || fail "btf: check says $(fact btf ok)"
[ "$(fact kptr_restrict value)" = "$(cat /proc/sys/kernel/kptr_restrict)" ] || fail "kptr_restrict differs"
for ev in kmem:kmem_cache_alloc kmem:kmem_cache_free kmem:kmalloc_node; do
	f=$T/events/${ev%%:*}/${ev#*:}/format
	want=false; [ -e "$f" ] && want=true
	[ "$(fact $ev ok)" = $want ] || fail "$ev: check says $(fact $ev ok)"
	if [ -e "$f" ]; then
		has=$(grep -c 'field:__data_loc char\[\] name;' "$f" || true)
		case "$(fact $ev value)" in *name*) [ "$has" = 1 ] || fail "$ev: name field claimed";;
			*) [ "$has" = 0 ] || fail "$ev: name field missed";; esac
	fi
done
# The ring buffer's read path: splice by default; under KMEMSCOPE_READ=auto,
# mmap from 6.10 on (the kernel's version is the evidence).
[ "$(fact ring_buffer value)" = splice ] ||
	fail "ring_buffer: check says $(fact ring_buffer value) ($(fact ring_buffer evidence)) by default, not splice"
kv=$(uname -r | perl -ne 'print /^(\d+)\.(\d+)/ ? $1 * 1000 + $2 : 0')
want=splice; [ "$kv" -ge 6010 ] && want=mmap
KMEMSCOPE_READ=auto "$KMS" check --json >c-auto.json || fail "check with KMEMSCOPE_READ=auto failed"
got=$(perl -MJSON::PP -e 'local $/; my $f = decode_json(<STDIN>)->{facts}{ring_buffer};
	print "$f->{value} ($f->{evidence})"' <c-auto.json)
case "$got" in "$want "*) ;; *) fail "KMEMSCOPE_READ=auto: check says $got, the kernel $(uname -r) gives $want";; esac
KMEMSCOPE_READ=splice "$KMS" check --json >c-splice.json || fail "check with KMEMSCOPE_READ=splice failed"
perl -MJSON::PP -e 'local $/; my $f = decode_json(<STDIN>)->{facts}{ring_buffer};
	exit($f->{value} eq "splice" && $f->{evidence} =~ /KMEMSCOPE_READ=splice/ ? 0 : 1)' <c-splice.json ||
	fail "KMEMSCOPE_READ=splice: check does not say splice is chosen"
no_instances_left
mkdir -p sec
if mount -t securityfs -o ro securityfs sec 2>/dev/null; then
	level=$(sed 's/.*\[\(.*\)\].*/\1/' sec/lockdown 2>/dev/null)
	umount sec
	[ -z "$level" ] || [ "$(fact lockdown value)" = "$level" ] || fail "lockdown: check says $(fact lockdown value), securityfs $level"
fi
status=$(perl -MJSON::PP -e 'local $/; print decode_json(<STDIN>)->{recipes}{overview}{status}' <c.json)
[ "$status" = runs ] || fail "overview does not run here: $status"
[ $rc -eq 0 ] || fail "check exited $rc although overview runs"
if [ ! -e "$T/kprobe_events" ]; then
	fk=$(perl -MJSON::PP -e 'local $/; my $r = decode_json(<STDIN>)->{recipes}{"faults-kprobe"}; print "$r->{status}: $r->{detail}"' <c.json)
	case "$fk" in degraded:*faults*) ;; *) fail "faults-kprobe without kprobe_events: $fk";; esac
	# and a kprobe recipe really runs its fallback, saying so in one line
	"$KMS" record -q -r faults-kprobe -o f.dat -- "$TOUCHMEM" -m 2 >/dev/null 2>err || fail "fallback run failed: $(cat err)"
	[ "$(grep -c 'instead of' err)" = 1 ] || fail "no one-line fallback notice: $(cat err)"
fi
"$KMS" check >c.txt || fail "text check exited $?"
grep -q '^overview  *runs' c.txt || fail "text output lacks the overview verdict"
ok "check agrees with tracefs, securityfs and /proc (exit $rc)"
