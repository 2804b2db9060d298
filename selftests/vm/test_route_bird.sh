#!/bin/bash
# A routing daemon's routes: their protocol as the kernel has it (bird2's
# are 12, "bird" in iproute2's rt_protos) in route events and in the
# ROUTE_FLAP alert naming the prefix bird flapped. Oracle: `ip route show
# proto bird` and rt_protos.
. "$(dirname "$0")/lib.sh"

load_module || { not_ok "insmod"; tap_done; exit 1; }
echo 500 >/sys/kernel/nfsketch/window_ms
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"
start_monitor() {
	ip netns exec "$1" "$NFSK" -j monitor >"$2" 2>/dev/null &
	on_exit kill $!
}
named() {
	jq -r 'select(.type == "alert" and .alert.flag == "ROUTE_FLAP") |
		.alert.route.prefix' "$1" | sort -u
}
s=$(make_ns bird)
ip -n "$s" link add dummy0 type dummy
ip -n "$s" link set dummy0 up
ip -n "$s" addr add 10.50.0.1/24 dev dummy0
start_monitor "$s" "$tmp/monbird"
check "monitor listening" wait_windows "$s" 2
cat >"$tmp/bird.conf" <<CONF
router id 10.50.0.1;
protocol device {}
protocol kernel { ipv4 { export all; }; }
protocol static flappy { ipv4; route 10.90.0.0/24 via 10.50.0.2; }
CONF
ip netns exec "$s" bird -c "$tmp/bird.conf" -s "$tmp/bird.ctl" -P "$tmp/bird.pid"
on_exit 'kill $(cat '"$tmp"'/bird.pid)'
bird_route() { ip -n "$s" route show 10.90.0.0/24 proto bird | grep -q .; }
no_bird_route() { ! bird_route; }
check "bird installed its route" wait_for 30 bird_route
for i in 1 2 3; do
	birdc -s "$tmp/bird.ctl" disable flappy >/dev/null
	wait_for 30 no_bird_route
	birdc -s "$tmp/bird.ctl" enable flappy >/dev/null
	wait_for 30 bird_route
done
flapped() { [ "$(named "$tmp/monbird")" = 10.90.0.0/24 ]; }
check "bird: ROUTE_FLAP named 10.90.0.0/24" wait_for 60 flapped
check_eq "bird: the alert's protocol is 12" 12 \
	"$(jq -r 'select(.type == "alert") | .alert.route.protocol' "$tmp/monbird" | head -n 1)"
check_eq "bird: route events carry protocol bird" "bird" \
	"$(ip netns exec "$s" "$NFSK" -j routes | jq -r '[.[] | select(.prefix == "10.90.0.0/24") | .protocol_name] | unique | join(",")')"
ip netns exec "$s" "$NFSK" routes | grep 10.90.0.0 | tail -n 2 | sed 's/^/# /'

check "rmmod" unload_module
tap_done
