#!/bin/bash
# In-kernel cost of the module, indicative (not part of the suite; `make
# bench-vm`, scripts/bench-vm.sh). In one VM boot, pktgen in namespace
# "tx" sends a fixed count of 64-byte UDP packets (FLOWS source ports)
# through a veth to namespace "rx", where a bound UDP socket that nobody
# reads takes them (the full receive path up to the socket, no reply).
# Phases, alternated ROUNDS times (ABCDABCD...), so that a noisy host
# slows all of them alike:
#   A  no module, no conntrack
#   B  nfsketch loaded
#   C  conntrack only: an nft rule in rx matching `ct state`
#   D  nfsketch and conntrack
# pktgen transmits from its kernel thread and the veth's receive softirq
# runs on the same CPU as it re-enables bottom halves, so its send rate is
# bounded by the receive path's cost. Rate of a phase = packets that
# entered rx's stack (rx's interface counter) / pktgen's elapsed time.
# Oracles per run: rx's interface counter + its drops = packets pktgen
# sent; the UDP layer (/proc/net/snmp of rx) saw every one of them; in B
# and D the module's own count in rx grew by as many, in C and D the nft
# `ct state` rule's counter did (conntrack really ran on each packet).
# Guest CPU time per packet: non-idle ticks of /proc/stat over the run
# (all CPUs; pktgen busy-polls, so this follows the rate), and of it the
# softirq ticks of CPU 0, where pktgen's thread and so the veth's receive
# path run: the receive path's own cost per packet.
# TCG does not model caches or a real NIC: the ratios are indicative.
#
# Sizes (environment): NFSK_BENCH_PKTS (100000 per run), NFSK_BENCH_ROUNDS
# (3), NFSK_BENCH_FLOWS (1000). The table goes to $NFSK_RUN/bench.md (the
# run directory, shared with the host) and to stdout as TAP comments.
# vm-timeout: 5400
. "$(dirname "$0")/lib.sh"

PKTS=${NFSK_BENCH_PKTS:-100000}
ROUNDS=${NFSK_BENCH_ROUNDS:-3}
FLOWS=${NFSK_BENCH_FLOWS:-1000}
PORT=9999
PHASES=(A B C D)
declare -A PHASE_NAME=([A]="no module" [B]="nfsketch loaded"
	[C]="conntrack only (nft ct state rule)" [D]="nfsketch + conntrack")

fatal() {
	not_ok "$*"
	tap_done
	exit 1
}

modprobe -q veth || fatal "modprobe veth"
modprobe -q pktgen || fatal "modprobe pktgen"
unload_module || fatal "no nfsketch loaded at the start"

tx=$(make_ns tx) || fatal "namespace tx"
rx=$(make_ns rx) || fatal "namespace rx"
no_ipv6 "$tx"
no_ipv6 "$rx"
veth_pair "$rx" 10.95.0.1/24 "$tx" 10.95.0.2/24 || fatal "veth pair"
rdev=va$NFSK_ID
rdev=${rdev:0:15}
tdev=vb$NFSK_ID
tdev=${tdev:0:15}
mac=$(ip -n "$rx" -j link show "$rdev" | jq -r '.[0].address')
# udp_timeout: conntrack's entries of the unreplied flows must not expire
# between the runs of C and D (30 s by default)
ip netns exec "$rx" sysctl -qw net.netfilter.nf_conntrack_udp_timeout=7200 2>/dev/null ||
	{ modprobe -q nf_conntrack &&
		ip netns exec "$rx" sysctl -qw net.netfilter.nf_conntrack_udp_timeout=7200; } ||
	fatal "conntrack udp timeout"

# The receiver: a bound socket, never read (its buffer fills, the UDP layer
# drops and counts); ended by PID.
ip netns exec "$rx" python3 -c '
import socket, sys, signal
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.95.0.1", int(sys.argv[1])))
print("ready", flush=True)
signal.pause()
' "$PORT" >/tmp/nfsk-bench-rx.$$ 2>&1 &
rx_pid=$!
on_exit kill "$rx_pid"
on_exit rm -f /tmp/nfsk-bench-rx.$$
rx_ready() { grep -q ready /tmp/nfsk-bench-rx.$$; }
wait_for 30 rx_ready || fatal "receiver socket bound"

pg=/proc/net/pktgen
pg_setup() {
	ip netns exec "$tx" sh -c "
		echo rem_device_all >$pg/kpktgend_0 &&
		echo 'add_device $tdev' >$pg/kpktgend_0 &&
		for c in 'count $1' 'pkt_size 64' 'delay 0' 'clone_skb 0' \
			'dst 10.95.0.1' 'dst_mac $mac' 'src_min 10.95.0.2' 'src_max 10.95.0.2' \
			'udp_src_min 20000' 'udp_src_max $((20000 + FLOWS - 1))' \
			'udp_dst_min $PORT' 'udp_dst_max $PORT'; do
			echo \"\$c\" >$pg/$tdev || exit 1
		done"
}
on_exit ip netns exec "$tx" sh -c "'echo rem_device_all >$pg/kpktgend_0'"

