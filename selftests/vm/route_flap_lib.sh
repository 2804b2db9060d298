# Helpers of the flapping-set tests (test_route_flap.sh, test_route_flap2k.sh):
# a dummy interface, N prefixes flapped with ip -batch, a monitor whose
# alerts name the prefixes, and the checks that read them. Sourced after
# lib.sh.

# setup NS: a dummy interface with 10.50.0.1/24
setup() {
	ip -n "$1" link add dummy0 type dummy
	ip -n "$1" link set dummy0 up
	ip -n "$1" addr add 10.50.0.1/24 dev dummy0
}
# prefixes N: 10.(100 + i / 256).(i % 256).0/24 for i < N
prefixes() {
	local i
	for ((i = 0; i < $1; i++)); do echo "10.$((100 + i / 256)).$((i % 256)).0/24"; done
}
# flap NS N ROUNDS: add the N prefixes, then ROUNDS x (delete all, add all)
flap() {
	local ns=$1 n=$2 r
	prefixes "$n" | sed 's|^|route add |; s|$| via 10.50.0.2|' >"$tmp/add"
	prefixes "$n" | sed 's|^|route del |' >"$tmp/del"
	ip -n "$ns" -batch "$tmp/add"
	for ((r = 0; r < $3; r++)); do
		ip -n "$ns" -batch "$tmp/del"
		ip -n "$ns" -batch "$tmp/add"
	done
}
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"

# start_monitor NS FILE: `nfsketch -j monitor` into FILE, ended on exit
# (its warnings, e.g. a receive buffer overrun, into FILE.err)
start_monitor() {
	ip netns exec "$1" "$NFSK" -j monitor >"$2" 2>"$2.err" &
	on_exit kill $!
}
# overrun FILE: the monitor's socket overflowed (events lost to the
# listener, after nfsketch sent them: the kernel cannot count those)
overrun() { grep -q "events lost" "$1.err"; }
# exact DESC CMD...: CMD must succeed, unless the listener overflowed: then
# the exact naming cannot be checked from the monitor (TAP SKIP, said why)
exact() {
	local desc=$1 mon=$2
	shift 2
	if "$@"; then
		ok "$desc"
	elif overrun "$mon"; then
		tap_n=$((tap_n + 1))
		echo "ok $tap_n - $desc # SKIP monitor socket overrun: $(cat "$mon.err" | tail -n 1)"
	else
		not_ok "$desc"
	fi
}
# named FILE: distinct prefixes of the ROUTE_FLAP alerts in FILE
named() {
	jq -r 'select(.type == "alert" and .alert.flag == "ROUTE_FLAP" and
		.alert.route) | .alert.route.prefix' "$1" | sort -u
}
alerts() {
	jq -r 'select(.type == "alert" and .alert.flag == "ROUTE_FLAP" and
		.alert.route) | .alert.route.prefix' "$1" | wc -l
}
# unnamed FILE: crossings the ROUTE_FLAP summary alerts in FILE count
unnamed() {
	jq -s '[.[] | select(.type == "alert" and .alert.flag == "ROUTE_FLAP") |
		.alert.unnamed // 0] | add // 0' "$1"
}
all_named() {	# NS FILE: every crossing named, summarised or counted dropped
	local c d
	c=$(stat "$1" flap_crossings)
	d=$(stat "$1" alerts_dropped)
	[ "$c" -gt 0 ] &&
		[ $(($(named "$2" | wc -l) + $(unnamed "$2") + d)) -ge "$c" ]
}

