#!/bin/bash
# PID 1 of the test VM, on the host's root (read-only, over 9p).
# Runs the tests named in $RUN/tests, each printing TAP, collects their output
# in $RUN/tap, checks dmesg for splats, and writes $RUN/result ("pass" only
# when every test passed and dmesg is clean). Then powers off.
RUN=$1
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp TMPDIR=/tmp NFSK_RUN=$RUN
cd "$(dirname "$0")/.." || exit 1
export NFSK_TOP=$PWD
# The module built for this kernel (vm-run.sh, kmod-build.sh).
NFSK_KO=$(cat "$RUN/ko" 2>/dev/null)
export NFSK_KO

mount -t devpts devpts /dev/pts 2>/dev/null
# what udev would make: bash's process substitution needs /dev/fd
for f in fd:/proc/self/fd stdin:/proc/self/fd/0 stdout:/proc/self/fd/1 stderr:/proc/self/fd/2; do
	[ -e "/dev/${f%%:*}" ] || ln -s "${f#*:}" "/dev/${f%%:*}"
done
mkdir -p /dev/shm && mount -t tmpfs tmpfs /dev/shm
mkdir -p /run/netns /var/run /var/lib /var/log /var/tmp
ip link set lo up
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null

# kmemleak (debug kernel): what boot left is marked as seen ("clear"), so
# that a scan after the tests, and the tests' last rmmod, reports only what
# the tests leaked. Two scans: an object is reported only once it was
# unreferenced in two of them (Documentation/dev-tools/kmemleak.rst).
# verbose: every new entry is also logged, before the "N new suspected
# memory leaks" line, so that scripts/splat-check.sh can judge each one
# from the log alone.
kmemleak=/sys/kernel/debug/kmemleak
if [ -w "$kmemleak" ]; then
	echo 1 >/sys/module/kmemleak/parameters/verbose
	echo scan >"$kmemleak"
	echo clear >"$kmemleak"
fi

# The static busybox: the host's `reboot` is systemd's. A reboot, not a
# poweroff: QEMU runs with -no-reboot and exits, also on a kernel without
# ACPI (the debug kernel) where poweroff would only halt.
finish() {
	sync
	/bin/busybox reboot -f
}
trap finish EXIT

result=pass
: >"$RUN/tap"
timeout_s=$(cat "$RUN/timeout" 2>/dev/null || echo 300)
while read -r t; do
	[ -n "$t" ] || continue
	echo "# vm test: $t" | tee -a "$RUN/tap" >/dev/console
	# a test that starts servers (prometheus, nfcapd) may ask for more:
	# a "# vm-timeout: SECONDS" line of its own, never less than the default
	t_s=$(sed -n 's/^# vm-timeout: \([0-9]\+\)$/\1/p' "$t" | head -n 1)
	[ "${t_s:-0}" -gt "$timeout_s" ] || t_s=$timeout_s
	timeout -k 5 "$t_s" bash "$t" >"$RUN/out.tmp" 2>&1
	st=$?
	tee -a "$RUN/tap" <"$RUN/out.tmp" >/dev/console
	if [ $st -ne 0 ] || grep -q '^not ok' "$RUN/out.tmp"; then
		result=fail
		grep -q '^not ok' "$RUN/out.tmp" ||
			echo "not ok - $(basename "$t") exited with status $st" |
			tee -a "$RUN/tap" >/dev/console
	fi
done <"$RUN/tests"

if [ -w "$kmemleak" ]; then
	grep -q '^nfsketch ' /proc/modules && rmmod nfsketch
	echo scan >"$kmemleak"
	echo scan >"$kmemleak"
	# less what 6.1's SLUB leaks itself when an injected fault fails the
	# sysfs part of a kmem_cache_create() (the cache's name: faults.sh,
	# nfsk_leaks), counted and kept in $RUN/kmemleak-slub
	cat "$kmemleak" | awk -v slub="$RUN/kmemleak-slub" '
	function flush() { if (e != "") printf "%s", e > (kern ? slub : "/dev/stdout") }
	/^unreferenced object/ { flush(); e = ""; kern = 0 }
	{ e = e $0 "\n" }
	/ sysfs_slab_add\+/ { kern = 1 }
	END { flush() }' >"$RUN/kmemleak"
	[ ! -s "$RUN/kmemleak-slub" ] ||
		echo "# kmemleak: $(grep -c '^unreferenced object' "$RUN/kmemleak-slub") names of slab caches whose creation failed under an injected fault (SLUB's own leak; $RUN/kmemleak-slub)" |
			tee -a "$RUN/tap" >/dev/console
	if [ -s "$RUN/kmemleak" ]; then
		echo "not ok - kmemleak: $(grep -c '^unreferenced object' "$RUN/kmemleak") unreferenced objects after the last rmmod ($(grep -c nfsketch "$RUN/kmemleak") lines name nfsketch; see $RUN/kmemleak)" |
			tee -a "$RUN/tap" >/dev/console
		result=fail
	else
		echo "ok - kmemleak: nothing unreferenced after the last rmmod" | tee -a "$RUN/tap" >/dev/console
	fi
fi
dmesg >"$RUN/dmesg"
if scripts/splat-check.sh "$RUN/dmesg"; then
	echo "ok - dmesg clean" | tee -a "$RUN/tap" >/dev/console
else
	echo "not ok - dmesg has a kernel splat (see $RUN/dmesg)" | tee -a "$RUN/tap" >/dev/console
	result=fail
fi
echo "$result" >"$RUN/result"
