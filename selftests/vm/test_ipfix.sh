#!/bin/bash
# IPFIX export: nfdump's nfcapd receives `nfsketch export --ipfix` over UDP
# in a test namespace, and `nfdump -r` shows every top flow of the window
# with exactly the packets and bytes `nfsketch -j top` reports for it, the
# window's bounds as flow start/end in wall-clock time, and the window
# summary record with the window's totals. A second export over --tcp to a
# decoder written from the RFC (ipfix_collect.py) carries the same records
# with the Count-Min estimates and bounds of `top` as enterprise elements.
# vm-timeout: 600
. "$(dirname "$0")/lib.sh"

modprobe -q veth
load_module || { not_ok "insmod"; tap_done; exit 1; }
command -v nfcapd >/dev/null || { not_ok "nfcapd missing (scripts/deps.sh installs nfdump)"; tap_done; exit 1; }

a=$(make_ns a)
b=$(make_ns b)
veth_pair "$a" 10.97.0.1/24 "$b" 10.97.0.2/24
add_addr "$a" "va$NFSK_ID" fd97::1/64
add_addr "$b" "vb$NFSK_ID" fd97::2/64
tmp=/tmp/ipfix.$NFSK_ID
mkdir -p "$tmp/flows"
on_exit rm -rf "$tmp"

# Everything slow to start starts at once (the emulated guest may take
# tens of seconds for each): the collectors, and the ramp of the windows.
# Sample-and-Hold's byte sampling p starts at 2^-16 and doubles every
# window up to 2^-8: short windows first, so that each flow below is held.
ip netns exec "$a" "$NFSK" config set window_ms=100
port=4739
ip netns exec "$a" nfcapd -p $port -w "$tmp/flows" -t 3600 >"$tmp/nfcapd.log" 2>&1 &
capd=$!
on_exit kill $capd
tport=4740
ip netns exec "$a" python3 "$NFSK_TOP/selftests/vm/ipfix_collect.py" $tport "$tmp/tcp.json" \
	>"$tmp/collect.out" 2>&1 &
coll=$!
on_exit kill $coll
capd_up() { ip netns exec "$a" ss -Hlun "sport = :$port" | grep -q .; }
check "nfcapd listens" wait_for 60 capd_up
collecting() { grep -q listening "$tmp/collect.out"; }
check "TCP decoder listens" wait_for 60 collecting
wait_windows "$a" 12 60
# then a long window: the open 100 ms one closes at its boundary, and the
# next one is long
w=$(windows_closed "$a")
ip netns exec "$a" "$NFSK" config set window_ms=$NFSK_LONG_MS
wait_for 30 windows_at_least "$a" $((w + 1))
ip netns exec "$a" "$NFSK" export --ipfix 127.0.0.1:$port >"$tmp/export.out" 2>"$tmp/export.err" &
exp=$!
on_exit kill $exp
ip netns exec "$a" "$NFSK" export --tcp --ipfix 127.0.0.1:$tport >"$tmp/export-tcp.out" \
	2>"$tmp/export-tcp.err" &
exp_tcp=$!
on_exit kill $exp_tcp
subscribed() { grep -q exporting "$tmp/export.err"; }
check "export subscribed" wait_for 60 subscribed
tcp_subscribed() { grep -q "exporting .* over TCP" "$tmp/export-tcp.err"; }
check "export --tcp subscribed" wait_for 60 tcp_subscribed

# the traffic of one window: two UDP flows over IPv4, one over IPv6, pings
ip netns exec "$b" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(40): s.sendto(b"x" * 300, ("10.97.0.1", 7000))
for i in range(17): s.sendto(b"y" * 700, ("10.97.0.1", 7002))
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
for i in range(25): s6.sendto(b"z" * 500, ("fd97::1", 7001))'
ip netns exec "$b" ping -q -c 3 -i 0.2 10.97.0.1 >/dev/null

t0=$(date +%s.%N)
wid=$(open_window_id "$a")
# closed 15 s from now, and the next window long: the export must read
# the window's top flows before a newer window closes (TOPK_GET answers for
# the newest), and so must `top` below
NFSK_CLOSE_MS=15000
until close_window "$a"; do :; done
exported() { grep -q "^window $wid: " "$tmp/export.out"; }
check "window $wid exported" wait_for 60 exported
t1=$(date +%s.%N)
sed 's/^/# export: /' "$tmp/export.out" "$tmp/export.err" | tail -n 5

ip netns exec "$a" "$NFSK" -j top >"$tmp/top.json"
check_eq "top reads the exported window" "$wid" "$(jq -r .window_id "$tmp/top.json")"
nflows=$(jq '.flows | length' "$tmp/top.json")
check "the window holds flows ($nflows)" test "$nflows" -ge 4
grep -q "^window $wid: $nflows flows, summary to 1 of 1 collectors" "$tmp/export.out" &&
	ok "export sent $nflows flows of window $wid" ||
	not_ok "export line: $(grep "^window $wid: " "$tmp/export.out")"

