#!/usr/bin/env bash
# vm-debug.sh [TEST...] - the VM suite on the debug kernel (KASAN, lockdep,
# kmemleak, UBSAN, DEBUG_OBJECTS, fault injection; scripts/debug-kernel/),
# TAP on stdout. Builds the kernel (cached) and the module against it first.
#
# On this kernel a "# SKIP" is a failure: every test, the fault-injection
# test included, must run; and the kmemleak check after the last rmmod must
# have run (vm-guest.sh prints it only where kmemleak exists).
#
# Under TCG, KASAN and lockdep make the guest several times slower than on
# the generic kernel: per-test and whole-run timeouts are raised
# (NFSK_TEST_TIMEOUT, NFSK_VM_TIMEOUT override them).
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD

obj=$(scripts/debug-kernel/build.sh)
kimg=$obj/arch/x86/boot/bzImage
kver=$(cat "$obj/include/config/kernel.release")

# The module against the debug tree, built in a copy of the sources so that
# the checkout's own nfsketch.ko (built for the generic kernel) stays.
mod=$top/build/debug-kernel/kmod-$(basename "$obj")
mkdir -p "$mod"
for f in $(cd "$mod" && find kmod include -name '*.[ch]' 2>/dev/null); do
	[ -e "$f" ] || rm -f "$mod/$f"	# a source removed since the last copy
done
cp -a --update Kbuild kmod include "$mod/"
make -s -C "$obj" M="$mod" modules >&2
modinfo -F vermagic "$mod/nfsketch.ko" | grep -q "^$kver " ||
	{ echo "vm-debug: $mod/nfsketch.ko is not built for $kver" >&2; exit 1; }

export NFSK_KERNEL_IMAGE=$kimg NFSK_KO=$mod/nfsketch.ko
export NFSK_KERNEL_APPEND="log_buf_len=16M ${NFSK_KERNEL_APPEND:-}"
export NFSK_TEST_TIMEOUT=${NFSK_TEST_TIMEOUT:-1800}
export NFSK_VM_TIMEOUT=${NFSK_VM_TIMEOUT:-7200}
export NFSK_VM_MEM=${NFSK_VM_MEM:-2048}

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
# default: every VM selftest and the fault-injection test (faults.sh: not in
# the generic kernels' suite, which have no fault injection)
[ $# -gt 0 ] || set -- selftests/vm/test_*.sh selftests/vm/faults.sh
set +e
scripts/vm-run.sh "$@" | tee "$tmp"
rc=${PIPESTATUS[0]}
set -e
if grep -q '^ok .*# SKIP' "$tmp"; then
	grep '^ok .*# SKIP' "$tmp" | sed 's/^ok [0-9]* - \(.*\) # SKIP\(.*\)/not ok - skipped on the debug kernel: \1 (\2)/'
	rc=1
fi
if ! grep -q '^ok - kmemleak' "$tmp"; then
	echo "not ok - no kmemleak check ran after the last rmmod"
	rc=1
fi
exit $rc
