#!/bin/bash
# ROUTE_MORE_SPECIFIC with a real routing daemon: bird2 in a peer
# namespace announces, over eBGP on a veth, a /24 to bird2 in the router
# namespace, which installs it (proto bird); then a /25 inside it with
# another next hop (a third-party next hop on the veth's subnet), a /25
# with the same next hop and an unrelated /24. Then, by hand, a /26 with
# another protocol under the /25 (the longest cover counts) and IPv6 with
# `ip -6 route`. Exactly one alert per more-specific going elsewhere,
# naming both prefixes and the reason; none for the rest, none under a /0,
# none with the tunable off. Oracle: `ip -j route show` in the router
# namespace, judged by more_spec_oracle.py.
. "$(dirname "$0")/lib.sh"

load_module || { not_ok "insmod"; tap_done; exit 1; }
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"
r=$(make_ns msr)
p=$(make_ns msp)
veth_pair "$r" 10.61.0.1/24 "$p" 10.61.0.2/24
ir=va$NFSK_ID
ir=${ir:0:15}
add_addr "$r" "$ir" 2001:db8:61::1/64
nsk() { ip netns exec "$r" "$NFSK" "$@"; }
check "config: window_ms 1000, more_specific 1" \
	nsk config set window_ms=1000 more_specific=1
nsk -j monitor >"$tmp/mon" 2>"$tmp/mon.err" &
on_exit kill $!
nsk monitor >"$tmp/montext" 2>/dev/null &
on_exit kill $!
check "monitor listening" wait_windows "$r" 2

cat >"$tmp/p.conf" <<CONF
router id 10.61.0.2;
protocol device {}
protocol static s24 { ipv4; route 10.91.0.0/24 blackhole; route 10.92.0.0/24 blackhole; }
protocol static s25 { disabled; ipv4;
	route 10.91.0.0/25 via 10.61.0.3;	# another next hop: flagged
	route 10.91.0.128/25 blackhole;		# next hop self, as the /24's
	route 10.93.0.0/24 blackhole; }		# no cover but the /0
protocol bgp peerr { local 10.61.0.2 as 65002; neighbor 10.61.0.1 as 65001;
	ipv4 { import none; export all; }; }
CONF
cat >"$tmp/r.conf" <<CONF
router id 10.61.0.1;
protocol device {}
protocol kernel { ipv4 { export all; }; }
protocol bgp peerp { local 10.61.0.1 as 65001; neighbor 10.61.0.2 as 65002;
	ipv4 { import all; export none; }; }
CONF
ip netns exec "$p" bird -c "$tmp/p.conf" -s "$tmp/p.ctl" -P "$tmp/p.pid"
on_exit 'kill $(cat '"$tmp"'/p.pid)'
ip netns exec "$r" bird -c "$tmp/r.conf" -s "$tmp/r.ctl" -P "$tmp/r.pid"
on_exit 'kill $(cat '"$tmp"'/r.pid)'
has() { ip -n "$r" "$@" | grep -q .; }
check "bgp: the /24s arrive (proto bird, via 10.61.0.2)" wait_for 120 \
	has route show 10.92.0.0/24 proto bird via 10.61.0.2
ip -n "$r" route add default via 10.61.0.2
ip -n "$r" -6 route add 2001:db8:91::/48 via 2001:db8:61::2 dev "$ir"
ip -n "$r" -j route show table main >"$tmp/before4"
ip -n "$r" -6 -j route show table main >"$tmp/before6"

open_long_window "$r"
w=$(open_window_id "$r")
birdc -s "$tmp/p.ctl" enable s25 >/dev/null
check "bgp: the more-specifics arrive" wait_for 120 \
	has route show 10.93.0.0/24 proto bird
check "bgp: 10.91.0.0/25 via the third-party next hop 10.61.0.3" wait_for 30 \
	has route show 10.91.0.0/25 proto bird via 10.61.0.3
wait_for 30 has route show 10.91.0.128/25 proto bird
ip -n "$r" route add 10.91.0.64/26 via 10.61.0.3 proto static	# protocol
ip -n "$r" -6 route add 2001:db8:91:1::/64 via 2001:db8:61::3 dev "$ir"	# nexthop
ip -n "$r" -6 route add 2001:db8:91:2::/64 via 2001:db8:61::2 dev "$ir"	# same
ip -n "$r" -6 route add 2001:db8:92::/64 via 2001:db8:61::3 dev "$ir"	# no cover
ip -n "$r" -j route show table main >"$tmp/after4"
ip -n "$r" -6 -j route show table main >"$tmp/after6"
close_window "$r" 1000 || true
has_window() { nsk -j windows | jq -e --argjson w "$1" 'any(.[]; .id == $w)' >/dev/null; }
check "window $w closed" wait_for 60 has_window "$w"

# the oracle: from ip route, in the order added (bird's three in any order:
# none covers another)
o=$NFSK_TOP/selftests/vm/more_spec_oracle.py
{
	"$o" "$tmp/before4" "$tmp/after4" 10.91.0.0/25 10.91.0.128/25 \
		10.93.0.0/24 10.91.0.64/26
	"$o" "$tmp/before6" "$tmp/after6" 2001:db8:91:1::/64 \
		2001:db8:91:2::/64 2001:db8:92::/64
} >"$tmp/want"
check_eq "oracle: three more-specifics going elsewhere" 3 "$(wc -l <"$tmp/want")"
alerts() {
	jq -r 'select(.type == "alert" and .alert.flag == "ROUTE_MORE_SPECIFIC") |
		"\(.alert.route.family) \(.alert.route.prefix) \(.alert.cover.prefix) \(.alert.reason) \(.alert.cover.protocol_name)"' \
		"$tmp/mon"
}
nalerts() { [ "$(alerts | wc -l)" -ge 3 ]; }
check "three ROUTE_MORE_SPECIFIC alerts arrive" wait_for 60 nalerts
check_eq "ROUTE_MORE_SPECIFIC: prefix, cover, reason, cover's protocol (ip route)" \
	"$(sort "$tmp/want")" "$(alerts | sort)"
check_eq "every alert in window $w" "$w" \
	"$(jq -r 'select(.type == "alert" and .alert.flag == "ROUTE_MORE_SPECIFIC") | .alert.window_id' "$tmp/mon" | sort -u)"
flagged() {
	nsk -j windows | jq -r '.[] | select(.flag_names | index("ROUTE_MORE_SPECIFIC")) | .id'
}
check_eq "window $w (and only it) flagged ROUTE_MORE_SPECIFIC" "$w" "$(flagged)"
grep ROUTE_MORE_SPECIFIC "$tmp/mon" | head -n 1 | sed 's/^/# /'
check_eq "monitor text: the /25's alert names the cover, the reason and the route" 1 \
	"$(grep -c '^\[alert\] ROUTE_MORE_SPECIFIC window .* nexthop cover 10\.91\.0\.0/24 table main proto bird route .* add  *10\.91\.0\.0/25 ' "$tmp/montext")"
grep ROUTE_MORE_SPECIFIC "$tmp/montext" | sed 's/^/# /'

# the tunable off: a /27 under the /26 with another next hop raises nothing
check "config: more_specific 0" nsk config set more_specific=0
ip -n "$r" route add 10.91.0.96/27 via 10.61.0.2
check "ip route: 10.91.0.96/27 present" has route show 10.91.0.96/27
close_window "$r" 1000 || true
check_eq "more_specific 0: still three alerts" 3 "$(alerts | wc -l)"
echo "# $(grep -c . "$tmp/mon") monitor lines, $(wc -l <"$tmp/mon.err") warnings"

check "rmmod" unload_module
tap_done
