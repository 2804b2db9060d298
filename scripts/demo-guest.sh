#!/bin/bash
# Runs inside the VM for `make demo`: load the module, make mixed traffic
# between two namespaces, then a flood towards one address and a burst of
# route changes, and show what an operator sees.
. "$NFSK_TOP/scripts/guest-lib.sh"

show() {
	echo
	echo "\$ $*" | sed "s|$NFSK_TOP/build/||g; s|ip netns exec ${a:-none} ||g; s|^\$ sh -c |\$ |"
	"$@"
}
say() { printf '\n### %s\n' "$*"; }

modprobe -q veth
modprobe -q dummy
say "load the module and set defaults for new namespaces (1 s windows, small alert sizes)"
show insmod "$NFSK_KO"
d=/sys/kernel/nfsketch
echo 1000 >$d/window_ms
echo 6 >$d/min_history
echo 50 >$d/min_packets
echo 50000 >$d/min_bytes
echo 10 >$d/min_route_events
show grep . $d/version $d/window_ms $d/cms_width $d/cms_depth $d/sah_entries

a=$(make_ns router)
b=$(make_ns clients)
no_ipv6 "$b"
veth_pair "$a" 10.77.0.1/24 "$b" 10.77.0.2/24
for i in $(seq 1 16); do ip -n "$a" addr add 10.77.1.$i/32 dev "va$NFSK_ID"; done
ip -n "$b" route add 10.77.1.0/24 via 10.77.0.1
ip -n "$a" link add dummy0 type dummy
ip -n "$a" link set dummy0 up
ip -n "$a" addr add 10.50.0.1/24 dev dummy0
# a sink for the UDP traffic, so no ICMP error comes back
ip netns exec "$a" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 7000))
while True: s.recv(4096)' &
sink=$!
on_exit kill $sink

say "live events of namespace $a (nfsketch monitor), printed at the end"
ip netns exec "$a" "$NFSK" monitor >/tmp/monitor.$NFSK_ID 2>&1 &
mon=$!
on_exit kill $mon

say "mixed traffic: UDP to 16 addresses, pings, a TCP transfer (bounded)"
ip netns exec "$b" python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.77.0.2", 40000))
end = time.time() + 90
i = 0
while time.time() < end:
    s.sendto(b"m" * (100 + i % 700), ("10.77.1.%d" % (1 + i % 16), 7000))
    i += 1
    time.sleep(0.01)' &
mixed=$!
on_exit kill $mixed
ip netns exec "$b" ping -q -c 200 -i 0.05 10.77.0.1 >/dev/null &
ip netns exec "$a" python3 -c '
import socket
s = socket.socket(); s.bind(("10.77.0.1", 5001)); s.listen(1)
c, _ = s.accept()
while c.recv(65536): pass' &
ip netns exec "$b" python3 -c '
import socket, time
time.sleep(1)
s = socket.create_connection(("10.77.0.1", 5001))
s.sendall(b"t" * 2000000); s.close()' &
wait_windows "$a" 12 60

say "a flood towards 10.77.1.1 (5000 datagrams)"
ip netns exec "$b" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(5000):
    s.sendto(b"F" * 600, ("10.77.1.1", 7000))'
wait_windows "$a" 3 30

say "a route storm: 200 route changes in the router namespace"
for i in $(seq 1 100); do
	echo "route add 10.90.$((i % 4)).0/24 via 10.50.0.2"
	echo "route del 10.90.$((i % 4)).0/24"
done >/tmp/storm.$NFSK_ID
ip -n "$a" -batch /tmp/storm.$NFSK_ID
wait_windows "$a" 3 30

say "what the router's operator sees"
show ip netns exec "$a" "$NFSK" stats
show ip netns exec "$a" "$NFSK" windows --last 20
show ip netns exec "$a" "$NFSK" top -c 8
show ip netns exec "$a" "$NFSK" query proto udp src 10.77.0.2 dst 10.77.1.3 sport 40000 dport 7000
show ip netns exec "$a" "$NFSK" query --dst 10.77.1.3
echo
echo "\$ nfsketch routes | tail -n 6"
ip netns exec "$a" "$NFSK" routes | tail -n 6
say "alerts as they arrived (nfsketch monitor)"
kill -INT $mon 2>/dev/null
wait $mon 2>/dev/null
grep -i alert /tmp/monitor.$NFSK_ID | head -n 20
echo "($(grep -c . /tmp/monitor.$NFSK_ID) events received in all)"
show sh -c "ip netns exec $a $NFSK stats --prometheus | head -n 12"
say "more of the tool"
show ip netns exec "$a" "$NFSK" config get
show ip netns exec "$a" "$NFSK" sketch
show ip netns exec "$a" "$NFSK" watch -c 1
show sh -c "ip netns exec $a $NFSK -j windows --last 1 | python3 -m json.tool | head -n 14"
kill $mixed 2>/dev/null
show ip netns exec "$a" "$NFSK" reset
show ip netns exec "$a" "$NFSK" windows
show rmmod nfsketch
echo
alerts=$(grep -ci alert /tmp/monitor.$NFSK_ID)
if [ "$alerts" -gt 0 ]; then ok "demo: $alerts alerts shown"; else not_ok "demo: no alert"; fi
tap_done
