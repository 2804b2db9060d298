#!/bin/bash
# Runs inside the VM for `make demo`: load the module, make traffic between
# two namespaces, and show what the module reports.
. "$NFSK_TOP/selftests/vm/lib.sh"

show() {
	echo "\$ $*"
	"$@"
	echo
}

modprobe -q veth
show insmod "$NFSK_KO"
show cat /sys/kernel/nfsketch/version
a=$(make_ns demo-a)
b=$(make_ns demo-b)
veth_pair "$a" 10.77.0.1/24 "$b" 10.77.0.2/24
add_addr "$a" "va$NFSK_ID" fd77::1/64
add_addr "$b" "vb$NFSK_ID" fd77::2/64

echo "# traffic: 200 IPv4 pings, 100 IPv6 pings from $a to $b"
ip netns exec "$a" ping -q -c 200 -i 0.002 10.77.0.2 | tail -2
ip netns exec "$a" ping -q -c 100 -i 0.002 fd77::2 | tail -2
echo
show ip netns exec "$a" "$NFSK" stats
show ip netns exec "$b" "$NFSK" -j -p stats
show rmmod nfsketch
ok "demo finished"
tap_done
