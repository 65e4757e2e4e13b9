#!/bin/bash
# VM test tier: obtain what the guest needs, without installing a kernel on
# the host. Idempotent.
#  - installs qemu-system-x86, busybox-static and cpio when missing (root);
#  - downloads (apt-get download) the kernel package that
#    linux-image-cloud-amd64 depends on and extracts it (dpkg-deb -x) into
#    the cache dir, reusing an earlier extraction.
# Prints the vmlinuz path on stdout (last line); progress goes to stderr.
# Cache dir: $KMS_VM_CACHE, else /var/cache/kmemscope-vm as root, else
# ${XDG_CACHE_HOME:-~/.cache}/kmemscope-vm. Network: apt only.
set -eu
log() { echo "vm-setup: $*" >&2; }
die() { echo "vm-setup: error: $*" >&2; exit 1; }

if [ "$(id -u)" = 0 ]; then
	CACHE=${KMS_VM_CACHE:-/var/cache/kmemscope-vm}
	SUDO=
else
	CACHE=${KMS_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kmemscope-vm}
	SUDO=sudo; command -v sudo >/dev/null && sudo -n true 2>/dev/null || SUDO=
fi
mkdir -p "$CACHE"
export DEBIAN_FRONTEND=noninteractive

updated=
apt_update() {
	[ -z "$updated" ] || return 0
	log "apt-get update"
	updated=1
	$SUDO apt-get update -qq >&2 </dev/null || { log "apt-get update failed"; return 1; }
}

# 1. Host packages: qemu, static busybox, cpio.
installed() { dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -q 'install ok installed'; }
missing=
for p in qemu-system-x86 busybox-static cpio; do
	installed "$p" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ] && [ -z "$SUDO" ]; then
		die "missing packages:$missing (run as root to install them)"
	fi
	# Update first only when apt knows no candidate for one of them.
	for p in $missing; do
		apt-cache policy "$p" 2>/dev/null | grep -q 'Candidate: [0-9]' || apt_update || true
	done
	log "installing:$missing"
	ilog=$(mktemp)
	# shellcheck disable=SC2086
	install() { $SUDO apt-get install -y -qq --no-install-recommends $missing >"$ilog" 2>&1; }
	if ! install; then
		apt_update || true
		install || { cat "$ilog" >&2; rm -f "$ilog"; die "apt-get install$missing failed"; }
	fi
	rm -f "$ilog"
fi

# 2. The kernel: the package linux-image-cloud-amd64 depends on.
resolve() {
	apt-cache depends linux-image-cloud-amd64 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }'
}
# The newest vmlinuz already extracted in the cache (fallback when apt fails).
cached_any() {
	ls -1 "$CACHE"/*/boot/vmlinuz-* 2>/dev/null | sort -V | tail -1
}
fallback() { # REASON: use any cached kernel, or fail
	v=$(cached_any)
	[ -n "$v" ] || die "$1"
	log "$1; using cached $v"
	echo "$v"
	exit 0
}

tmp=$(mktemp -d "$CACHE/.dl.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
# As root, download as root rather than warn about apt's _apt sandbox.
sandbox=; [ "$(id -u)" != 0 ] || sandbox="-o APT::Sandbox::User=root"

# kernel: print the cached vmlinuz of the current package, downloading and
# extracting it first if needed. Returns 1 when apt cannot resolve or fetch it.
kernel() {
	pkg=$(resolve)
	[ -n "$pkg" ] || { echo "apt-cache depends linux-image-cloud-amd64 found no kernel" >"$tmp/apt.err"; return 1; }
	dir=$CACHE/$pkg
	if [ -f "$dir/.complete" ] && ls "$dir"/boot/vmlinuz-* >/dev/null 2>&1; then
		ls -1 "$dir"/boot/vmlinuz-* | head -1
		return 0
	fi
	log "downloading $pkg"
	rm -f "$tmp"/*.deb
	(cd "$tmp" && apt-get download -q $sandbox "$pkg" >&2 2>"$tmp/apt.err") || return 1
	deb=$(ls -1 "$tmp"/*.deb 2>/dev/null | head -1)
	[ -n "$deb" ] || die "apt-get download $pkg produced no .deb"
	rm -rf "$tmp/x" && mkdir "$tmp/x"
	dpkg-deb -x "$deb" "$tmp/x" || die "dpkg-deb -x $deb failed"
	ls "$tmp"/x/boot/vmlinuz-* >/dev/null 2>&1 || die "$deb has no boot/vmlinuz-*"
	# Keep only what the VM uses: the kernel, its config (and System.map).
	rm -rf "$dir" && mkdir -p "$dir"
	mv "$tmp/x/boot" "$dir/boot" || die "cannot fill $dir"
	basename "$deb" >"$dir/.deb" && touch "$dir/.complete" || die "cannot write $dir"
	ls -1 "$dir"/boot/vmlinuz-* | head -1
}

# On failure the package lists may be stale (an old kernel gone from the
# mirror): update them and try again, then fall back to any cached kernel.
if ! kernel; then
	if [ -n "$updated" ] || ! apt_update || ! kernel; then
		fallback "cannot fetch the kernel: $(grep -v '^W:' "$tmp/apt.err" | head -3 | tr '\n' ' ')"
	fi
fi
