#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The short form of `make eval` (in make check): the generator, the replay
# and the scorer end to end on a few scenarios, one run each, 200 windows.
# Checks that the pipeline works and that the scores are the truth's, not
# the core's: a flood of 20x must be found (an episode with a flag in it),
# and the scorer must count a hand-made prediction exactly (its oracle).
# TAP on stdout.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
out=$(mktemp -d "$top/build/eval-short.XXXXXX") || exit 1
trap 'rm -rf "$out"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }

# 1. the scorer against a hand-computed oracle
if python3 - <<'PY'
import sys
sys.path.insert(0, "selftests/eval")
import eval as ev
truth = {"episodes": [{"start": 3, "end": 5}],
         "per_window": [{"id": i, "anomalous": 3 <= i <= 5} for i in range(1, 11)]}
# flagged: 4, 5 (inside), 8 (outside) -> tp 2, fp 1, fn 1, 7 clean windows
wins = [{"id": i, "flags": 1 if i in (4, 5, 8) else 0} for i in range(1, 11)]
r = ev.score([(truth, wins)], lambda w: w["flags"])
want = {"tp": 2, "fp": 1, "fn": 1, "clean_windows": 7, "episodes_found": 1,
        "delay_mean": 1.0, "episode_precision": 0.5}
bad = {k: (r[k], v) for k, v in want.items() if r[k] != v}
assert abs(r["f1"] - 2 / 3) < 1e-9, r["f1"]
assert abs(r["false_per_100_clean"] - 100 / 7) < 1e-9
sys.exit(1 if bad else 0)
PY
then ok "scorer counts a hand-made prediction as its oracle says"; else not_ok "scorer oracle"; fi

# 2. generator + replay + scorer, end to end
if python3 selftests/eval/eval.py --runs 1 --windows 200 --profiles defaults \
	--scenarios clean,flood20,syn100,hh,withdraw60 --out "$out" --tap >"$out/tap" 2>"$out/log"; then
	ok "eval pipeline ran (5 scenarios, one of routes, 200 windows)"
else
	not_ok "eval pipeline: $(tail -3 "$out/log")"
fi
sed 's/^/# /' "$out/tap"
for s in flood20 hh withdraw60; do
	if python3 -c "
import json, sys
r = json.load(open('$out/results.json'))['defaults/$s']
sys.exit(0 if r['episodes_found'] >= 1 else 1)"; then
		ok "$s: an injected episode is flagged"
	else
		not_ok "$s: no injected episode flagged"
	fi
done
# 60 % of the BGP table withdrawn in a second: over withdraw_burst_permille
# (500) by the rule's definition, so WITHDRAW_BURST in each withdrawal window
if python3 -c "
import json, sys
r = json.load(open('$out/results.json'))['defaults/withdraw60']
b = r['detectors']['ROUTE_WITHDRAW_BURST']
print('# burst tp %d fp %d' % (b['tp'], b['fp']))
sys.exit(0 if b['tp'] == 2 and b['fp'] == 0 else 1)"; then
	ok "withdraw60: ROUTE_WITHDRAW_BURST in both withdrawal windows, nowhere else"
else
	not_ok "withdraw60: ROUTE_WITHDRAW_BURST not exactly in the two withdrawal windows"
fi
for s in clean flood20 syn100 hh withdraw60; do
	if [ -s "$out/defaults-$s.svg" ] && grep -q '</svg>' "$out/defaults-$s.svg"; then
		ok "$s: SVG written"
	else
		not_ok "$s: no SVG"
	fi
done
# 3. replay --query and the flags' reasons, against the generator's truth
NFSK=${NFSK:-$top/build/nfsketch}
build/eval-gen hh 7 140 "$out/hh.truth" >"$out/hh.pcap"
R="--window-ms 1000 --min-packets 1000 --min-bytes 200000"
# the new flow: 100.64.0.1:51515 -> 198.51.100.153:443, tcp, windows 70..89
"$NFSK" -j replay "$out/hh.pcap" $R --window 75 \
	--query 'proto tcp src 100.64.0.1 dst 198.51.100.153 sport 51515 dport 443' >"$out/qf" 2>/dev/null
"$NFSK" -j replay "$out/hh.pcap" $R --window 75 --query 100.64.0.1 >"$out/qa" 2>/dev/null
"$NFSK" -j replay "$out/hh.pcap" $R --window 141 --query 100.64.0.1 >/dev/null 2>&1
rc_past=$?
"$NFSK" -j replay "$out/hh.pcap" $R >"$out/all" 2>/dev/null
if python3 - "$out" <<'PY'
import json, sys
d = sys.argv[1]
t = json.load(open(d + "/hh.truth"))
truth = t["per_window"][74]["injected_packets"]   # window 75: the flow's packets
qf, qa = json.load(open(d + "/qf")), json.load(open(d + "/qa"))
bad = []
# Count-Min: never below the truth, above it by at most the bound (w.h.p.)
if not truth <= qf["est_packets"] <= truth + qf["err_packets"]:
    bad.append("flow estimate %d not in [%d, %d]" % (qf["est_packets"], truth, truth + qf["err_packets"]))
if qf.get("held_packets", 0) > truth or "held_packets" not in qf:
    bad.append("held %s above truth %d or missing" % (qf.get("held_packets"), truth))
if not truth <= qa["src_packets"] <= truth + qa["err_packets"]:
    bad.append("address estimate %d not in [%d, %d]" % (qa["src_packets"], truth, truth + qa["err_packets"]))
if qf["window_packets"] != t["per_window"][74]["base_packets"] + truth:
    bad.append("window packets %d, generated %d" % (qf["window_packets"], t["per_window"][74]["base_packets"] + truth))
# every flag has a reason; a series reason's value is the window's value
names = {"packets": "packets", "bytes": "bytes", "src_entropy": "src_entropy_mbits",
         "dst_entropy": "dst_entropy_mbits"}
nflag = 0
for w in json.load(open(d + "/all"))["windows"]:
    got = {r["flag"] for r in w["alerts"]}
    if got != set(w["flag_names"]) - {"ROUTE_FLAP"}:
        bad.append("window %d: flags %s, alerts for %s" % (w["id"], w["flag_names"], sorted(got)))
    for r in w["alerts"]:
        nflag += 1
        if "detector" in r and r["series"] in names and r["value"] != w[names[r["series"]]]:
            bad.append("window %d: reason value %d, window %d" % (w["id"], r["value"], w[names[r["series"]]]))
        if r["flag"] == "HEAVY_HITTER" and not r["value"] > r["threshold_bytes"]:
            bad.append("window %d: heavy hitter not above its threshold" % w["id"])
if nflag == 0:
    bad.append("no flag at all in the hh capture")
if bad:
    print("\n".join(bad[:10]))
sys.exit(1 if bad else 0)
PY
then ok "replay --query (flow, address) within the Count-Min bound of the truth; every flag has its reason"
else not_ok "replay --query / reasons against the truth"; fi
if [ "$rc_past" -ne 0 ]; then ok "replay --query past the last window fails"; else not_ok "replay --query past the end succeeded"; fi
echo "1..$n"
[ "$failed" -eq 0 ]
