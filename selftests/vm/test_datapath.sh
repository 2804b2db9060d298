#!/bin/bash
# Exact counts: every packet that crosses the hooks of a namespace is in its
# totals and in exactly one of its windows; per-protocol and per-family
# counts match what was sent; totals match conntrack's accounting of the
# same traffic; other namespaces see none of it.
. "$(dirname "$0")/lib.sh"

modprobe -q veth
modprobe -q nf_conntrack
sysctl -qw net.netfilter.nf_conntrack_acct=1 2>/dev/null
load_module || { not_ok "insmod"; tap_done; exit 1; }
echo 500 >/sys/kernel/nfsketch/window_ms

a=$(make_ns a)
b=$(make_ns b)
c=$(make_ns c)
# IPv6 without autoconfiguration chatter; neighbours static so that no
# ND packet crosses the hooks.
for ns in "$a" "$b"; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.router_solicitations=0 \
		net.ipv6.conf.default.accept_ra=0 net.ipv6.conf.default.dad_transmits=0
	ip netns exec "$ns" sysctl -qw net.netfilter.nf_conntrack_acct=1 2>/dev/null
	# conntrack is the oracle: its entries must outlive the test (ICMP and
	# UDP entries expire after 30 s, minutes can pass under emulation)
	for t in icmp_timeout icmpv6_timeout udp_timeout udp_timeout_stream \
		tcp_timeout_close tcp_timeout_time_wait tcp_timeout_fin_wait \
		tcp_timeout_last_ack tcp_timeout_close_wait; do
		ip netns exec "$ns" sysctl -qw net.netfilter.nf_conntrack_$t=3600
	done
done
veth_pair "$a" 10.99.0.1/24 "$b" 10.99.0.2/24
va=va$NFSK_ID vb=vb$NFSK_ID
add_addr "$a" "$va" fd99::1/64
add_addr "$b" "$vb" fd99::2/64
maca=$(ip -n "$a" -j link show "$va" | jq -r '.[0].address')
macb=$(ip -n "$b" -j link show "$vb" | jq -r '.[0].address')
ip -n "$a" neigh replace 10.99.0.2 lladdr "$macb" dev "$va" nud permanent
ip -n "$a" neigh replace fd99::2 lladdr "$macb" dev "$va" nud permanent
ip -n "$b" neigh replace 10.99.0.1 lladdr "$maca" dev "$vb" nud permanent
ip -n "$b" neigh replace fd99::1 lladdr "$maca" dev "$vb" nud permanent
# conntrack accounting as the independent oracle: a rule that uses it
ip netns exec "$a" nft -f - <<NFT
table inet nfsk_test {
	chain pre { type filter hook prerouting priority 0; ct state new counter; }
	chain out { type filter hook output priority 0; ct state new counter; }
}
NFT

check "namespace a quiet before the test" wait_quiet "$a" 60
# One long window holds all of the traffic, so that per-flow estimates of
# that window can be checked against conntrack: a longer window_ms starts
# at the next boundary, a shorter one closes the open window at once. An
# hour, the longest window: under emulation (TCG, a loaded host, a
# PREEMPT_RT kernel) the traffic and the queries below take minutes.
long=3600000
w=$(windows_closed "$a")
ip netns exec "$a" "$NFSK" config set window_ms=$long
check "a long window opened" wait_for 30 windows_at_least "$a" $((w + 1))
p0=$(stat "$a" packets)
b0=$(stat "$a" bytes)
c0=$(stat "$c" packets)
w0=$(windows_closed "$a")
ip netns exec "$a" conntrack -F 2>/dev/null

N4=40 N6=30 UDP=25
ip netns exec "$a" ping -q -c $N4 -i 0.01 -s 100 10.99.0.2 >/dev/null
ip netns exec "$a" ping -q -c $N6 -i 0.01 -s 200 fd99::2 >/dev/null
# UDP: UDP datagrams of 300 bytes to b, nothing comes back (b has no
# listener: its ICMP port unreachable replies are rate limited, so b drops
# the replies with an nft rule to keep the count exact)
ip netns exec "$b" nft -f - <<NFT
table inet nfsk_test {
	chain out { type filter hook output priority 0; icmp type destination-unreachable drop; }
}
NFT
ip netns exec "$a" python3 - <<PY
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range($UDP):
    s.sendto(b"x" * 300, ("10.99.0.2", 9000 + i % 5))
PY
# TCP: a transfer whose segment count only conntrack knows
ip netns exec "$b" python3 -c '
import socket
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("fd99::2", 5001)); s.listen(1)
c, _ = s.accept()
while c.recv(65536): pass
c.close()' &
srv=$!
on_exit kill $srv
listening() {
	ip netns exec "$b" ss -Hltn 'sport = :5001' | grep -q 5001
}
wait_for 10 listening
ip netns exec "$a" python3 -c '
import socket
s = socket.create_connection(("fd99::2", 5001))
s.sendall(b"y" * 200000)
s.close()'
wait $srv

# Close the traffic's window in 2 s, and make the next one long again (a
# longer window applies at the next boundary) so that it stays the last
# closed window while its flows are queried.
w=$(windows_closed "$a")
ip netns exec "$a" "$NFSK" config set window_ms=2000
ip netns exec "$a" "$NFSK" config set window_ms=$long
check "the traffic's window closed" wait_for 30 windows_at_least "$a" $((w + 1))
p1=$(stat "$a" packets)
b1=$(stat "$a" bytes)
w1=$(windows_closed "$a")

