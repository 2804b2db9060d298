#!/bin/bash
# Offline replay equals the kernel: with the same hash key, `nfsketch replay`
# of a tcpdump capture of every packet that crossed namespace a's hooks in
# one window gives the kernel's window CMS cell for cell (`nfsketch -j
# sketch`), and the same totals, protocol counts and address entropies.
#
# Only the test's own packets may cross a's hooks in that window: IPv6 is
# off (no ND/MLD), neighbours are static (no ARP, which the replay would
# ignore anyway), datagrams stay below the MTU (LOCAL_OUT sees a datagram
# before IPv4 fragmentation, the capture would see fragments), and the
# burst is sent into a window the test opens and closes, so that it fits in
# one window.
. "$(dirname "$0")/lib.sh"

modprobe -q veth
load_module || { not_ok "insmod"; tap_done; exit 1; }

# Windows of 2 s from the start in the new namespaces (restored on exit).
if old_wms=$(cat /sys/kernel/nfsketch/window_ms 2>/dev/null); then
	on_exit "echo $old_wms >/sys/kernel/nfsketch/window_ms"
	echo 2000 >/sys/kernel/nfsketch/window_ms
fi

a=$(make_ns a)
b=$(make_ns b)
no_ipv6 "$a"
no_ipv6 "$b"
veth_pair "$a" 10.99.0.1/24 "$b" 10.99.0.2/24
va=va$NFSK_ID vb=vb$NFSK_ID
va=${va:0:15} vb=${vb:0:15}
maca=$(ip -n "$a" -j link show "$va" | jq -r '.[0].address')
macb=$(ip -n "$b" -j link show "$vb" | jq -r '.[0].address')
ip -n "$a" neigh replace 10.99.0.2 lladdr "$macb" dev "$va" nud permanent
ip -n "$b" neigh replace 10.99.0.1 lladdr "$maca" dev "$vb" nud permanent

KEY=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
tmp=$(mktemp -d /tmp/nfsk-replay.XXXXXX)
on_exit rm -rf "$tmp"

nsa() { ip netns exec "$a" "$NFSK" "$@"; }
closed() { nsa -j stats | jq -r .windows; }
# closed_ge N: at least N windows closed in a (re-read on every poll)
closed_ge() { [ "$(closed)" -ge "$1" ]; }

check "config set window_ms=2000 hash_key=<key> in a" \
	nsa config set window_ms=2000 hash_key="$KEY"
# the new key's sketch is published at the next close: wait for two
w=$(closed)
check "two windows closed: the key is active" wait_for 30 closed_ge $((w + 2))

# One capture round: returns 0 when the burst fit in one kernel window.
capture_round() {
	local pcap=$tmp/x.pcap fifo=$tmp/go sender tcpd w id n_win n_pcap
	rm -f "$pcap" "$fifo" "$tmp/tcpdump.err"
	mkfifo "$fifo"
	# the sender starts (python is slow to start under TCG) and waits
	ip netns exec "$a" python3 - "$fifo" <<'PY' &
import random, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
r = random.Random(42)
with open(sys.argv[1]) as f:
    f.read(1)
for i in range(300):
    n = r.choice([0, 1, 18, 100, 512, 1000, 1400, r.randrange(1, 1472)])
    try:
        s.sendto(b"x" * n, ("10.99.0.2", 9000 + i % 7))
    except OSError:
        pass   # an ICMP error reported on the socket: sent anyway
PY
	sender=$!
	ip netns exec "$a" tcpdump -i "$va" -n -s 0 -U -w "$pcap" 2>"$tmp/tcpdump.err" &
	tcpd=$!
	if ! wait_for 30 grep -q "listening on" "$tmp/tcpdump.err"; then
		echo "# tcpdump did not start: $(cat "$tmp/tcpdump.err")"
		kill "$tcpd" "$sender" 2>/dev/null
		return 2
	fi
	# the burst into a window of an hour, opened and closed by the test:
	# it stays the last closed window while the kernel is read, however
	# slow the guest
	open_long_window "$a"
	echo go >"$fifo"
	wait "$sender"
	if ! close_window "$a"; then
		kill -INT "$tcpd"
		wait "$tcpd"
		return 1
	fi
	nsa -j sketch >"$tmp/ksketch.json"
	nsa -j windows --last 3 >"$tmp/wins.json"
	kill -INT "$tcpd"
	wait "$tcpd"
	id=$(jq -e .window_id "$tmp/ksketch.json" 2>/dev/null) || id=0
	jq -c --argjson id "${id:-0}" '[.[] | select(.id == $id)]' \
		"$tmp/wins.json" >"$tmp/win.json"
	"$NFSK" -j replay "$pcap" --key "$KEY" --window-ms 600000 >"$tmp/replay.json"
	"$NFSK" -j replay "$pcap" --key "$KEY" --window-ms 600000 --sketch >"$tmp/rsketch.json"
	n_win=$(jq -r '.[0].packets // 0' "$tmp/win.json")
	n_pcap=$(jq -r '.windows[0].packets' "$tmp/replay.json")
	echo "# kernel window $(jq -r '.[0].id' "$tmp/win.json"): $n_win packets; capture: $n_pcap"
	[ "$n_win" = "$n_pcap" ] && [ "$n_win" -ge 300 ]
}

rc=1
for attempt in 1 2 3; do
	capture_round
	rc=$?
	[ $rc -eq 0 ] && break
	[ $rc -eq 2 ] && break
	echo "# attempt $attempt: burst not alone in one closed window; again"
done
check "burst captured within one kernel window" test $rc -eq 0
check "replay output is valid JSON" python3 -m json.tool "$tmp/replay.json" /dev/null
check "capture: nothing truncated, no unknown frame" \
	test "$(jq -r '.summary.truncated + .summary.unknown' "$tmp/replay.json")" = 0

# Totals, protocol counts, address entropies: the kernel's window vs replay
for f in packets bytes tcp udp icmp icmpv6 other ipv4 ipv6 truncated \
	 src_entropy_mbits dst_entropy_mbits; do
	check_eq "window $f: kernel = replay" \
		"$(jq -r ".[0].$f" "$tmp/win.json")" \
		"$(jq -r ".windows[0].$f" "$tmp/replay.json")"
done

if [ -s "$tmp/ksketch.json" ] && jq -e .rows "$tmp/ksketch.json" >/dev/null 2>&1; then
	check "kernel sketch is of the compared window" test \
		"$(jq -r .window_id "$tmp/ksketch.json")" = "$(jq -r '.[0].id' "$tmp/win.json")"
	check "CMS rows: kernel = replay, cell for cell (depth, width, packets, bytes)" \
		test "$(jq -c '[.depth, .width, .rows]' "$tmp/ksketch.json" | md5sum)" = \
		     "$(jq -c '[.depth, .width, .rows]' "$tmp/rsketch.json" | md5sum)"
	check "the sketch is not empty" \
		test "$(jq '[.rows[0].packets[]] | add' "$tmp/rsketch.json")" -ge 300
	# control: another key must not give the kernel's rows
	"$NFSK" -j replay "$tmp/x.pcap" --key "$(echo "$KEY" | tr 0-9a-f 1-9a-f0)" \
		--window-ms 600000 --sketch >"$tmp/rsketch2.json"
	check "control: replay with another key differs from the kernel" \
		test "$(jq -c .rows "$tmp/ksketch.json" | md5sum)" != \
		     "$(jq -c .rows "$tmp/rsketch2.json" | md5sum)"
else
	not_ok "nfsketch -j sketch gave no sketch: $(head -c 200 "$tmp/ksketch.json")"
fi
tap_done
