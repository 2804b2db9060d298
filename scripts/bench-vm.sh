#!/usr/bin/env bash
# bench-vm.sh [SERIES...] - the module's in-kernel cost (`make bench-vm`):
# selftests/vm/bench_datapath.sh in one VM boot per kernel series (default
# 6.1), its table printed at the end and written, with the host it ran on
# and the host's load, to build/bench-vm/result.md. Indicative only: QEMU
# TCG models no caches.
# Sizes: BENCH_VM_PKTS (packets per run), BENCH_VM_ROUNDS, BENCH_VM_FLOWS.
# BENCH_VM_ICOUNT (default 0): the guest's clock counts its instructions,
# 2^N ns each (QEMU -icount, vm-run.sh), so that rates and CPU times are
# instruction counts, whatever the host's load; empty: wall-clock time
# (multi-threaded TCG), which a loaded host makes swing by 2x and more.
# Fails when a VM run fails (vm-run.sh: the guest must say "pass") or
# leaves no table.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
[ $# -gt 0 ] || set -- 6.1
out=build/bench-vm
mkdir -p "$out"
# The guest gets no environment from the host: a wrapper in build/ (shared
# with the guest) sets the sizes and runs the bench.
{
	echo '#!/bin/bash'
	# the guest's bound: with -icount its clock jumps ahead whenever it
	# idles (waiting for 9p), so it is generous; the host's -t bounds the run
	echo "# vm-timeout: 86400"
	echo "export NFSK_BENCH_PKTS=${BENCH_VM_PKTS:-100000} NFSK_BENCH_ROUNDS=${BENCH_VM_ROUNDS:-3} NFSK_BENCH_FLOWS=${BENCH_VM_FLOWS:-1000}"
	echo "exec bash $top/selftests/vm/bench_datapath.sh"
} >"$out/bench_datapath_run.sh"

icount=${BENCH_VM_ICOUNT-0}
if [ -n "$icount" ]; then
	clock="the guest's clock counts instructions (QEMU -icount shift=$icount: $((1 << icount)) ns per guest instruction), so pps and ns are instruction counts, independent of the host's load"
else
	clock="wall-clock time (multi-threaded TCG): pps and ns follow the host's load"
fi
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
result=$out/result.md
: >"$result.tmp"
rc=0
for s in "$@"; do
	load0=$(uptime)
	set +e
	NFSK_VM_ICOUNT=$icount NFSK_TEST_TIMEOUT=86400 scripts/vm-run.sh -t 6000 -k "$s" "$out/bench_datapath_run.sh" |
		tee "$out/vm-$s.log"
	vm_rc=${PIPESTATUS[0]}
	set -e
	load1=$(uptime)
	run=$(sed -n 's/^# vm run: .* (\(.*\))$/\1/p' "$out/vm-$s.log" | tail -n 1)
	if [ "$vm_rc" -ne 0 ] || [ -z "$run" ] || [ ! -s "$run/bench.md" ]; then
		echo "bench-vm: the VM run on $s failed (status $vm_rc) or left no table" >&2
		rc=1
		continue
	fi
	{
		cat "$run/bench.md"
		echo
		echo "Clock: $clock."
		echo
		echo "Host: $(nproc) vCPUs ($cpu), shared with other jobs; load average before: ${load0##*load average: }, after: ${load1##*load average: }."
		echo
	} >>"$result.tmp"
done
mv "$result.tmp" "$result"
echo
echo "== $result"
cat "$result"
exit $rc
