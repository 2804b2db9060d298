#!/bin/bash
# vm-timeout: 900
# BGP session health from the data path: two bird2 peers (AS 65001 in A,
# AS 65002 in B, passive) over IPv4 and IPv6, eBGP multihop through a
# router namespace R whose hooks see their TCP segments; A proposes hold
# 9 s, B 12 s (negotiated: 9 s), keepalive 1 s, windows of 1 s in R,
# bgp_silence_permille 333 and bgp_hold_ms left at its default (90 s):
# the silence limit is 2997 ms only if the hold time is learned from the
# OPENs (29970 ms with bgp_hold_ms, after bird's 9 s hold timer).
#  0. `nfsketch bgp -j` in R: both sessions' hold_ms is bird's negotiated
#     hold time (`birdc show protocols all`: "Hold timer: x/9" in A and B;
#     min(9, 12) of the configs), learned from 2 OPENs;
#  1. established sessions over 30+ windows: no BGP_SESSION anywhere;
#  2. a blackhole (nft drop of port 179 in R's forward chain): BGP_SESSION
#     (retrans or silent) for both sessions, raised at a window close
#     before bird's hold timer took the session down (bird's own log of
#     the state change, in ms, the guest's one clock), and a silent one
#     with the limit 2997 ms, also before it (R's hooks run before the
#     drop: they see the KEEPALIVE sent after the blackhole came, so the
#     last new data can be up to a keepalive interval later than the last
#     the far bird received; a limit of 667 per mille of 9 s would come
#     after bird's hold timer);
#     the FINs bird sends then give closed;
#  3. `birdc restart` of the re-established IPv4 session: BGP_SESSION with
#     reason closed or reset for that connection.
#  4. `nfsketch bgp` in R lists the established connections (from `ss` in
#     A) with the bird peers' addresses, state open, and as many segments
#     as A and B sent on them (nft counters per connection in their output
#     hooks, read before and after the listing: before <= listed <= after).
# Oracle: bird's own view, `birdc show protocols`, polled; `ss` and nft
# counters in the peers.
. "$(dirname "$0")/lib.sh"

load_module || { not_ok "insmod"; tap_done; exit 1; }
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"

a=$(make_ns bgpa)
r=$(make_ns bgpr)
b=$(make_ns bgpb)
link() {	# link NS1 IF1 NS2 IF2
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" || return 1
	ip -n "$1" link set "$2" up
	ip -n "$3" link set "$4" up
}
ia=ba$NFSK_ID ra=bra$NFSK_ID rb=brb$NFSK_ID ib=bb$NFSK_ID
link "$a" "${ia:0:15}" "$r" "${ra:0:15}"
link "$r" "${rb:0:15}" "$b" "${ib:0:15}"
add_addr "$a" "${ia:0:15}" 10.61.1.1/24
add_addr "$a" "${ia:0:15}" fd61:1::1/64
add_addr "$r" "${ra:0:15}" 10.61.1.254/24
add_addr "$r" "${ra:0:15}" fd61:1::fe/64
add_addr "$r" "${rb:0:15}" 10.61.2.254/24
add_addr "$r" "${rb:0:15}" fd61:2::fe/64
add_addr "$b" "${ib:0:15}" 10.61.2.2/24
add_addr "$b" "${ib:0:15}" fd61:2::2/64
ip -n "$a" route add default via 10.61.1.254
ip -n "$a" -6 route add default via fd61:1::fe
ip -n "$b" route add default via 10.61.2.254
ip -n "$b" -6 route add default via fd61:2::fe
ip netns exec "$r" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1

nsr() { ip netns exec "$r" "$NFSK" "$@"; }
nsr config set window_ms=1000 bgp_silence_permille=333 \
	bgp_retrans_min=3 >/dev/null
fallback_ms=$(nsr -j config get | jq -r .bgp_hold_ms)
check "bgp_hold_ms (${fallback_ms:-?}) is not bird's hold time 9 s" \
	test -n "$fallback_ms" -a "$fallback_ms" != 9000
ip netns exec "$r" "$NFSK" -j monitor >"$tmp/mon" 2>/dev/null &
on_exit kill $!
check "monitor listening" wait_windows "$r" 2

