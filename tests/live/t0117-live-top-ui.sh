#!/bin/bash
# Live: top's terminal view under tmux. At 80x24, 50x20 (where the paths
# are cut with an ellipsis) and 200x50 a captured frame (tmux capture-pane,
# wrapped lines joined) has no line longer than the width and starts with
# the header (nothing scrolled off the height); `s` changes the sort column
# in the table titles; `1` shows one table; a resize redraws to the new
# width (a column that did not fit appears); `q` ends top with exit status
# 0 and its instance gone.
. "$TESTLIB"
need_live
command -v tmux >/dev/null || skip "tmux is not installed"
! "$KMS" top -h | grep -q "has no ncurses" || skip "this build has no ncurses: top prints plain snapshots"
set -o pipefail
cd "$WORK"
SOCK="kms-t0116-$$"
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
trap 'tm kill-server 2>/dev/null; cleanup' EXIT
tm new-session -d -s ui -x 80 -y 24 "TERM=screen sh -c '\"$KMS\" top -d 1 -r faults -- \
\"$TOUCHMEM\" -m 4 -r 600 -p 100 -o tm.out 2>top.err; echo \$? >\"$WORK/exit\"'" 2>tmux.err ||
	skip "tmux cannot run here: $(cat tmux.err)"
tm set-option -g status off >/dev/null 2>&1

frame() { tm capture-pane -p -J -t ui; }
# wait (up to 15 s) for a frame that holds text
wait_for() {
	local i
	for i in $(seq 150); do
		frame >f.txt 2>/dev/null && grep -q "$1" f.txt && return 0
		sleep 0.1
	done
	fail "no frame with '$1' after 15 s: $(cat f.txt top.err 2>/dev/null)"
}
# a frame fits: no line wider than $1 columns, at most $2 lines, the header on top
fits() {
	local wide lines
	wide=$(perl -CSD -ne 'chomp; $m = length if length > $m; END { print $m + 0 }' f.txt)
	lines=$(wc -l <f.txt)
	[ "$wide" -le "$1" ] || fail "a line of $wide columns in a $1x$2 window: $(cat f.txt)"
	[ "$lines" -le "$2" ] || fail "$lines lines in a $1x$2 window"
	head -1 f.txt | grep -q '^source: live' || fail "the header scrolled off: $(head -3 f.txt)"
}

wait_for "Page faults by process"
shpid=$(tm list-panes -t ui -F '#{pane_pid}')
toppid=$(ps -o pid= --ppid "$shpid" | tr -d ' ' | head -1)
[ -n "$toppid" ] || fail "top is not running: $(cat top.err)"
wait_instance "$toppid"
sleep 1.5
frame >f.txt
fits 80 24
grep -q MEM_FROM f.txt && fail "80 columns should not hold MEM_FROM: $(cat f.txt)"
cp f.txt frame-80x24.txt
ok "80x24: $(wc -l <f.txt) lines, none wider than 80"

grep -o 'sorted by [A-Z_]*' f.txt | head -1 >sort0
tm send-keys -t ui s
sleep 0.6
frame >f.txt
grep -o 'sorted by [A-Z_]*' f.txt | head -1 >sort1
[ -s sort1 ] && ! cmp -s sort0 sort1 || fail "s did not change the sort: $(cat sort0) / $(cat sort1)"
ok "s: $(cat sort0) became $(cat sort1)"

tm send-keys -t ui 1
sleep 0.6
frame >f.txt
n=$(grep -c 'sorted by' f.txt)
[ "$n" = 1 ] || fail "1 should show one table, $n are shown: $(cat f.txt)"
tm send-keys -t ui 0
ok "1 shows one table, 0 all again"

# narrower than the paths of the mappings: they are cut with an ellipsis
tm resize-window -t ui -x 50 -y 20 2>resize.err || fail "tmux resize-window: $(cat resize.err)"
sleep 0.6
frame >f.txt
fits 50 20
grep -q 'lib.*\(…\|~\)' f.txt || fail "no path cut with an ellipsis at 50 columns: $(cat f.txt)"
ok "50x20: the paths are cut with an ellipsis, no line wider than 50"

tm resize-window -t ui -x 200 -y 50 2>resize.err || fail "tmux resize-window: $(cat resize.err)"
for i in $(seq 30); do frame >f.txt; grep -q MEM_FROM f.txt && break; sleep 0.1; done
grep -q MEM_FROM f.txt || fail "no redraw to 200 columns after the resize: $(cat f.txt)"
fits 200 50
ok "resize to 200x50 redraws: $(wc -l <f.txt) lines, none wider than 200"

tm send-keys -t ui q
for i in $(seq 100); do [ -s exit ] && break; sleep 0.1; done
[ -s exit ] || fail "q did not end top within 10 s"
[ "$(cat exit)" = 0 ] || fail "top exited $(cat exit) after q: $(cat top.err)"
for i in $(seq 50); do [ -d "$T/instances/kmemscope-$toppid" ] || break; sleep 0.1; done
[ ! -d "$T/instances/kmemscope-$toppid" ] || fail "instance kmemscope-$toppid left after q"
ok "q: exit 0, instance kmemscope-$toppid gone"
no_instances_left
