#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Native test of `nfsketch merge` (no module): two routers' captures with
# known counts (selftests/cli/gen_fleet.py counts what it writes) replayed
# with one key into Count-Min dumps, merged, and checked against
#  - the cell-wise sum of the dumps (computed here, in python),
#  - the sketch of one router that saw both captures (replay of their
#    union: a Count-Min sketch is linear, so the two must be equal),
#  - the truth: truth <= estimate <= truth + ceil(e * N / w), N the packets
#    written (the bound holds with probability >= 1 - e^-d: the seed is
#    fixed, so a failure is a real change, not bad luck),
# and refusals of a dump with another key or geometry. TAP on stdout.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
NFSK=${NFSK:-$top/build/nfsketch}
KEY=00112233445566778899aabbccddeeff
KEY2=ffeeddccbbaa99887766554433221100
FLOW="proto udp src 10.1.0.1 dst 10.2.0.1 sport 5000 dport 6000"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}
py() {
	local script=$1
	shift
	python3 -c "$script" "$@" 2>&1 | sed 's/^/# /'
	return "${PIPESTATUS[0]}"
}
# fails CMD... PATTERN: CMD exits 1 and its stderr matches PATTERN
fails_with() {
	local pat=${*: -1} rc
	"${@:1:$#-1}" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 1 ] && grep -q -- "$pat" "$tmp/err" && return 0
	echo "# exit $rc, stderr: $(head -c 300 "$tmp/err")"
	return 1
}

dump() {	# PCAP OUT [replay options]
	local pcap=$1 out=$2
	shift 2
	"$NFSK" -j replay "$tmp/$pcap" --window-ms 10000 --sketch "$@" >"$tmp/$out" 2>/dev/null
}

python3 "$top/selftests/cli/gen_fleet.py" "$tmp" --background 300 --seed 1 || exit 1
dump a.pcap a.json --key $KEY --cms-width 64
dump b.pcap b.json --key $KEY --cms-width 64
dump ab.pcap ab.json --key $KEY --cms-width 64
dump b.pcap b-key2.json --key $KEY2 --cms-width 64
dump b.pcap b-wide.json --key $KEY --cms-width 128

check "dumps carry the key fingerprint, the same for the same key" py '
import json, sys
a, b, k2 = (json.load(open(f)) for f in sys.argv[1:])
print(a["key_fingerprint"], k2["key_fingerprint"])
sys.exit(not (len(a["key_fingerprint"]) == 16 and a["key_fingerprint"] == b["key_fingerprint"]
              and a["key_fingerprint"] != k2["key_fingerprint"]))' \
	"$tmp/a.json" "$tmp/b.json" "$tmp/b-key2.json"

"$NFSK" -j merge --sketch "$tmp/a.json" "$tmp/b.json" >"$tmp/ab-merged.json"
check "merge --sketch: every cell is the sum of the two dumps' cells" py '
import json, sys
a, b, m = (json.load(open(f)) for f in sys.argv[1:])
bad = [(r, k, i) for r in range(a["depth"]) for k in ("packets", "bytes")
       for i in range(a["width"])
       if m["rows"][r][k][i] != a["rows"][r][k][i] + b["rows"][r][k][i]]
print("%d cells differ" % len(bad))
sys.exit(bool(bad) or m["depth"] != a["depth"] or m["width"] != a["width"])' \
	"$tmp/a.json" "$tmp/b.json" "$tmp/ab-merged.json"
check "merge --sketch: equal to the sketch of one router that saw both captures" py '
import json, sys
m, u = (json.load(open(f)) for f in sys.argv[1:])
sys.exit(m["rows"] != u["rows"] or m["key_fingerprint"] != u["key_fingerprint"])' \
	"$tmp/ab-merged.json" "$tmp/ab.json"

"$NFSK" -j merge --key $KEY "$tmp/a.json" "$tmp/b.json" --query $FLOW >"$tmp/q.json"
for r in a b ab; do
	"$NFSK" -j replay "$tmp/$r.pcap" --key $KEY --cms-width 64 --window-ms 10000 \
		--query "$FLOW" --window 1 >"$tmp/q-$r.json" 2>/dev/null
done
check "merge --query: truth <= estimate <= truth + ceil(e N / w), packets and bytes" py '
import json, math, sys
q = json.load(open(sys.argv[1]))["query"][0]
t = json.load(open(sys.argv[2]))
f = t["flows"]["both"]
bad = 0
for u in ("packets", "bytes"):
    truth = f["a_" + u] + f["b_" + u]
    n = t["routers"]["a"][u] + t["routers"]["b"][u]
    bound = math.ceil(math.e * n / 64)
    print("%s: truth %d estimate %d bound %d (theory %d)" % (u, truth, q["est_" + u], q["err_" + u], bound))
    if not truth <= q["est_" + u] <= truth + bound or q["err_" + u] != bound:
        bad = 1
