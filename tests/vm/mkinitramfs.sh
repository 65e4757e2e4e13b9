#!/bin/bash
# Build the VM test initramfs.
#   tests/vm/mkinitramfs.sh OUT.cpio.gz TEST_SCRIPT [EXTRA...]
# Contents: static busybox and its applet links, /init (tests/vm/init),
# /vmlib.sh (tests/vm/guest-lib.sh), kmemscope ($KMS or ./kmemscope),
# trace-cmd, /touchmem and /openclose ($TOUCHMEM / $OPENCLOSE or
# tests/progs/touchmem, tests/progs/openclose), every shared library they need plus the
# dynamic loader, libtraceevent's plugins (so trace-cmd and libtracecmd
# print as on the host), /recipes ($RECIPES or the source tree's recipes/),
# and TEST_SCRIPT as /test.sh.
# EXTRA is SRC (copied to /BASENAME) or SRC=/DEST (a file, or a directory
# copied recursively); e.g. tests/vm/tests.d/k1.sh=/tests.d/k1.sh.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
SRCDIR=${SRCDIR:-$(cd "$HERE/../.." && pwd)}
die() { echo "mkinitramfs: error: $*" >&2; exit 1; }
[ $# -ge 2 ] || die "usage: $0 OUT.cpio.gz TEST_SCRIPT [SRC | SRC=/DEST]..."
OUT=$1 SCRIPT=$2; shift 2

KMS=${KMS:-./kmemscope}
TOUCHMEM=${TOUCHMEM:-$(dirname "$KMS")/tests/progs/touchmem}
OPENCLOSE=${OPENCLOSE:-$(dirname "$TOUCHMEM")/openclose}
RECIPES=${RECIPES:-$SRCDIR/recipes}
BUSYBOX=${BUSYBOX:-/bin/busybox}
TRACECMD=${TRACECMD:-$(command -v trace-cmd || true)}
PLUGINS=/usr/lib/x86_64-linux-gnu/traceevent/plugins

for f in "$KMS" "$TOUCHMEM" "$OPENCLOSE" "$SCRIPT" "$HERE/init" "$HERE/guest-lib.sh"; do
	[ -f "$f" ] || die "missing $f (run make check first for the test programs)"
done
[ -n "$TRACECMD" ] && [ -x "$TRACECMD" ] || die "trace-cmd not found (tools/setup installs it)"
[ -d "$RECIPES" ] || die "no recipes directory at $RECIPES"
# Must be a static busybox: the guest runs it before any loader exists.
[ -x "$BUSYBOX" ] || die "no $BUSYBOX (apt-get install busybox-static)"
if ldd "$BUSYBOX" >/dev/null 2>&1; then
	die "$BUSYBOX is dynamically linked (apt-get install busybox-static)"
fi
command -v cpio >/dev/null || die "cpio not installed"

ROOT=$(mktemp -d "${TMPDIR:-/tmp}/kms-initramfs.XXXXXX")
trap 'rm -rf "$ROOT"' EXIT

# put SRC DEST [MODE]: copy one file (dereferenced) to DEST inside the root.
put() {
	mkdir -p "$ROOT$(dirname "$2")"
	cp -L "$1" "$ROOT$2"
	[ -z "${3:-}" ] || chmod "$3" "$ROOT$2"
}
# libs FILE...: the shared libraries and loader FILEs need, at their paths.
libs() {
	ldd "$@" 2>/dev/null | awk '
		$2 == "=>" && $3 ~ /^\// { print $3 }
		NF == 2 && $1 ~ /^\// && $2 ~ /^\(/ { print $1 }' | sort -u
}

mkdir -p "$ROOT"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,root,etc,tests.d}
chmod 1777 "$ROOT/tmp"
put "$BUSYBOX" /bin/busybox 755
for a in $("$BUSYBOX" --list-full); do
	[ "$a" = bin/busybox ] || ln -sf /bin/busybox "$ROOT/$a"
done
put "$HERE/init" /init 755
put "$HERE/guest-lib.sh" /vmlib.sh 644
put "$SCRIPT" /test.sh 755
put "$KMS" /bin/kmemscope 755
put "$TRACECMD" /usr/bin/trace-cmd 755
put "$TOUCHMEM" /touchmem 755
put "$OPENCLOSE" /openclose 755
mkdir -p "$ROOT/recipes"
cp -L "$RECIPES"/*.recipe "$ROOT/recipes/"
bins="$KMS $TRACECMD $TOUCHMEM $OPENCLOSE"
if [ -d "$PLUGINS" ]; then
	for p in "$PLUGINS"/*.so; do
		[ -e "$p" ] || continue
		put "$p" "$p" 755
		bins="$bins $p"
	done
fi
# shellcheck disable=SC2086
for l in $(libs $bins); do
	put "$l" "$l" 755
done
echo "root:x:0:0:root:/root:/bin/sh" >"$ROOT/etc/passwd"
echo "root:x:0:" >"$ROOT/etc/group"

for x in "$@"; do
	case $x in
	*=/*) src=${x%%=/*} dest=/${x#*=/} ;;
	*) src=$x dest=/$(basename "$x") ;;
	esac
	[ -e "$src" ] || die "extra file $src does not exist"
	if [ -d "$src" ]; then
		mkdir -p "$ROOT$dest"
		cp -RL "$src"/. "$ROOT$dest/"
	else
		put "$src" "$dest"
	fi
done

mkdir -p "$(dirname "$OUT")"
(cd "$ROOT" && find . -mindepth 1 | LC_ALL=C sort |
	cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$OUT.tmp.$$"
mv -f "$OUT.tmp.$$" "$OUT"
