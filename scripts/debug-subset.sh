#!/usr/bin/env bash
# debug-subset.sh RESULTS DEADLINE - make check's part on the debug kernel,
# run in the background from the start of check.sh: build the debug kernel
# (scripts/debug-kernel/build.sh; cached, so a second run starts at once),
# then boot it for the subset below, bounded by DEADLINE (seconds since the
# epoch). Writes RESULTS/vm-debug.tap, RESULTS/debug-kernel-build.log and
# RESULTS/debug.status ("RC BUILD_SECONDS SUITE_SECONDS"); exits RC.
#
# The subset: the injected faults, sampled (NFSK_FAULT_STRIDE=S, default 4:
# every S-th allocation of every walk, from an offset drawn per run and
# printed, NFSK_FAULT_OFFSET to repeat it; make check-faults tries every
# one), and the tests whose paths allocate, free and lock the most
# (load/unload under traffic, unload with users, namespaces and monitors
# coming and going). Measured on an idle 2-core host beside a 6.1 suite:
# the faults 350 s of guest time, the three tests ~300 s. Not here yet:
# stress.sh's round (a load/unload cycle under monitor and dump once took
# 900 s on this kernel: rmmod waits a grace period per monitored namespace
# and they take seconds in a saturated debug guest; make check-debug runs
# it) and the rest of the suite (make check-debug). A kernel that did not
# build, a run cut at the deadline or started with less than 5 minutes
# left fails: nothing is skipped.
set -uo pipefail
cd "$(dirname "$0")/.."
res=$1 deadline=$2
tests=(test_module test_unload test_netns_monitor)
stride=${NFSK_FAULT_STRIDE:-4}
offset=${NFSK_FAULT_OFFSET:-$((RANDOM % stride))}
test_timeout=${NFSK_DEBUG_TEST_TIMEOUT:-1800}
tap=$res/vm-debug.tap

t0=$SECONDS
scripts/debug-kernel/build.sh >"$res/debug-kernel.dir" 2>"$res/debug-kernel-build.log"
build_rc=$?
build_secs=$((SECONDS - t0))
finish() {
	echo "$1 $build_secs $((SECONDS - t0 - build_secs))" >"$res/debug.status"
	exit "$1"
}
if [ $build_rc -ne 0 ] || [ ! -s "$res/debug-kernel.dir" ]; then
	echo "not ok - the debug kernel did not build (see $res/debug-kernel-build.log)" >"$tap"
	finish 1
fi
left=$((deadline - $(date +%s)))
if [ "$left" -lt 300 ]; then
	echo "not ok - no time for the debug kernel's tests: $left s left before the deadline" >"$tap"
	finish 1
fi

# The guest gets no environment from the host: the settings go in wrappers.
wrap=$PWD/build/debug-subset
mkdir -p "$wrap"
printf '#!/bin/bash\nexport NFSK_FAULT_STRIDE=%s NFSK_FAULT_OFFSET=%s\nexec bash %s/selftests/vm/faults.sh\n' \
	"$stride" "$offset" "$PWD" >"$wrap/faults_sampled.sh"
{
	echo "# debug kernel: built in $build_secs s; $left s for faults (every ${stride}th allocation" \
		"from offset $offset: NFSK_FAULT_STRIDE=$stride NFSK_FAULT_OFFSET=$offset)," \
		"${tests[*]}"
	NFSK_TEST_TIMEOUT=$test_timeout scripts/vm-run.sh -t "$left" -k debug \
		"$wrap/faults_sampled.sh" "${tests[@]}"
} >"$tap" 2>&1
finish $?