win=$(ip netns exec "$a" "$NFSK" -j windows | jq -c ".[] | select(.id == $wid) | {packets, bytes}")
wp=$(echo "$win" | jq .packets)
wb=$(echo "$win" | jq .bytes)
tcp_exported() { grep -q "^window $wid: $nflows flows, summary to 1 of 1" "$tmp/export-tcp.out"; }
check "window $wid exported over TCP" wait_for 60 tcp_exported
kill $exp_tcp
coll_done() { ! kill -0 $coll 2>/dev/null; }
check "the TCP decoder saw the connection close" wait_for 30 coll_done
python3 "$NFSK_TOP/selftests/vm/ipfix_check.py" "$tmp/top.json" "$tmp/tcp.json" "$wid" "$wp" "$wb" \
	>"$tmp/tcp-check.txt" 2>&1
tap_from_py "$tmp/tcp-check.txt"

# nfcapd writes its file when it ends
kill $exp
kill $capd
wait $capd 2>/dev/null
# proto src sport dst dport packets bytes, ICMP without ports
nfdump -R "$tmp/flows" -N -q -6 -o 'fmt:%pr %sa %sp %da %dp %pkt %byt %tsr %ter' \
	>"$tmp/nfdump.txt" 2>"$tmp/nfdump.err"
sed 's/^/# nfdump: /' "$tmp/nfdump.txt" "$tmp/nfdump.err" | head -n 30
norm() { awk '{ if ($1 == 1 || $1 == 58) { $3 = "-"; $5 = "-" }
	print $1, $2, $3, $4, $5, $6, $7 }' | sort; }
# the expected lines from the CLI: what `top` reports, exactly
jq -r '.flows[] | [.proto, .src, .sport, .dst, .dport, .packets, .bytes] | join(" ")' \
	"$tmp/top.json" | norm >"$tmp/want.txt"
grep -v ' 0\.0\.0\.0 \| :: ' "$tmp/nfdump.txt" | norm >"$tmp/got.txt"
if diff -u "$tmp/want.txt" "$tmp/got.txt" >"$tmp/diff.txt"; then
	ok "nfdump shows the $nflows top flows with the packets and bytes of top"
else
	not_ok "nfdump and top differ"
	sed 's/^/# /' "$tmp/diff.txt"
fi
# the traffic itself is the oracle: a held flow was counted exactly from
# its admission (at most what was sent), the Count-Min estimate of it is
# at least what was sent
held_in() { # PROTO SRC DST DPORT SENT: held <= SENT <= estimate
	local f
	f=$(jq -c ".flows[] | select(.proto == $1 and .src == \"$2\" and .dst == \"$3\" and .dport == $4)" \
		"$tmp/top.json")
	[ -n "$f" ] && grep -q "^$1 $2 [0-9]* $3 $4 $(echo "$f" | jq -r '"\(.packets) \(.bytes)"')\$" "$tmp/got.txt" &&
		echo "$f" | jq -e ".packets >= 1 and .packets <= $5 and .est_packets >= $5" >/dev/null
}
check "udp 10.97.0.2 -> 10.97.0.1:7000: in nfdump, held <= 40 packets sent <= estimate" \
	held_in 17 10.97.0.2 10.97.0.1 7000 40
check "udp 10.97.0.2 -> 10.97.0.1:7002: in nfdump, held <= 17 packets sent <= estimate" \
	held_in 17 10.97.0.2 10.97.0.1 7002 17
check "udp fd97::2 -> fd97::1:7001: in nfdump, held <= 25 packets sent <= estimate" \
	held_in 17 fd97::2 fd97::1 7001 25

# window bounds: wall-clock, the end between the close and the export
set -- $(awk 'NR == 1 { print $(NF - 1), $NF }' "$tmp/nfdump.txt")
ts=${1:-0} te=${2:-0}
check "flow end ($te) lies between the close ($t0) and the export ($t1)" \
	awk -v a="$t0" -v b="$t1" -v e="$te" 'BEGIN { exit !(e >= a - 0.01 && e <= b + 0.01) }'
check "flow start ($ts) before its end" \
	awk -v s="$ts" -v e="$te" 'BEGIN { exit !(s < e) }'
# the summary: no addresses, the window's own totals
summary() { awk -v p="$wp" -v b="$wb" '$2 == "0.0.0.0" && $4 == "0.0.0.0" && $6 == p && $7 == b { n++ }
	END { exit n != 1 }' "$tmp/nfdump.txt"; }
check "one window summary record: $wp packets, $wb bytes" summary

tap_done
