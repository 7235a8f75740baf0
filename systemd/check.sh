#!/bin/sh
# Checks systemd/gleaner.service the way systemd will read it:
#   systemd-analyze verify            -- no warnings, the ExecStart binary exists
#   systemd-analyze security          -- overall exposure at most 1.5 (threshold 15 of 100)
#
# Usage: systemd/check.sh [PATH-TO-GLEANER-BINARY]   (default: target/debug/gleaner)
# The unit names /usr/local/bin/gleaner; a copy pointing at the built binary is verified so
# the check runs without installing anything.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
binary=${1:-"$here/../target/debug/gleaner"}
binary=$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")

if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "systemd/check.sh: systemd-analyze not found (apt-get install systemd)" >&2
    exit 2
fi
if [ ! -x "$binary" ]; then
    echo "systemd/check.sh: $binary is not an executable; build gleaner first" >&2
    exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed "s|/usr/local/bin/gleaner|$binary|" "$here/gleaner.service" >"$tmp/gleaner.service"

# verify prints problems on stderr but exits 0 for some of them: treat any output as failure.
out=$(systemd-analyze verify "$tmp/gleaner.service" 2>&1) || { echo "$out" >&2; exit 1; }
if [ -n "$out" ]; then
    echo "$out" >&2
    exit 1
fi
echo "systemd-analyze verify: clean"

status=0
out=$(systemd-analyze security --offline=true --threshold=15 "$tmp/gleaner.service" 2>&1) || status=$?
echo "$out" | tail -n 1
if [ "$status" -ne 0 ]; then
    echo "$out" | grep '✗' >&2 || true
    echo "systemd/check.sh: exposure above 1.5" >&2
fi
exit "$status"
