#!/usr/bin/env bash
# kmod-build.sh [-q] KVER - build the module for kernel KVER in its own
# directory, build/kmod/KVER/, and print the path of its nfsketch.ko.
#
# Kbuild writes objects next to the sources (M=DIR), so building the checkout
# itself for two kernels makes the second overwrite the first. Each kernel
# gets a copy of the module's sources instead (Kbuild, kmod/, include/),
# refreshed on every call with their mtimes kept (cp -p), so make rebuilds
# only what changed. Sources deleted from the checkout go from the copy too.
# -q: make's output only on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
quiet=0
[ "${1:-}" = -q ] && { quiet=1; shift; }
kver=${1:?usage: kmod-build.sh [-q] KVER}
kdir=${KDIR:-/lib/modules/$kver/build}
[ -e "$kdir/Makefile" ] || { echo "kmod-build: no headers for $kver in $kdir (scripts/deps.sh)" >&2; exit 1; }

out=build/kmod/$kver
mkdir -p "$out"
srcs=(Kbuild $(find kmod include -name '*.[ch]' | sort))
# Drop copies of sources that no longer exist, then refresh the rest.
for d in kmod include; do
	[ -d "$out/$d" ] || continue
	(cd "$out" && find "$d" -name '*.[ch]') | while read -r f; do
		[ -e "$f" ] || rm -f "$out/$f" "$out/${f%.c}.o"
	done
done
cp -p --parents "${srcs[@]}" "$out/"

log=$out/build.log
if make -C "$kdir" M="$PWD/$out" modules >"$log" 2>&1; then
	[ $quiet -eq 1 ] || cat "$log" >&2
	echo "$PWD/$out/nfsketch.ko"
else
	cat "$log" >&2
	echo "kmod-build: build for $kver failed (log: $log)" >&2
	exit 1
fi
