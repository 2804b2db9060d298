#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Native tests of `nfsketch replay` (no VM, no module): captures written by
# scripts/gen-pcap.py with known content are replayed and checked against
# the generator's oracle, which knows from how each packet was built what
# the kernel's hooks would count. TAP on stdout; non-zero exit on failure.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
NFSK=${NFSK:-$top/build/nfsketch}
GEN="python3 $top/scripts/gen-pcap.py"
KEY=00112233445566778899aabbccddeeff

mkdir -p build
tmp=$(mktemp -d "$top/build/replay-test.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# rc_is EXPECTED CMD...: CMD exits with EXPECTED (output discarded)
rc_is() {
	local want=$1 rc
	shift
	"$@" >"$tmp/rc.out" 2>"$tmp/rc.err"
	rc=$?
	[ "$rc" -eq "$want" ] || { echo "# exit $rc, wanted $want: $(head -c 300 "$tmp/rc.err")"; return 1; }
}

replay() { "$NFSK" -j replay "$@" --key "$KEY" --window-ms 1000; }

# py SCRIPT ARGS...: run a python check; its stdout becomes TAP comments
py() {
	local script=$1
	shift
	python3 -c "$script" "$@" 2>&1 | sed 's/^/# /'
	return "${PIPESTATUS[0]}"
}

# Windows and summary against the oracle.
CHECK_ORACLE='
import json, sys
o = json.load(open(sys.argv[1])); r = json.load(open(sys.argv[2]))
bad = 0
if len(o["windows"]) != len(r["windows"]):
    print("windows: oracle %d, replay %d" % (len(o["windows"]), len(r["windows"]))); bad = 1
for a, b in zip(o["windows"], r["windows"]):
    for k in a:
        if a[k] != b.get(k):
            print("window %d %s: oracle %s, replay %s" % (a["id"], k, a[k], b.get(k))); bad = 1
for k in ("packets", "truncated", "unknown"):
    if o["summary"][k] != r["summary"][k]:
        print("summary %s: oracle %s, replay %s" % (k, o["summary"][k], r["summary"][k])); bad = 1
sys.exit(bad)'

# Every flow of >= 100 kB is in its window top list with its exact key,
# held <= truth <= CMS estimate <= truth + bound; the heaviest is first.
CHECK_HEAVY='
import json, sys
o = json.load(open(sys.argv[1])); r = json.load(open(sys.argv[2]))
bad = 0
wins = {w["id"]: w for w in r["windows"] if "id" in w}
first = {}
for h in o["heavy"]:
    first.setdefault(h["window"], h)
    w = wins[h["window"]]
    k = (h["src"], h["dst"], h["proto"], h["sport"], h["dport"])
    t = [t for t in w["top"] if (t["src"], t["dst"], t["proto"], t["sport"], t["dport"]) == k]
    if not t:
        print("window %d: flow %s not in the top list" % (h["window"], k)); bad = 1; continue
    t = t[0]
    if not (t["bytes"] <= h["bytes"] <= t["est_bytes"] <= h["bytes"] + t["err_bytes"]):
        print("window %d %s bytes: held %d truth %d est %d bound %d" % (h["window"], k,
              t["bytes"], h["bytes"], t["est_bytes"], t["err_bytes"])); bad = 1
    if not (t["packets"] <= h["packets"] <= t["est_packets"] <= h["packets"] + t["err_packets"]):
        print("window %d %s packets: held %d truth %d est %d" % (h["window"], k,
              t["packets"], h["packets"], t["est_packets"])); bad = 1
for wid, h in first.items():
    t = wins[wid]["top"][0]
    if (t["src"], t["dst"], t["sport"], t["dport"]) != (h["src"], h["dst"], h["sport"], h["dport"]):
        print("window %d: first flow %s, heaviest is %s" % (wid, t, h)); bad = 1
print("%d heavy flows checked" % len(o["heavy"]))
sys.exit(bad)'

# Same windows (everything, top flows included) in two outputs.
SAME_WINDOWS='
import json, sys
a = json.load(open(sys.argv[1]))["windows"]; b = json.load(open(sys.argv[2]))["windows"]
sys.exit(0 if a == b else 1)'

SUMMARY_FIELD='
import json, sys
print(json.load(open(sys.argv[1]))["summary"][sys.argv[2]])'

[ -x "$NFSK" ] || { echo "not ok 1 - $NFSK not built (make tools)"; echo "1..1"; exit 1; }

# ---- Ethernet, pcap: the oracle --------------------------------------------
$GEN "$tmp/eth.pcap" --link eth --oracle "$tmp/eth.oracle"
replay "$tmp/eth.pcap" >"$tmp/eth.json"
check "replay of an Ethernet pcap exits 0" test $? -eq 0
check "-j output is valid JSON" python3 -m json.tool "$tmp/eth.json" /dev/null
check "windows (packets, bytes, protocols, families, truncated) and summary match the oracle" \
	py "$CHECK_ORACLE" "$tmp/eth.oracle" "$tmp/eth.json"
check "heavy flows listed with exact keys, held <= truth <= CMS <= truth + bound" \
	py "$CHECK_HEAVY" "$tmp/eth.oracle" "$tmp/eth.json"
check "empty window in between: one empty-run entry, ids 2..2, 4 windows in all" \
	py 'import json,sys; j=json.load(open(sys.argv[1])); w=j["windows"]; sys.exit(not (len(w)==4 and w[1]=={"empty_windows":1,"first_id":2,"last_id":2,"start_realtime_ns":1700000001000000000,"end_realtime_ns":1700000002000000000,"start_time":"2023-11-14T22:13:21Z","end_time":"2023-11-14T22:13:22Z"} and w[2]["id"]==3 and j["summary"]["windows"]==4))' "$tmp/eth.json"
check "no flags with default thresholds" \
	py 'import json,sys; sys.exit(any(w.get("flags") for w in json.load(open(sys.argv[1]))["windows"]))' "$tmp/eth.json"
check "no held flow above its CMS estimate (cms_check_fail 0)" \
	py 'import json,sys; sys.exit(any(w.get("cms_check_fail") for w in json.load(open(sys.argv[1]))["windows"]))' "$tmp/eth.json"
# Natural units: every fixed-point value of the JSON has its twin in the
# natural unit, equal to the raw value over its scale (exactly: both are
# written as decimals of the same integer).
NATURAL='
import json, sys
from decimal import Decimal
twins = {"src_entropy_mbits": ("src_entropy_bits", 1000),
         "dst_entropy_mbits": ("dst_entropy_bits", 1000),
         "sah_p_fx32": ("sah_p", 2 ** 32),
         "score_milli_sigma": ("score_sigma", 1000),
         "baseline_mean_milli": ("baseline_mean", 1000),
         "baseline_sigma_milli": ("baseline_sigma", 1000),
         "upper_milli": ("upper", 1000), "lower_milli": ("lower", 1000),
         "drift_permille_per_window": ("drift_per_window", 1000),
         "share_permille": ("share", 1000)}
n = bad = 0
def same(raw, nat, scale, key):
    global n, bad
    n += 1
    want = Decimal(raw) / scale
    # share_permille is truncated, share exact: within a permille
    tol = Decimal(1) / 1000 if key == "share_permille" else Decimal("1e-9")
    if abs(Decimal(repr(nat)) - want) > tol:
        bad += 1
        print("%s %s: %s, %s = %s" % (key, raw, want, twins[key][0], nat))
def walk(o):
    if isinstance(o, list):
        for x in o:
            walk(x)
    if not isinstance(o, dict):
        return
    for k, v in o.items():
        if k in twins:
            nk, scale = twins[k]
            if nk not in o:
                global bad
                bad += 1
                print("%s without %s" % (k, nk))
            elif isinstance(v, dict):
                for s in v:
                    same(v[s], o[nk][s], scale, k)
            else:
                same(v, o[nk], scale, k)
        walk(v)
walk(json.load(open(sys.argv[1])))
print("%d natural-unit values checked" % n)
sys.exit(bad or n < 50)
'
check "every fixed-point value has its natural-unit twin, raw / scale" \
	py "$NATURAL" "$tmp/eth.json"

# ---- same packets: pcap with ns timestamps and pcapng ---------------------
for fmt in pcapng pcap-ns; do
	$GEN "$tmp/eth.$fmt" --link eth --format "$fmt"
	replay "$tmp/eth.$fmt" | sed 's/"file":"[^"]*",//' >"$tmp/eth.$fmt.json"
	sed 's/"file":"[^"]*",//' "$tmp/eth.json" | cmp -s - "$tmp/eth.$fmt.json"
	check "$fmt gives output identical to pcap" test $? -eq 0
done
"$NFSK" replay "$tmp/eth.pcap" --key "$KEY" --window-ms 1000 >"$tmp/eth.txt"
"$NFSK" replay "$tmp/eth.pcapng" --key "$KEY" --window-ms 1000 >"$tmp/eth.pcapng.txt"
check "text output: pcap and pcapng identical (but the file name)" \
	bash -c 'cmp -s <(tail -n +2 "$1") <(tail -n +2 "$2")' _ "$tmp/eth.txt" "$tmp/eth.pcapng.txt"
check "text output has a summary line" grep -q '^summary: 3543 packets read (ethernet): 3534 IP, 4 truncated, 5 unknown' "$tmp/eth.txt"

# ---- every link type: the same windows -------------------------------------
for link in vlan qinq sll sll2 raw; do
	$GEN "$tmp/$link.pcapng" --link "$link" --format pcapng --oracle "$tmp/$link.oracle"
	replay "$tmp/$link.pcapng" >"$tmp/$link.json"
	check "$link: windows identical to Ethernet" py "$SAME_WINDOWS" "$tmp/eth.json" "$tmp/$link.json"
	check "$link: summary matches the oracle" py "$CHECK_ORACLE" "$tmp/$link.oracle" "$tmp/$link.json"
done
check_eq_field() {
	local got
	got=$(python3 -c "$SUMMARY_FIELD" "$1" "$2")
	[ "$got" = "$3" ] || { echo "# $2 = $got, wanted $3"; return 1; }
}
check "raw IP: no ARP, unknown 0" check_eq_field "$tmp/raw.json" unknown 0
check "SLL2: ARP frames counted as unknown (5)" check_eq_field "$tmp/sll2.json" unknown 5
for link in ipv4 ipv6; do
	$GEN "$tmp/$link.pcap" --link "$link" --oracle "$tmp/$link.oracle"
	replay "$tmp/$link.pcap" >"$tmp/$link.json"
	check "LINKTYPE_${link^^}: windows and summary match the oracle" \
		py "$CHECK_ORACLE" "$tmp/$link.oracle" "$tmp/$link.json"
done

# ---- the sketch dump -------------------------------------------------------
"$NFSK" -j replay "$tmp/eth.pcap" --key "$KEY" --window-ms 1000 --sketch >"$tmp/sketch.json"
check "--sketch: valid JSON" python3 -m json.tool "$tmp/sketch.json" /dev/null
check "--sketch: last window, default geometry, each row sums to the window's IP packets and bytes, its held flows, the key fingerprint" py '
import json, re, sys
s = json.load(open(sys.argv[1])); w = json.load(open(sys.argv[2]))["windows"][-1]
assert list(s) == ["window_id", "depth", "width", "key_fingerprint", "rows", "top"], list(s)
assert re.fullmatch("[0-9a-f]{16}", s["key_fingerprint"]), s["key_fingerprint"]
k = lambda f: (f["src"], f["dst"], f["proto"], f["sport"], f["dport"], f["packets"], f["bytes"])
assert sorted(map(k, s["top"])) == sorted(map(k, w["top"])) and s["top"], (s["top"], w["top"])
assert (s["window_id"], s["depth"], s["width"]) == (4, 2, 8192), (s["window_id"], s["depth"], s["width"])
for i, r in enumerate(s["rows"]):
    assert r["row"] == i and len(r["packets"]) == 8192 and len(r["bytes"]) == 8192
    assert sum(r["packets"]) == w["packets"] - w["truncated"], (sum(r["packets"]), w["packets"])
    assert sum(r["bytes"]) == w["bytes"], (sum(r["bytes"]), w["bytes"])
' "$tmp/sketch.json" "$tmp/eth.json"
"$NFSK" -j replay "$tmp/raw.pcapng" --key "$KEY" --window-ms 1000 --sketch >"$tmp/sketch.raw.json"
check "--sketch: raw IP capture gives the identical sketch" cmp -s "$tmp/sketch.json" "$tmp/sketch.raw.json"
"$NFSK" -j replay "$tmp/eth.pcap" --key "$KEY" --window-ms 1000 --sketch \
	--cms-depth 2 --cms-width 64 >"$tmp/sketch.small.json"
check "--sketch: --cms-depth 2 --cms-width 64 honoured" py '
import json, sys
s = json.load(open(sys.argv[1]))
sys.exit(not (s["depth"] == 2 and s["width"] == 64 and len(s["rows"]) == 2 and len(s["rows"][1]["bytes"]) == 64))' "$tmp/sketch.small.json"
"$NFSK" -j replay "$tmp/eth.pcap" --key ffeeddccbbaa99887766554433221100 --window-ms 1000 \
	--sketch >"$tmp/sketch.key2.json"
check "another key gives another sketch" bash -c '! cmp -s "$1" "$2"' _ "$tmp/sketch.json" "$tmp/sketch.key2.json"
"$NFSK" replay "$tmp/eth.pcap" --key "$KEY" --window-ms 1000 --sketch >"$tmp/sketch.txt"
check "--sketch text: \`nfsketch sketch\`'s text, each row's sums those of the JSON dump's cells" py '
import json, re, sys
t = open(sys.argv[1]).read().splitlines(); j = json.load(open(sys.argv[2]))
head = re.fullmatch(r"window 4: Count-Min sketch, depth 2 x width 8192, key fingerprint ([0-9a-f]{16})", t[0])
rows = [[int(x) for x in l.split()[:3]] for l in t[2:-1]]
want = [[r["row"], sum(r["packets"]), sum(r["bytes"])] for r in j["rows"]]
print("#", rows, want)
sys.exit(not (head and head.group(1) == j["key_fingerprint"] and len(t) == 5 and rows == want
              and t[-1] == "%d held flow%s" % (len(j["top"]), "" if len(j["top"]) == 1 else "s")))' "$tmp/sketch.txt" "$tmp/sketch.json"
"$NFSK" -j replay "$tmp/eth.pcap" --window-ms 1000 --key random >"$tmp/eth.rand.json"
check "--key random: same totals" py "$CHECK_ORACLE" "$tmp/eth.oracle" "$tmp/eth.rand.json"
"$NFSK" -j replay "$tmp/eth.pcap" --window-ms 1000 --key random >"$tmp/eth.rand2.json"
check "--key random: another key each run" py '
import json, sys
a = json.load(open(sys.argv[1]))["summary"]["key"]; b = json.load(open(sys.argv[2]))["summary"]["key"]
sys.exit(a == b or len(a) != 32)' "$tmp/eth.rand.json" "$tmp/eth.rand2.json"
"$NFSK" -j replay "$tmp/eth.pcap" --window-ms 1000 >"$tmp/eth.def1.json"
"$NFSK" -j replay "$tmp/eth.pcap" --window-ms 1000 >"$tmp/eth.def2.json"
check "no --key: the documented fixed key, the same output twice" py '
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
sys.exit(not (a == b and a["summary"]["key"] == "6e66736b657463682d7265706c617921"))' "$tmp/eth.def1.json" "$tmp/eth.def2.json"
check "no --key: the text output names the key" bash -c '"$1" replay "$2" | head -1 | grep -q "key 6e66736b657463682d7265706c617921 (the fixed default"' _ "$NFSK" "$tmp/eth.pcap"

# ---- detectors ---------------------------------------------------------------
$GEN "$tmp/spike.pcap" --scenario spike --oracle "$tmp/spike.oracle"
"$NFSK" -j replay "$tmp/spike.pcap" --key "$KEY" --window-ms 1000 --min-packets 100 \
	--min-bytes 50000 >"$tmp/spike.json"
check "spike: windows match the oracle" py "$CHECK_ORACLE" "$tmp/spike.oracle" "$tmp/spike.json"
check "spike: VOLUME_SPIKE in the last window only" py '
import json, sys
w = json.load(open(sys.argv[1]))["windows"]
hit = [x["id"] for x in w if "VOLUME_SPIKE" in x["flag_names"]]
print("VOLUME_SPIKE in", hit); sys.exit(hit != [len(w)])' "$tmp/spike.json"
"$NFSK" -j replay "$tmp/spike.pcap" --key "$KEY" --window-ms 1000 --min-packets 100 \
	--min-bytes 50000 --min-history 30 >"$tmp/spike.warm.json"
check "spike: no flag before --min-history windows" py '
import json, sys
sys.exit(any("VOLUME_SPIKE" in x["flag_names"] for x in json.load(open(sys.argv[1]))["windows"]))' "$tmp/spike.warm.json"
replay "$tmp/eth.pcap" --min-bytes 100000 >"$tmp/eth.hh.json"
# a heavy hitter must be new against min_history windows: none in a
# 2-window capture, however big its top flow
check "no HEAVY_HITTER before --min-history windows, even with --min-bytes 100000" py '
import json, sys
w = json.load(open(sys.argv[1]))["windows"]
sys.exit(any(x.get("flag_names") for x in w))' "$tmp/eth.hh.json"

# ---- edge cases ------------------------------------------------------------
$GEN "$tmp/empty.pcap" --scenario empty
replay "$tmp/empty.pcap" >"$tmp/empty.json"
check "empty capture: exit 0, no window" py '
import json, sys
j = json.load(open(sys.argv[1])); sys.exit(not (j["windows"] == [] and j["summary"]["packets"] == 0))' "$tmp/empty.json"
$GEN "$tmp/arp.pcap" --scenario arp-only --oracle "$tmp/arp.oracle"
replay "$tmp/arp.pcap" >"$tmp/arp.json"
check "ARP only: one empty window, 5 unknown, 0 truncated" py "$CHECK_ORACLE" "$tmp/arp.oracle" "$tmp/arp.json"
check "empty capture with --sketch: exit 1" rc_is 1 "$NFSK" -j replay "$tmp/empty.pcap" --sketch

# ---- captures from the wild: the handed cases (selftests/replay/cases) -----
CASES=$top/selftests/replay/cases
# jq_ok FILE PYEXPR: a python expression over j (the JSON output) holds
jq_ok() {
	python3 -c '
import json, sys
j = json.load(open(sys.argv[1])); w = [x for x in j["windows"] if "id" in x]
e = [x for x in j["windows"] if "empty_windows" in x]; s = j["summary"]
ok = eval(sys.argv[2])
if not ok:
    print("# data windows:", [(x["id"], x["packets"], x["start_time"]) for x in w][:8])
    print("# empty runs:", e[:4]); print("# summary:", s)
sys.exit(not ok)' "$1" "$2" | head -20
	return "${PIPESTATUS[0]}"
}
rj() { "$NFSK" -j replay "$@" --window-ms 1000; }

rj "$CASES/y2038.pcap" >"$tmp/y2038.json"
check "y2038.pcap: exit 0" test $? -eq 0
check "y2038.pcap: 4 windows of 1 packet from 2038-01-19T03:14:06Z (seconds >= 2^31 unsigned)" jq_ok "$tmp/y2038.json" \
	'[x["packets"] for x in w] == [1, 1, 1, 1] and not e and w[0]["start_time"] == "2038-01-19T03:14:06Z" and w[0]["start_realtime_ns"] == (2**31 - 2) * 10**9 and s["windows"] == 4'
$GEN "$tmp/y2038.pcapng" --to-pcapng "$CASES/y2038.pcap"
rj "$tmp/y2038.pcapng" >"$tmp/y2038ng.json"
check "y2038: the same windows as the same packets in pcapng" py "$SAME_WINDOWS" "$tmp/y2038.json" "$tmp/y2038ng.json"

rj "$CASES/gap-30days.pcap" >"$tmp/gap30.json"
check "gap-30days.pcap: exit 0" test $? -eq 0
check "gap-30days.pcap: 2 windows of data and ONE entry for 2591999 empty windows" jq_ok "$tmp/gap30.json" \
	'len(j["windows"]) == 3 and [x["id"] for x in w] == [1, 2592001] and e[0]["empty_windows"] == 2591999 and (e[0]["first_id"], e[0]["last_id"]) == (2, 2592000) and s["windows"] == 2592001 and s["printed_windows"] == 2'
"$NFSK" replay "$CASES/gap-30days.pcap" --window-ms 1000 >"$tmp/gap30.txt"
check "gap-30days.pcap text: 2 window lines, 1 empty-run line" bash -c '
[ "$(grep -c "^window " "$1")" -eq 2 ] && [ "$(grep -c "^2591999 empty windows from 2023-11-14T22:13:21Z to 2023-12-14T22:13:20Z" "$1")" -eq 1 ]' _ "$tmp/gap30.txt"

rj "$CASES/version-mismatch.pcap" >"$tmp/vm.json"
check "version-mismatch.pcap: 0 IP packets, 3 invalid (version), nothing in the window" jq_ok "$tmp/vm.json" \
	's["ip"] == 0 and s["truncated"] == 0 and s["invalid"] == 3 and s["invalid_reasons"]["version"] == 3 and w[0]["packets"] == 0 and w[0]["bytes"] == 0'

check "pcapng-2if-snaplen.pcapng: exit 1" rc_is 1 "$NFSK" -j replay "$CASES/pcapng-2if-snaplen.pcapng"
check "pcapng-2if-snaplen.pcapng: the message names the file and the limit" \
	grep -q "pcapng-2if-snaplen.pcapng: pcapng with interfaces of different link types or snapshot lengths" "$tmp/rc.err"
check "pcapng-2if-snaplen.pcapng: JSON says incomplete, with the reason" jq_ok "$tmp/rc.out" \
	's["complete"] is False and "snapshot length" in s["reason"]'

check "cut-mid-record.pcap: exit 1" rc_is 1 "$NFSK" -j replay "$CASES/cut-mid-record.pcap"
check "cut-mid-record.pcap: JSON complete false, reason, 2 packets counted" jq_ok "$tmp/rc.out" \
	's["complete"] is False and "truncated" in s["reason"] and s["packets"] == 2'
check "cut-mid-record.pcap: the error names the file" grep -q "cut-mid-record.pcap: truncated dump file" "$tmp/rc.err"
check "cut-mid-record.pcap text: exit 1 and an 'incomplete:' line" bash -c '
"$1" replay "$2" >"$3" 2>/dev/null; [ $? -eq 1 ] && grep -q "^incomplete: truncated dump file" "$3"' _ "$NFSK" "$CASES/cut-mid-record.pcap" "$tmp/cut.txt"
check "complete capture: JSON complete true" jq_ok "$tmp/eth.json" 's["complete"] is True and "reason" not in s'

# ---- each kind, own captures (gen-pcap.py --case) ---------------------------
for c in ts-max gap-10y spb-first backstep ns-boundary ng-tsresol invalid lo-sll lo-sll2 v6-cut; do
	$GEN "$tmp/$c.cap" --case "$c"
done
rj "$tmp/ts-max.cap" >"$tmp/ts-max.json"
check "timestamp at 2^32-1 s: 3 windows, the last at 2106-02-07T06:28:15Z" jq_ok "$tmp/ts-max.json" \
	'[x["packets"] for x in w] == [1, 1, 1] and w[2]["start_time"] == "2106-02-07T06:28:15Z" and w[2]["start_realtime_ns"] == (2**32 - 1) * 10**9'
# bounded work: the number of windows printed, not seconds
"$NFSK" replay "$tmp/gap-10y.cap" --window-ms 100 >"$tmp/gap10.txt"
check "10-year gap at 100 ms windows: 2 window lines and 1 empty-run line of 3153599999" bash -c '
[ "$(grep -c "^window " "$1")" -eq 2 ] && [ "$(wc -l <"$1")" -le 12 ] && grep -q "^3153599999 empty windows from " "$1"' _ "$tmp/gap10.txt"
"$NFSK" -j replay "$tmp/gap-10y.cap" --window-ms 100 --history 4096 >"$tmp/gap10.json"
check "10-year gap, JSON, --history 4096: 3 entries, last window id 3153600001" jq_ok "$tmp/gap10.json" \
	'len(j["windows"]) == 3 and w[1]["id"] == 3153600001 and s["empty_windows"] == 3153599999'
rj "$tmp/spb-first.cap" >"$tmp/spb.json"
check "pcapng SPB first and last: they take the first / previous time (2 + 2 packets)" jq_ok "$tmp/spb.json" \
	'[x["packets"] for x in w] == [2, 2] and s["no_timestamp"] == 2 and w[0]["start_time"] == "2023-11-14T22:13:20Z"'
"$NFSK" -j replay "$tmp/backstep.cap" --window-ms 1000 --min-packets 5 --min-bytes 1 --min-history 4 >"$tmp/back.json"
# the capture's own truth: the 2nd run's packets before the 1st run's last
# time replay time already seen (out of order); the rest are new
back_ooo=$(python3 -c '
first = [i * 10**6 + k * (10**6 // (8 + (i * 7) % 5)) for i in range(20) for k in range(8 + (i * 7) % 5)]
second = [i * 10**6 + k * (10**6 // (8 + (i * 7) % 5)) for i in range(25) for k in range(8 + (i * 7) % 5)]
print(sum(1 for t in second if t < max(first)))')
check "clock stepped back 20 s: $back_ooo out of order, folded nowhere, no VOLUME_SPIKE" jq_ok "$tmp/back.json" \
	"s['out_of_order'] == $back_ooo and s['late'] == 0 and s['ip'] + s['out_of_order'] == s['packets'] and not any('VOLUME_SPIKE' in x['flag_names'] for x in w) and max(x['packets'] for x in w) <= 13"
rj "$tmp/ns-boundary.cap" >"$tmp/nsb.json"
check "nanosecond pcap: a packet 999999999 ns after t0 is in window 1" jq_ok "$tmp/nsb.json" \
	'[x["packets"] for x in w] == [2, 1] and w[0]["start_time"] == "2023-11-14T22:13:20.000000001Z"'
rj "$tmp/ng-tsresol.cap" >"$tmp/ngt.json"
check "pcapng: per-interface if_tsresol (us, 2^-10 s) and if_tsoffset" jq_ok "$tmp/ngt.json" \
	'[x["packets"] for x in w] == [2, 1, 1] and w[0]["start_realtime_ns"] == 1700000000 * 10**9'
rj "$tmp/invalid.cap" >"$tmp/inv.json"
check "every check of ip_rcv_core / ip6_rcv_core: 2 IP, 11 invalid by reason" jq_ok "$tmp/inv.json" \
	's["ip"] == 2 and s["invalid"] == 11 and s["invalid_reasons"] == {"version": 3, "header_length": 1, "checksum": 1, "total_length": 1, "longer_than_wire": 2, "address": 2, "hop_by_hop": 1, "otherhost": 0} and w[0]["packets"] == 2 and w[0]["bytes"] == 38 + 58'
check "invalid frames: text summary lists them" bash -c '"$1" replay "$2" | grep -q "11 invalid;.*invalid (version 3, header_length 1, checksum 1"' _ "$NFSK" "$tmp/invalid.cap"
for c in lo-sll lo-sll2; do
	rj "$tmp/$c.cap" >"$tmp/$c.json"
	check "$c: loopback with both copies counted once (5 of 10)" jq_ok "$tmp/$c.json" \
		's["ip"] == 5 and s["loopback_in"] == 5 and sum(x["packets"] for x in w) == 5 and s["invalid"] == 0'
done
rj "$tmp/v6-cut.cap" >"$tmp/v6cut.json"
check "IPv6 extension chain cut by snaplen: UDP where readable, 59 and counted where not" jq_ok "$tmp/v6cut.json" \
	'w[0]["udp"] == 2 and w[0]["other"] == 1 and s["proto_unknown"] == 1'

# ---- BPF filter --------------------------------------------------------------
"$NFSK" -j replay "$tmp/eth.pcap" ip --key "$KEY" --window-ms 1000 >"$tmp/ip.json"
check "filter 'ip': only the oracle's IPv4 packets, the rest filtered" python3 -c '
import json, sys
o = json.load(open(sys.argv[1])); r = json.load(open(sys.argv[2]))
ow = [x for x in o["windows"] if "id" in x]; rw = [x for x in r["windows"] if "id" in x]
ok = [x["ipv4"] for x in ow] == [x["ipv4"] for x in rw] and all(x["ipv6"] == 0 for x in rw)
# scenario_mixed writes 3 truncated IPv4 frames (ethertype 0x0800: they pass)
ok = ok and r["summary"]["filtered"] == o["summary"]["packets"] - sum(x["ipv4"] for x in ow) - 3
print("# ipv4 per window", [x["ipv4"] for x in rw], "filtered", r["summary"]["filtered"]); sys.exit(not ok)' "$tmp/eth.oracle" "$tmp/ip.json"
check "filter of several words: 'udp and port 53'" bash -c '"$1" -j replay "$2" udp and port 53 --window-ms 1000 | python3 -c "
import json, sys; j = json.load(sys.stdin); sys.exit(not (j[\"summary\"][\"filter\"] == \"udp and port 53\" and 0 < j[\"summary\"][\"ip\"] < 3534))"' _ "$NFSK" "$tmp/eth.pcap"
check "bad filter: exit 2" rc_is 2 "$NFSK" replay "$tmp/eth.pcap" "udp and and"
check "bad filter: the message names the file" grep -q "eth.pcap: filter 'udp and and'" "$tmp/rc.err"

# ---- the module's limits, from the one table of tunables -------------------
for bad in "--window-ms 50" "--history 100000" "--cms-width 16" "--sah-entries 8" \
	"--hh-permille 0" "--min-history 0" "--top 33" "--topk 0" "--cms-depth 9" \
	"--history 100 --min-history 200"; do
	# shellcheck disable=SC2086
	check "module refuses it, so does replay: $bad (exit 2)" rc_is 2 "$NFSK" replay "$tmp/eth.pcap" $bad
done
check "--window-ms 100 --history 4 --min-history 2 --cms-width 64 --sah-entries 64: accepted" \
	rc_is 0 "$NFSK" replay "$tmp/eth.pcap" --window-ms 100 --history 4 --min-history 2 --cms-width 64 --sah-entries 64
check "-h lists the tunables with the table's range and default" bash -c '
"$1" replay -h | grep -q "^  --window-ms .*(100..3600000, default 10000)" && "$1" replay -h | grep -q "^  --min-history .*(2..4096, default 12)"' _ "$NFSK"

# ---- route events (--routes): the core's route rules, by their definitions --
# A route file written here event by event; what each rule must make of it
# follows from the rules' definitions (route_anom.h, flap.h: RFC 2439), not
# from the replay: WITHDRAW_BURST when withdrawn * 1000 > withdraw_burst_
# permille (500) * the group's routes and withdrawn >= withdraw_burst_min
# (100), once per group and window; DEFAULT_ROUTE_LOST on a default route
# withdrawn or given another next hop; ROUTE_FLAP when a prefix's penalty
# (1000 per withdrawal, half-life 15 min) first exceeds 2000.
python3 - "$tmp/routes.txt" <<'PY'
import sys
T = 1700000000 * 10**9
s = lambda x: T + int(round(x * 1e9))
ev = []
for i in range(400):
    ev.append((s(0), "base 10.%d.%d.0/24 via 192.0.2.1 dev 2 proto bgp" % (i // 256, i % 256)))
    ev.append((s(0), "base 2001:db8:%x::/48 via fe80::1 dev 2 proto bgp" % i))
for i in range(150):
    ev.append((s(0), "base 172.16.%d.0/24 via 192.0.2.2 dev 3 proto ospf" % i))
ev.append((s(0), "base default via 192.0.2.1 dev 2 proto static"))
ev.append((s(0), "base ::/0 via fe80::1 dev 2 proto ra"))
ev.append((s(0), "base 10.99.0.0/24 via 192.0.2.1 dev 2 proto bgp"))
for k in range(1, 31):   # background: one static route comes and goes
    ev.append((s(k + 0.1), "add 198.51.100.%d via 192.0.2.9 proto static" % k))
    ev.append((s(k + 0.2), "del 198.51.100.%d" % k))
for i in range(300):     # 300 of 400 bgp: one burst, window 6
    ev.append((s(5.5), "del 10.%d.%d.0/24" % (i // 256, i % 256)))
for i in range(99):      # 99 of 150 ospf: under withdraw_burst_min
    ev.append((s(7.5), "del 172.16.%d.0/24 proto ospf" % i))
for i in range(100):     # 100 of 400 IPv6 bgp: 250 per mille
    ev.append((s(8.5), "del 2001:db8:%x::/48" % i))
ev.append((s(10.5), "replace default via 192.0.2.1 dev 2 proto static"))   # same
ev.append((s(11.5), "replace default via 192.0.2.254 dev 2 proto static")) # lost: 12
ev.append((s(13.5), "del default"))                                          # lost: 14
ev.append((s(15.5), "del ::/0"))                                             # lost: 16
for x, v in ((20.2, "del"), (20.7, "add"), (21.2, "del"), (21.7, "add"),
             (22.2, "del"), (22.7, "add"), (23.2, "del")):
    ev.append((s(x), "%s 10.99.0.0/24 via 192.0.2.1 dev 2 proto bgp" % v))
for i in range(300, 360):   # 60 of the last 100 bgp: under the minimum
    ev.append((s(25.5), "del 10.%d.%d.0/24" % (i // 256, i % 256)))
ev.sort(key=lambda e: e[0])
with open(sys.argv[1], "w") as f:
    f.write("# nfsketch replay --routes: hand-made episodes\n")
    for t, l in ev:
        f.write("%d %s\n" % (t, l))
PY
"$NFSK" -j replay --routes "$tmp/routes.txt" --window-ms 1000 >"$tmp/routes.json" 2>"$tmp/routes.err"
check "--routes alone: exit 0" test $? -eq 0
CHECK_ROUTES='
import json, math, sys
r = json.load(open(sys.argv[1]))
w = {x["id"]: x for x in r["windows"] if "id" in x}
bad = 0
def fl(name): return sorted(i for i, x in w.items() if name in x["flag_names"])
def want(what, got, exp):
    global bad
    if got != exp:
        print("%s: got %s, want %s" % (what, got, exp)); bad = 1
want("WITHDRAW_BURST windows", fl("ROUTE_WITHDRAW_BURST"), [6])
want("DEFAULT_ROUTE_LOST windows", fl("DEFAULT_ROUTE_LOST"), [12, 14, 16])
want("ROUTE_FLAP windows", fl("ROUTE_FLAP"), [23])
rs = lambda i, f: [x for x in w[i]["alerts"] if x["flag"] == f]
why = lambda x: x.get("reason", "").split(",")
b = rs(6, "ROUTE_WITHDRAW_BURST")
# the group: 400 bgp routes + 10.99.0.0/24; the withdrawal that crosses is
# the smallest n with n*1000 > 500*401 and n >= 100
n = min(n for n in range(1, 402) if n * 1000 > 500 * 401 and n >= 100)
want("burst alerts", [(x["value"], x["baseline"], x["route"]["protocol_name"], x["route"]["event"]) for x in b], [(n, 401, "bgp", "del")])
d = [rs(i, "DEFAULT_ROUTE_LOST")[0] for i in (12, 14, 16)]
want("default lost: why", [(x["route"]["prefix"], "withdrawn" in why(x), "nexthop" in why(x)) for x in d],
     [("0.0.0.0/0", False, True), ("0.0.0.0/0", True, False), ("::/0", True, False)])
f = rs(23, "ROUTE_FLAP")
p = 0.0
for dt in (0, 1, 1):     # withdrawals at 20.2, 21.2, 22.2 s: RFC 2439 decay
    p = p * 2 ** (-dt / 900.0) + 1000
want("flap alert prefix", [x["route"]["prefix"] for x in f], ["10.99.0.0/24"])
if not f or abs(f[0]["value"] - p) > 2 or f[0]["baseline"] != 2000 or f[0]["route"]["penalty"] != f[0]["value"]:
    print("flap penalty %s, want %.1f > 2000" % (f and f[0]["value"], p)); bad = 1
want("window 6 ipv4 del/add", (w[6]["route_del4"], w[6]["route_add4"]), (301, 1))
want("window 9 ipv6 del", w[9]["route_del6"], 100)
sm = r["summary"]["routes"]
want("sizes at the end", (sm["size_ipv4"], sm["size_ipv6"]), (400 + 150 + 1 + 1 - 300 - 99 - 1 - 1 - 60, 400 + 1 - 100 - 1))
want("baseline lines", sm["baseline"], 400 * 2 + 150 + 3)
sys.exit(bad)'
check "--routes: exactly the flags the rules define (1 burst for 300 of 400, none for 99 of 150 or 100 of 400; 3 defaults lost; 1 flap at the 3rd withdrawal), with their reasons and counts" \
	py "$CHECK_ROUTES" "$tmp/routes.json"
"$NFSK" replay --routes "$tmp/routes.txt" --window-ms 1000 >"$tmp/routes.out" 2>&1
check "--routes text: the burst and its reason, as monitor prints it" grep -Eq "^  \[alert\] ROUTE_WITHDRAW_BURST window 6 \(.*\) route_events 201 baseline 401 score 0.00 sigma withdrawn 201 of 401 routes route .* del +10.0.200.0/24 +table main +proto bgp " "$tmp/routes.out"
"$NFSK" -j replay --routes "$tmp/routes.txt" --window-ms 1000 --withdraw-burst-permille 200 --withdraw-burst-min 50 >"$tmp/routes2.json"
check "--withdraw-burst-permille 200 --withdraw-burst-min 50: 100 of 400 IPv6 and 99 of 150 ospf become bursts, 60 of 100 too" \
	py 'import json,sys; w=[x["id"] for x in json.load(open(sys.argv[1]))["windows"] if "ROUTE_WITHDRAW_BURST" in x.get("flag_names",[])]; print(w); sys.exit(w != [6, 8, 9, 26])' "$tmp/routes2.json"
# merged with a capture: routes timed inside the capture land in its windows
start=$(replay "$tmp/eth.pcap" | python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["start_realtime_ns"])')
{ echo "$start base 10.1.0.0/16 proto bgp"; echo "$((start + 1500000000)) del 10.1.0.0/16"
  echo "$((start + 1600000000)) add 10.2.0.0/16 proto bgp"; } >"$tmp/merge.txt"
replay "$tmp/eth.pcap" >"$tmp/pcap-only.json"
replay "$tmp/eth.pcap" --routes "$tmp/merge.txt" >"$tmp/merged.json"
check "capture + --routes: the same packets per window, the route events in window 2 (idle in the capture alone)" py '
import json, sys
a = json.load(open(sys.argv[1]))["windows"]; b = json.load(open(sys.argv[2]))["windows"]
pa = {x["id"]: x["packets"] for x in a if "id" in x}; pb = {x["id"]: x["packets"] for x in b if "id" in x}
w2 = [x for x in b if x.get("id") == 2][0]
print(pa, pb, w2)
same = all(pb.get(i) == v for i, v in pa.items()) and all(v == 0 for i, v in pb.items() if i not in pa)
sys.exit(not (same and 2 not in pa and w2["route_del4"] == 1 and w2["route_add4"] == 1 and w2["routes4"] == 1))' "$tmp/pcap-only.json" "$tmp/merged.json"
printf '1700000000000000000 add 10.0.0.0/8\n1600000000000000000 del 10.0.0.0/8\n' >"$tmp/back.txt"
check "--routes: time going backwards: exit 1" rc_is 1 "$NFSK" replay --routes "$tmp/back.txt"
check "--routes: the message names file and line" grep -q "back.txt:2: time goes backwards" "$tmp/rc.err"
printf '1700000000000000000 add 10.0.0.0/33\n' >"$tmp/bad.txt"
check "--routes: bad prefix: exit 1" rc_is 1 "$NFSK" replay --routes "$tmp/bad.txt"
check "--routes: bad prefix: the message names file, line and word" grep -q "bad.txt:1: bad prefix '10.0.0.0/33'" "$tmp/rc.err"
check "--routes and FILE both stdin: exit 2" rc_is 2 "$NFSK" replay - --routes -

# route series per protocol and per table: counts from the file itself
# (first 8 distinct protocols / tables of the file get a series each, the
# rest "other"), and a bgp storm flags bgp and table 100, nothing else
python3 - "$tmp/rseries.txt" <<'PY'
import sys
t0 = 1700000000 * 10**9
out = []
for w in range(24):
    base = t0 + w * 10**9 + 1000
    ev = [("replace", "10.%d.%d.0/24" % (w, i), "kernel", "main") for i in range(5)]
    nb = 80 if w == 21 else 1 + w % 2
    ev += [("add", "172.%d.%d.0/24" % (16 + w % 8, i), "bgp", "100") for i in range(nb)]
    ev.append(("add", "192.0.2.%d/32" % w, "static", "main"))
    if w == 3:	# eight more protocols and tables, one event each
        ev += [("add", "198.51.100.%d/32" % p, str(20 + p), str(1000 + p)) for p in range(8)]
    out += ["%d %s %s proto %s table %s" % (base + k * 1000, *e) for k, e in enumerate(ev)]
open(sys.argv[1], "w").write("\n".join(out) + "\n")
PY
"$NFSK" -j replay --routes "$tmp/rseries.txt" --window-ms 1000 >"$tmp/rseries.json" 2>"$tmp/rseries.err"
check "route series: replay exits 0" test $? -eq 0
check "route series: per window, each protocol's and table's events as counted from the file (first 8 of each kind named, the rest other), bgp and table 100 alone flagged in the storm window" py '
import json, sys
PROTOS = {"kernel": 2, "boot": 3, "static": 4, "bgp": 186}
TABLES = {"main": 254}
lines = [l.split() for l in open(sys.argv[1]) if l.strip()]
t_first = int(lines[0][0])
slots = {"protocol": [], "table": []}
want = {}
for l in lines:
    w = (int(l[0]) - t_first) // 10**9 + 1
    p = l[l.index("proto") + 1]; t = l[l.index("table") + 1]
    for kind, v in (("protocol", PROTOS.get(p) or int(p)), ("table", TABLES.get(t) or int(t))):
        if v not in slots[kind] and len(slots[kind]) < 8:
            slots[kind].append(v)
        key = v if v in slots[kind] else "other"
        want.setdefault(w, {}).setdefault(kind, {}).setdefault(key, 0)
        want[w][kind][key] += 1
wins = [x for x in json.load(open(sys.argv[2]))["windows"] if "id" in x]
bad = 0
flagged = []
for x in wins:
    for kind in ("protocol", "table"):
        got = {(s["id"] if "id" in s else "other"): s["events"] for s in x["route_series"][kind] if s["events"]}
        if got != want.get(x["id"], {}).get(kind, {}):
            bad += 1
            print("window", x["id"], kind, "got", got, "want", want.get(x["id"], {}).get(kind))
        flagged += [(x["id"], kind, s.get("id", "other")) for s in x["route_series"][kind] if s["route_churn"]]
print("windows", len(wins), "flagged", flagged)
sys.exit(not (len(wins) == 24 and not bad and flagged == [(22, "protocol", 186), (22, "table", 100)]))' "$tmp/rseries.txt" "$tmp/rseries.json"
"$NFSK" replay --routes "$tmp/rseries.txt" --window-ms 1000 >"$tmp/rseries.out" 2>&1
check "route series text: protocols and tables by name, the storm marked" \
	grep -q "route events by protocol: kernel 5, bgp 80 ROUTE_CHURN, static 1, 20 0, 21 0, 22 0, 23 0, 24 0, other 0" "$tmp/rseries.out"
check "route series text: tables" grep -q "route events by table: main 6, 100 80 ROUTE_CHURN, 1000 0" "$tmp/rseries.out"

# ---- ROUTE_MORE_SPECIFIC in --routes: the core's rule, an oracle of its own --
# Covers: a /24 and a /16 over it (bgp, one next hop); adds under them with
# another next hop or protocol, or the same; a cover in another table, a /0,
# a prefix already present (a replace). The oracle below walks the same
# file with the definition (more_spec.h): at an add of a prefix not present
# (not "base"), the longest present prefix of the same family and table
# with length 1..plen-1 containing it is the cover; a flag when its
# (via, dev) or protocol differ.
python3 - "$tmp/ms.txt" "$tmp/ms-oracle.json" <<'PY'
import ipaddress, json, sys
T = 1700000000 * 10**9
s = lambda x: T + int(round(x * 1e9))
ev = [(s(0), "base default via 192.0.2.1 dev 2 proto static"),
      (s(0), "base 10.50.0.0/16 via 192.0.2.1 dev 2 proto bgp"),
      (s(0), "base 10.50.0.0/24 via 192.0.2.1 dev 2 proto bgp"),
      (s(0), "base 10.70.0.0/24 via 192.0.2.1 dev 2 proto bgp"),
      (s(0), "base 2001:db8:50::/48 via fe80::1 dev 2 proto bgp"),
      (s(1.5), "add 10.50.0.0/25 via 192.0.2.66 dev 2 proto bgp"),       # nexthop, under the /24
      (s(2.5), "add 10.50.0.128/25 via 192.0.2.1 dev 2 proto bgp"),      # same: none
      (s(3.5), "add 10.50.1.0/24 via 192.0.2.1 dev 2 proto static"),     # protocol, under the /16
      (s(4.5), "add 2001:db8:50:1::/64 via fe80::2 dev 2 proto bgp"),    # nexthop, IPv6
      (s(5.5), "add 10.60.0.0/25 via 192.0.2.66 dev 2 proto bgp"),       # no cover but the /0
      (s(6.5), "add 10.50.0.0/25 via 192.0.2.77 dev 2 proto bgp"),       # present: a replace
      (s(7.5), "add 10.70.0.0/25 via 192.0.2.66 dev 2 proto bgp table 100"),  # cover in main only
      (s(8.5), "add 128.0.0.0/1 via 192.0.2.66 dev 2 proto bgp"),        # only the /0 above
      (s(9.5), "del 10.50.0.0/24"),
      (s(10.5), "add 10.50.0.0/26 via 192.0.2.9 dev 3 proto bgp"),       # under the /25 now
      (s(11.5), "add 10.50.2.0/23 via 192.0.2.1 dev 2 proto bgp")]       # same as the /16: none
with open(sys.argv[1], "w") as f:
    for t, l in ev:
        f.write("%d %s\n" % (t, l))
present, flags = {}, []
for t, l in ev:
    w = l.split()
    op, net = w[0], ipaddress.ip_network("0.0.0.0/0" if w[1] == "default" else w[1])
    kw = dict(zip(w[2::2], w[3::2]))
    table = kw.get("table", "254")
    key = (net.version, table, net)
    hop = ((kw.get("via"), kw.get("dev")), kw.get("proto", "boot"))
    if op == "del":
        present.pop(key, None)
        continue
    if op == "add" and key not in present:
        covers = [k for k in present if k[0] == net.version and k[1] == table and
                  0 < k[2].prefixlen < net.prefixlen and net.subnet_of(k[2])]
        if covers:
            c = max(covers, key=lambda k: k[2].prefixlen)
            nh, pr = present[c][0] != hop[0], present[c][1] != hop[1]
            if nh or pr:
                flags.append(dict(window=(t - T) // 10**9 + 1, prefix=str(net),
                                  cover=str(c[2]), nexthop=nh, protocol=pr))
    present[key] = hop
json.dump(flags, open(sys.argv[2], "w"))
print("# oracle: %d more-specifics: %s" % (len(flags), flags))
PY
"$NFSK" -j replay --routes "$tmp/ms.txt" --window-ms 1000 >"$tmp/ms.json" 2>"$tmp/ms.err"
check "--routes, more-specifics: exit 0" test $? -eq 0
check "--routes: ROUTE_MORE_SPECIFIC in exactly the oracle's windows, with its prefix, cover and reasons (4 of 11 adds)" py '
import json, sys
r = json.load(open(sys.argv[1])); want = json.load(open(sys.argv[2]))
got = []
for w in r["windows"]:
    for x in w.get("alerts", []):
        if x["flag"] == "ROUTE_MORE_SPECIFIC":
            why = x.get("reason", "").split(",")
            got.append(dict(window=w["id"], prefix=x["route"]["prefix"], cover=x["cover"]["prefix"],
                            nexthop="nexthop" in why, protocol="protocol" in why))
    if ("ROUTE_MORE_SPECIFIC" in w.get("flag_names", [])) != any(g["window"] == w.get("id") for g in want):
        print("window %s: flag %s" % (w.get("id"), w.get("flag_names"))); sys.exit(1)
print("got", got)
sys.exit(not (got == want and len(want) == 4 and r["summary"]["routes"]["more_specifics"] == 4))' "$tmp/ms.json" "$tmp/ms-oracle.json"
"$NFSK" replay --routes "$tmp/ms.txt" --window-ms 1000 >"$tmp/ms.out" 2>&1
check "--routes text: the more-specific, its cover and why" grep -Eq "^  \[alert\] ROUTE_MORE_SPECIFIC window 2 .* nexthop cover 10.50.0.0/24 table main proto bgp route .* add +10.50.0.0/25 +table main +proto bgp " "$tmp/ms.out"
"$NFSK" -j replay --routes "$tmp/ms.txt" --window-ms 1000 --more-specific 0 >"$tmp/ms0.json"
check "--more-specific 0: no ROUTE_MORE_SPECIFIC" py 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(any("ROUTE_MORE_SPECIFIC" in w.get("flag_names",[]) for w in r["windows"]) or r["summary"]["routes"]["more_specifics"] != 0)' "$tmp/ms0.json"

# ---- BGP sessions in a capture: the core's tracker, an oracle of its own ---
# A generated capture (Ethernet): an IPv4 session 10.0.0.1:40000 ->
# 10.0.0.2:179 and an IPv6 one [2001:db8::1]:40001 -> [2001:db8::2]:179,
# handshake, then a 19-byte KEEPALIVE from each end every 250 ms; IPv4:
# 5 segments sent again in window 11 and 2 in window 13, a RST from 179 in
# window 16, then silence; IPv6: data until 5.0 s / 5.1 s, then silence;
# a UDP packet every 250 ms besides. Hold 3000 ms, silence 667 per mille
# (limit 2001 ms), retrans_min 3. The oracle walks the segments it wrote
# with the definitions (bgp.h): per direction the highest end seq + len
# (+ SYN, FIN); a segment with sequence space whose end is not after it is
# a retransmission; flags at each window close (t0 + id seconds): retrans
# >= 3 and 256 * retrans > 2 * baseline (EWMA 1/8, x256, floored), a RST,
# a direction with data silent for more than 2001 ms (once).
python3 - "$tmp/bgp.pcap" "$tmp/bgp-oracle.json" <<'PY'
import ipaddress, json, struct, sys
T0 = 1700000000
def csum(b):
    b += b"\0" * (len(b) % 2)
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def tcp(sp, dp, seq, flags, n):
    return struct.pack("!HHIIBBHHH", sp, dp, seq, 1, 5 << 4, flags, 65535, 0, 0) + b"\xff" * n
def ip4(s, d, pl):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(pl), 0, 0, 64, 6, 0,
                    ipaddress.ip_address(s).packed, ipaddress.ip_address(d).packed)
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + pl
def ip6(s, d, pl):
    return struct.pack("!IHBB16s16s", 0x60000000, len(pl), 6, 64,
                       ipaddress.ip_address(s).packed, ipaddress.ip_address(d).packed) + pl
def udp4():
    pl = struct.pack("!HHHH", 5000, 6000, 12, 0) + b"\0" * 4
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(pl), 0, 0, 64, 17, 0,
                    bytes([10, 9, 0, 1]), bytes([10, 9, 0, 2]))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + pl
S, F, R, A = 0x02, 0x01, 0x04, 0x10
V4 = ("10.0.0.1", 40000, "10.0.0.2", 179)
V6 = ("2001:db8::1", 40001, "2001:db8::2", 179)
pk = []      # (t, session, from_a, seq, flags, len)
nxt = {}
def seg(t, sess, a, flags, n, seq=None):
    k = (sess, a)
    if seq is None:
        seq = nxt[k]
        nxt[k] = (seq + n + (1 if flags & (S | F) else 0)) % 2**32
    pk.append((t, sess, a, seq, flags, n))
for sess, isn_a, isn_b in ((V4, 1000, 5000), (V6, 2**32 - 30, 9000)):   # IPv6 wraps
    nxt[(sess, True)], nxt[(sess, False)] = isn_a, isn_b
    seg(0.0, sess, True, S, 0)
    seg(0.001, sess, False, S | A, 0)
    seg(0.002, sess, True, A, 0)
sent4 = []
for i in range(1, 64):   # IPv4 keepalives until 15.75 s
    t = i * 0.25
    sent4.append(nxt[(V4, True)])
    seg(t, V4, True, A, 19)
    seg(t + 0.01, V4, False, A, 19)
    if i == 41:          # 10.25 s: the last 5 again
        for q in sent4[-6:-1]:
            seg(t + 0.1, V4, True, A, 19, q)
    if i == 49:          # 12.25 s: 2 again
        for q in sent4[-3:-1]:
            seg(t + 0.1, V4, True, A, 19, q)
seg(15.9, V4, False, R, 0)
for i in range(1, 21):   # IPv6 until 5.0 / 5.1 s
    seg(i * 0.25, V6, True, A, 19)
    seg(i * 0.25 + (0.1 if i == 20 else 0.02), V6, False, A, 19)
bg = [i * 0.25 + 0.125 for i in range(80)]
# the oracle
HOLD, LIMIT, RMIN, W = 3.0, 3.0 * 667 / 1000, 3, 20
flags = []
st = {}
def close(t):
    for sess, x in st.items():
        r = x["win"]
        if r >= RMIN and r * 256 > 2 * x["base"]:
            flags.append(dict(window=round(t), reason="retrans", family=4 if sess is V4 else 6, value=r))
        if x["rst"]:
            flags.append(dict(window=round(t), reason="reset", family=4 if sess is V4 else 6, value=x["rst"]))
        if not x["closed"]:
            q = [t - x["last"][a] for a in (True, False) if a in x["last"] and not x["silent"].get(a)]
            q = [v for v in q if v > LIMIT]
            for a in (True, False):
                if a in x["last"] and t - x["last"][a] > LIMIT:
                    x["silent"][a] = True
            if q:
                flags.append(dict(window=round(t), reason="silent", family=4 if sess is V4 else 6,
                                  value=int(round(max(q) * 1000))))
        x["base"] = min((r * 256 + x["base"] * 7) >> 3, 2**32 - 1)
        x["win"] = x["rst"] = 0
events = sorted([(t, 0, p) for p in pk for t in [p[0]]], key=lambda e: e[0])
wnext = 1
for t, _, (tt, sess, a, seq, fl, n) in events:
    while t >= wnext:
        close(wnext); wnext += 1
    x = st.setdefault(sess, dict(win=0, base=0, rst=0, closed=False, end={}, last={}, silent={}))
    span = n + (1 if fl & (S | F) else 0)
    end = (seq + span) % 2**32
    if span:
        e = x["end"].get(a)
        if e is not None and ((end - e) % 2**32 == 0 or (end - e) % 2**32 >= 2**31):
            x["win"] += 1
        else:
            x["end"][a] = end
            if n:
                x["last"][a] = t
                x["silent"][a] = False
    if fl & R:
        x["rst"] += 1
        x["closed"] = True
while wnext <= W:
    close(wnext); wnext += 1
# the capture, Ethernet
recs = []
for t, sess, a, seq, fl, n in pk:
    s, sp, d, dp = sess if a else (sess[2], sess[3], sess[0], sess[1])
    l3 = (ip4 if sess is V4 else ip6)(s, d, tcp(sp, dp, seq, fl, n))
    recs.append((t, b"\2\0\0\0\0\2\2\0\0\0\0\1" + (b"\x08\x00" if sess is V4 else b"\x86\xdd") + l3))
for t in bg:
    recs.append((t, b"\2\0\0\0\0\2\2\0\0\0\0\1\x08\x00" + udp4()))
recs.sort(key=lambda r: r[0])
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b23c4d, 2, 4, 0, 0, 65535, 1))
    for t, d in recs:
        ns = int(round(t * 1e9))
        d += b"\0" * max(0, 60 - len(d))
        f.write(struct.pack("<IIII", T0 + ns // 10**9, ns % 10**9, len(d), len(d)) + d)
json.dump(dict(flags=flags, segments=len(pk)), open(sys.argv[2], "w"))
print("# oracle: %d segments, flags %s" % (len(pk), flags))
PY
replay "$tmp/bgp.pcap" --bgp-hold-ms 3000 --bgp-silence-permille 667 --bgp-retrans-min 3 >"$tmp/bgp.json"
check "BGP capture: BGP_SESSION reasons exactly the oracle's (retrans in window 11, not 13; reset; IPv6 silent once), every segment accounted" py '
import json, sys
r = json.load(open(sys.argv[1])); o = json.load(open(sys.argv[2]))
got = []
for w in r["windows"]:
    rs = [x for x in w.get("alerts", []) if x["flag"] == "BGP_SESSION"]
    for x in rs:
        got.append(dict(window=w["id"], reason=x["reason"], family=x["flow"]["family"], value=x["value"]))
    if bool(rs) != ("BGP_SESSION" in w.get("flag_names", [])):
        print("window %s: reasons %s, flags %s" % (w["id"], rs, w["flag_names"])); sys.exit(1)
key = lambda x: (x["window"], x["family"], x["reason"])
print("got", sorted(got, key=key)); print("want", sorted(o["flags"], key=key))
b = r["summary"]["bgp"]
print("summary", b)
kinds = sorted(set(x["reason"] for x in o["flags"]))
sys.exit(not (sorted(got, key=key) == sorted(o["flags"], key=key) and
              kinds == ["reset", "retrans", "silent"] and
              b["segments"] == o["segments"] and b["untracked"] == 0 and b["header_cut"] == 0))' "$tmp/bgp.json" "$tmp/bgp-oracle.json"
"$NFSK" replay "$tmp/bgp.pcap" --window-ms 1000 --bgp-hold-ms 3000 >"$tmp/bgp.out"
check "BGP capture text: the retransmissions, the reset and the silence" bash -c '
grep -q "BGP_SESSION window 11 (.*) session tcp 10.0.0.1:40000 -> 10.0.0.2:179 segments [0-9]* retrans 5 (baseline 0 per window)$" "$1" &&
grep -q "BGP_SESSION window .* session tcp 10.0.0.1:40000 -> 10.0.0.2:179 segments [0-9]* reset 1$" "$1" &&
grep -q "BGP_SESSION window .* session tcp \[2001:db8::1\]:40001 -> \[2001:db8::2\]:179 segments [0-9]* silent [0-9]* ms (limit 2001 ms)$" "$1"' _ "$tmp/bgp.out"

# ---- BGP hold time from the OPENs of a capture ------------------------------
# 10.0.0.1:40000 (A) -> 10.0.0.2:179 (B): handshake, A's OPEN proposing
# hold 6 s, B's proposing 4 s (each alone in a segment), then a KEEPALIVE
# from each every 0.5 s; A stops at 5.0 s, B goes on until 10 s. The
# negotiated hold is 4 s (the smaller): 667 per mille = 2668 ms, so A is
# silent at the window close at 8 s (quiet 3000 ms); with --bgp-hold-ms
# 30000, the fallback, the limit would be 20010 ms and nothing raised.
python3 - "$tmp/bgpopen.pcap" <<'PY2'
import struct, sys
def csum(b):
    b += b"\0" * (len(b) % 2)
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def frame(a, seq, flags, pl):
    sp, dp = (40000, 179) if a else (179, 40000)
    src, dst = (bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))[::1 if a else -1]
    t = struct.pack("!HHIIBBHHH", sp, dp, seq, 1, 5 << 4, flags, 65535, 0, 0) + pl
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(t), 0, 0, 64, 6, 0, src, dst)
    return b"\2\0\0\0\0\2\2\0\0\0\0\1\x08\x00" + h[:10] + struct.pack("!H", csum(h)) + h[12:] + t
def bgp_open(hold, asn):   # RFC 4271 4.2, no optional parameters
    return b"\xff" * 16 + struct.pack("!HBBHHIB", 29, 1, 4, asn, hold, 0x0a000001, 0)
KA = b"\xff" * 16 + struct.pack("!HB", 19, 4)
recs, nxt = [], {True: 1000, False: 5000}
def seg(t, a, flags, pl=b""):
    recs.append((t, frame(a, nxt[a], flags, pl)))
    nxt[a] += len(pl) + (1 if flags & 2 else 0)
seg(0.0, True, 0x02); seg(0.001, False, 0x12); seg(0.002, True, 0x10)
seg(0.01, True, 0x18, bgp_open(6, 65001)); seg(0.02, False, 0x18, bgp_open(4, 65002))
for i in range(1, 21):
    t = i * 0.5
    if t <= 5.0:
        seg(t, True, 0x18, KA)
    seg(t + 0.01, False, 0x18, KA)
T0 = 1700000000
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b23c4d, 2, 4, 0, 0, 65535, 1))
    for t, d in sorted(recs, key=lambda r: r[0]):
        ns = int(round(t * 1e9))
        d += b"\0" * max(0, 60 - len(d))
        f.write(struct.pack("<IIII", T0 + ns // 10**9, ns % 10**9, len(d), len(d)) + d)
PY2
replay "$tmp/bgpopen.pcap" --bgp-hold-ms 30000 --bgp-silence-permille 667 >"$tmp/bgpopen.json"
check "BGP capture with OPENs: silent by the negotiated 4 s (limit 2668 ms), not --bgp-hold-ms 30000" py '
import json, sys
r = json.load(open(sys.argv[1]))
got = [(w["id"], x["reason"], x["value"], x["baseline"])
       for w in r["windows"] for x in w.get("alerts", []) if x["flag"] == "BGP_SESSION"]
print("got", got)
sys.exit(not (len(got) == 1 and got[0][1:] == ("silent", 3000, 2668)))' "$tmp/bgpopen.json"
"$NFSK" replay "$tmp/bgpopen.pcap" --window-ms 1000 --bgp-hold-ms 30000 >"$tmp/bgpopen.out"
check "BGP capture with OPENs, text: silent against the limit of the negotiated hold" \
	grep -q "BGP_SESSION window .* session tcp 10.0.0.1:40000 -> 10.0.0.2:179 segments [0-9]* silent 3000 ms (limit 2668 ms)$" "$tmp/bgpopen.out"

# ---- errors and usage ------------------------------------------------------
check "missing file: exit 1" rc_is 1 "$NFSK" replay "$tmp/nonexistent.pcap"
check "missing file: the message names it" grep -q "nonexistent.pcap: No such file" "$tmp/rc.err"
head -c 1000 /dev/urandom >"$tmp/garbage.pcap"
check "not a capture: exit 1" rc_is 1 "$NFSK" replay "$tmp/garbage.pcap"
check "not a capture: the message names it" grep -q "garbage.pcap: " "$tmp/rc.err"
head -c 100000 "$tmp/eth.pcap" >"$tmp/cut.pcap"
check "capture cut mid-packet: exit 1" rc_is 1 "$NFSK" replay "$tmp/cut.pcap"
$GEN "$tmp/user0.pcap" --link user0
check "unsupported link type: exit 1" rc_is 1 "$NFSK" replay "$tmp/user0.pcap"
check "unsupported link type: clear message" grep -q "unsupported link type 147" "$tmp/rc.err"
check "unknown option: exit 2" rc_is 2 "$NFSK" replay "$tmp/eth.pcap" --bogus
check "option without value: exit 2" rc_is 2 "$NFSK" replay "$tmp/eth.pcap" --window-ms
check "bad --key: exit 2" rc_is 2 "$NFSK" replay "$tmp/eth.pcap" --key 1234
check "--window-ms 0: exit 2" rc_is 2 "$NFSK" replay "$tmp/eth.pcap" --window-ms 0
check "--cms-width not a power of two: exit 2" rc_is 2 "$NFSK" replay "$tmp/eth.pcap" --cms-width 1000
check "--top 33: exit 2" rc_is 2 "$NFSK" replay "$tmp/eth.pcap" --top 33
check "no FILE: exit 2" rc_is 2 "$NFSK" replay
check "two FILEs: exit 2" rc_is 2 "$NFSK" replay "$tmp/eth.pcap" "$tmp/eth.pcap"
check "-h: exit 0 with usage" bash -c '"$1" replay -h | grep -q "^Usage: nfsketch .*replay FILE"' _ "$NFSK"
check "listed in nfsketch -h" bash -c '"$1" -h | grep -q "^  replay"' _ "$NFSK"

# ---- the replay under ASan/UBSan: the cases, cut and bit-flipped copies ----
ASAN_NFSK=${ASAN_NFSK:-$top/build/nfsketch-asan}
if [ -x "$ASAN_NFSK" ]; then
	python3 - "$tmp/eth.pcap" "$tmp/mut" <<'PY'
import os, random, sys
d = open(sys.argv[1], "rb").read(); os.makedirs(sys.argv[2]); r = random.Random(7)
for i in range(40):      # bit flips anywhere (headers, lengths, payload)
    b = bytearray(d)
    for _ in range(1 + i % 8):
        k = r.randrange(len(b)); b[k] ^= 1 << r.randrange(8)
    open("%s/flip%02d.pcap" % (sys.argv[2], i), "wb").write(b)
for i in range(20):      # cut anywhere
    open("%s/cut%02d.pcap" % (sys.argv[2], i), "wb").write(d[:r.randrange(24, len(d))])
PY
	asan_bad=0 asan_runs=0
	for fmt in "" -j; do	# the route input, the hand-made episodes
		asan_runs=$((asan_runs + 1))
		# shellcheck disable=SC2086
		"$ASAN_NFSK" $fmt replay "$tmp/eth.pcap" --routes "$tmp/routes.txt" --window-ms 1000 \
			>/dev/null 2>"$tmp/asan.err"
		if grep -qE "AddressSanitizer|runtime error|LeakSanitizer" "$tmp/asan.err"; then
			asan_bad=$((asan_bad + 1))
			echo "# routes: $(grep -m1 -E "AddressSanitizer|runtime error|LeakSanitizer" "$tmp/asan.err")"
		fi
	done
	for f in "$CASES"/* "$tmp"/*.cap "$tmp/mut"/*; do
		for fmt in "" -j; do
			asan_runs=$((asan_runs + 1))
			# shellcheck disable=SC2086
			"$ASAN_NFSK" $fmt replay "$f" --window-ms 1000 >/dev/null 2>"$tmp/asan.err"
			if grep -qE "AddressSanitizer|runtime error|LeakSanitizer" "$tmp/asan.err"; then
				asan_bad=$((asan_bad + 1))
				echo "# $f: $(grep -m1 -E "AddressSanitizer|runtime error|LeakSanitizer" "$tmp/asan.err")"
			fi
		done
	done
	check "ASan/UBSan replay: $asan_runs runs over the cases, 40 bit-flipped and 20 cut captures, no report" \
		test "$asan_bad" -eq 0
else
	not_ok "ASan/UBSan replay: $ASAN_NFSK not built (make test-tools)"
fi

# ---- libFuzzer on the frame parser, bounded time, corpus in the tree ------
FUZZ=${FUZZ:-$top/build/fuzz-replay-parse}
FUZZ_SECONDS=${NFSK_FUZZ_SECONDS:-60}
if [ -x "$FUZZ" ]; then
	mkdir -p "$tmp/fuzz-new" "$top/build/fuzz-artifacts"
	timeout $((FUZZ_SECONDS * 3 + 60)) "$FUZZ" "$tmp/fuzz-new" "$top/selftests/replay/fuzz-corpus" \
		-max_total_time="$FUZZ_SECONDS" -rss_limit_mb=1024 -print_final_stats=1 \
		-artifact_prefix="$top/build/fuzz-artifacts/" >"$tmp/fuzz.log" 2>&1
	frc=$?
	runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 execs in \2 s/p' "$tmp/fuzz.log")
	echo "# fuzz: ${runs:-no summary}; corpus $(ls "$top/selftests/replay/fuzz-corpus" | wc -l) seeds + $(ls "$tmp/fuzz-new" | wc -l) new inputs"
	[ "$frc" -eq 0 ] || grep -E "ERROR|SUMMARY|runtime error|deadly" "$tmp/fuzz.log" | head -5 | sed 's/^/# /'
	check "libFuzzer + ASan/UBSan on the frame parser for ${FUZZ_SECONDS} s: no crash (artifacts in build/fuzz-artifacts)" \
		test "$frc" -eq 0 -a -n "$runs"
else
	not_ok "fuzz: $FUZZ not built (make test-tools; needs clang)"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