sys.exit(bad)' "$tmp/q.json" "$tmp/truth.json"
check "merge --query: the estimate of the union capture; at least the sum of each router's" py '
import json, sys
q = json.load(open(sys.argv[1]))["query"][0]
a, b, u = (json.load(open(f)) for f in sys.argv[2:])
print("merged %d, union %d, a %d + b %d" % (q["est_packets"], u["est_packets"], a["est_packets"], b["est_packets"]))
sys.exit(not (q["est_packets"] == u["est_packets"] and q["est_bytes"] == u["est_bytes"]
              and q["est_packets"] >= a["est_packets"] + b["est_packets"]
              and q["est_bytes"] >= a["est_bytes"] + b["est_bytes"]))' \
	"$tmp/q.json" "$tmp/q-a.json" "$tmp/q-b.json" "$tmp/q-ab.json"

# Wide enough for no collision of the named flows: then each router's
# estimate is its truth and the merged one is exactly their sum.
dump a.pcap a-w.json --key $KEY --cms-width 65536
dump b.pcap b-w.json --key $KEY --cms-width 65536
"$NFSK" -j merge --key $KEY "$tmp/a-w.json" "$tmp/b-w.json" --query $FLOW >"$tmp/qw.json"
for r in a b; do
	"$NFSK" -j replay "$tmp/$r.pcap" --key $KEY --cms-width 65536 --window-ms 10000 \
		--query "$FLOW" --window 1 >"$tmp/qw-$r.json" 2>/dev/null
done
check "wide sketch: merged estimate == sum of the two routers' estimates == truth" py '
import json, sys
q = json.load(open(sys.argv[1]))["query"][0]
a, b, t = (json.load(open(f)) for f in sys.argv[2:])
f = t["flows"]["both"]
print("merged %d, a %d + b %d, truth %d" % (q["est_packets"], a["est_packets"], b["est_packets"], f["a_packets"] + f["b_packets"]))
sys.exit(not (q["est_packets"] == a["est_packets"] + b["est_packets"] == f["a_packets"] + f["b_packets"]
              and q["est_bytes"] == a["est_bytes"] + b["est_bytes"] == f["a_bytes"] + f["b_bytes"]))' \
	"$tmp/qw.json" "$tmp/qw-a.json" "$tmp/qw-b.json" "$tmp/truth.json"

"$NFSK" -j merge --key $KEY --top 5 "$tmp/a.json" "$tmp/b.json" >"$tmp/top.json"
check "merge --top: the shared heavy flow first, held <= truth <= estimate" py '
import json, sys
m = json.load(open(sys.argv[1])); t = json.load(open(sys.argv[2]))
f = t["flows"]["both"]; top = m["top"][0]
truth = f["a_bytes"] + f["b_bytes"]
print("held %d truth %d est %d; fleet %d packets" % (top["held_bytes"], truth, top["est_bytes"], m["packets"]))
sys.exit(not ((top["src"], top["dport"]) == (f["src"], f["dport"])
              and top["held_bytes"] <= truth <= top["est_bytes"]
              and m["packets"] == t["routers"]["a"]["packets"] + t["routers"]["b"]["packets"]))' \
	"$tmp/top.json" "$tmp/truth.json"

check "another key: refused, naming the dump" fails_with \
	"$NFSK" merge "$tmp/a.json" "$tmp/b-key2.json" "b-key2.json: key fingerprint"
check "another geometry: refused, naming the dump" fails_with \
	"$NFSK" merge "$tmp/a.json" "$tmp/b-wide.json" "b-wide.json: geometry"
check "--key that is not the dumps': refused" fails_with \
	"$NFSK" merge --key $KEY2 --top 3 "$tmp/a.json" "$tmp/b.json" "is not the dumps'"
check "--query without --key: usage error" bash -c \
	"'$NFSK' merge '$tmp/a.json' --query $FLOW 2>/dev/null; [ \$? -eq 2 ]"
# three dumps whose cells reach 2^63 - 1 overflow a 64-bit sum
py '
import json, sys
d = json.load(open(sys.argv[1]))
for r in d["rows"]:
    r["bytes"][0] += 2**63 - 1 - sum(r["bytes"])
json.dump(d, open(sys.argv[2], "w"))' "$tmp/a.json" "$tmp/big.json"
check "a counter overflow is refused, not wrapped" fails_with \
	"$NFSK" merge "$tmp/big.json" "$tmp/big.json" "$tmp/big.json" "overflow"
check "not a dump: refused" fails_with "$NFSK" merge "$tmp/truth.json" "not a sketch dump"

echo "1..$n"
[ "$failed" -eq 0 ]