# rx's interface counters: "packets dropped"
rx_counters() {
	ip -n "$rx" -s -j link show "$rdev" | jq -r '.[0].stats64.rx | "\(.packets) \(.dropped)"'
}
# packets that reached rx's UDP layer (delivered or dropped there)
udp_in() {
	ip netns exec "$rx" awk '/^Udp: [0-9]/ { print $2 + $3 + $4; exit }' /proc/net/snmp
}
ct_rule_count() {
	ip netns exec "$rx" nft -j list table inet nfsk_bench |
		jq '[.. | .packets? // empty] | add'
}
module_count() { stat "$rx" packets; }
# /proc/stat's "cpu" (all CPUs) and "cpu0" lines, with shell builtins only:
# read in the same shell that starts pktgen, right before and after, so
# that no process start-up of the script lands in the figures
STAT_LINES='while read -r l; do case $l in "cpu "* | "cpu0 "*) echo "$l" ;; "cpu1"*) break ;; esac; done </proc/stat'
# ticks_of FILE: "busy softirq0" from two snapshots: non-idle ticks of all
# CPUs (user to steal; guest time is in user), softirq ticks of CPU 0
ticks_of() {
	awk '$1 == "cpu" { b = 0; for (i = 2; i <= 9; i++) if (i != 5 && i != 6) b += $i; busy[++n] = b }
		$1 == "cpu0" { si[++m] = $8 }
		END { print busy[2] - busy[1], si[2] - si[1] }' "$1"
}
loaded() { grep -q '^nfsketch ' /proc/modules; }

ct_on() {
	ip netns exec "$rx" nft -f - <<NFT
table inet nfsk_bench {
	chain pre {
		type filter hook prerouting priority 0;
		ct state { new, established } counter
	}
}
NFT
}
ct_off() { ip netns exec "$rx" nft delete table inet nfsk_bench 2>/dev/null || true; }
on_exit ct_off

# set_phase P: the module and the ruleset as phase P wants them
set_phase() {
	case $1 in
	A | C) unload_module || { not_ok "rmmod before phase $1"; return 1; }
		if loaded; then not_ok "nfsketch still in /proc/modules before phase $1"; return 1; fi ;;
	B | D) loaded || load_module || { not_ok "insmod before phase $1"; return 1; } ;;
	esac
	case $1 in
	A | B) ct_off ;;
	C | D) ip netns exec "$rx" nft list table inet nfsk_bench >/dev/null 2>&1 || ct_on ||
		{ not_ok "nft ct rule before phase $1"; return 1; } ;;
	esac
}

# every packet rx's interface took in reached its UDP layer (the softirq
# may still work through the backlog when pktgen returns)
drained() { [ $(($(udp_in) - u0)) -ge "$got" ]; }

# run P ROUND: one pktgen run of PKTS packets in phase P; appends
# "P round rate_pps cpu_ns_per_pkt dropped" to $tmp/runs
run() {
	local p=$1 r=$2 n0 d0 n1 d1 busy si sent errors usec m0 m1 k0 k1 res rate
	pg_setup "$PKTS" || { not_ok "pktgen setup ($p, round $r)"; return 1; }
	read -r n0 d0 < <(rx_counters)
	u0=$(udp_in)
	m0=0 k0=0
	case $p in B | D) m0=$(module_count) ;; esac
	case $p in C | D) k0=$(ct_rule_count) ;; esac
	ip netns exec "$tx" timeout 600 sh -c "$STAT_LINES; echo start >$pg/pgctrl; $STAT_LINES" >"$tmp/stat" ||
		{ not_ok "pktgen run ($p, round $r) did not finish in 600 s"; return 1; }
	read -r busy si < <(ticks_of "$tmp/stat")
	res=$(ip netns exec "$tx" sed -n 's/^Result: //p' "$pg/$tdev")
	read -r sent errors < <(ip netns exec "$tx" awk '/pkts-sofar/ { print $2, $4 }' "$pg/$tdev")
	usec=$(echo "$res" | sed -n 's/^OK: \([0-9]*\)(.*/\1/p')
	read -r n1 d1 < <(rx_counters)
	got=$((n1 - n0))
	dropped=$((d1 - d0))
	if [ "$sent" != "$PKTS" ] || [ -z "$usec" ] || [ "$usec" -eq 0 ]; then
		not_ok "pktgen ($p, round $r) sent $PKTS packets: sent '$sent', result '$res'"
		return 1
	fi
	# veth drops (rx's backlog full) are pktgen's errors, sent again
	if [ "$got" -ne "$PKTS" ] || [ "$dropped" -ne "$errors" ]; then
		not_ok "rx interface ($p, round $r): $got received (sent $PKTS), $dropped dropped (pktgen's errors: $errors)"
		return 1
	fi
	if ! wait_for 60 drained; then
		not_ok "rx UDP layer ($p, round $r) saw $(($(udp_in) - u0)) of $got received"
		return 1
	fi
	case $p in B | D)
		m1=$(module_count)
		[ $((m1 - m0)) -eq "$got" ] ||
			{ not_ok "nfsketch ($p, round $r) counted $((m1 - m0)) of $got packets in rx"; return 1; } ;;
	esac
	case $p in C | D)
		k1=$(ct_rule_count)
		[ $((k1 - k0)) -eq "$got" ] ||
			{ not_ok "ct state rule ($p, round $r) matched $((k1 - k0)) of $got packets"; return 1; } ;;
	esac
	rate=$((got * 1000000 / usec))
	echo "$p $r $rate $((busy * (1000000000 / hz) / got)) $((si * (1000000000 / hz) / got)) $dropped $((usec * 1000 / got))" >>"$tmp/runs"
	echo "# $p round $r: $got packets in $usec us, $rate pps; guest CPU $busy ticks" \
		"($((busy * (1000000000 / hz) / got)) ns/packet), softirq of CPU 0 $si ticks" \
		"($((si * (1000000000 / hz) / got)) ns/packet); $dropped dropped at rx; pktgen: $(echo $res)"
}

