#!/bin/bash
# Window-close cost with many namespaces (not part of the suite; run
# `scripts/vm-run.sh bench_window_close`). 100 namespaces close a window
# every 100 ms (the minimum) for SECS seconds; reported:
#  - kernel CPU (system + irq + softirq of /proc/stat) over those seconds,
#    with the module loaded minus the same namespaces without it;
#  - windows closed per namespace per second (10 if a close cost nothing);
#  - STATS_GET latency in one namespace meanwhile: a handler waits for
#    nn->lock, held by the window close.
. "$(dirname "$0")/lib.sh"

N=${NFSK_BENCH_NS:-100}
SECS=${NFSK_BENCH_SECS:-20}
PY=/usr/bin/python3

kcpu() {	# system + irq + softirq ticks of all CPUs
	awk '/^cpu /{print $4 + $7 + $8}' /proc/stat
}

unload_module || { not_ok "rmmod"; tap_done; exit 1; }
nss=()
for i in $(seq 1 "$N"); do nss+=("$(make_ns b$i)") || break; done
check_eq "namespaces" "$N" "${#nss[@]}"

c0=$(kcpu); sleep "$SECS"; c1=$(kcpu)
idle=$((c1 - c0))

load_module || { not_ok "insmod"; tap_done; exit 1; }
echo 100 >/sys/kernel/nfsketch/window_ms
# namespaces created before the load got the defaults: set each one
for ns in "${nss[@]}"; do
	ip netns exec "$ns" "$NFSK" config set window_ms=100 >/dev/null || break
done
check "two windows closed in the last namespace" wait_windows "${nss[-1]}" 2 60

w0=0; for ns in "${nss[@]}"; do w0=$((w0 + $(windows_closed "$ns"))); done
c0=$(kcpu); t0=$(date +%s%N)
ip netns exec "${nss[0]}" timeout 300 "$PY" "$NFSK_TOP/selftests/vm/nl_latency.py" 400 \
	>/tmp/nfsk-lat.$$ 2>&1 &
lat_pid=$!
sleep "$SECS"
c1=$(kcpu); t1=$(date +%s%N)
wait "$lat_pid"
w1=0; for ns in "${nss[@]}"; do w1=$((w1 + $(windows_closed "$ns"))); done
busy=$((c1 - c0))
echo "# kernel ticks in ${SECS}s: module $busy, without $idle (USER_HZ $(getconf CLK_TCK))"
echo "# windows closed: $((w1 - w0)) in $(((t1 - t0) / 1000000)) ms over $N namespaces:" \
	"$(awk -v w=$((w1 - w0)) -v n="$N" -v t=$(((t1 - t0) / 1000000)) \
		'BEGIN{printf "%.2f", w / n / (t / 1000)}') per namespace per second"
lat=$(cat /tmp/nfsk-lat.$$)
rm -f /tmp/nfsk-lat.$$
echo "# STATS_GET latency: $lat"
check "latency probe ran" test "${lat#n=}" != "$lat"
check "rmmod" unload_module
tap_done
