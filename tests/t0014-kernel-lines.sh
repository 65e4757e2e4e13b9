#!/bin/bash
# Unit: one fixture per supported kernel line (tests/fixtures/kernels/LINE,
# written by tests/gen-kernels from the reference's field tables). Each must
# decode to exactly the values the generator wrote (expected.txt); events and
# fields a line does not have must stay absent; the committed files must equal
# a fresh generation; and each line's trace.dat must go through report, with
# kmem_cache_alloc cache names from the event (6.18), inferred from a named
# kmem_cache_free of the same pointer (5.12+) or unknown (older lines).
. "$TESTLIB"
BIN=$(dirname "$KMS")/tests
DECODE=$BIN/unit-decode
WRITE=$BIN/unit-tracedat
GEN=$BIN/gen-kernels
KDIR=$FIXTURES/kernels
LINES="4.19 5.4 5.10 5.15 6.1 6.6 6.18"
cd "$WORK" || fail "no work directory"

# major * 100 + minor
ver() {
	local a=${1%%.*} b=${1#*.}
	echo $((a * 100 + b))
}

# The events a line has, from the reference (section 0.1), not from the generator.
events_of() {
	local v
	v=$(ver "$1")
	echo mm_page_alloc mm_page_free mm_page_free_batched kmalloc kmem_cache_alloc kfree \
		kmem_cache_free page_fault_user page_fault_kernel
	[ "$v" -lt 601 ] && echo kmalloc_node kmem_cache_alloc_node
	[ "$v" -ge 505 ] && echo rss_stat
	true
}

# Every decoded EVENT line has FIELD (WANT=1) or none has it (WANT=0).
field_is() {
	perl -e '
		my ($e, $f, $w) = @ARGV[0..2];
		open my $in, "<", $ARGV[3] or die;
		my ($n, $bad) = (0, 0);
		while (<$in>) {
			next unless /^\d+ -?\d+ \Q$e\E /;
			$n++;
			$bad++ if ((/ \Q$f\E=/ ? 1 : 0) != $w);
		}
		exit(!$n || $bad);
	' "$@"
}

# Field offset/size in a format file, as "OFF/SIZE".
layout() {
	sed -n "s/.* $2;\toffset:\([0-9]*\);\tsize:\([0-9]*\);.*/\1\/\2/p" "$1"
}

# The slab table's kmem_cache rows ("cache name_source allocs") that the
# expected events imply: a named alloc is "event", an unnamed one takes the
# name of a named kmem_cache_free of its pointer ("inferred") or stays "?".
want_slab() {
	perl -e '
		my (%pend, %n);
		while (<>) {
			my ($ts, $pid, $ev, @kv) = split;
			my %f = map { split /=/, $_, 2 } @kv;
			if ($ev =~ /^kmem_cache_alloc(_node)?$/) {
				if (defined $f{name}) { $n{"$f{name} event"}++ } else { $pend{$f{ptr}}++ }
			} elsif ($ev eq "kmem_cache_free" && $pend{$f{ptr}}) {
				$n{defined $f{name} ? "$f{name} inferred" : "? unknown"} += delete $pend{$f{ptr}};
			}
		}
		$n{"? unknown"} += $_ for values %pend;
		print "$_ $n{$_}\n" for sort keys %n;
	' "$1"
}

got_slab() {
	perl -MJSON::PP -e '
		local $/;
		my $d = decode_json(<STDIN>);
		my @r = grep { $_->{allocs} && $_->{name_source} ne "size-class" } @{$d->{tables}{slab}};
		print "$_\n" for sort map { "$_->{cache} $_->{name_source} $_->{allocs}" } @r;
	' <"$1"
}


for l in $LINES; do
	dir=$KDIR/$l
	v=$(ver "$l")
	[ -s "$dir/expected.txt" ] || fail "$l: no expected.txt"

	# Every field of every event equals what the generator wrote.
	"$DECODE" "$dir" 1 >got.raw || fail "$l: unit-decode failed"
	sort got.raw >got
	sort "$dir/expected.txt" >expect
	if ! diff -u expect got >diff; then
		head -20 diff >&2
		fail "$l: decoded fields differ from the generator's values"
	fi

	# The line's events: each format present and decoded, nothing else.
	events_of "$l" | tr ' ' '\n' | sort >want.ev
	ls "$dir/formats" | sed 's/^[a-z]*__//; s/\.format$//' | sort >have.ev
	diff -u want.ev have.ev >&2 || fail "$l: format files are not the reference's event set"
	for ev in $(cat want.ev); do
		grep -q "^[0-9]* [0-9-]* $ev " got || fail "$l: no $ev decoded"
	done
	for ev in kmalloc_node kmem_cache_alloc_node rss_stat; do
		grep -qx "$ev" want.ev && continue
		! grep -q " $ev " got || fail "$l: $ev decoded, but the line has no such event"
	done

	# Fields that come and go between lines (reference section 1 and 7).
	field_is kmem_cache_alloc name $([ "$v" -ge 618 ] && echo 1 || echo 0) got ||
		fail "$l: kmem_cache_alloc name wrongly present/absent"
	field_is kmem_cache_free name $([ "$v" -ge 512 ] && echo 1 || echo 0) got ||
		fail "$l: kmem_cache_free name wrongly present/absent"
	field_is kmem_cache_alloc node $([ "$v" -ge 601 ] && echo 1 || echo 0) got ||
		fail "$l: kmem_cache_alloc node wrongly present/absent"
	field_is kmem_cache_alloc accounted $([ "$v" -ge 600 ] && echo 1 || echo 0) got ||
		fail "$l: kmem_cache_alloc accounted wrongly present/absent"
	field_is kmalloc node $([ "$v" -ge 601 ] && echo 1 || echo 0) got ||
		fail "$l: kmalloc node wrongly present/absent"
	field_is kmalloc accounted 0 got || fail "$l: kmalloc has an accounted field"
	field_is mm_page_free_batched order 0 got || fail "$l: mm_page_free_batched has an order field"
	if [ "$v" -lt 601 ]; then
		field_is kmalloc_node node 1 got || fail "$l: kmalloc_node without node"
		field_is kmem_cache_alloc_node node 1 got || fail "$l: kmem_cache_alloc_node without node"
	fi
	# gfp_flags is 4 bytes up to 5.18 and 8 from 5.19: values above 32 bits only there.
	wide=$(grep -c 'gfp_flags=[0-9]\{10,\}' got || true)
	if [ "$v" -ge 519 ]; then
		[ "$wide" -gt 0 ] || fail "$l: no 64-bit gfp_flags decoded"
		[ "$(layout "$dir/formats/kmem__mm_page_alloc.format" gfp_flags)" = 24/8 ] ||
			fail "$l: mm_page_alloc gfp_flags not at 24/8"
	else
		[ "$wide" -eq 0 ] || fail "$l: gfp_flags wider than 32 bits on a 4-byte line"
		[ "$(layout "$dir/formats/kmem__mm_page_alloc.format" gfp_flags)" = 20/4 ] ||
			fail "$l: mm_page_alloc gfp_flags not at 20/4"
	fi
	want=$([ "$v" -ge 618 ] && echo 32/8 || echo 24/8)
	[ "$(layout "$dir/formats/kmem__kmem_cache_alloc.format" bytes_req)" = "$want" ] ||
		fail "$l: kmem_cache_alloc bytes_req not at $want"
	if [ "$l" = 6.18 ]; then
		# The 6.18 layouts are the live machine's, field line for field line.
		for f in "$FIXTURES"/live-6.18/formats/*.format; do
			grep '^	field:' "$f" >live.fields
			grep '^	field:' "$dir/formats/${f##*/}" >gen.fields
			diff live.fields gen.fields >&2 ||
				fail "6.18: ${f##*/} fields differ from the live 6.18 format"
		done
	fi
	ok "$l: $(wc -l <got) events, every field equal to the generator's, absent ones absent"

	# The whole report path: trace.dat, report with every table, cache names.
	"$WRITE" --write "$dir" "$l.dat" || fail "$l: cannot write a trace.dat"
	"$KMS" report -r "$FIXTURES/all-tables.recipe" --json "$l.dat" >"$l.json" 2>err ||
		fail "$l: report failed: $(cat err)"
	want_slab "$dir/expected.txt" >want.slab
	got_slab "$l.json" >got.slab
	if ! diff -u want.slab got.slab >&2; then
		fail "$l: slab table cache names/sources differ"
	fi
	srcs=$(awk '{ print $2 }' got.slab | sort -u | tr '\n' ' ')
	if [ "$v" -ge 618 ]; then
		[ "$srcs" = "event " ] || fail "$l: kmem_cache_alloc names not all from the event: $srcs"
	elif [ "$v" -ge 512 ]; then
		[ "$srcs" = "inferred unknown " ] || fail "$l: expected inferred and unknown names: $srcs"
	else
		[ "$srcs" = "unknown " ] || fail "$l: expected only unknown names: $srcs"
	fi
	ok "$l: report succeeds; kmem_cache_alloc names: $srcs"

	# An independent reader (libtraceevent's kbuffer, via trace-cmd) agrees.
	if command -v trace-cmd >/dev/null; then
		trace-cmd report -R -t -i "$l.dat" >tc.out 2>tc.err || fail "$l: trace-cmd report failed"
		[ ! -s tc.err ] || fail "$l: trace-cmd warned: $(head -3 tc.err)"
		canon_tracecmd tc.out | sort >tc.got
		if ! diff -u expect tc.got >diff; then
			head -20 diff >&2
			fail "$l: trace-cmd report -R differs from the generator's values"
		fi
		ok "$l: trace-cmd report -R agrees"
	fi
done

# The committed fixtures are exactly what the generator writes.
"$GEN" "$WORK/gen" || fail "gen-kernels failed"
if ! diff -r "$KDIR" "$WORK/gen" >gendiff 2>&1; then
	head -20 gendiff >&2
	fail "tests/fixtures/kernels differs from gen-kernels output (regenerate: tests/gen-kernels tests/fixtures/kernels)"
fi
ok "committed fixtures equal a fresh gen-kernels run"
