#!/usr/bin/env python3
# ipfix_check.py TOP_JSON RECORDS_JSON WINDOW_ID PACKETS BYTES: the records
# ipfix_collect.py decoded against `nfsketch -j top` of the same window and
# the window's totals; PASS/FAIL lines for tap_from_py.
import json
import sys

top = json.load(open(sys.argv[1]))
recs = [json.loads(line) for line in open(sys.argv[2])]
wid, wp, wb = (int(x) for x in sys.argv[3:6])
PEN = "32473/"


def tuple_of(f):
    sp, dp = f["sport"], f["dport"]
    if f["proto"] in (1, 58):  # type, code as NetFlow's dport
        sp, dp = 0, sp << 8 | dp
    return (f["src"], f["dst"], f["proto"], sp, dp)


mine = [r["fields"] for r in recs
        if r["template"] in (256, 257) and r["fields"][PEN + "1"] == wid]
got = {}
for r in mine:
    got[(r.get("8", r.get("27")), r.get("12", r.get("28")), r["4"], r["7"], r["11"])] = r
ok = len(mine) == len(top["flows"])
print(("PASS" if ok else "FAIL") +
      f" TCP: {len(mine)} flow records of window {wid}, top has {len(top['flows'])}")
bad = []
for f in top["flows"]:
    r = got.get(tuple_of(f))
    want = (f["bytes"], f["packets"], f["est_bytes"], f["err_bytes"],
            f["est_packets"], f["err_packets"])
    have = r and (r["1"], r["2"], r[PEN + "2"], r[PEN + "3"], r[PEN + "4"], r[PEN + "5"])
    if have != want:
        bad.append(f"{tuple_of(f)}: top {want}, ipfix {have}")
print(("FAIL" if bad or not mine else "PASS") +
      " TCP: every flow's held counts, Count-Min estimates and bounds equal top's")
for b in bad:
    print(b)
bounds = {(r["152"], r["153"]) for r in mine}
print(("PASS" if len(bounds) == 1 else "FAIL") +
      f" TCP: the same window bounds on all its flows {sorted(bounds)}")
summ = [r["fields"] for r in recs if r["template"] == 258 and r["fields"][PEN + "1"] == wid]
ok = (len(summ) == 1 and summ[0]["2"] == wp and summ[0]["1"] == wb and
      (summ[0]["152"], summ[0]["153"]) in bounds)
print(("PASS" if ok else "FAIL") + f" TCP: window summary of {wp} packets, {wb} bytes: {summ}")
