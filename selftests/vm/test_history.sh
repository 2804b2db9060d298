#!/bin/bash
# History: every window of the ring keeps its top flows. Two known UDP
# flows, one in each of two windows the test closes; afterwards, with both
# in the history, `top --window`, `query --window` and `windows --top` show
# each window's own flow with the counts the test sent (the window's totals
# and the Count-Min estimate of a window with one flow are exact, the held
# counts a lower bound), not the other's; an id the ring dropped or has not
# closed is an error with exit 1.
. "$(dirname "$0")/lib.sh"

modprobe -q veth
# the smallest history, so that a few more windows push the two out
load_module history=4 min_history=2 || { not_ok "insmod"; tap_done; exit 1; }
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"

a=$(make_ns a)
b=$(make_ns b)
no_ipv6 "$a"
no_ipv6 "$b"
veth_pair "$a" 10.97.0.1/24 "$b" 10.97.0.2/24
va=va$NFSK_ID vb=vb$NFSK_ID
maca=$(ip -n "$a" -j link show "${va:0:15}" | jq -r '.[0].address')
macb=$(ip -n "$b" -j link show "${vb:0:15}" | jq -r '.[0].address')
ip -n "$a" neigh replace 10.97.0.2 lladdr "$macb" dev "${va:0:15}" nud permanent
ip -n "$b" neigh replace 10.97.0.1 lladdr "$maca" dev "${vb:0:15}" nud permanent
# b has no listener: no port unreachable back into a's windows
ip netns exec "$b" nft -f - <<NFT
table inet nfsk_test {
	chain out { type filter hook output priority 0; icmp type destination-unreachable drop; }
}
NFT

A() { ip netns exec "$a" "$NFSK" "$@"; }

# burst N PAYLOAD SPORT DPORT: N datagrams in one window that the test then
# closes; prints the window's id. Fails when the window closed by itself.
burst() {
	local id0 id1
	id0=$(open_window_id "$a")
	ip netns exec "$a" python3 - <<PY
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.97.0.1", $3))
for i in range($1):
    s.sendto(b"x" * $2, ("10.97.0.2", $4))
PY
	id1=$(open_window_id "$a")
	close_window "$a" >&2 && [ "$id0" = "$id1" ] && echo "$id0"
}
# window_of N PAYLOAD SPORT DPORT: burst, again up to 3 times
window_of() {
	local i id
	for i in 1 2 3; do
		id=$(burst "$@") && { echo "$id"; return 0; }
		echo "# the burst's window is not the newest closed one; again" >&2
	done
	return 1
}

N1=40 P1=600 S1=41001 D1=9101
N2=70 P2=300 S2=41002 D2=9102
check "namespace a quiet before the test" wait_quiet "$a" 60
# Sample-and-Hold starts at p = 2^-16 per byte and doubles it every window
# whose table stays below half full, up to 2^-8: wait for the ceiling, where
# a datagram of a few hundred bytes is admitted with probability > 70 %, so
# that each test flow is held after its first few packets.
p_at_ceiling() {
	[ "$(A -j windows --last 1 | jq -r '.[0].sah_p_fx32')" -ge $((1 << 24)) ]
}
A config set window_ms=100	# eight windows take no time
check "sampling probability at its ceiling" wait_for 120 p_at_ceiling
check "a long window opened" open_long_window "$a"
W1=$(window_of $N1 $P1 $S1 $D1)
check "window 1 ($W1) closed with flow 1" test -n "$W1"
W2=$(window_of $N2 $P2 $S2 $D2)
check "window 2 ($W2) closed with flow 2" test -n "$W2"
check "two different windows" test "${W1:-x}" != "${W2:-x}"

