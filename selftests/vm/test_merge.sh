#!/bin/bash
# Fleet: two "routers" (namespaces r1, r2, each with its own sink) are given
# one hash key with `config set hash_key=`; both publish the same key
# fingerprint (the one `replay --key` computes for that key: kernel and
# core agree), never the key. Each sends known UDP datagrams in a window the
# test closes; `sketch -j` of each, merged by `nfsketch merge`, estimates
# the flow both carried at exactly the sum sent (the windows hold no other
# traffic), with the fleet's totals; a router with another key is refused.
. "$(dirname "$0")/lib.sh"

modprobe -q veth
load_module || { not_ok "insmod"; tap_done; exit 1; }
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"
KEY=0123456789abcdef0011223344556677
KEY2=77665544332211000123456789abcdef

# router NAME: a namespace with a sink behind a veth, 10.96.0.1 -> .2 (the
# same addresses in both: the fleet sees one flow), static neighbours, the
# sink's port unreachables dropped: only the test's datagrams are counted.
router() {
	local r s ir is
	r=$(make_ns "$1") || return 1
	s=$(make_ns "$1s") || return 1
	ir=m$1$NFSK_ID is=n$1$NFSK_ID
	ir=${ir:0:15} is=${is:0:15}
	no_ipv6 "$r"
	no_ipv6 "$s"
	ip link add "$ir" netns "$r" type veth peer name "$is" netns "$s" || return 1
	ip -n "$r" link set "$ir" up
	ip -n "$s" link set "$is" up
	ip -n "$r" addr add 10.96.0.1/24 dev "$ir"
	ip -n "$s" addr add 10.96.0.2/24 dev "$is"
	ip -n "$r" neigh replace 10.96.0.2 lladdr \
		"$(ip -n "$s" -j link show "$is" | jq -r '.[0].address')" dev "$ir" nud permanent
	ip -n "$s" neigh replace 10.96.0.1 lladdr \
		"$(ip -n "$r" -j link show "$ir" | jq -r '.[0].address')" dev "$is" nud permanent
	ip netns exec "$s" nft -f - <<NFT || return 1
table inet nfsk_test {
	chain out { type filter hook output priority 0; icmp type destination-unreachable drop; }
}
NFT
	echo "$r"
}
r1=$(router r1)
r2=$(router r2)
check "two routers" test -n "$r1" -a -n "$r2"

R() { local ns=$1; shift; ip netns exec "$ns" "$NFSK" "$@"; }

# ---- one key, one fingerprint -------------------------------------------
fp0=$(R "$r1" -j config get | jq -r .key_fingerprint)
check "config get shows a 16-digit key fingerprint" \
	eval "[[ '$fp0' =~ ^[0-9a-f]{16}\$ ]]"
check_eq "two namespaces start with different (random) keys" 1 \
	"$([ "$fp0" != "$(R "$r2" -j config get | jq -r .key_fingerprint)" ] && echo 1)"
for r in "$r1" "$r2"; do
	R "$r" config set hash_key=$KEY
done
python3 - "$tmp/one.pcap" <<'PY'
import struct, sys
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))
    ip = bytes.fromhex("450000140000000040ff0000") + bytes([10, 0, 0, 1, 10, 0, 0, 2])
    f.write(struct.pack("<IIII", 1700000000, 0, len(ip), len(ip)) + ip)
PY
want=$("$NFSK" -j replay "$tmp/one.pcap" --key $KEY --sketch 2>/dev/null | jq -r .key_fingerprint)
check_eq "router 1: the fingerprint of the key set (as replay computes it)" "$want" \
	"$(R "$r1" -j config get | jq -r .key_fingerprint)"
check_eq "router 2: the same fingerprint" "$want" \
	"$(R "$r2" -j config get | jq -r .key_fingerprint)"
R "$r1" config get >"$tmp/cfg.txt"
check "config get (text) shows it" grep -q "^key_fingerprint *$want\$" "$tmp/cfg.txt"
R "$r1" -j config get >"$tmp/cfg.json"
check "config get never shows the key" \
	eval "! grep -qi -e '$KEY' -e hash_key '$tmp/cfg.json' '$tmp/cfg.txt'"

