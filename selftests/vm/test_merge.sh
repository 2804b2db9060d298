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

r1=$(sender_ns r1)
r2=$(sender_ns r2)
check "two routers" test -n "$r1" -a -n "$r2"

R() { local ns=$1; shift; ip netns exec "$ns" "$NFSK" "$@"; }

# ---- one key, one fingerprint -------------------------------------------
fp0=$(R "$r1" -j config get | jq -r .key_fingerprint)
check "config get shows a 16-digit key fingerprint" \
	eval "[[ '$fp0' =~ ^[0-9a-f]{16}\$ ]]"
check_eq "two namespaces start with different (random) keys" 1 \
	"$([ "$fp0" != "$(R "$r2" -j config get | jq -r .key_fingerprint)" ] && echo 1)"
for r in "$r1" "$r2"; do
	R "$r" config set hash_key=$KEY window_ms=1000
done
# The key makes a new sketch, whose Sample-and-Hold starts at p = 2^-16 (a
# sample per 64 KiB: this test's flows would be held by chance) and doubles
# p at each window that held little: ten short empty windows bring it to
# its ceiling, 2^-8 (a sample per 256 bytes), before the traffic.
for r in "$r1" "$r2"; do
	check "$r: ten windows closed since the new key" wait_windows "$r" 10 60
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
	window "$r1" "send_udp $r1 $N1 $PL 5000 6000"
check "router 2: a window with $N2 of F and $NG of G" \
	window "$r2" "send_udp $r2 $N2 $PL 5000 6000; send_udp $r2 $NG $PL 5001 6001"
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
check "router 2 with another key: a window" window "$r2" "send_udp $r2 10 $PL 5000 6000"
"$NFSK" merge "$tmp/$r1.json" "$tmp/$r2.json" >/dev/null 2>"$tmp/err"
check_eq "merge of another key's dump: exit 1" 1 $?
sed 's/^/# /' "$tmp/err"
check "the error names the dump and the fingerprint" grep -q "$r2.json: key fingerprint" "$tmp/err"

tap_done
