#!/bin/bash
# A BGP session loss with a real routing daemon: bird2 in a peer namespace
# announces N generated prefixes over eBGP on a veth to bird2 in the router
# namespace, which installs them (proto bird); then the peer disables the
# session and the router's bird withdraws every one of them. Expected:
# routes4 follows the table, the "bird" protocol sub-series counts every
# add and every delete, and exactly one ROUTE_WITHDRAW_BURST names
# (IPv4, main, bird) at the withdrawal that passes withdraw_burst_permille
# of the group. Re-enabling the session brings them back without a burst.
# Before the loss the peer flaps F of them three times: ROUTE_FLAP names
# exactly those (RFC 2439 penalties), `routes --suppressed` lists them.
# After the loss, when every one of the N carries a penalty, the peer flaps
# F others three times: exactly those are named in addition, and the
# suppressed list is exactly the 2F flapped (every prefix keeps its history).
# Oracles: `ip route show proto bird` (how many routes bird installed and
# withdrew) and iproute2's rt_protos (bird is protocol 12).
# vm-timeout: 900
. "$(dirname "$0")/lib.sh"

N=1000 F=100
load_module || { not_ok "insmod"; tap_done; exit 1; }
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"
r=$(make_ns bsr)
p=$(make_ns bsp)
veth_pair "$r" 10.62.0.1/24 "$p" 10.62.0.2/24
nsk() { ip netns exec "$r" "$NFSK" "$@"; }
check "config: window_ms 1000, burst share 500 per mille, at least 100" \
	nsk config set window_ms=1000 withdraw_burst_permille=500 withdraw_burst_min=100
nsk -j monitor >"$tmp/mon" 2>"$tmp/mon.err" &
on_exit kill $!
check "monitor listening" wait_windows "$r" 2

# N /24s in 10.128.0.0/14, announced by the peer
prefix() { echo "10.$((128 + $1 / 256)).$(($1 % 256)).0/24"; }
{
	echo "router id 10.62.0.2;"
	echo "protocol device {}"
	# the first F of them in a protocol of their own, to flap, and the
	# next F in another, to flap after the session loss
	echo "protocol static flapset { ipv4;"
	for ((i = 0; i < N; i++)); do
		[ "$i" = "$F" ] && echo "}" && echo "protocol static flapset2 { ipv4;"
		[ "$i" = $((2 * F)) ] && echo "}" && echo "protocol static gen { ipv4;"
		echo "	route $(prefix "$i") blackhole;"
	done
	echo "}"
	echo "protocol bgp peerr { local 10.62.0.2 as 65002; neighbor 10.62.0.1 as 65001;"
	echo "	ipv4 { import none; export all; }; }"
} >"$tmp/p.conf"
cat >"$tmp/r.conf" <<CONF
router id 10.62.0.1;
protocol device {}
protocol kernel { ipv4 { export all; }; }
protocol bgp peerp { local 10.62.0.1 as 65001; neighbor 10.62.0.2 as 65002;
	ipv4 { import all; export none; }; }
CONF
bird_routes() { ip -n "$r" -4 route show table main proto bird | wc -l; }
routes4() { nsk -j stats | jq -r .routes4; }
bird_events() {
	nsk -j stats | jq -r '[.route_series.protocol[] | select(.id == 12) | .events] | add // 0'
}
base4=$(routes4)
check_eq "no bird route yet (ip route)" 0 "$(bird_routes)"

ip netns exec "$p" bird -c "$tmp/p.conf" -s "$tmp/p.ctl" -P "$tmp/p.pid"
on_exit 'kill $(cat '"$tmp"'/p.pid)'
ip netns exec "$r" bird -c "$tmp/r.conf" -s "$tmp/r.ctl" -P "$tmp/r.pid"
on_exit 'kill $(cat '"$tmp"'/r.pid)'
all_in() { [ "$(bird_routes)" -eq "$N" ]; }
check "bgp: the $N prefixes arrive (ip route, proto bird)" wait_for 300 all_in
check_eq "routes4: $N more, as ip route" $((base4 + N)) "$(routes4)"
check_eq "protocol bird (12): $N events, one per add" "$N" "$(bird_events)"