# bird_conf NAME ROUTER-ID LOCAL4 LOCAL6 AS PEER4 PEER6 PEER-AS HOLD EXTRA
bird_conf() {
	local p
	cat >"$tmp/$1.conf" <<CONF
router id $2;
log "$tmp/$1.log" all;
timeformat log iso long ms;
debug protocols { states };
protocol device {}
CONF
	for p in 4 6; do
		local l n
		if [ $p = 4 ]; then l=$3 n=$6; else l=$4 n=$7; fi
		cat >>"$tmp/$1.conf" <<CONF
protocol bgp peer$p {
	local $l as $5;
	neighbor $n as $8;
	multihop 2;
	hold time $9;
	keepalive time 1;
	connect retry time 2;
	error wait time 1, 2;
	${10}
	ipv$p { import none; export none; };
}
CONF
	done
}
hold_a=9 hold_b=12
bird_conf a 10.61.1.1 10.61.1.1 fd61:1::1 65001 10.61.2.2 fd61:2::2 65002 $hold_a ""
bird_conf b 10.61.2.2 10.61.2.2 fd61:2::2 65002 10.61.1.1 fd61:1::1 65001 $hold_b "passive on;"
hold_neg=$(( hold_a < hold_b ? hold_a : hold_b ))
# per connection, by A's port: the segments A and B send on it (output
# hook: every segment once, before R's hooks see it)
count_conf() {	# count_conf V4-DST V6-DST A-PORT-MATCH
	cat <<NFT
table inet nfsk_cnt {
	set s4 { type inet_service; flags dynamic; counter; }
	set s6 { type inet_service; flags dynamic; counter; }
	chain out {
		type filter hook output priority 0;
		ip daddr $1 tcp $3 179 add @s4 { tcp ${4} }
		ip6 daddr $2 tcp $3 179 add @s6 { tcp ${4} }
	}
}
NFT
}
count_conf 10.61.2.2 fd61:2::2 dport sport | ip netns exec "$a" nft -f -
check "nft counters in A" test "${PIPESTATUS[1]}" = 0
count_conf 10.61.1.1 fd61:1::1 sport dport | ip netns exec "$b" nft -f -
check "nft counters in B" test "${PIPESTATUS[1]}" = 0
for n in a b; do
	ns=$a
	[ $n = b ] && ns=$b
	ip netns exec "$ns" bird -c "$tmp/$n.conf" -s "$tmp/$n.ctl" -P "$tmp/$n.pid"
	on_exit 'kill $(cat '"$tmp/$n"'.pid)'
done
# state N PROTO: bird's state of PROTO in A or B ("Established", ...)
state() {
	birdc -s "$tmp/$1.ctl" show protocols "$2" 2>/dev/null |
		awk -v p="$2" '$1 == p { print $NF }'
}
# down_ns PROTO AFTER: when bird (A or B, the earlier) logged PROTO leaving
# the up state after AFTER (ns since the epoch); empty if it did not
down_ns() {
	local n t first=
	for n in a b; do
		while read -r t; do
			t=$(date -d "$t" +%s%N)
			[ "$t" -gt "$2" ] || continue
			[ -z "$first" ] || [ "$t" -lt "$first" ] && first=$t
			break
		done < <(awk -v p="$1:" '$4 == p && tolower($0) ~ /state changed to stop/ { print $1, $2 }' \
			"$tmp/$n.log")
	done
	echo "$first"
}
up() { [ "$(state a "$1")" = Established ] && [ "$(state b "$1")" = Established ]; }
both_up() { up peer4 && up peer6; }
check "bird: both sessions Established" wait_for 60 both_up

# 0. the hold time learned from the OPENs: bird's negotiated one
# bird_hold N PROTO: the negotiated hold time bird A or B shows, s
bird_hold() {
	birdc -s "$tmp/$1.ctl" show protocols all "$2" 2>/dev/null |
		sed -n 's|^ *Hold timer: *[0-9.]*/\([0-9]*\)$|\1|p'
}
for p in 4 6; do
	check_eq "bird: IPv$p hold time negotiated in A and B, min($hold_a, $hold_b)" \
		"$hold_neg $hold_neg" "$(bird_hold a peer$p) $(bird_hold b peer$p)"
	check_eq "bgp -j: IPv$p session's hold_ms is bird's, from 2 OPENs" \
		"$(( $(bird_hold a peer$p) * 1000 )) 2" \
		"$(nsr -j bgp | jq -r --argjson f $p '.[] | select(.family == $f and .state == "open") | "\(.hold_ms) \(.opens)"')"
done
nsr bgp | sed 's/^/# /'

# alerts AFTER: BGP_SESSION alerts of windows after AFTER, one a line:
# "family src sport dst dport reason value baseline"
alerts() {
	jq -r --argjson w "$1" 'select(.type == "alert" and
		.alert.flag == "BGP_SESSION" and .alert.window_id > $w) |
		"\(.alert.flow.family) \(.alert.flow.src) \(.alert.flow.sport) \(.alert.flow.dst) \(.alert.flow.dport) \(.alert.reason) \(.alert.value) \(.alert.baseline) \(.alert.window_start_realtime_ns)"' \
		"$tmp/mon"
}
open_id() { nsr -j stats | jq -r .window_id; }
flagged_after() {
	nsr -j windows | jq -r --argjson w "$1" \
		'[.[] | select(.id > $w and (.flag_names | index("BGP_SESSION")))] | length'
}

