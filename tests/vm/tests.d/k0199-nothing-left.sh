# Guest: after the kprobe tests, no kmemscope probe or instance remains.
left=$(grep kmemscope_ "$T/kprobe_events" | oneline)
inst=$(ls "$T/instances" 2>/dev/null | grep kmemscope- | oneline)
[ -z "$left$inst" ] && pass nothing-left "no kmemscope_ probe, no kmemscope- instance" ||
	fail nothing-left "probes: $left; instances: $inst"
