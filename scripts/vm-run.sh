#!/usr/bin/env bash
# vm-run.sh [-k KERNEL] [-t SECONDS] [TEST...] - run VM selftests under QEMU,
# print TAP.
#
# KERNEL is a series (6.1, 6.12, 6.12-rt: the newest installed of it, see
# guest-kver.sh; debug: the debug kernel, scripts/debug-kernel/) or an exact
# version (6.12.117+deb12-rt-amd64); default $NFSK_KVER, else the 6.1
# series. The module is built for that kernel in build/kmod/VERSION/
# (scripts/kmod-build.sh). TEST is a path or a name under selftests/vm/
# (with or without .sh); default: every selftests/vm/test_*.sh (and, on the
# debug kernel, faults.sh). Exit 0 only when the guest wrote "pass" as its
# result and no kernel splat appears in its log; on the debug kernel also
# only when no test was skipped and the kmemleak check after the last rmmod
# ran.
#
# Why it is built this way:
# - Debian's generic kernel (linux-image-amd64), what Debian routers run, with
#   the module built against its headers. The cloud kernel boots faster but
#   has no 9p at all.
# - QEMU with TCG: /dev/kvm does not work here. 2 vCPUs so per-CPU code and
#   the window fold meet real concurrency; 1 GiB of memory.
# - No guest image: the host's root is shared read-only over virtio-9p (the
#   virtme approach), so the guest runs the host's ip, tcpdump, conntrack,
#   python3, jq. A tiny busybox initramfs loads the 9p modules (modules in
#   this kernel), mounts the share, puts tmpfs on /tmp, /run and /var and
#   switch_roots to scripts/vm-guest.sh. multidevs=remap keeps inode numbers
#   unique across the host's file systems.
# - The checkout is shared again read-only and mounted at its own path after
#   the tmpfs mounts, so that it may live anywhere, /tmp included.
# - A per-run directory under build/vm/ is shared read-write at the same path:
#   the guest writes its TAP, dmesg and result there.
# - no_timer_check: the boot-time check of the IO-APIC timer fails, and the
#   kernel panics, when a loaded host starves the emulator (seen on 6.12).
# - Fails by default: a run that times out, crashes or never writes its
#   result is a failure.
# - NFSK_VM_ICOUNT=SHIFT (make bench-vm): the guest's clock counts its
#   instructions (QEMU -icount, 2^SHIFT ns each; single-threaded TCG, which
#   icount needs), so that its timings do not depend on the host's load.
#   One vCPU: with two, QEMU 7.2's icount never brought the second one up
#   (the boot stopped at "Booting SMP configuration").
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD

timeout_s=${NFSK_VM_TIMEOUT:-}
test_timeout=${NFSK_TEST_TIMEOUT:-300}
kernel_arg=${NFSK_KVER:-6.1}
while getopts "k:t:h" o; do
	case $o in
	k) kernel_arg=$OPTARG ;;
	t) timeout_s=$OPTARG ;;
	*) sed -n '2,14s/^# \{0,1\}//p' "$0"; exit 2 ;;
	esac
done
shift $((OPTIND - 1))

# The debug kernel (KASAN, lockdep, kmemleak, UBSAN, DEBUG_OBJECTS, fault
# injection): built once and cached by scripts/debug-kernel/build.sh, the
# module built against its tree like any other kernel's. virtio and 9p are
# built in (no modules in the initramfs); a larger log buffer for the fault
# stacks, more memory for KASAN's shadow, and timeouts raised: under TCG the
# instrumentation makes the guest several times slower.
debug=0
append=${NFSK_KERNEL_APPEND:-}
mem=${NFSK_VM_MEM:-1024}
if [ "$kernel_arg" = debug ]; then
	debug=1
	obj=$(scripts/debug-kernel/build.sh)
	kernel=$obj/arch/x86/boot/bzImage
	kver=$(cat "$obj/include/config/kernel.release")
	export KDIR=$obj
	append="log_buf_len=16M $append"
	mem=${NFSK_VM_MEM:-2048}
	test_timeout=${NFSK_TEST_TIMEOUT:-1800}
	timeout_s=${timeout_s:-7200}
elif [ -e "/boot/vmlinuz-$kernel_arg" ]; then
	kver=$kernel_arg
	kernel=/boot/vmlinuz-$kver
else
	kver=$(scripts/guest-kver.sh "$kernel_arg")
	kernel=/boot/vmlinuz-$kver
fi
timeout_s=${timeout_s:-900}
[ -r "$kernel" ] || { echo "vm-run: $kernel missing (scripts/deps.sh)" >&2; exit 1; }
ko=$(scripts/kmod-build.sh -q "$kver")
[ -r "$ko" ] || { echo "vm-run: no module $ko" >&2; exit 1; }
unset KDIR

