#!/bin/bash
# The Debian package: build it from the tracked files with
# dpkg-buildpackage -us -uc -b, check its file list, install it with
# dpkg -i, run the installed kmemscope (list: every shipped recipe; check; help),
# load its completion, systemd-analyze verify its unit, then purge it so
# that the machine is left as found. Run by .ci/run (make check-deb), not
# by make check: it installs a package. Needs root and SRCDIR (a git tree).
. "$TESTLIB"
set -o pipefail
cd "$WORK" || exit 1
[ "$(id -u)" = 0 ] || skip "needs root to install the package"
for t in dpkg-buildpackage dh git; do
	command -v $t >/dev/null || skip "no $t (Debian packages dpkg-dev, debhelper, git)"
done
git -C "$SRCDIR" rev-parse --git-dir >/dev/null 2>&1 || skip "$SRCDIR is not a git tree"
! dpkg -s kmemscope >/dev/null 2>&1 || skip "a kmemscope package is installed already; not touching it"

INSTALLED=
trap '[ -n "$INSTALLED" ] && dpkg -P kmemscope >/dev/null 2>&1; cleanup' EXIT
ver=$(dpkg-parsechangelog -l "$SRCDIR/debian/changelog" -S Version) || fail "debian/changelog"
src=$WORK/kmemscope-$ver
mkdir "$src"
git -C "$SRCDIR" ls-files -z | (cd "$SRCDIR" && xargs -0 cp --parents -t "$src") || fail "copy of the tree"
# make check has run already; KMS_DEB_CHECK=1 runs it inside the build too.
[ -n "${KMS_DEB_CHECK:-}" ] || export DEB_BUILD_OPTIONS="nocheck ${DEB_BUILD_OPTIONS:-}"
(cd "$src" && dpkg-buildpackage -us -uc -b) >build.log 2>&1 || { tail -30 build.log; fail "dpkg-buildpackage failed"; }
deb=$(ls "$WORK"/kmemscope_"$ver"_*.deb) || fail "no .deb in $WORK"
dpkg -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >files.txt
for f in /usr/bin/kmemscope /lib/systemd/system/kmemscope-exporter.service \
	/usr/share/bash-completion/completions/kmemscope \
	/usr/share/man/man1/kmemscope.1.gz /usr/share/man/man1/kmemscope-top.1.gz \
	/usr/share/man/man5/kmemscope-json.5.gz /usr/share/man/man7/kmemscope-prometheus.7.gz \
	$(cd "$SRCDIR" && ls recipes/*.recipe | sed 's|^|/usr/share/kmemscope/|'); do
	grep -qx "$f" files.txt || fail "$f is not in the package"
done
dpkg -c "$deb" | awk '{print "  " $1, $3, $6}'
ok "$(basename "$deb") holds the binary, $(grep -c '\.recipe$' files.txt) recipes, $(grep -c '/man/' files.txt) man pages, completion and unit"

dpkg -i "$deb" >install.log 2>&1 || fail "dpkg -i: $(cat install.log)"
INSTALLED=1
cd /
n=$(env -u KMEMSCOPE_RECIPES /usr/bin/kmemscope list | sed -n '/^Recipes/,/^$/p' | grep -c '^  [a-z]') ||
	fail "installed kmemscope list failed"
want=$(ls "$SRCDIR"/recipes/*.recipe | wc -l)
[ "$n" -eq "$want" ] || fail "installed kmemscope list shows $n recipes, not the $want of recipes/"
env -u KMEMSCOPE_RECIPES /usr/bin/kmemscope check >"$WORK/check.txt" 2>&1
rc=$?
[ $rc -eq 0 ] || [ $rc -eq 6 ] || fail "installed kmemscope check exited $rc: $(tail -3 "$WORK/check.txt")"
/usr/bin/kmemscope help top </dev/null | grep -q 'KMEMSCOPE-TOP\|kmemscope-top' || fail "help top shows no page"
bash -c 'source /usr/share/bash-completion/completions/kmemscope && complete -p kmemscope' >/dev/null ||
	fail "the installed completion does not load"
if command -v systemd-analyze >/dev/null; then
	systemd-analyze verify /lib/systemd/system/kmemscope-exporter.service >"$WORK/verify.txt" 2>&1 ||
		fail "systemd-analyze verify: $(cat "$WORK/verify.txt")"
	[ ! -s "$WORK/verify.txt" ] || fail "systemd-analyze verify warns: $(cat "$WORK/verify.txt")"
	ok "systemd-analyze verify passes on the unit"
fi
dpkg -P kmemscope >/dev/null 2>&1 || fail "dpkg -P kmemscope"
INSTALLED=
[ ! -e /usr/bin/kmemscope ] && [ ! -e /usr/share/kmemscope ] || fail "files left after dpkg -P"
ok "installed: list shows all $want recipes, check exits $rc, help and completion work; purged again"