# 1. clean: 30 windows after both sessions are up (and the open window
# of their establishment) raise nothing.
sleep_windows=32
w0=$(open_id)
check "30+ windows with the sessions up" wait_windows "$r" $sleep_windows 120
check "bird: sessions stayed Established" both_up
check_eq "clean: no BGP_SESSION alert" "" "$(alerts "$w0")"
check_eq "clean: no window flagged BGP_SESSION" 0 "$(flagged_after "$w0")"
check_eq "stats: two sessions tracked" 2 "$(nsr -j stats | jq -r .bgp_sessions)"

# the connections now up, by A's port (old ones may still send their FIN
# as the blackhole lifts: they are other connections)
port_of() {
	ip netns exec "$a" ss -Htn state established "dst $1" |
		awk '{ print $3 }' | sed 's/.*://' | head -n 1
}
# sent F P: segments A plus B sent on the IPv(F) connection of A's port P
sent() {
	local n c t=0
	for n in $a $b; do
		c=$(ip netns exec "$n" nft -j list set inet nfsk_cnt "s$1" |
			jq --argjson p "$2" '[.nftables[].set.elem // [] | .[].elem |
				select(.val == $p) | .counter.packets] | add // 0')
		t=$((t + c))
	done
	echo "$t"
}
# listed F P FIELD [FILE]: FIELD of the IPv(F) session on A's port P in
# `bgp -j` (now, or as FILE holds it)
listed() {
	if [ -n "${4:-}" ]; then cat "$4"; else nsr -j bgp; fi |
		jq -r --argjson f "$1" --argjson p "$2" \
		".[] | select(.family == \$f and (.sport == \$p or .dport == \$p)) | $3"
}
# 4. the listing: peers, state, segments bracketed by the nft counts
p4=$(port_of 10.61.2.2)
p6=$(port_of "[fd61:2::2]")
check "ss: the connections' ports ($p4, $p6)" test -n "$p4" -a -n "$p6"
nsr bgp | sed 's/^/# /'
nsr -j bgp >"$tmp/bgp.json"
check_eq "bgp: IPv4 session's peers are bird's" "10.61.1.1 10.61.2.2" \
	"$(listed 4 "$p4" '"\(.src) \(.dst)"' "$tmp/bgp.json")"
check_eq "bgp: IPv6 session's peers are bird's" "fd61:1::1 fd61:2::2" \
	"$(listed 6 "$p6" '"\(.src) \(.dst)"' "$tmp/bgp.json")"
check_eq "bgp: IPv4 session's ports" "$p4 179" \
	"$(listed 4 "$p4" '"\(.sport) \(.dport)"' "$tmp/bgp.json")"
check_eq "bgp: both sessions open" "open open" \
	"$(echo $(listed 4 "$p4" .state "$tmp/bgp.json") $(listed 6 "$p6" .state "$tmp/bgp.json"))"
# peer_retrans F P: the segments A and B retransmitted on the IPv(F)
# connection of A's port P, as their kernels count them (ss -i:
# retrans:now/total, absent while 0)
peer_retrans() {
	local t=0 c
	c=$(ip netns exec "$a" ss -Htin -"$1" state established "sport = :$2" |
		grep -o 'retrans:[0-9]*/[0-9]*' | head -n 1 | cut -d/ -f2)
	t=$((t + ${c:-0}))
	c=$(ip netns exec "$b" ss -Htin -"$1" state established "dport = :$2" |
		grep -o 'retrans:[0-9]*/[0-9]*' | head -n 1 | cut -d/ -f2)
	echo $((t + ${c:-0}))
}
# a clean session under an emulator may still see a tail loss probe
same_retrans() {
	local want got
	want=$(peer_retrans "$1" "$2")
	got=$(listed "$1" "$2" .retrans)
	echo "# IPv$1 port $2: retransmitted $want (ss in A and B), listed $got"
	[ "$want" = "$got" ] && [ "$want" -le 2 ]
}
check "bgp: IPv4 retransmissions = A's + B's (ss), at most 2" wait_for 30 same_retrans 4 "$p4"
check "bgp: IPv6 retransmissions = A's + B's (ss), at most 2" wait_for 30 same_retrans 6 "$p6"
check "bgp: last data from both ends within the silence limit (2997 ms)" test \
	"$(listed 4 "$p4" '[.src_data_age_ms, .dst_data_age_ms] | max' "$tmp/bgp.json")" -lt 2997
