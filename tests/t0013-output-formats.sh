#!/bin/bash
# Unit: text, JSON and CSV show the same table; recipes are found by name
# and by path, and bad ones are refused with FILE:LINE; list shows the
# shipped recipes.
. "$TESTLIB"
WRITE=$(dirname "$KMS")/tests/unit-tracedat
cd "$WORK"
"$WRITE" --write "$FIXTURES/live-6.18" fx.dat || fail "cannot build the fixture file"

"$KMS" report -r faults --json fx.dat >f.json || fail "json"
"$KMS" report -r faults --csv --table faults fx.dat >f.csv || fail "csv"
"$KMS" report -r faults --table faults fx.dat >f.txt || fail "text"
perl -MJSON::PP -e 'local $/; my $d = decode_json(<STDIN>); my @r = @{$d->{tables}{faults}};
	print join(",", map { defined $_ ? $_ : "" } @{$r[0]}{qw(pid comm faults user kernel read write exec)}), "\n";
	print scalar(@r), "\n"' <f.json >want
head -1 f.csv | grep -qx 'pid,comm,faults,user,kernel,read,write,exec,vm_kib,rss_kib,majflt,mem_source' ||
	fail "CSV header: $(head -1 f.csv)"
[ "$(sed -n 2p f.csv | cut -d, -f1-8)" = "$(head -1 want)" ] || fail "CSV first row differs from JSON"
[ $(($(wc -l <f.csv) - 1)) -eq "$(tail -1 want)" ] || fail "CSV and JSON row counts differ"
grep -q '^source: fx.dat   duration: [0-9.]* s   events: 4552   lost: 0$' f.txt || fail "text header: $(head -1 f.txt)"
grep -q '^Page faults by process$' f.txt || fail "no table title"
grep -q ' $' f.txt && fail "trailing blanks in the text table"
pid=$(cut -d, -f1 want)
grep -Eq "^ *$pid +[^ ]+ +$(cut -d, -f3 want) " f.txt || fail "text row for $pid differs from JSON"
ok "text, JSON and CSV agree"

"$KMS" report --csv fx.dat 2>err && fail "--csv without --table accepted"
grep -q 'name it with --table' err || fail "unclear: $(cat err)"
"$KMS" report -r nosuch fx.dat 2>err; [ $? -eq 2 ] || fail "unknown recipe: wrong exit"
grep -q "no recipe named 'nosuch'" err || fail "unclear: $(cat err)"
printf 'description x\nfrobnicate 3\n' >bad.recipe
"$KMS" report -r ./bad.recipe fx.dat 2>err; [ $? -eq 2 ] || fail "bad recipe: wrong exit"
grep -q "^kmemscope: ./bad.recipe:2: unknown directive 'frobnicate'" err || fail "unclear: $(cat err)"
"$KMS" report -r ./bad.recipe -r "$SRCDIR/recipes/slab.recipe" fx.dat >/dev/null || fail "recipe by path failed"
ok "recipes by name and path; bad ones refused: $(cat err)"

"$KMS" list >list.out || fail "list failed"
for r in overview page-order slab faults; do
	grep -Eq "^  $r +[a-z]" list.out || fail "list does not show $r with a description"
done
ok "list shows the shipped recipes"