tmp=$(mktemp -d)
on_exit rm -rf "$tmp"
hz=$(getconf CLK_TCK)
: >"$tmp/runs"
echo "# bench: $PKTS packets per run, $ROUNDS rounds of ${PHASES[*]}, $FLOWS flows, kernel $(uname -r), $(nproc) vCPUs"

# warm-up (discarded): pktgen, the socket, the caches
pg_setup $((PKTS / 10)) && ip netns exec "$tx" timeout 600 sh -c "echo start >$pg/pgctrl" ||
	fatal "pktgen warm-up run"

failed_runs=0
t0=$SECONDS
for r in $(seq 1 "$ROUNDS"); do
	for p in "${PHASES[@]}"; do
		set_phase "$p" && run "$p" "$r" || failed_runs=$((failed_runs + 1))
	done
done
set_phase A
check_eq "every run's oracles held ($ROUNDS rounds x ${#PHASES[@]} phases in $((SECONDS - t0)) s)" 0 "$failed_runs"
check "nfsketch unloaded at the end" bash -c '! grep -q "^nfsketch " /proc/modules'

# The table: per phase the median rate, its ratio to A's median, the range
# of the per-round ratios to that round's A, the median CPU time per packet
# and the drops.
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%d\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ma=$(awk '$1 == "A" { print $3 }' "$tmp/runs" | median)
nsa=$(awk '$1 == "A" { print $7 }' "$tmp/runs" | median)
{
	echo "In-kernel cost, indicative (QEMU TCG: no cache model): kernel $(uname -r), $(nproc) vCPUs,"
	echo "$PKTS 64-byte UDP packets per run ($FLOWS flows) by pktgen through a veth into a bound socket,"
	echo "$ROUNDS rounds of A B C D; rate = packets received / pktgen's time, median over the rounds;"
	echo "ns/packet = pktgen's time / packets (sender and receiver on one CPU), \"minus A\" = the phase's added cost."
	echo
	echo "| phase | rate (pps, median) | ratio to A | per-round ratios to A (min-max) | ns/packet (median) | minus A | guest CPU ns/packet (median) | of it softirq, CPU 0 | dropped at rx (sum) |"
	echo "|---|---|---|---|---|---|---|---|---|"
	for p in "${PHASES[@]}"; do
		m=$(awk -v p="$p" '$1 == p { print $3 }' "$tmp/runs" | median)
		c=$(awk -v p="$p" '$1 == p { print $4 }' "$tmp/runs" | median)
		sq=$(awk -v p="$p" '$1 == p { print $5 }' "$tmp/runs" | median)
		dsum=$(awk -v p="$p" '$1 == p { s += $6 } END { print s + 0 }' "$tmp/runs")
		ns=$(awk -v p="$p" '$1 == p { print $7 }' "$tmp/runs" | median)
		rr=$(awk -v p="$p" '$1 == "A" { a[$2] = $3 } $1 == p { v[$2] = $3 }
			END { lo = ""; for (r in v) if (r in a && a[r] > 0) { x = v[r] / a[r];
				if (lo == "" || x < lo) lo = x; if (hi == "" || x > hi) hi = x }
				if (lo == "") print "-"; else printf "%.2f-%.2f\n", lo, hi }' "$tmp/runs")
		awk -v p="$p" -v n="${PHASE_NAME[$p]}" -v m="$m" -v a="$ma" -v rr="$rr" -v c="$c" -v sq="$sq" -v d="$dsum" \
			-v ns="$ns" -v nsa="$nsa" \
			'BEGIN { ra = "-"; if (a > 0) ra = sprintf("%.2f", m / a)
				printf "| %s: %s | %d | %s | %s | %d | %+d | %d | %d | %d |\n", p, n, m, ra, rr, ns, ns - nsa, c, sq, d }'
	done
} >"$tmp/table"
sed 's/^/# /' "$tmp/table"
check "a rate for every phase" test "$(awk '{ print $1 }' "$tmp/runs" | sort -u | wc -l)" -eq "${#PHASES[@]}"
[ -n "${NFSK_RUN:-}" ] && cp "$tmp/table" "$NFSK_RUN/bench.md"
tap_done
