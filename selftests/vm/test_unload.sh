#!/bin/bash
# Unload under load: rmmod while packets flow in several namespaces, while
# route changes happen and while dumps run. No splat (the runner checks
# dmesg), nothing left behind.
. "$(dirname "$0")/lib.sh"

modprobe -q veth
load_module || { not_ok "insmod"; tap_done; exit 1; }
echo 200 >/sys/kernel/nfsketch/window_ms
a=$(make_ns a)
b=$(make_ns b)
veth_pair "$a" 10.98.0.1/24 "$b" 10.98.0.2/24

ip netns exec "$a" ping -q -c 3000 -i 0.002 -W 1 10.98.0.2 >/dev/null 2>&1 &
pinger=$!
on_exit kill $pinger
(for i in $(seq 1 200); do
	ip -n "$a" route add 10.97.$((i % 50)).0/24 via 10.98.0.2 2>/dev/null
	ip -n "$a" route del 10.97.$((i % 50)).0/24 2>/dev/null
done) &
churn=$!
on_exit kill $churn
(for i in $(seq 1 100); do
	ip netns exec "$a" "$NFSK" -j windows >/dev/null 2>&1
done) &
dumper=$!
on_exit kill $dumper

busy() { [ "$(stat "$a" windows)" -ge 3 ]; }
check "traffic and windows running" wait_for 20 busy
# a dump may hold a module reference for an instant: retry, bounded
unloaded() { rmmod nfsketch 2>/dev/null; ! grep -q '^nfsketch ' /proc/modules; }
check "rmmod under load" wait_for 30 unloaded
check "sysfs gone" test ! -e /sys/kernel/nfsketch
check "CLI reports the module missing" sh -c "! ip netns exec $a $NFSK stats 2>/dev/null"
kill $pinger $churn $dumper 2>/dev/null
wait 2>/dev/null

# load again, with namespaces present, and unload right away
check "insmod again" insmod "$NFSK_KO"
check "rmmod right after insmod" rmmod nfsketch
tap_done
