#!/usr/bin/env bash
# test_under_load.sh [TEST...] - a test of the tests: run VM selftests while
# stress-ng keeps the host's CPUs busy, and require zero failures. A test
# that assumes how much work the emulated guest gets done per second of wall
# clock fails here.
#
# Default tests: test_alerts test_cli test_datapath (the ones that failed on
# a busy machine); NFSK_LOAD_TESTS=all runs the whole VM suite.
# NFSK_LOAD_CPUS (default 2) stress-ng CPU workers; stress-ng is bounded by
# its own --timeout and ended by its PID on exit.
# Prints TAP; the VM run's TAP is passed through.
set -uo pipefail
cd "$(dirname "$0")/../.."

cpus=${NFSK_LOAD_CPUS:-2}
if [ $# -eq 0 ]; then
	if [ "${NFSK_LOAD_TESTS:-}" = all ]; then
		set --
	else
		set -- ${NFSK_LOAD_TESTS:-test_alerts test_cli test_datapath}
	fi
fi
vm_timeout=${NFSK_VM_TIMEOUT:-2400}
# a test's own bound too: a starved guest is slow, not wrong
export NFSK_TEST_TIMEOUT=${NFSK_TEST_TIMEOUT:-1200}

command -v stress-ng >/dev/null || { echo "not ok - stress-ng not installed (scripts/deps.sh)"; exit 1; }

# Bounded twice: stress-ng's own --timeout (a little longer than the VM
# may run) and the kill by PID when this script ends.
stress-ng --cpu "$cpus" --cpu-method matrixprod --timeout "$((vm_timeout + 60))s" \
	--quiet >/dev/null 2>&1 &
sng=$!
trap 'kill -INT $sng 2>/dev/null; wait $sng 2>/dev/null' EXIT

# the load is on before the VM starts: stress-ng's workers are running
workers() { local c; c=$(pgrep -c -P "$sng" 2>/dev/null); echo "${c:-0}"; }
for _ in $(seq 1 100); do
	[ "$(workers)" -ge "$cpus" ] && break
	sleep 0.1
done
n=0 failed=0
if [ "$(workers)" -ge "$cpus" ]; then
	n=$((n + 1)); echo "ok $n - stress-ng --cpu $cpus running (pid $sng) before the VM starts"
else
	n=$((n + 1)); failed=1; echo "not ok $n - stress-ng --cpu $cpus did not start its workers"
fi
echo "# load: $(cut -d' ' -f1-3 /proc/loadavg), tests: ${*:-all}"

start=$SECONDS
NFSK_VM_TIMEOUT=$vm_timeout scripts/vm-run.sh "$@"
rc=$?
echo "# under load: VM run took $((SECONDS - start)) s, load $(cut -d' ' -f1-3 /proc/loadavg)"

if kill -0 "$sng" 2>/dev/null && [ "$(workers)" -ge "$cpus" ]; then
	n=$((n + 1)); echo "ok $n - stress-ng still loading the host when the VM run ended"
else
	n=$((n + 1)); failed=1; echo "not ok $n - stress-ng ended before the VM run did: the run was not all under load"
fi
if [ $rc -eq 0 ]; then
	n=$((n + 1)); echo "ok $n - VM run passed under stress-ng --cpu $cpus"
else
	n=$((n + 1)); failed=1; echo "not ok $n - VM run failed under stress-ng --cpu $cpus (status $rc)"
fi
[ $failed -eq 0 ]
