#!/bin/bash
# vm-timeout: 1200
# netns_monitor: all, none, on-demand. A namespace not monitored counts
# nothing (oracle: the exact number of UDP datagrams sent), costs no module
# memory (mem_bytes unchanged), refuses reads with a message saying how to
# enable; enabling counts from then on and learns the routes already present
# (oracle: the routes the test added); disabling frees all it allocated
# (mem_bytes back to the exact value before); on-demand enables at the first
# read and at a monitor subscription; the initial namespace cannot be
# disabled; MONITOR_SET needs CAP_NET_ADMIN; enable/disable racing with
# traffic, dumps and namespace exit, and unload with namespaces in both
# states, leave no splat (the harness checks the log and kmemleak).
. "$(dirname "$0")/lib.sh"

modprobe -q veth
AS_NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)
ncpu=$(nproc --all)

mem() { cat /sys/kernel/nfsketch/mem_bytes; }
monitor_state() { ip netns exec "$1" "$NFSK" -j config get | jq -r .monitor; }
# send NS COUNT: COUNT UDP datagrams from NS to 10.98.0.2 (b drops its
# ICMP replies, see below), one socket, one process
send() {
	ip netns exec "$1" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(int(sys.argv[1])):
    s.sendto(b"x" * 20, ("10.98.0.2", 9))' "$2"
}
packets_are() { [ "$(stat "$1" packets)" = "$2" ]; }

# Two namespaces a -> b, IPv4 only: no ND or MLD crosses a's hooks, ARP is
# not IP, b answers nothing (its ICMP errors dropped before they leave).
pair() {
	local a=$1 b=$2
	no_ipv6 "$a"
	no_ipv6 "$b"
	veth_pair "$a" 10.98.0.1/24 "$b" 10.98.0.2/24 || return 1
	ip netns exec "$b" nft -f - <<NFT
table inet nfsk_test {
	chain out { type filter hook output priority 0; icmp type destination-unreachable drop; }
}
NFT
}

# A lower bound of one namespace's memory from its configuration alone:
# two banks per CPU, each with a Count-Min of cms_width x cms_depth cells
# of a u16 packet and a u32 byte counter (the banks' narrow light cells).
cfg() { cat "/sys/kernel/nfsketch/$1"; }

# ---- none ---------------------------------------------------------------
load_module netns_monitor=none || { not_ok "insmod netns_monitor=none"; tap_done; exit 1; }
check_eq "netns_monitor reads back" none "$(cat /sys/kernel/nfsketch/netns_monitor)"
min_ns_bytes=$((2 * ncpu * $(cfg cms_width) * $(cfg cms_depth) * 6))
mem0=$(mem)
a=$(make_ns a)
b=$(make_ns b)
pair "$a" "$b" || not_ok "veth pair"
check_eq "none: new namespace not monitored" false "$(monitor_state "$a")"
check_eq "none: two new namespaces cost no module memory" "$mem0" "$(mem)"
check_eq "init namespace monitored" true "$("$NFSK" -j config get | jq -r .monitor)"
err=$(ip netns exec "$a" "$NFSK" stats 2>&1 >/dev/null)
case $err in
*"monitoring is disabled in this namespace; enable with"*) ok "none: stats refused with the reason ($err)" ;;
*) not_ok "none: stats refused with the reason, got: $err" ;;
esac
check "none: windows refused too" eval '! ip netns exec "$a" "$NFSK" windows >/dev/null 2>&1'
check "none: monitor subscription refused" eval '! timeout 20 ip netns exec "$a" "$NFSK" monitor >/dev/null 2>&1'
send "$a" 30
check_eq "none: traffic left no trace in module memory" "$mem0" "$(mem)"

# routes present before the enable: the fib notifier's replay must find them
for i in 1 2 3 4 5; do
	ip -n "$a" route add 10.70.$i.0/24 via 10.98.0.2
done
err=$(ip netns exec "$a" "${AS_NOBODY[@]}" "$NFSK" enable 2>&1)
case $err in
*CAP_NET_ADMIN*) check_eq "enable needs CAP_NET_ADMIN ($err)" false "$(monitor_state "$a")" ;;
*) not_ok "enable needs CAP_NET_ADMIN, got: $err" ;;
esac
check "enable" ip netns exec "$a" "$NFSK" enable
check_eq "enabled: config get says so" true "$(monitor_state "$a")"
mem1=$(mem)
grew=$((mem1 - mem0))
check "enable allocated at least the banks' lower bound ($grew >= $min_ns_bytes bytes)" \
	test "$grew" -ge "$min_ns_bytes"
check_eq "enabled: counting starts at zero (30 sent before)" 0 "$(stat "$a" packets)"
check "enabled: routes present before the enable tracked (>= 5: $(stat "$a" route_track_entries))" \
	test "$(stat "$a" route_track_entries)" -ge 5
send "$a" 40
check "enabled: exactly the 40 datagrams sent since are counted ($(stat "$a" packets))" \
	wait_for 10 packets_are "$a" 40