tests=()
if [ $# -eq 0 ]; then
	for t in selftests/vm/test_*.sh; do tests+=("$top/$t"); done
	# fault injection exists only in the debug kernel
	[ $debug -eq 0 ] || tests+=("$top/selftests/vm/faults.sh")
else
	for t in "$@"; do
		for c in "$t" "selftests/vm/$t" "selftests/vm/$t.sh"; do
			if [ -f "$c" ]; then tests+=("$(realpath "$c")"); continue 2; fi
		done
		echo "vm-run: no such test: $t" >&2
		exit 2
	done
fi

# ---- initramfs: static busybox + the 9p module chain, cached per kernel ----
vmdir=$top/build/vm
mkdir -p "$vmdir"
initrd=$vmdir/initramfs-$kver.cpio.gz
[ $debug -eq 0 ] || initrd=$vmdir/initramfs-builtin.cpio.gz
if [ ! -s "$initrd" ] || [ scripts/vm-initramfs-init.sh -nt "$initrd" ]; then
	stage=$(mktemp -d "$vmdir/stage.XXXXXX")
	mkdir -p "$stage"/{bin,proc,sys,dev,newroot}
	cp /bin/busybox "$stage/bin/busybox"
	ln -s busybox "$stage/bin/sh"
	cp scripts/vm-initramfs-init.sh "$stage/init"
	: >"$stage/modules.order"
	[ $debug -eq 1 ] ||
	modprobe -S "$kver" --show-depends -a virtio_pci 9pnet_virtio 9p |
		awk '$1 == "insmod" { print $2 }' | awk '!seen[$0]++' |
		while read -r ko; do
			dst=/lib/${ko#/lib/modules/"$kver"/}
			mkdir -p "$stage$(dirname "$dst")"
			case $ko in
			*.xz) xz -dc "$ko" >"$stage${dst%.xz}"; dst=${dst%.xz} ;;
			*.zst) zstd -qdc "$ko" >"$stage${dst%.zst}"; dst=${dst%.zst} ;;
			*) cp "$ko" "$stage$dst" ;;
			esac
			echo "$dst" >>"$stage/modules.order"
		done
	(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) >"$initrd.tmp"
	mv "$initrd.tmp" "$initrd"
	rm -rf "$stage"
fi

# ---- one run ---------------------------------------------------------------
run=$(mktemp -d "$vmdir/run.XXXXXX")
printf '%s\n' "${tests[@]}" >"$run/tests"
echo "$(realpath "$ko")" >"$run/ko"
echo "$test_timeout" >"$run/timeout"

accel=(-accel tcg,thread=multi -smp 2)
[ -z "${NFSK_VM_ICOUNT:-}" ] ||
	accel=(-accel tcg,thread=single -icount "shift=$NFSK_VM_ICOUNT,sleep=off" -smp 1)

start=$(date +%s.%N)
set +e
# --foreground: QEMU stays in this script's process group, so that ending
# the group (check.sh ending its background suites) ends the guest too.
timeout --foreground -k 10 "$timeout_s" qemu-system-x86_64 \
	-machine q35 "${accel[@]}" -cpu max -m "$mem" \
	-kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 no_timer_check nfsk.run=$run nfsk.top=$top nfsk.guest=$top/scripts/vm-guest.sh $append" \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
	-virtfs "local,path=$top,mount_tag=top,security_model=none,readonly=on,multidevs=remap" \
	-virtfs "local,path=$run,mount_tag=out,security_model=none,multidevs=remap" \
	-nic none -display none -monitor none -serial "file:$run/console.log" \
	-no-reboot </dev/null
qemu_rc=$?
set -e
elapsed=$(echo "$(date +%s.%N) - $start" | bc)

cat "$run/tap" 2>/dev/null || true
fail=0
if [ $qemu_rc -ne 0 ]; then
	echo "not ok - qemu exited with status $qemu_rc (timeout ${timeout_s}s?); console: $run/console.log"
	fail=1
fi
if ! scripts/splat-check.sh <(tr -d '\r' <"$run/console.log") >/dev/null; then
	echo "not ok - kernel splat on the console: $run/console.log"
	fail=1
fi
# The debug kernel: a skipped test is a failure (every test, faults.sh
# included, must run there), and the kmemleak check after the last rmmod
# (vm-guest.sh, only where kmemleak exists) must have run.
if [ $debug -eq 1 ]; then
	if grep -q '^ok .*# SKIP' "$run/tap" 2>/dev/null; then
		grep '^ok .*# SKIP' "$run/tap" | sed 's/^ok [0-9]* - \(.*\) # SKIP\(.*\)/not ok - skipped on the debug kernel: \1 (\2)/'
		fail=1
	fi
	if ! grep -q '^ok - kmemleak' "$run/tap" 2>/dev/null; then
		echo "not ok - no kmemleak check ran after the last rmmod"
		fail=1
	fi
fi
result=$(cat "$run/result" 2>/dev/null || echo none)
if [ "$result" != pass ]; then
	[ "$result" = fail ] || echo "not ok - the guest wrote no result; console: $run/console.log"
	fail=1
fi
printf '# vm run: %s on %s in %.1f s (%s)\n' "$result" "$kver" "$elapsed" "$run"
exit $fail
