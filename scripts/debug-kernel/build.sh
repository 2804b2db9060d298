#!/usr/bin/env bash
# build.sh [-q] - build (once) the debug kernel for the VM suite and print its
# build directory: bzImage at arch/x86/boot/bzImage, a tree that
# `make -C DIR M=...` builds the module against.
#
# Source: Debian's linux-source of the tested series (/usr/src/linux-source-6.1
# .tar.xz, the same patched source as the generic kernel). Config:
# allnoconfig + scripts/debug-kernel/debug.config (merge_config.sh, then
# olddefconfig); every option of the fragment is checked to have survived.
# Cached under build/debug-kernel/<source version>-<fragment hash>/: a
# rebuild only when the source package or the fragment (or this script)
# changes. Runs under `nice` with -j$NFSK_JOBS (default: number of CPUs).
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$PWD
tarball=${NFSK_DEBUG_SRC:-/usr/src/linux-source-6.1.tar.xz}
frag=$top/scripts/debug-kernel/debug.config
jobs=${NFSK_JOBS:-$(nproc)}

[ -r "$tarball" ] || { echo "debug-kernel: $tarball missing (scripts/deps.sh installs linux-source-6.1)" >&2; exit 1; }
pkg=$(dpkg -S "$tarball" 2>/dev/null | cut -d: -f1 | head -1)
srcver=$(dpkg-query -W -f '${Version}' "$pkg" 2>/dev/null || stat -c %Y "$tarball")
# the key: the fragment and this recipe's version (bump it when a change
# below changes what is built)
recipe=2
hash=r$recipe-$(sha256sum <"$frag" | cut -c1-12)
base=$top/build/debug-kernel
src=$base/src-$srcver
obj=$base/$srcver-$hash

# Module.symvers: the kernel has no modules of its own, so the symbol CRCs
# an external module is versioned against (CONFIG_MODVERSIONS) are
# vmlinux's; without the file modpost leaves the .ko unversioned and insmod
# refuses it ("no symbol version for module_layout").
symvers() {
	[ -s "$obj/Module.symvers" ] || cp "$obj/vmlinux.symvers" "$obj/Module.symvers"
}
if [ -e "$obj/.nfsk-built" ]; then
	symvers
	echo "$obj"
	exit 0
fi
mkdir -p "$base"
log=$base/build-$srcver-$hash.log
start=$(date +%s)
(
	if [ ! -e "$src/.nfsk-extracted" ]; then
		rm -rf "$src" "$src.tmp"
		mkdir -p "$src.tmp"
		tar -xf "$tarball" -C "$src.tmp" --strip-components=1
		touch "$src.tmp/.nfsk-extracted"
		mv "$src.tmp" "$src"
	fi
	rm -rf "$obj"
	mkdir -p "$obj"
	make -s -C "$src" O="$obj" allnoconfig || exit 1
	(cd "$obj" && "$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$frag") || exit 1
	make -s -C "$src" O="$obj" olddefconfig || exit 1
	# Every option of the fragment must have survived (a missing dependency
	# drops it silently otherwise).
	awk '
	FNR == NR {
		if ($0 ~ /^CONFIG_[A-Za-z0-9_]+=/) { split($0, kv, "="); have[kv[1]] = $0 }
		next
	}
	/^CONFIG_[A-Za-z0-9_]+=/ {
		split($0, kv, "=")
		if (have[kv[1]] != $0) { print "debug-kernel: " $0 " but " (have[kv[1]] ? have[kv[1]] : "unset"); bad = 1 }
	}
	/^# CONFIG_[A-Za-z0-9_]+ is not set$/ {
		if ($2 in have) { print "debug-kernel: " $0 " but " have[$2]; bad = 1 }
	}
	END { exit bad }' "$obj/.config" "$frag" || exit 1
	TIMEFORMAT='debug-kernel: make %R s wall, %U s user, %S s system'
	time nice -n "${NFSK_NICE:-10}" make -s -C "$src" O="$obj" -j"$jobs" bzImage modules_prepare || exit 1
	symvers
	touch "$obj/.nfsk-built"
) >"$log" 2>&1 || { tail -30 "$log" >&2; echo "debug-kernel: build failed, see $log" >&2; exit 1; }
echo "debug-kernel: built in $(($(date +%s) - start)) s ($log)" >&2
echo "$obj"
