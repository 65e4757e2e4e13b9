# Guest kprobe test (sourced in a subshell by guest-integrity.sh's "kprobe
# tests" hook; /vmlib.sh's helpers are available). The base the kprobe
# recipe tests stand on: a raw kprobe can be created, fires in a private
# instance, and is removed again, under lockdown=integrity.
if [ ! -e "$T/kprobe_events" ]; then
	skip kprobe-raw "no $T/kprobe_events in this kernel"
	return 0
fi
I=$T/instances/kmsvm-kprobe
if ! msg=$( (echo 'p:kmsvm/fault handle_mm_fault' >>"$T/kprobe_events") 2>&1); then
	fail kprobe-raw-add "$msg; error_log: $(tail -3 "$T/error_log" 2>/dev/null)"
	return 0
fi
pass kprobe-raw-add "$(grep kmsvm/ "$T/kprobe_events")"
if mkdir "$I" && echo 1 >"$I/events/kmsvm/fault/enable"; then
	/touchmem -m 1 >/dev/null
	echo 0 >"$I/events/kmsvm/fault/enable"
	n=$(grep -c 'fault: (handle_mm_fault' "$I/trace")
	if [ "$n" -ge 256 ]; then
		pass kprobe-raw-hits "$n hits for 1 MiB touched; $(grep -m1 'fault: (' "$I/trace" | sed 's/^ *//')"
	else
		fail kprobe-raw-hits "$n hits of kmsvm/fault for 1 MiB touched (want >= 256)"
	fi
else
	fail kprobe-raw-hits "cannot enable kmsvm/fault in $I"
fi
rmdir "$I" 2>/dev/null
echo '-:kmsvm/fault' >>"$T/kprobe_events"
if grep -q kmsvm/ "$T/kprobe_events"; then
	fail kprobe-raw-remove "still there: $(grep kmsvm/ "$T/kprobe_events")"
else
	pass kprobe-raw-remove "kprobe_events has no kmsvm probe left"
fi
