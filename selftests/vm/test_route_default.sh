#!/bin/bash
# DEFAULT_ROUTE_LOST from `ip route` in a test namespace: the default route
# of a family and table withdrawn, or its next hop or protocol changed, one
# alert each with family, table and what changed; none when a route that is
# not a default one changes. Oracles: what the test itself did and `ip
# route show`. (ROUTE_WITHDRAW_BURST: test_route_burst.sh.)
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/route_anom_lib.sh"
route_anom_setup dflt

# ---- the default route ----
open_long_window "$s"
wd=$(open_window_id "$s")
ip -n "$s" route add default via 10.60.0.2			# new: no loss
ip -n "$s" route replace default via 10.60.0.3			# next hop
ip -n "$s" route replace default via 10.60.0.3 proto static	# protocol
ip -n "$s" route del default					# withdrawn
check_eq "no IPv4 default route left (ip route)" "" "$(ip -n "$s" -4 route show default)"
ip -n "$s" route add default via 10.60.0.2 table 100
ip -n "$s" route del default table 100				# table 100
ip -n "$s" -6 route add default via 2001:db8:60::2 dev dummy0
ip -n "$s" -6 route del default					# IPv6
check_eq "no IPv6 default route left (ip route)" "" "$(ip -n "$s" -6 route show default)"
# routes that are not a default one change and go: nothing
ip -n "$s" route add 10.70.0.0/24 via 10.60.0.2
ip -n "$s" route replace 10.70.0.0/24 via 10.60.0.3 proto static
ip -n "$s" route del 10.70.0.0/24
ip -n "$s" route add 0.0.0.0/1 via 10.60.0.2
ip -n "$s" route del 0.0.0.0/1
ip -n "$s" -6 route add 2001:db8:70::/64 via 2001:db8:60::2
ip -n "$s" -6 route del 2001:db8:70::/64
close_window "$s" 1000 || true
check "window $wd closed" wait_for 30 has_window "$wd"
nlost() { [ "$(alerts DEFAULT_ROUTE_LOST | wc -l)" -ge "$1" ]; }
check "five DEFAULT_ROUTE_LOST alerts arrive" wait_for 30 nlost 5
cat >"$tmp/want" <<EOF
$wd 4 254 boot 3 3 nexthop
$wd 4 254 static 3 4 protocol
$wd 4 254 static 4 0 withdrawn
$wd 4 100 boot 3 0 withdrawn
$wd 6 254 boot 3 0 withdrawn
EOF
check_eq "DEFAULT_ROUTE_LOST: family, table, protocol, had, has, what changed" \
	"$(cat "$tmp/want")" "$(alerts DEFAULT_ROUTE_LOST)"
check_eq "window $wd (and only it) flagged DEFAULT_ROUTE_LOST" "$wd" \
	"$(flagged DEFAULT_ROUTE_LOST)"
check_eq "no WITHDRAW_BURST from the default routes" 0 \
	"$(alerts ROUTE_WITHDRAW_BURST | wc -l)"
echo "# $(grep -c . "$tmp/mon") monitor lines, $(wc -l <"$tmp/mon.err") warnings"

check "rmmod" unload_module
tap_done