check_eq "enabled: b, not enabled, still costs nothing" false "$(monitor_state "$b")"
check "enable again is a no-op" ip netns exec "$a" "$NFSK" enable
check_eq "enable again allocated nothing" "$mem1" "$(mem)"
check "disable" ip netns exec "$a" "$NFSK" disable
check_eq "disable freed exactly what enable allocated" "$mem0" "$(mem)"
check "disabled: stats refused again" eval '! ip netns exec "$a" "$NFSK" stats >/dev/null 2>&1'
send "$a" 7
check "re-enable" ip netns exec "$a" "$NFSK" enable
check_eq "re-enabled: totals start over (7 sent while disabled)" 0 "$(stat "$a" packets)"
send "$a" 11
check "re-enabled: exactly 11 counted" wait_for 10 packets_are "$a" 11
err=$("$NFSK" disable 2>&1)
case $err in
*"always monitored"*) ok "init namespace cannot be disabled ($err)" ;;
*) not_ok "init namespace cannot be disabled, got: $err" ;;
esac

# races: enable/disable against traffic and dumps, then namespace exit
# while enabled (a) and while disabled (b)
ip netns exec "$a" python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
end = time.monotonic() + 3600
while time.monotonic() < end:
    s.sendto(b"y" * 64, ("10.98.0.2", 9))' &
tx=$!
on_exit kill "$tx"
( while :; do ip netns exec "$a" "$NFSK" -j windows >/dev/null 2>&1; \
	ip netns exec "$a" "$NFSK" routes >/dev/null 2>&1; done ) &
dumps=$!
on_exit kill "$dumps"
fails=0
for _ in $(seq 1 8); do
	ip netns exec "$a" "$NFSK" disable || fails=$((fails + 1))
	ip netns exec "$a" "$NFSK" enable || fails=$((fails + 1))
done
check_eq "8 disable/enable cycles under traffic and dumps" 0 "$fails"
kill "$dumps" 2>/dev/null
wait "$dumps" 2>/dev/null
kill "$tx"
wait "$tx" 2>/dev/null
ip netns del "$a"
ip netns del "$b"
check "namespaces deleted (one enabled, one not): memory back to the initial namespace's" \
	wait_for 60 eval '[ "$(mem)" = "$mem0" ]'

# ---- on-demand ----------------------------------------------------------
load_module netns_monitor=on-demand || not_ok "insmod netns_monitor=on-demand"
mem0=$(mem)
c=$(make_ns c)
d=$(make_ns d)
pair "$c" "$d" || not_ok "veth pair"
check_eq "on-demand: not monitored before a read" false "$(monitor_state "$c")"
send "$c" 25
check_eq "on-demand: traffic before the first read cost nothing" "$mem0" "$(mem)"
check_eq "on-demand: the first read enables, counting from zero" 0 "$(stat "$c" packets)"
check_eq "on-demand: now monitored" true "$(monitor_state "$c")"
send "$c" 33
check "on-demand: exactly 33 counted" wait_for 10 packets_are "$c" 33
check_eq "on-demand: d, never read, not monitored" false "$(monitor_state "$d")"
ip netns exec "$d" "$NFSK" monitor >/dev/null 2>&1 &
mon=$!
on_exit kill "$mon"
check "on-demand: a monitor subscription enables" \
	wait_for 30 eval '[ "$(monitor_state "$d")" = true ]'
kill "$mon"
wait "$mon" 2>/dev/null
check "on-demand: disable still works" ip netns exec "$c" "$NFSK" disable
check_eq "on-demand: disabled, not monitored" false "$(monitor_state "$c")"
echo none >/sys/kernel/nfsketch/netns_monitor
check "sysfs switch to none: reads no longer enable" \
	eval '! ip netns exec "$c" "$NFSK" stats >/dev/null 2>&1'
check "bad netns_monitor value refused" eval '! echo bogus >/sys/kernel/nfsketch/netns_monitor 2>/dev/null'
check_eq "bad value changed nothing" none "$(cat /sys/kernel/nfsketch/netns_monitor)"
check "insmod with a bad netns_monitor fails" eval '! load_module netns_monitor=bogus 2>/dev/null'

# ---- all ----------------------------------------------------------------
load_module netns_monitor=all || not_ok "insmod netns_monitor=all"
e=$(make_ns e)
f=$(make_ns f)
pair "$e" "$f" || not_ok "veth pair"
check_eq "all: new namespace monitored from creation" true "$(monitor_state "$e")"
check_eq "all: counting from zero" 0 "$(stat "$e" packets)"
send "$e" 21
check "all: exactly 21 counted" wait_for 10 packets_are "$e" 21
check "all: disable a namespace" ip netns exec "$f" "$NFSK" disable

# unload with e enabled, f disabled, c/d of the earlier module gone
check "unload with namespaces enabled and disabled" unload_module
tap_done
