#!/bin/bash
# Corrupt and hostile inputs to report (tests/fixtures/corrupt/README):
# report, report --json and report --events each exit with the listed
# status and print exactly one line on stderr naming the file, never die
# of a signal, and finish within 10 s. A FIFO as the input and a FIFO or
# /dev/zero as the recipe are refused without blocking. A sound file the
# libraries complain about (exit 0 in the list) shows none of it.
. "$TESTLIB"
C=$FIXTURES/corrupt
cd "$WORK"

# run_one WANT FILE ARGS...: the rules above for one command line
run_one() {
	local want=$1 file=$2 rc lines
	shift 2
	timeout 10 "$KMS" report "$@" >out 2>err
	rc=$?
	[ $rc -ne 124 ] || fail "report $* did not finish in 10 s"
	[ $rc -lt 126 ] || fail "report $* died of a signal (exit $rc): $(head -c 300 err)"
	[ $rc -eq "$want" ] || fail "report $* exited $rc, not $want: $(head -c 300 err)"
	lines=$(wc -l <err)
	if [ "$want" -eq 0 ]; then	# a sound file: nothing but --events' summary
		grep -v '^kmemscope: [0-9]* events, lost [0-9]* events$' err >noise
		[ ! -s noise ] || fail "report $* let this through on stderr: $(head -c 500 noise)"
		return
	fi
	[ "$lines" -eq 1 ] || fail "report $* printed $lines lines on stderr: $(head -c 500 err)"
	grep -qF -- "$file" err || fail "report $*: error does not name $file: $(cat err)"
}

n=0
while read -r name want what; do
	case $name in *.dat) ;; *) continue ;; esac
	[ -f "$C/$name" ] || fail "$name is listed but missing"
	for mode in "" --json --events; do
		run_one "$want" "$C/$name" $mode "$C/$name"
	done
	n=$((n + 1))
done < <(grep -E '^[a-z0-9-]+\.(dat|bin) [0-9]+ ' "$C/README")
[ $n -ge 10 ] || fail "only $n regression inputs listed"
for f in "$C"/*.dat; do
	grep -q "^$(basename "$f") " "$C/README" || fail "$(basename "$f") has no README line"
done
ok "$n corrupt trace.dat files: one line, the listed status, no signal, in time; no library noise"

# A FIFO as the input: refused before open() blocks (exit 1).
mkfifo fifo.dat
for mode in "" --json --events; do
	run_one 1 fifo.dat $mode fifo.dat
done
grep -q "not a regular file" err || fail "FIFO input: $(cat err)"
ok "a FIFO input is refused without blocking"

# Recipes: a FIFO and /dev/zero are refused (exit 2), not read without end.
"$UNITDIR/unit-tracedat" --write "$FIXTURES/live-6.18" good.dat || fail "cannot build a trace.dat"
mkfifo fifo.recipe
for r in fifo.recipe /dev/zero; do
	run_one 2 "$r" -r "$r" good.dat
	grep -q "not a regular file" err || fail "recipe $r: $(cat err)"
done
head -c 2000000 /dev/zero | tr '\0' '#' >big.recipe
run_one 2 big.recipe -r ./big.recipe good.dat
grep -q "too large" err || fail "big recipe: $(cat err)"
ok "a FIFO, /dev/zero or a 2 MB recipe is refused"

# A NUL inside kallsyms, which the check reads a chunk at a time: found at
# the offset where this test put it, on either side of a chunk's edge and
# far in; a NUL as its last byte is allowed. trace-cmd's v6 file: its
# kallsyms (megabytes) follow their 4-byte size and begin with an address.
V6=$FIXTURES/tracecmd-6.1/v6.dat
read -r ks n < <(perl -0777 -ne '/(?<=[\s\S]{4})[0-9a-f]{16} [A-Za-z] \S/g or exit 1;
	$p = pos($_) - length($&); print $p, " ", unpack("V", substr($_, $p - 4, 4)), "\n"' "$V6") ||
	fail "no kallsyms found in $V6"
[ "$n" -gt 300000 ] || fail "kallsyms of $V6 are $n bytes: too few to cross chunks"
for at in 65535 65536 131071 $((n / 2 + 7)) $((n - 2)) $((n - 1)); do
	perl -0777 -pe "substr(\$_, $ks + $at, 1) = \"\\0\"" "$V6" >nul.dat
	if [ $at = $((n - 1)) ]; then
		run_one 0 nul.dat nul.dat
	else
		run_one 8 nul.dat nul.dat
		grep -qF "nul.dat: corrupt trace.dat: kallsyms holds a NUL byte at $at of $n" err ||
			fail "NUL at $at of kallsyms' $n bytes: $(cat err)"
	fi
done
ok "a NUL in kallsyms is found where it is, across the check's chunks ($n bytes)"
