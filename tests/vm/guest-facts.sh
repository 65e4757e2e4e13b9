# Not part of make check-vm: a guest script that prints facts about the
# guest kernel for engineers (kprobes, BTF, filter functions, page_owner,
# kmemscope check and the kprobe recipes). Run it with:
#   tests/vm/boot.sh lockdown=integrity tests/vm/guest-facts.sh /tmp/facts.log
#   grep -v '^\[' /tmp/facts.log
. /vmlib.sh
say() { echo "FACT $*"; }
try() { # try DESCRIPTION CMD...: the command, its exit status and output
	_d=$1; shift
	_o=$("$@" 2>&1); _e=$?
	say "$_d: exit $_e"
	[ -z "$_o" ] || echo "$_o" | head -n "${TRY_LINES:-20}" | sed 's/^/    /'
}
kadd() { echo "$1" >>"$T/kprobe_events"; }

say "lockdown: $(cat /sys/kernel/security/lockdown 2>&1)"
try "echo 'p:kmstest/t handle_mm_fault' >> kprobe_events" kadd 'p:kmstest/t handle_mm_fault'
try "cat kprobe_events" cat "$T/kprobe_events"
try "cat dynamic_events" cat "$T/dynamic_events"
try "ls events/kmstest" ls "$T/events/kmstest"
try "cat events/kmstest/t/format" cat "$T/events/kmstest/t/format"
try "enable kmstest/t in an instance and read 3 lines" sh -c "
	mkdir $T/instances/kmsfacts && echo 1 > $T/instances/kmsfacts/events/kmstest/t/enable &&
	/touchmem -m 1 >/dev/null && echo 0 > $T/instances/kmsfacts/events/kmstest/t/enable &&
	grep -v '^#' $T/instances/kmsfacts/trace | head -3; rmdir $T/instances/kmsfacts"
try "echo '-:kmstest/t' >> kprobe_events" kadd '-:kmstest/t'
try "cat kprobe_events after removal" cat "$T/kprobe_events"
try "kprobe with fetch args: p:kmstest/a __alloc_pages gfp=\$arg1:x32 order=\$arg2:u32" \
	kadd 'p:kmstest/a __alloc_pages gfp=$arg1:x32 order=$arg2:u32'
try "kretprobe: r:kmstest/r __alloc_pages ret=\$retval:x64" kadd 'r:kmstest/r __alloc_pages ret=$retval:x64'
try "kprobe on kmem_cache_alloc" kadd 'p:kmstest/c kmem_cache_alloc s=$arg1:x64'
try "kprobe with a BTF argument name (6.8+ only): p:kmstest/b __alloc_pages order" kadd 'p:kmstest/b __alloc_pages order'
try "cat kprobe_events" cat "$T/kprobe_events"
try "clear kmstest probes" sh -c "for e in a r c b; do echo \"-:kmstest/\$e\" >> $T/kprobe_events 2>/dev/null; done; cat $T/kprobe_events"
try "error_log" tail -5 "$T/error_log"
try "ls -l /sys/kernel/btf/vmlinux" ls -l /sys/kernel/btf/vmlinux
try "grep -c . available_filter_functions" grep -c . "$T/available_filter_functions"
try "ls events/exceptions" ls "$T/events/exceptions"
try "ls events/kmem" ls "$T/events/kmem"
try "grep -c . /proc/kallsyms" grep -c . /proc/kallsyms
try "grep -w -e __set_page_owner -e handle_mm_fault -e __alloc_pages -e kmem_cache_alloc /proc/kallsyms" \
	grep -w -e __set_page_owner -e handle_mm_fault -e __alloc_pages -e kmem_cache_alloc /proc/kallsyms
try "kptr_restrict" cat /proc/sys/kernel/kptr_restrict
try "ls /sys/kernel/debug | head" sh -c 'ls /sys/kernel/debug | head -30'
try "ls -l /sys/kernel/debug/page_owner" ls -l /sys/kernel/debug/page_owner
try "cat /sys/kernel/debug/page_owner 2>&1 | head -1" sh -c 'cat /sys/kernel/debug/page_owner 2>&1 | head -1'
try "write set_ftrace_filter" sh -c "echo handle_mm_fault > $T/set_ftrace_filter; echo > $T/set_ftrace_filter"
try "current_tracer function" sh -c "echo function > $T/current_tracer && echo nop > $T/current_tracer"
try "cat /proc/slabinfo | head -3" sh -c 'head -3 /proc/slabinfo'
TRY_LINES=80 try "kmemscope check" "$KMS" check
for r in page-owner slab-kprobes faults-kprobe page-order slab faults overview; do
	TRY_LINES=8 try "kmemscope record -r $r -- /touchmem -m 2" "$KMS" record -q -r "$r" -o "/tmp/$r.dat" -- /touchmem -m 2
	TRY_LINES=8 try "kmemscope report -r $r" "$KMS" report -r "$r" "/tmp/$r.dat"
done
try "kprobe_events after the recipes" cat "$T/kprobe_events"
# Do kmemscope's and trace-cmd's event reports agree line for line?
"$KMS" record -q -e kmem:mm_page_alloc -e exceptions:page_fault_user -o /tmp/t.dat -- /touchmem -m 8 >/dev/null 2>&1
trace-cmd record -e kmem:mm_page_alloc -e kmem:kmalloc -o /tmp/tc.dat -- /touchmem -m 4 >/dev/null 2>&1
for f in /tmp/t.dat /tmp/tc.dat; do
	trace-cmd report -i "$f" >/tmp/a 2>/tmp/a.err; "$KMS" report --events "$f" >/tmp/b 2>/tmp/b.err
	try "diff trace-cmd report / kmemscope report --events on $f ($(wc -l </tmp/a) lines)" sh -c 'diff /tmp/a /tmp/b | head -8; cat /tmp/a.err /tmp/b.err'
done
try "dmesg | grep -i -e lockdown -e kprobe -e page_owner" sh -c 'dmesg | grep -i -e lockdown -e kprobe -e page_owner'
