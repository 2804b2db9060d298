#!/bin/bash
# Alerts: a steady run raises no flag; a flood towards one address raises
# VOLUME_SPIKE and ENTROPY_SHIFT within two windows of it; a route flap
# storm raises ROUTE_FLAP and ROUTE_CHURN; with a listener that never reads,
# packets and route changes are still counted exactly while events are
# coalesced or dropped, and counted as such.
. "$(dirname "$0")/lib.sh"

modprobe -q veth
load_module || { not_ok "insmod"; tap_done; exit 1; }
d=/sys/kernel/nfsketch
echo 500 >$d/window_ms
echo 8 >$d/min_history
echo 15 >$d/min_packets
echo 20000 >$d/min_bytes
echo 300 >$d/min_entropy_delta
echo 10 >$d/min_route_events
on_exit "echo 10000 >$d/window_ms"

a=$(make_ns a)
b=$(make_ns b)
no_ipv6 "$a"
no_ipv6 "$b"
veth_pair "$a" 10.99.0.1/24 "$b" 10.99.0.2/24
for i in $(seq 1 16); do ip -n "$a" addr add 10.99.1.$i/32 dev "va$NFSK_ID"; done
ip -n "$b" route add 10.99.1.0/24 via 10.99.0.1

# a sink in a so that no ICMP error comes back
ip netns exec "$a" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 7000))
while True: s.recv(2048)' &
sink=$!
on_exit kill $sink

# steady: ~80 datagrams a second spread over 16 destinations, bounded
ip netns exec "$b" python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
end = time.time() + 120
i = 0
while time.time() < end:
    s.sendto(b"s" * 200, ("10.99.1.%d" % (1 + i % 16), 7000))
    i += 1
    time.sleep(0.0125)' &
steady=$!
on_exit kill $steady

# the start of the steady traffic is itself a rise from idle: let ten
# windows of it into the history before judging the run
check "steady traffic established" wait_windows "$a" 10 30
w0=$(windows_closed "$a")
check "30 steady windows" wait_windows "$a" 30 60
flags_since() {
	ip netns exec "$a" "$NFSK" -j windows |
		jq -r "[.[] | select(.id > $1) | .flag_names[]] | unique | join(\",\")"
}
steady_flags=$(flags_since "$w0")
check_eq "no flag in the steady run" "" "$steady_flags"
# On failure, the windows judged: a window closed late by a loaded host is
# longer and holds more of the steady traffic.
[ -z "$steady_flags" ] || ip netns exec "$a" "$NFSK" -j windows |
	jq -r ".[] | select(.id > $w0) | \"# window \(.id): \(.length_ns / 1000000 | floor) ms, \(.packets) packets, \(.flag_names)\""

# flood: 3000 datagrams to one address as fast as b can send them
w1=$(windows_closed "$a")
ip netns exec "$b" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(3000):
    s.sendto(b"f" * 400, ("10.99.1.1", 7000))'
wait_windows "$a" 2
flood_flags=$(flags_since "$w1")
check "flood raises VOLUME_SPIKE ($flood_flags)" sh -c "echo '$flood_flags' | grep -q VOLUME_SPIKE"
check "flood raises ENTROPY_SHIFT ($flood_flags)" sh -c "echo '$flood_flags' | grep -q ENTROPY_SHIFT"
kill $steady 2>/dev/null

# a listener that never reads, then a route storm
ip netns exec "$a" python3 "$NFSK_TOP/selftests/vm/nl_listen.py" stall >/tmp/listen.$NFSK_ID &
listener=$!
on_exit kill $listener
joined() { grep -q joined /tmp/listen.$NFSK_ID; }
check "stalled listener joined" wait_for 20 joined
ip -n "$a" link add dummy0 type dummy 2>/dev/null || { modprobe -q dummy; ip -n "$a" link add dummy0 type dummy; }
ip -n "$a" link set dummy0 up
ip -n "$a" addr add 10.50.0.1/24 dev dummy0
wait_quiet "$a" 30
w2=$(windows_closed "$a")
p0=$(stat "$a" packets)
# one ip process for all changes: hundreds a second even when emulated
CHANGES=400
for i in $(seq 1 $((CHANGES / 2))); do
	echo "route add 10.80.$((i % 4)).0/24 via 10.50.0.2"
	echo "route del 10.80.$((i % 4)).0/24"
done >/tmp/storm.$NFSK_ID
ip -n "$a" -batch /tmp/storm.$NFSK_ID
ip netns exec "$b" ping -q -c 20 -i 0.01 10.99.0.1 >/dev/null
check "windows closed after the storm" wait_quiet "$a" 30
storm=$(ip netns exec "$a" "$NFSK" -j windows | jq "[.[] | select(.id > $w2)]")
check_eq "every route change counted" $CHANGES \
	"$(echo "$storm" | jq '[.[] | .route_add4 + .route_del4 + .route_replace4] | add')"
check_eq "every ping counted" $((p0 + 40)) "$(stat "$a" packets)"
storm_flags=$(echo "$storm" | jq -r '[.[].flag_names[]] | unique | join(",")')
check "storm raises ROUTE_FLAP ($storm_flags)" sh -c "echo '$storm_flags' | grep -q ROUTE_FLAP"
check "storm raises ROUTE_CHURN ($storm_flags)" sh -c "echo '$storm_flags' | grep -q ROUTE_CHURN"
ev=$(ip netns exec "$a" "$NFSK" -j stats)
lost=$(echo "$ev" | jq '.events_coalesced + .events_dropped')
check "events coalesced or dropped are counted ($(echo "$ev" | jq -c '{events_sent,events_coalesced,events_dropped}'))" \
	test "$lost" -gt 0
check "rmmod with a stalled listener" rmmod nfsketch
tap_done
