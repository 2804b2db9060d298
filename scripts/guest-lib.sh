#!/bin/bash
# Helpers of every script vm-run.sh runs in the guest (the VM selftests and
# the demo): TAP output, cleanup on exit, bounded polling, unique
# namespaces and veth pairs, window counts. Source it; NFSK_TOP is the
# checkout.
set -u

NFSK_TOP=${NFSK_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
NFSK=$NFSK_TOP/build/nfsketch
# The module built for the running kernel (vm-run.sh passes it), else the
# checkout's own build.
NFSK_KO=${NFSK_KO:-$NFSK_TOP/nfsketch.ko}
# Unique per run: the PID and a random suffix.
NFSK_ID=$$$RANDOM

tap_n=0
tap_failed=0
_cleanups=()

ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $* # ${SECONDS}s"
}

not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $* # ${SECONDS}s"
}

# Run on exit, last registered first.
on_exit() {
	_cleanups=("$*" "${_cleanups[@]}")
}

_run_cleanups() {
	local c
	for c in "${_cleanups[@]}"; do
		eval "$c" >/dev/null 2>&1
	done
}

tap_done() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}

trap _run_cleanups EXIT

# wait_for SECONDS CMD...: poll CMD every 50 ms until it succeeds.
# SECONDS is an upper bound only, scaled by NFSK_WAIT_SCALE (default 4): a
# guest starved by a busy host gets its work done late, never wrongly, and a
# generous bound costs nothing when the state comes early.
NFSK_WAIT_SCALE=${NFSK_WAIT_SCALE:-4}
wait_for() {
	local deadline=$((SECONDS + $1 * NFSK_WAIT_SCALE))
	shift
	while ! "$@"; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.05
	done
}

# A namespace with a unique name, removed on exit; IPv6 autoconfiguration
# off so that only the test's own packets cross the hooks.
make_ns() {
	local ns=nfsk-$1-$NFSK_ID
	ip netns add "$ns" || return 1
	on_exit ip netns del "$ns"
	ip -n "$ns" link set lo up
	echo "$ns"
}

# veth_pair NS_A ADDR_A NS_B ADDR_B (CIDR addresses; IPv6 gets nodad)
veth_pair() {
	local a=$1 aa=$2 b=$3 ba=$4 ia=va$NFSK_ID ib=vb$NFSK_ID
	ia=${ia:0:15}
	ib=${ib:0:15}
	ip link add "$ia" netns "$a" type veth peer name "$ib" netns "$b" || return 1
	ip -n "$a" link set "$ia" up
	ip -n "$b" link set "$ib" up
	add_addr "$a" "$ia" "$aa"
	add_addr "$b" "$ib" "$ba"
}

add_addr() {
	case $3 in
	*:*) ip -n "$1" addr add "$3" dev "$2" nodad ;;
	*) ip -n "$1" addr add "$3" dev "$2" ;;
	esac
}

no_ipv6() {
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
}

# Number of windows closed so far in namespace NS ("" = this one).
windows_closed() {
	if [ -n "$1" ]; then
		ip netns exec "$1" "$NFSK" -j stats | jq -r .windows
	else
		"$NFSK" -j stats | jq -r .windows
	fi
}

windows_at_least() {
	[ "$(windows_closed "$1")" -ge "$2" ]
}

# Wait until at least N more windows have closed in NS.
wait_windows() {
	local ns=$1 n=$2 start
	start=$(windows_closed "$ns")
	wait_for "${3:-30}" windows_at_least "$ns" $((start + n))
}
