#!/bin/bash
# Live: per-mapping faults from a recording. A program write-faults N pages
# of a shared file mapping and M anonymous pages, reads its own smaps, and
# exits; after it is gone, `report` of the recording puts N faults on the
# file's row and M on [anon] (within 1%; the oracle is the program's smaps
# Rss and its getrusage counts), from the "kmemscope-maps" lines record
# wrote, and trace-cmd report reads the recording with no warning. A
# program that exits at once has its faults on [maps not recorded], and the
# table's note says why.
. "$TESTLIB"
need_live
need_tracecmd
set -o pipefail
cd "$WORK"
trap cleanup EXIT

N=2000 M=5000
"$KMS" record -q -r faults -o m.dat -- "$PROGS/mapfaults" "$WORK/mapped.bin" $N $M 500 \
	>prog.out 2>rec.err || fail "record: $(cat rec.err)"
pid=$(sed -n 's/^.*scope command \([0-9]*\) .*/\1/p' <(tracecmd_events m.dat | grep -m1 'kmemscope-scope command'))
[ -n "$pid" ] || fail "no scope line in the recording"
! kill -0 "$pid" 2>/dev/null || fail "the program $pid still runs"
read -r frss ffl arss afl < <(perl -ne 'print "$1 $2 $3 $4\n" if
	/file_rss_pages=(\d+) file_faults=(\d+) anon_rss_pages=(\d+) anon_faults=(\d+)/' prog.out)
[ "${frss:-0}" -ge $((N * 99 / 100)) ] && [ "${arss:-0}" -ge $((M * 99 / 100)) ] ||
	fail "the program's own smaps do not show its pages: $(cat prog.out)"
n=$(tracecmd_events m.dat | grep -c "kmemscope-maps $pid ") || fail "trace-cmd report shows no maps lines"
ok "trace-cmd report reads the recording with no warning ($n maps lines of pid $pid)"

"$KMS" report -r faults --json m.dat >r.json 2>rep.err || fail "report: $(cat rep.err)"
perl -MJSON::PP -e 'local $/; my $d = decode_json(<STDIN>);
	for my $r (@{$d->{tables}{faults_by_mapping}}) {
		print "$r->{pid}\t$r->{mapping}\t$r->{faults}\n" }' <r.json >rows ||
	fail "no faults_by_mapping table in the report"
got_file=$(awk -F'\t' -v p="$pid" -v f="$WORK/mapped.bin" '$1 == p && $2 == f { s += $3 } END { print s + 0 }' rows)
got_anon=$(awk -F'\t' -v p="$pid" '$1 == p && $2 == "[anon]" { s += $3 } END { print s + 0 }' rows)
within() { awk -v g="$1" -v w="$2" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(d <= w / 100) }'; }
within "$got_file" "$frss" || fail "file row: $got_file faults, the program's smaps: $frss pages (getrusage $ffl)"
if grep -q __asan_init "$PROGS/mapfaults" 2>/dev/null; then
	# an ASan build of the program faults in its own shadow and allocator
	# mappings too, all [anon]: at least its own mapping's pages
	[ "$got_anon" -ge "$arss" ] ||
		fail "[anon] row (ASan build): $got_anon faults, smaps $arss pages, getrusage $afl"
else
	within "$got_anon" "$arss" || fail "[anon] row: $got_anon faults, the program's smaps: $arss pages (getrusage $afl)"
fi
ok "after the program exited: $got_file faults on $WORK/mapped.bin (smaps $frss), $got_anon on [anon] (smaps $arss)"

# the same table in text, as a user sees it
"$KMS" report -r faults --table faults_by_mapping m.dat >r.txt 2>rep.err || fail "report: $(cat rep.err)"
grep -q "mapped.bin" r.txt || fail "the text table has no row of the file: $(head -20 r.txt)"

# a command that exits before its maps are read again: counted, and said so
"$KMS" record -q -r faults -o t.dat -- /bin/true 2>rec.err || fail "record true: $(cat rec.err)"
"$KMS" report -r faults --table faults_by_mapping t.dat >t.txt 2>rep.err || fail "report: $(cat rep.err)"
if grep -q '\[maps not recorded\]' t.txt; then
	grep -q "exited" t.txt || fail "faults on [maps not recorded] without a note: $(cat t.txt)"
fi
ok "a command that exits at once: $(grep -c . t.txt) lines, with the note when maps are missing"
no_instances_left
