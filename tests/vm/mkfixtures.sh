#!/bin/bash
# Make tests/fixtures/tracecmd-6.1/: trace.dat files written by trace-cmd
# record itself (v6, v7 zstd, v7 zlib, two buffers) on Debian's 6.1 cloud
# kernel in the VM, with trace-cmd report's own text of each. Run once by
# a developer; the files are committed.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/../fixtures/tracecmd-6.1}
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
KMS_VM_MEM=1536 "$HERE/boot.sh" lockdown=integrity "$HERE/guest-mkfixtures.sh" "$LOG"
mkdir -p "$OUT"
awk -v out="$OUT" '
	/^KMS-FILE-BEGIN / { name = $2; file = out "/" name ".gz.b64"; printf "" > file; next }
	/^KMS-FILE-END / { close(file); name = ""; next }
	name != "" { sub(/\r$/, ""); print >> file }
' "$LOG"
for f in "$OUT"/*.gz.b64; do
	base64 -d "$f" | gunzip >"${f%.gz.b64}"
	rm "$f"
done
grep '^KMS-INFO\|^KMS-RESULT' "$LOG"
ls -l "$OUT"