# flow_check LABEL FILE N PAYLOAD: the flow object in FILE against the test's
# own numbers: the estimate exact (the window held no other traffic), held
# counts a lower bound, ports the sent ones.
flow_check() {
	local label=$1 f=$2 n=$3 pl=$4
	local bytes=$((n * (pl + 28)))
	check_eq "$label: estimated packets = sent" "$n" "$(jq -r .est_packets "$f")"
	check_eq "$label: estimated bytes = sent" "$bytes" "$(jq -r .est_bytes "$f")"
	check "$label: 0 < held packets <= sent" \
		eval "[ \"\$(jq -r .packets '$f')\" -gt 0 ] && [ \"\$(jq -r .packets '$f')\" -le $n ]"
	check "$label: held bytes <= sent" test "$(jq -r .bytes "$f")" -le $bytes
}

# ---- top --window: each window its own flow ------------------------------
for i in 1 2; do
	eval "W=\$W$i N=\$N$i P=\$P$i S=\$S$i D=\$D$i"
	eval "OS=\$S$((3 - i))"
	A -j top --window "$W" >"$tmp/top$i.json" 2>"$tmp/top$i.err"
	check_eq "top --window $W exits 0" 0 $?
	check_eq "top --window $W reads window $W" "$W" "$(jq -r .window_id "$tmp/top$i.json")"
	check_eq "top --window $W: window packets = sent" "$N" "$(jq -r .window_packets "$tmp/top$i.json")"
	jq ".flows[] | select(.sport == $S and .dport == $D and .src == \"10.97.0.1\")" \
		"$tmp/top$i.json" >"$tmp/f$i.json"
	check "top --window $W lists flow $i" test -s "$tmp/f$i.json"
	flow_check "top --window $W, flow $i" "$tmp/f$i.json" "$N" "$P"
	check_eq "top --window $W: not the other window's flow" "" \
		"$(jq ".flows[] | select(.sport == $OS)" "$tmp/top$i.json")"
	A top --window "$W" >"$tmp/top$i.txt" 2>&1
	sed 's/^/# /' "$tmp/top$i.txt"
	check "top --window $W (text) names window and flow" \
		eval "grep -q '^window $W:' '$tmp/top$i.txt' && grep -q '10.97.0.1 .*10.97.0.2 .*udp .*$S .*$D' '$tmp/top$i.txt'"
done
# without --window: the last closed window, W2 (no other has closed since:
# the open one is an hour long)
check_eq "top without --window reads the last window" "$W2" "$(A -j top | jq -r .window_id)"

# ---- query --window ------------------------------------------------------
A -j query proto udp src 10.97.0.1 dst 10.97.0.2 sport $S1 dport $D1 --window "$W1" \
	>"$tmp/q1.json"
check_eq "query --window $W1 of flow 1 exits 0" 0 $?
check_eq "query --window $W1: window id" "$W1" "$(jq -r .window_id "$tmp/q1.json")"
check_eq "query --window $W1: flow 1 held" true "$(jq -r .flow.held "$tmp/q1.json")"
jq .flow "$tmp/q1.json" >"$tmp/q1f.json"
flow_check "query --window $W1, flow 1" "$tmp/q1f.json" $N1 $P1
A -j query --window "$W1" proto udp src 10.97.0.1 dst 10.97.0.2 sport $S2 dport $D2 \
	>"$tmp/q12.json"
check_eq "query --window $W1 of flow 2: not held" false "$(jq -r .flow.held "$tmp/q12.json")"
check_eq "query --window $W1 of flow 2: no estimate of a past window" null \
	"$(jq -r .flow.est_packets "$tmp/q12.json")"
A query --window "$W1" proto udp src 10.97.0.1 dst 10.97.0.2 sport $S2 dport $D2 >"$tmp/q12.txt"
A query --window "$W1" proto udp src 10.97.0.1 dst 10.97.0.2 sport $S1 dport $D1 | sed 's/^/# /'
sed 's/^/# /' "$tmp/q12.txt"
check "query --window (text) says the flow is not among the top flows" \
	grep -q "not among window $W1's top flows" "$tmp/q12.txt"
