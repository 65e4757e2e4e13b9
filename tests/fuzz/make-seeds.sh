#!/bin/bash
# Write the seed corpora of the fuzz targets (tests/fuzz/corpus/TARGET/)
# from the fixtures: small v6 files by kmemscope's writer (two pages a
# CPU of tests/fixtures/live-6.18 and lossy-6.18), the same as v7 with and
# without compression by trace-cmd convert, single pages for the sub-buffer
# decoder, the shipped recipes, and a pagemap fixture process.
# Usage: tests/fuzz/make-seeds.sh BUILDDIR (where tests/unit/unit-tracedat is)
set -eu -o pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-.}" && pwd)
out=$src/tests/fuzz/corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"/tracedat "$out"/subbuf "$out"/recipe "$out"/pagemap

for fx in live-6.18 lossy-6.18; do
	d=$tmp/$fx
	mkdir -p "$d"
	cp -r "$src/tests/fixtures/$fx"/{header_page,header_event,cmdlines,formats} "$d"/
	for cpu in 0 1; do
		head -c 8192 "$src/tests/fixtures/$fx/cpu$cpu.raw" >"$d/cpu$cpu.raw"
	done
	"$build/tests/unit/unit-tracedat" --write "$d" "$out/tracedat/$fx-v6.dat"
	if command -v trace-cmd >/dev/null; then
		trace-cmd convert -i "$out/tracedat/$fx-v6.dat" --file-version 7 --compression none \
			-o "$out/tracedat/$fx-v7.dat" >/dev/null 2>&1
		trace-cmd convert -i "$out/tracedat/$fx-v6.dat" --file-version 7 --compression zstd \
			-o "$out/tracedat/$fx-v7-zstd.dat" >/dev/null 2>&1
	fi
	# one page of each CPU; the first byte picks the long size (even: 8)
	for cpu in 0 1; do
		{ printf '\0'; head -c 4096 "$d/cpu$cpu.raw"; } >"$out/subbuf/$fx-cpu$cpu"
	done
done
cp "$src"/recipes/*.recipe "$src/tests/fixtures/all-tables.recipe" "$out/recipe/"
# pagemap: u16 length + maps, u16 length + pagemap, u16 length + kpageflags, kpagecount
pm=$src/tests/fixtures/pagemap/proc
python3 - "$pm" "$out/pagemap/4243" <<'PY'
import struct, sys
pm, out = sys.argv[1], sys.argv[2]
maps = open(pm + '/4243/maps', 'rb').read()
pmap = open(pm + '/4243/pagemap', 'rb').read()
flags = open(pm + '/kpageflags', 'rb').read()[:4096]
count = open(pm + '/kpagecount', 'rb').read()[:4096]
with open(out, 'wb') as f:
	for b in (maps, pmap, flags):
		f.write(struct.pack('<H', len(b)) + b)
	f.write(count)
PY
ls -la "$out"/*
