#!/bin/bash
# Shared helpers of the VM selftests, on top of scripts/guest-lib.sh (TAP,
# cleanups, polling, namespaces, window counts): checks, module load and
# unload, windows held open by the test, conntrack timeouts. Source it.
. "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/scripts/guest-lib.sh"

# check DESCRIPTION CMD...: ok if CMD succeeds.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# check_eq DESCRIPTION EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1 ($3)"
	else
		not_ok "$1: expected $2, got $3"
	fi
}

# sender_ns NAME: a namespace that sends to a sink namespace behind a veth,
# 10.96.0.1 -> 10.96.0.2 (the same addresses in every such pair), static
# neighbours, IPv6 off, the sink's port unreachables dropped: only the
# datagrams the test sends cross its hooks. Prints the sender's name.
sender_ns() {
	local r s ir is
	r=$(make_ns "$1") || return 1
	s=$(make_ns "$1s") || return 1
	ir=m$1$NFSK_ID is=n$1$NFSK_ID
	ir=${ir:0:15} is=${is:0:15}
	no_ipv6 "$r"
	no_ipv6 "$s"
	ip link add "$ir" netns "$r" type veth peer name "$is" netns "$s" || return 1
	ip -n "$r" link set "$ir" up
	ip -n "$s" link set "$is" up
	ip -n "$r" addr add 10.96.0.1/24 dev "$ir"
	ip -n "$s" addr add 10.96.0.2/24 dev "$is"
	ip -n "$r" neigh replace 10.96.0.2 lladdr \
		"$(ip -n "$s" -j link show "$is" | jq -r '.[0].address')" dev "$ir" nud permanent
	ip -n "$s" neigh replace 10.96.0.1 lladdr \
		"$(ip -n "$r" -j link show "$ir" | jq -r '.[0].address')" dev "$is" nud permanent
	ip netns exec "$s" nft -f - <<NFT || return 1
table inet nfsk_test {
	chain out { type filter hook output priority 0; icmp type destination-unreachable drop; }
}
NFT
	echo "$r"
}

# send_udp NS N PAYLOAD SPORT DPORT: N datagrams 10.96.0.1:SPORT -> .2:DPORT
send_udp() {
	ip netns exec "$1" python3 - "$2" "$3" "$4" "$5" <<'PY'
import socket, sys
n, pl, sp, dp = map(int, sys.argv[1:])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.96.0.1", sp))
for i in range(n):
    s.sendto(b"x" * pl, ("10.96.0.2", dp))
PY
}

# stat NS FIELD: one field of `nfsketch -j stats` in namespace NS.
stat() {
	ip netns exec "$1" "$NFSK" -j stats | jq -r ".$2"
}

# A fresh module: every test starts from the built-in defaults, whatever
# an earlier test in the same VM left behind.
# Windows aligned to the wall clock (window_align, on by default) would end
# the hour-long windows the tests hold open (close_window) at the next full
# hour: the tests load with window_align=0 unless they give it.
load_module() {
	unload_module || return 1
	case " $* " in
	*" window_align="*) insmod "$NFSK_KO" "$@" ;;
	*) insmod "$NFSK_KO" window_align=0 "$@" ;;
	esac
}

# rmmod, retried while a dump or an event may hold a reference (bounded).
unload_module() {
	local i
	for i in $(seq 1 50); do
		grep -q '^nfsketch ' /proc/modules || return 0
		rmmod nfsketch 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# The newest closed window of NS had no packet.
last_window_quiet() {
	[ "$(ip netns exec "$1" "$NFSK" -j windows --last 1 | jq -r '.[0].packets')" = 0 ]
}

# Wait for a closed window with no packet: nothing is in flight any more.
wait_quiet() {
	wait_windows "$1" 1 && wait_for "${2:-30}" last_window_quiet "$1"
}

# ---- windows of the test's choosing, whatever the emulator's speed -------
# Time-limited state is made long enough rather than raced: a window the
# test reads is kept open for up to an hour and closed by the test.
NFSK_LONG_MS=3600000

# close_window NS [LONG_MS]: close NS's open window now and make the next
# one LONG_MS long (default an hour). A shorter window_ms closes the open
# window that much later (NFSK_CLOSE_MS, 2 s at first); the longer one, set
# right after, applies from that boundary on. close_window.py sends both
# from one process, microseconds apart whatever the guest's speed, and says
# so when they were not acked within NFSK_CLOSE_MS (two CLI runs often were
# not on a slow guest) or when a window closed meanwhile (the namespace's
# windows were short): the window after may then be short. It then waits
# for one close, makes NFSK_CLOSE_MS four times longer (up to a minute) and
# fails, so that the caller repeats its traffic and the close.
NFSK_CLOSE_MS=${NFSK_CLOSE_MS:-2000}
close_window() {
	local ns=$1 long=${2:-$NFSK_LONG_MS} w rc=0
	w=$(ip netns exec "$ns" "$NFSK_TOP/selftests/vm/close_window.py" \
		"$NFSK_CLOSE_MS" "$long") || rc=$?
	[ -n "$w" ] || return 1
	case $rc in
	0) wait_for 120 windows_at_least "$ns" $((w + 1)) ;;
	3)
		echo "# close_window: a window may have closed between the two settings; again, slower"
		NFSK_CLOSE_MS=$((NFSK_CLOSE_MS * 4 > 60000 ? 60000 : NFSK_CLOSE_MS * 4))
		wait_for 120 windows_at_least "$ns" $((w + 1))
		return 1
		;;
	*) return 1 ;;
	esac
}

# open_long_window NS [LONG_MS]: a new, empty window of LONG_MS is open
# (close_window until it succeeds, at most five times).
open_long_window() {
	local i
	for i in 1 2 3 4 5; do
		close_window "$@" && return 0
	done
	return 1
}

# open_window_id NS: id of NS's open window.
open_window_id() {
	ip netns exec "$1" "$NFSK" -j stats | jq -r .window_id
}

# ct_long_timeouts NS: conntrack entries of NS outlive the test; the
# defaults (30 s for UDP and ICMP) expire while a slow guest still works.
ct_long_timeouts() {
	local k
	for k in udp_timeout udp_timeout_stream icmp_timeout icmpv6_timeout \
		generic_timeout tcp_timeout_syn_sent tcp_timeout_syn_recv \
		tcp_timeout_fin_wait tcp_timeout_close_wait tcp_timeout_last_ack \
		tcp_timeout_time_wait tcp_timeout_close tcp_timeout_unacknowledged; do
		ip netns exec "$1" sysctl -qw "net.netfilter.nf_conntrack_$k=7200" || return 1
	done
}

# tap_from_py FILE: the "PASS what" / "FAIL what" lines of a python checker
# (nl_fuzz.py, nl_policy.py) as TAP; other lines as comments.
tap_from_py() {
	local line
	while IFS= read -r line; do
		case $line in
		"PASS "*) ok "${line#PASS }" ;;
		"FAIL "*) not_ok "${line#FAIL }" ;;
		*) echo "# $line" ;;
		esac
	done <"$1"
}