# the last window, through --window or not: the sketch's estimate
A -j query proto udp src 10.97.0.1 dst 10.97.0.2 sport $S2 dport $D2 --window "$W2" \
	>"$tmp/q2.json"
jq .flow "$tmp/q2.json" >"$tmp/q2f.json"
flow_check "query --window $W2 (the last), flow 2" "$tmp/q2f.json" $N2 $P2
A query --src 10.97.0.1 --window "$W1" >/dev/null 2>"$tmp/qa.err"
check_eq "query --src of a past window: exit 1" 1 $?
check "query --src of a past window: says why" grep -q "last window only" "$tmp/qa.err"

# ---- windows --top -------------------------------------------------------
A -j windows --top >"$tmp/wt.json"
check_eq "windows --top exits 0" 0 $?
for i in 1 2; do
	eval "W=\$W$i N=\$N$i P=\$P$i S=\$S$i D=\$D$i"
	jq ".[] | select(.id == $W) | .top[] | select(.sport == $S and .dport == $D)" \
		"$tmp/wt.json" >"$tmp/wt$i.json"
	check "windows --top: window $W has flow $i" test -s "$tmp/wt$i.json"
	flow_check "windows --top, window $W" "$tmp/wt$i.json" "$N" "$P"
done
A windows --top >"$tmp/wt.txt"
sed 's/^/# /' "$tmp/wt.txt"
check "windows --top (text) lists the flows under their windows" \
	grep -q "#1 *udp 10.97.0.1:$S1 -> 10.97.0.2:$D1 " "$tmp/wt.txt"
check "windows without --top has no top flows" \
	test "$(A -j windows | jq '[.[] | select(has("top"))] | length')" = 0

# ---- ids not held --------------------------------------------------------
NEXT=$(open_window_id "$a")
A top --window $((NEXT + 1000)) >/dev/null 2>"$tmp/future.err"
check_eq "top --window of a window not closed yet: exit 1" 1 $?
sed 's/^/# /' "$tmp/future.err"
check "... says it has not closed" grep -q "not closed yet" "$tmp/future.err"
A top --window 0 >/dev/null 2>&1
check_eq "top --window 0: usage error" 2 $?
A top --window x >/dev/null 2>&1
check_eq "top --window x: usage error" 2 $?

# push W1 and W2 out of the 4-window ring: four more windows, each closed
# by the test, which leaves an hour-long one open (the ring stays as read)
w0=$(windows_closed "$a")
for i in $(seq 1 12); do
	windows_at_least "$a" $((w0 + 4)) && break
	close_window "$a"
done
check "four more windows closed" windows_at_least "$a" $((w0 + 4))
A -j windows >"$tmp/w.json"
OLDEST=$(jq -r '.[0].id' "$tmp/w.json")
echo "# held now: $(jq -c '[.[].id]' "$tmp/w.json")"
check "window $W1 left the history (oldest held $OLDEST)" test "$OLDEST" -gt "$W2"
A -j top --window "$W1" >"$tmp/gone.json" 2>"$tmp/gone.err"
check_eq "top --window of a dropped window: exit 1" 1 $?
sed 's/^/# /' "$tmp/gone.err"
check_eq "... and no output" "" "$(cat "$tmp/gone.json")"
check "... says it is not in the history" grep -q "not in the history\|no longer in the history" "$tmp/gone.err"
# Linux 6.2 and later format the extack: the oldest id held is named (the
# ring holds $OLDEST.. and nothing closes: the open window is an hour long)
case $(uname -r) in
6.1.*) ok "extack without ids on 6.1 (no formatted extack)" ;;
*) check "... names the oldest window held ($OLDEST)" grep -q "oldest held is $OLDEST" "$tmp/gone.err" ;;
esac
A query --window "$W2" proto udp src 10.97.0.1 dst 10.97.0.2 sport $S2 dport $D2 \
	>/dev/null 2>&1
check_eq "query --window of a dropped window: exit 1" 1 $?

tap_done