# send NS N PAYLOAD SPORT DPORT: N datagrams 10.96.0.1:SPORT -> .2:DPORT
send() {
	ip netns exec "$1" python3 - "$2" "$3" "$4" "$5" <<'PY'
import socket, sys
n, pl, sp, dp = map(int, sys.argv[1:])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.96.0.1", sp))
for i in range(n):
    s.sendto(b"x" * pl, ("10.96.0.2", dp))
PY
}

# window NS SENDS...: a long empty window, the datagrams, closed by the
# test; the sketch of exactly that window into $tmp/NS.json. Again (up to
# three times) when the window closed by itself meanwhile.
window() {
	local ns=$1 i id0 id1
	shift
	for i in 1 2 3; do
		open_long_window "$ns" || continue
		id0=$(open_window_id "$ns")
		eval "$@"
		id1=$(open_window_id "$ns")
		close_window "$ns" || continue
		[ "$id0" = "$id1" ] || continue
		R "$ns" -j sketch >"$tmp/$ns.json" || continue
		[ "$(jq -r .window_id "$tmp/$ns.json")" = "$id0" ] && return 0
	done
	return 1
}
N1=300 N2=200 NG=80 PL=100
check "router 1: a window with $N1 datagrams of flow F" \
	window "$r1" "send $r1 $N1 $PL 5000 6000"
check "router 2: a window with $N2 of F and $NG of G" \
	window "$r2" "send $r2 $N2 $PL 5000 6000; send $r2 $NG $PL 5001 6001"
check_eq "sketch -j carries the shared fingerprint" "$want" \
	"$(jq -r .key_fingerprint "$tmp/$r1.json")"

F="proto udp src 10.96.0.1 dst 10.96.0.2 sport 5000 dport 6000"
"$NFSK" -j merge --key $KEY "$tmp/$r1.json" "$tmp/$r2.json" --query $F >"$tmp/m.json"
check_eq "merge exits 0" 0 $?
check_eq "fleet packets = all sent" $((N1 + N2 + NG)) "$(jq -r .packets "$tmp/m.json")"
check_eq "fleet bytes = all sent" $(((N1 + N2 + NG) * (PL + 28))) "$(jq -r .bytes "$tmp/m.json")"
check_eq "F: merged estimate = packets sent on both routers" $((N1 + N2)) \
	"$(jq -r '.query[0].est_packets' "$tmp/m.json")"
check_eq "F: merged byte estimate = bytes sent on both" $(((N1 + N2) * (PL + 28))) \
	"$(jq -r '.query[0].est_bytes' "$tmp/m.json")"
check_eq "F: the bound is ceil(e * N / w)" \
	"$(python3 -c "import math; print(math.ceil(math.e * $((N1 + N2 + NG)) / $(jq -r .width "$tmp/m.json")))")" \
	"$(jq -r '.query[0].err_packets' "$tmp/m.json")"
"$NFSK" -j merge --key $KEY --top 2 "$tmp/$r1.json" "$tmp/$r2.json" >"$tmp/top.json"
check "top candidates: F first, held <= sent <= estimate" \
	eval "jq -e '.top[0] | .sport == 5000 and .held_packets <= $((N1 + N2)) and .est_packets >= $((N1 + N2))' '$tmp/top.json' >/dev/null"
"$NFSK" merge --key $KEY --top 2 "$tmp/$r1.json" "$tmp/$r2.json" --query $F | sed 's/^/# /'

# ---- another key: refused ------------------------------------------------
R "$r2" config set hash_key=$KEY2
cp "$tmp/$r2.json" "$tmp/r2-key1.json"
check "router 2 with another key: a window" window "$r2" "send $r2 10 $PL 5000 6000"
"$NFSK" merge "$tmp/$r1.json" "$tmp/$r2.json" >/dev/null 2>"$tmp/err"
check_eq "merge of another key's dump: exit 1" 1 $?
sed 's/^/# /' "$tmp/err"
check "the error names the dump and the fingerprint" grep -q "$r2.json: key fingerprint" "$tmp/err"

tap_done
