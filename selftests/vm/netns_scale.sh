#!/bin/bash
# vm-timeout: 7200
# Cost of many namespaces: N namespaces (netns_hold.py) with the module
# loaded under each netns_monitor mode, and without the module. For each:
# the module's own count (/sys/kernel/nfsketch/mem_bytes), the kernel's
# (MemTotal - MemAvailable, Slab, Percpu, VmallocUsed from /proc/meminfo)
# as an independent oracle, and CPU time over a fixed wall period: the
# kernel's (system + irq + softirq from /proc/stat) and the kworkers' (the
# window work runs in them; utime + stime of every kworker in /proc).
#
# Not in make check at N=1000 (minutes of TCG); test_netns_monitor.sh is.
# Run: NFSK_VM_MEM=4096 scripts/vm-run.sh -t 7200 netns_scale
# Knobs: NFSK_SCALE_N (1000), NFSK_SCALE_SECS (wall period, 30),
# NFSK_SCALE_RUNS ("nomod none on-demand all"), NFSK_SCALE_KO (a module
# to measure instead, e.g. main's: its runs are named "ko"), NFSK_SCALE_READS
# (namespaces read under on-demand, 100).
# Checks: none and on-demand cost the module nothing per namespace
# (mem_bytes exactly as with none created); on-demand after K reads costs
# exactly K namespaces; all costs N times one namespace's share, exactly.
. "$(dirname "$0")/lib.sh"

N=${NFSK_SCALE_N:-1000}
SECS=${NFSK_SCALE_SECS:-30}
RUNS=${NFSK_SCALE_RUNS:-nomod none on-demand all}
READS=${NFSK_SCALE_READS:-100}
[ -n "${NFSK_SCALE_KO:-}" ] && RUNS=${NFSK_SCALE_RUNS:-ko}
hz=$(getconf CLK_TCK)

meminfo() { awk -v k="$1:" '$1 == k { printf "%.0f\n", $2 * 1024 }' /proc/meminfo; }
used() { echo $(($(meminfo MemTotal) - $(meminfo MemAvailable))); }
modmem() { cat /sys/kernel/nfsketch/mem_bytes 2>/dev/null || echo 0; }
# kernel CPU jiffies (system + irq + softirq) of all CPUs
kcpu() { awk '$1 == "cpu" { print $4 + $7 + $8 }' /proc/stat; }
# utime + stime of every kworker thread, jiffies
kworkers() {
	awk '$2 ~ /^\(kworker/ { s += $14 + $15 } END { print s + 0 }' \
		/proc/[0-9]*/stat 2>/dev/null
}
snapshot() {
	echo "$(modmem) $(used) $(meminfo Slab) $(meminfo Percpu) $(meminfo VmallocUsed)"
}

# settle: two reads of the kernel's count 2 s apart within 1 MiB (at most
# ten tries: the figures are reported, not checked)
settle() {
	local a b i
	for i in $(seq 1 10); do
		a=$(used)
		sleep 2
		b=$(used)
		[ $((a > b ? a - b : b - a)) -lt 1048576 ] && return 0
	done
}

result() { echo "# RESULT $*"; }

run() {
	local mode=$1 holder fdline pid fds before after t0 c0 w0 c1 w1 secs i
	local mb0 mb1 per
	unload_module || { not_ok "$mode: unload"; return; }
	case $mode in
	nomod) ;;
	ko) insmod "$NFSK_SCALE_KO" window_align=0 || { not_ok "$mode: insmod"; return; } ;;
	*) load_module netns_monitor="$mode" || { not_ok "$mode: insmod"; return; } ;;
	esac
	settle
	before=$(snapshot)
	mb0=$(modmem)
	t0=$SECONDS
	coproc HOLD { python3 "$NFSK_TOP/selftests/vm/netns_hold.py" "$N"; }
	holder=$HOLD_PID
	read -r -t $((600 * NFSK_WAIT_SCALE)) fdline <&"${HOLD[0]}"
	case $fdline in
	ready*) ok "$mode: $N namespaces made in $((SECONDS - t0)) s" ;;
	*) not_ok "$mode: $N namespaces: $fdline"; kill "$holder"; return ;;
	esac
	set -- $fdline
	pid=$2
	shift 2
	fds=("$@")
	settle
	after=$(snapshot)
	mb1=$(modmem)
	# CPU over SECS of wall time, the namespaces idle
	c0=$(kcpu)
	w0=$(kworkers)
	t0=$(date +%s%N)
	sleep "$SECS"
	c1=$(kcpu)
	w1=$(kworkers)
	secs=$((($(date +%s%N) - t0) / 1000000))
	set -- $before
	local b_mod=$1 b_used=$2 b_slab=$3 b_pcpu=$4 b_vm=$5
	set -- $after
	result "mode=$mode n=$N module_bytes=$(($1 - b_mod)) used_bytes=$(($2 - b_used))" \
		"slab_bytes=$(($3 - b_slab)) percpu_bytes=$(($4 - b_pcpu)) vmalloc_bytes=$(($5 - b_vm))" \
		"kernel_cpu_ms_per_s=$(((c1 - c0) * 1000 * 1000 / hz / secs))" \
		"kworker_cpu_ms_per_s=$(((w1 - w0) * 1000 * 1000 / hz / secs)) wall_ms=$secs"
	case $mode in
	none) check_eq "none: $N namespaces cost the module nothing" "$mb0" "$mb1" ;;
	all)
		per=$(((mb1 - mb0) / N))
		check "all: $N namespaces cost N times one share ($per bytes each)" \
			test $((mb1 - mb0)) -eq $((per * N))
		;;
	on-demand)
		check_eq "on-demand: $N namespaces unread cost the module nothing" "$mb0" "$mb1"
		for i in $(seq 0 $((READS - 1))); do
			nsenter --net="/proc/$pid/fd/${fds[$i]}" "$NFSK" stats >/dev/null ||
				break
		done
		per=$((($(modmem) - mb0) / READS))
		check "on-demand: $READS reads enabled $READS namespaces exactly ($per bytes each)" \
			test $(($(modmem) - mb0)) -eq $((per * READS)) -a "$per" -gt 0
		result "mode=on-demand-read n=$READS module_bytes=$(($(modmem) - mb0))"
		;;
	esac
	# release: the kernel dismantles them asynchronously
	eval "exec ${HOLD[1]}>&-"
	wait "$holder"
	check "$mode: namespaces gone, module memory back" \
		wait_for 600 eval '[ "$(modmem)" = "$mb0" ]'
}

for r in $RUNS; do
	run "$r"
done
unload_module
tap_done