# Oracle 1: conntrack's per-flow accounting of everything namespace a saw.
ct=$(ip netns exec "$a" conntrack -L -o extended 2>/dev/null)
ct_packets=$(echo "$ct" | grep -o 'packets=[0-9]*' | cut -d= -f2 | paste -sd+ | bc)
ct_bytes=$(echo "$ct" | grep -o 'bytes=[0-9]*' | cut -d= -f2 | paste -sd+ | bc)
check_eq "packets in a = conntrack's accounting" "$ct_packets" $((p1 - p0))
check_eq "bytes in a = conntrack's accounting" "$ct_bytes" $((b1 - b0))

# Per flow: each direction of each conntrack entry against the Count-Min
# estimate of the window that held the traffic (the window after w0):
# never below conntrack's count, above it by at most the bound.
flows=$(echo "$ct" | python3 -c '
import re, sys
for line in sys.stdin:
    f = line.split()
    if len(f) < 4 or f[0] not in ("ipv4", "ipv6"):
        continue
    proto = f[2]
    kv = re.findall(r"(\w+)=(\S+)", line)
    # two tuples: original then reply, each from src= up to bytes=
    tuples, cur = [], {}
    for k, v in kv:
        if k == "src" and cur:
            tuples.append(cur); cur = {}
        cur[k] = v
        if k == "bytes":
            tuples.append(cur); cur = {}
    for t in tuples:
        if int(t.get("packets", 0)) == 0:
            continue
        if proto in ("icmp", "icmpv6"):
            ports = "type %s code %s" % (t["type"], t["code"])
        else:
            ports = "sport %s dport %s" % (t["sport"], t["dport"])
        print(proto, t["src"], t["dst"], ports, t["packets"], t["bytes"])
')
nflows=0
while read -r proto src dst k1 v1 k2 v2 pk by; do
	[ -n "$proto" ] || continue
	q=$(ip netns exec "$a" "$NFSK" -j query proto "$proto" src "$src" dst "$dst" $k1 $v1 $k2 $v2)
	ep=$(echo "$q" | jq -r .flow.est_packets)
	eb=$(echo "$q" | jq -r .flow.est_bytes)
	bp=$(echo "$q" | jq -r .flow.err_packets)
	bb=$(echo "$q" | jq -r .flow.err_bytes)
	qw=$(echo "$q" | jq -r .window_id)
	if [ "$qw" = $((w0 + 1)) ] && [ "$ep" -ge "$pk" ] && [ $((ep - pk)) -le "$bp" ] &&
	   [ "$eb" -ge "$by" ] && [ $((eb - by)) -le "$bb" ]; then
		nflows=$((nflows + 1))
	else
		not_ok "flow $proto $src > $dst $v1/$v2: conntrack $pk pkts $by B, estimate $ep+-$bp pkts $eb+-$bb B (window $qw)"
	fi
done <<<"$flows"
check_eq "per-flow estimates within the bound of conntrack" 11 "$nflows"
ip netns exec "$a" "$NFSK" config set window_ms=500
check "namespace a quiet after the traffic" wait_quiet "$a" 20
check_eq "no packet after the traffic's window" "$p1" "$(stat "$a" packets)"

# Oracle 2: what was sent. ICMP: request + reply each; IPv4 packet = 28 +
# payload, IPv6 = 48 + payload.
win=$(ip netns exec "$a" "$NFSK" -j windows | jq "[.[] | select(.id > $w0 and .id <= $w1)]")
sum() { echo "$win" | jq "[.[].$1] | add // 0"; }
check_eq "ICMP packets in windows" $((2 * N4)) "$(sum icmp)"
check_eq "ICMPv6 packets in windows" $((2 * N6)) "$(sum icmpv6)"
check_eq "UDP packets in windows" "$UDP" "$(sum udp)"
tcp_ct=$(echo "$ct" | grep ' tcp ' | grep -o 'packets=[0-9]*' | cut -d= -f2 | paste -sd+ | bc)
check_eq "TCP packets in windows = conntrack" "$tcp_ct" "$(sum tcp)"
check_eq "IPv4 packets in windows" $((2 * N4 + UDP)) "$(sum ipv4)"
check_eq "window packets sum to the totals" $((p1 - p0)) "$(sum packets)"
check_eq "window bytes sum to the totals" $((b1 - b0)) "$(sum bytes)"
icmp_bytes=$((2 * N4 * 128 + 2 * N6 * 248 + UDP * 328))
check "bytes include the exact ICMP and UDP bytes" \
	test "$(sum bytes)" -ge "$icmp_bytes"
check_eq "no truncated packet" 0 "$(sum truncated)"

# Isolation: namespace c and the initial namespace saw none of it.
check_eq "namespace c saw nothing" "$c0" "$(stat "$c" packets)"

# A namespace destroyed while traffic runs into it.
ip netns exec "$a" ping -q -c 2000 -i 0.002 -W 1 10.99.0.2 >/dev/null 2>&1 &
pinger=$!
on_exit kill $pinger
b_busy() {
	[ "$(stat "$b" packets)" -gt 20 ]
}
wait_for 10 b_busy
ip netns del "$b"
kill $pinger 2>/dev/null
wait $pinger 2>/dev/null
ok "namespace b deleted under traffic"
tap_done