# bracketed F P: the listed segments between the counts before and after
bracketed() {
	local lo hi seg
	lo=$(sent "$1" "$2")
	seg=$(listed "$1" "$2" .segments)
	hi=$(sent "$1" "$2")
	echo "# IPv$1 port $2: sent before $lo, listed $seg, sent after $hi"
	[ -n "$seg" ] && [ "$lo" -gt 10 ] && [ "$lo" -le "$seg" ] && [ "$seg" -le "$hi" ]
}
check "bgp: IPv4 segments = A's + B's (nft)" wait_for 30 bracketed 4 "$p4"
check "bgp: IPv6 segments = A's + B's (nft)" wait_for 30 bracketed 6 "$p6"

# 2. blackhole: the flag comes while bird still says Established.
w1=$(open_id)
t_bh=$(date +%s%N)
ip netns exec "$r" nft -f - <<NFT
table inet nfsk_bh {
	chain bh_forward {
		type filter hook forward priority 0;
		tcp dport 179 drop
		tcp sport 179 drop
	}
}
NFT
both_alerted() {
	alerts "$w1" | awk '$1 == 4' | grep -q . &&
		alerts "$w1" | awk '$1 == 6' | grep -q .
}
check "blackhole: BGP_SESSION for both sessions" wait_for 60 both_alerted
down() { [ "$(state a "$1")" != Established ] && [ "$(state b "$1")" != Established ]; }
both_down() { down peer4 && down peer6; }
check "bird: the hold timer took both sessions down" wait_for 60 both_down
alerts "$w1" | sed 's/^/# /'
# The first alert of each session: its window closed (start + 1 s) before
# the earlier of A's and B's bird saw the session go down.
for p in 4 6; do
	first=$(alerts "$w1" | awk -v f=$p '$1 == f' | head -n 1)
	flag_ns=$(( $(echo "$first" | awk '{ print $9 }') + 1000000000 ))
	down_ns=$(down_ns peer$p "$t_bh")
	echo "# IPv$p: blackhole at $t_bh, flag at $flag_ns, bird down at ${down_ns:-?}"
	check "blackhole: IPv$p flag $(( (down_ns - flag_ns) / 1000000 )) ms before bird's session went down" \
		test -n "$down_ns" -a "$flag_ns" -lt "${down_ns:-0}"
	check_eq "blackhole: IPv$p first reason is retrans or silent" 1 \
		"$(echo "$first" | awk '$6 == "retrans" || $6 == "silent" { print 1 }')"
	check_eq "blackhole: IPv$p, 179 on the far end" "$p 179" \
		"$(echo "$first" | awk '{ print $1, $5 }')"
	# the silence, judged by the learned hold: 333 per mille of 9000 ms
	silent=$(alerts "$w1" | awk -v f=$p '$1 == f && $6 == "silent"' | head -n 1)
	check_eq "blackhole: IPv$p silent, limit 333 per mille of bird's hold" \
		"$(( hold_neg * 333 ))" "$(echo "$silent" | awk '{ print $8 }')"
	flag_ns=$(( $(echo "$silent" | awk '{ print $9 }') + 1000000000 ))
	check "blackhole: IPv$p silent $(( (down_ns - flag_ns) / 1000000 )) ms before bird's session went down" \
		test -n "$silent" -a -n "$down_ns" -a "$flag_ns" -lt "${down_ns:-0}"
done
check "the window with the first alert is flagged BGP_SESSION" \
	test "$(flagged_after "$w1")" -ge 1

# 3. reset: the sessions come back; a restart closes the IPv4 one.
ip netns exec "$r" nft delete table inet nfsk_bh
check "bird: sessions Established again" wait_for 120 both_up
wait_windows "$r" 3
p4=$(port_of 10.61.2.2)
p6=$(port_of "[fd61:2::2]")
check "ss: the new connections' ports ($p4, $p6)" test -n "$p4" -a -n "$p6"
# from the open window on: the restart's FIN may come before it closes
w2=$(( $(open_id) - 1 ))
birdc -s "$tmp/a.ctl" restart peer4 >/dev/null
# A's port of the connection, on whichever end the alert names it
closed() {
	alerts "$w2" | awk -v p="$p4" '$1 == 4 && ($3 == p || $5 == p) &&
		($6 == "closed" || $6 == "reset")' | grep -q .
}
check "restart: BGP_SESSION closed or reset for that IPv4 connection" wait_for 60 closed
alerts "$w2" | sed 's/^/# /'
check_eq "restart: no alert for the IPv6 connection" "" \
	"$(alerts "$w2" | awk -v p="$p6" '$1 == 6 && ($3 == p || $5 == p)')"
nsr stats | grep bgp_ | sed 's/^/# /'

check "rmmod" unload_module
tap_done