alerts() {
	jq -r 'select(.type == "alert" and .alert.flag == "ROUTE_WITHDRAW_BURST") |
		"\(.alert.window_id) \(.alert.route.family) \(.alert.route.table) \(.alert.route.protocol_name) \(.alert.value) \(.alert.baseline)"' \
		"$tmp/mon"
}
# ---- F of them flap three times (the peer's "flapset" protocol) ----
# Three withdrawals each (RFC 2439 penalty 3000 less decay over a 15-min
# half life) pass flap_suppress (2000): exactly they are named and
# suppressed, none of the others.
flap_in() { [ "$(ip -n "$r" -4 route show table main proto bird | wc -l)" -eq "$1" ]; }
# flap_set PROTO: the peer withdraws and re-announces it three times
flap_set() {
	local i flaps=0
	for i in 1 2 3; do
		birdc -s "$tmp/p.ctl" disable "$1" | sed -n '2,$s/^/# /p'
		wait_for 120 flap_in $((N - F)) || break
		birdc -s "$tmp/p.ctl" enable "$1" >/dev/null
		wait_for 120 flap_in "$N" || break
		flaps=$i
	done
	check_eq "the peer's $1 withdrawn and re-announced 3 times (ip route)" 3 "$flaps"
}
flap_set flapset
for ((i = 0; i < F; i++)); do prefix "$i"; done | sort >"$tmp/flapped"
named() {
	jq -r 'select(.type == "alert" and .alert.flag == "ROUTE_FLAP") |
		.alert.route.prefix' "$tmp/mon" | sort -u
}
all_named() { [ "$(named | wc -l)" -ge "$F" ]; }
check "ROUTE_FLAP: $F prefixes named" wait_for 120 all_named
check_eq "ROUTE_FLAP names exactly the $F flapped prefixes" \
	"$(cat "$tmp/flapped")" "$(named)"
check_eq "routes --suppressed: exactly the $F flapped prefixes" \
	"$(cat "$tmp/flapped")" "$(nsk -j routes --suppressed | jq -r '.[].prefix' | sort -u)"
check_eq "protocol bird (12): $N + $((6 * F)) events" \
	$((N + 6 * F)) "$(bird_events)"
check_eq "$F of $N withdrawn at a time: no WITHDRAW_BURST" 0 "$(alerts | wc -l)"

# ---- the session goes down: every route withdrawn, in one long window ----
open_long_window "$r"
w=$(open_window_id "$r")
birdc -s "$tmp/p.ctl" disable peerr >/dev/null
none_left() { [ "$(bird_routes)" -eq 0 ]; }
check "session down: bird withdrew all $N (ip route)" wait_for 300 none_left
close_window "$r" 1000 || true
has_window() { nsk -j windows | jq -e --argjson w "$1" 'any(.[]; .id == $w)' >/dev/null; }
check "window $w closed" wait_for 60 has_window "$w"
check_eq "routes4: back to $base4, as ip route" "$base4" "$(routes4)"
check_eq "protocol bird (12): $((2 * N + 6 * F)) events" \
	$((2 * N + 6 * F)) "$(bird_events)"
nburst() { [ "$(alerts | wc -l)" -ge 1 ]; }
check "a WITHDRAW_BURST alert arrives" wait_for 60 nburst
# more than half of N: the (N/2 + 1)th withdrawal raised it, once
check_eq "exactly one WITHDRAW_BURST: window, IPv4, main, bird, $((N / 2 + 1)) of $N" \
	"$w 4 254 bird $((N / 2 + 1)) $N" "$(alerts)"
window_bird() {
	nsk -j windows | jq -r --argjson w "$w" '.[] | select(.id == $w) |
		[.route_series.protocol[] | select(.id == 12) | .events] | add // 0'
}
check_eq "window $w: the bird sub-series has the $N deletes" "$N" "$(window_bird)"

# ---- the session comes back: N adds, no new burst ----
birdc -s "$tmp/p.ctl" enable peerr >/dev/null
check "session up: the $N prefixes are back (ip route)" wait_for 300 all_in
wait_windows "$r" 2
check_eq "routes4: $N more again" $((base4 + N)) "$(routes4)"
check_eq "protocol bird (12): $((3 * N + 6 * F)) events" $((3 * N + 6 * F)) "$(bird_events)"
check_eq "still one WITHDRAW_BURST" 1 "$(alerts | wc -l)"

# ---- after the loss every prefix has a history: F others flap ----
# Each of flapset2's prefixes had 1,000 from the loss; three more withdraws
# cross 2,000. Exactly they are named in addition (the first F stay
# suppressed: no second crossing), and the suppressed list is the 2F.
flap_set flapset2
for ((i = 0; i < 2 * F; i++)); do prefix "$i"; done | sort >"$tmp/flapped2"
all_named2() { [ "$(named | wc -l)" -ge $((2 * F)) ]; }
check "after the loss: ROUTE_FLAP names $((2 * F)) prefixes in all" wait_for 120 all_named2
check_eq "after the loss: ROUTE_FLAP names exactly the $((2 * F)) flapped prefixes" \
	"$(cat "$tmp/flapped2")" "$(named)"
check_eq "after the loss: routes --suppressed is exactly the $((2 * F)) flapped prefixes" \
	"$(cat "$tmp/flapped2")" "$(nsk -j routes --suppressed | jq -r '.[].prefix' | sort -u)"
check_eq "after the loss: no history refused (flap_refused)" 0 "$(nsk -j stats | jq -r .flap_refused)"
check_eq "protocol bird (12): $((3 * N + 12 * F)) events" $((3 * N + 12 * F)) "$(bird_events)"
check_eq "$F of $N withdrawn at a time: still one WITHDRAW_BURST" 1 "$(alerts | wc -l)"

echo "# $(grep -c . "$tmp/mon") monitor lines, $(wc -l <"$tmp/mon.err") warnings"

check "rmmod" unload_module
tap_done
