#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""eval.py - measure nfsketch's flags on labelled traffic (make eval).

For each scenario and run (seed), build/eval-gen writes a capture and its
own truth file (which windows it injected an anomaly into); the capture is
piped through `nfsketch -j replay -` (the portable core, as the module runs
it) and the flags of each window are scored against the truth. Route
scenarios (gen_routes.py) write route events instead, piped through
`nfsketch -j replay --routes -`, scored the same way:

  window level   precision, recall, F1 of "the window has a flag"
  episode level  an episode is found when any of its windows is flagged;
                 episode precision = flagged runs (maximal runs of flagged
                 windows) that touch an episode / all flagged runs;
                 delay = first flagged window - first episode window
  clean          false flags per 100 windows outside every episode
  per detector   the same window counts for each flag alone

Python 3 standard library only. Writes OUT/table.md, OUT/results.json and
OUT/<profile>-<scenario>.svg (the first run: series, episodes shaded, flags
marked).

  eval.py [--runs N] [--windows N] [--scenarios a,b,...] [--profiles p,...]
          [--out DIR] [--jobs N] [--tap]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
NFSK = os.environ.get("NFSK", os.path.join(TOP, "build", "nfsketch"))
GEN = os.environ.get("EVAL_GEN", os.path.join(TOP, "build", "eval-gen"))
GEN_ROUTES = os.path.join(TOP, "selftests", "eval", "gen_routes.py")

SCENARIOS = ["clean", "flood2", "flood5", "flood20", "syn10", "syn30",
             "syn100", "scan5", "scan15", "scan50", "ramp1", "ramp2", "hh",
             "rclean", "churn5", "churn20", "flap", "withdraw30", "withdraw60",
             "default"]
ROUTE_SCENARIOS = {"rclean", "churn5", "churn20", "flap", "withdraw30",
                   "withdraw60", "default"}
# The goal rows: the middle sizes of each class, plus hh and ramp.
GOAL = {"flood5", "syn30", "scan15", "ramp2", "hh"}
SHORT = {"VOLUME_SPIKE": "volume", "ENTROPY_SHIFT": "entropy",
         "HEAVY_HITTER": "heavy", "ROUTE_CHURN": "churn", "ROUTE_FLAP": "flap",
         "ROUTE_WITHDRAW_BURST": "burst", "DEFAULT_ROUTE_LOST": "default"}
FLAGS = ["VOLUME_SPIKE", "ENTROPY_SHIFT", "HEAVY_HITTER", "ROUTE_CHURN",
         "ROUTE_FLAP", "ROUTE_WITHDRAW_BURST", "DEFAULT_ROUTE_LOST"]

# The floors that depend on the link's size (minimum alert sizes) are
# scaled to the generated ~4000 packets / ~3 MB per 1-s window; everything
# else is the tunables table's default (profile "defaults") or the tuned
# profile's values, documented in docs/design.md.
BASE_OPTS = ["--window-ms", "1000", "--min-packets", "1000",
             "--min-bytes", "200000", "--topk", "1"]
PROFILES = {
    "defaults": [],
    "tuned": ["--drift-slope-permille", "8", "--withdraw-burst-permille", "250"],
}


def run_one(profile, scenario, seed, windows, tmp):
    truth_path = os.path.join(tmp, "%s-%s-%d.truth.json" % (profile, scenario, seed))
    inp = ["-"]
    if scenario in ROUTE_SCENARIOS:
        # the route events on a router that carries the clean traffic of
        # the same seed (the leave-out rule of flags.c counts windows busy
        # with packets); the truth is the route generator's
        routes_path = truth_path + ".routes"
        with open(routes_path, "w") as f:
            subprocess.run([sys.executable, GEN_ROUTES, scenario, str(seed),
                            str(windows), truth_path], stdout=f, check=True)
        inp += ["--routes", routes_path]
        gen = subprocess.Popen([GEN, "clean", str(seed), str(windows),
                                truth_path + ".traffic"], stdout=subprocess.PIPE)
    else:
        gen = subprocess.Popen([GEN, scenario, str(seed), str(windows), truth_path],
                               stdout=subprocess.PIPE)
    rep = subprocess.run([NFSK, "-j", "replay"] + inp + BASE_OPTS + PROFILES[profile],
                         stdin=gen.stdout, stdout=subprocess.PIPE, check=False)
    gen.stdout.close()
    if gen.wait() != 0 or rep.returncode != 0:
        raise RuntimeError("%s seed %d: generator %d, replay %d" %
                           (scenario, seed, gen.returncode, rep.returncode))
    out = json.loads(rep.stdout)
    with open(truth_path) as f:
        truth = json.load(f)
    for path in (truth_path, truth_path + ".routes", truth_path + ".traffic"):
        if os.path.exists(path):
            os.unlink(path)
    return truth, out["windows"]


def flagged_runs(pred):
    runs, start = [], None
    for i, p in enumerate(pred + [False]):
        if p and start is None:
            start = i
        elif not p and start is not None:
            runs.append((start, i - 1))
            start = None
    return runs


def score(results, mask_fn):
    """results: [(truth, windows)]; mask_fn(window) -> flagged?"""
    tp = fp = fn = clean = 0
    eps = found = 0
    delays = []
    runs_total = runs_true = 0
    for truth, wins in results:
        anom = [w["anomalous"] for w in truth["per_window"]]
        byid = {w["id"]: w for w in wins if "id" in w}
        pred = [bool(mask_fn(byid[i + 1])) if i + 1 in byid else False
                for i in range(len(anom))]
        for a, p in zip(anom, pred):
            tp += a and p
            fp += (not a) and p
            fn += a and not p
            clean += not a
        for e in truth["episodes"]:
            eps += 1
            hits = [i for i in range(e["start"] - 1, e["end"]) if pred[i]]
            if hits:
                found += 1
                delays.append(hits[0] - (e["start"] - 1))
        for s, t in flagged_runs(pred):
            runs_total += 1
            runs_true += any(anom[s:t + 1])
    prec = tp / (tp + fp) if tp + fp else None
    rec = tp / (tp + fn) if tp + fn else None
    f1 = 2 * prec * rec / (prec + rec) if prec and rec else (0.0 if rec is not None else None)
    return {
        "tp": tp, "fp": fp, "fn": fn, "clean_windows": clean,
        "precision": prec, "recall": rec, "f1": f1,
        "episodes": eps, "episodes_found": found,
        "episode_recall": found / eps if eps else None,
        "episode_precision": runs_true / runs_total if runs_total else None,
        "delay_mean": sum(delays) / len(delays) if delays else None,
        "false_per_100_clean": 100.0 * fp / clean if clean else None,
    }


def flag_bit(name, wins_names):
    return lambda w: name in w.get("flag_names", [])


def fmt(v, nd=2):
    return "–" if v is None else ("%.*f" % (nd, v))


# ---- SVG --------------------------------------------------------------------
def svg(path, title, truth, wins):
    W, H, L, R = 900, 520, 60, 20
    panels = [("packets", "packets / window"),
              ("src_entropy_mbits", "H(src), bits"),
              ("dst_entropy_mbits", "H(dst), bits"),
              ("top_share", "top flow share of bytes, %")]
    if any("routes" in w for w in wins):
        panels = [("route_events", "route events / window"),
                  ("route_del", "withdrawals / window"),
                  ("size_ipv4", "IPv4 routes"),
                  ("size_ipv6", "IPv6 routes")]
    n = len(truth["per_window"])
    byid = {w["id"]: w for w in wins if "id" in w}
    ph = (H - 60) / len(panels)
    xs = lambda i: L + (W - L - R) * (i - 1) / max(1, n - 1)
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="sans-serif" font-size="11">' % (W, H),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="16" font-size="14">%s</text>' % (L, title)]
    colors = {"VOLUME_SPIKE": "#d62728", "ENTROPY_SHIFT": "#9467bd",
              "HEAVY_HITTER": "#ff7f0e"}
    if panels[0][0] == "route_events":
        colors = {"ROUTE_CHURN": "#d62728", "ROUTE_FLAP": "#9467bd",
                  "ROUTE_WITHDRAW_BURST": "#ff7f0e",
                  "DEFAULT_ROUTE_LOST": "#2ca02c"}
    for k, (key, label) in enumerate(panels):
        y0 = 30 + k * ph
        y1 = y0 + ph - 18
        vals = []
        for i in range(1, n + 1):
            w = byid.get(i)
            if not w:
                vals.append(None)
            elif key.startswith("route_") or key.startswith("size_"):
                if key == "route_events":
                    vals.append(sum(w["route_%s%d" % (e, f)] for e in ("add", "del", "replace")
                                    for f in (4, 6)))
                elif key == "route_del":
                    vals.append(w["route_del4"] + w["route_del6"])
                else:
                    vals.append(w["routes4" if key == "size_ipv4" else "routes6"])
            elif key == "top_share":
                vals.append(100.0 * w["top"][0]["bytes"] / w["bytes"]
                            if w.get("top") and w["bytes"] else 0)
            elif key.endswith("mbits"):
                vals.append(w[key] / 1000.0)
            else:
                vals.append(w[key])
        good = [v for v in vals if v is not None] or [0]
        lo, hi = min(good), max(good)
        if hi == lo:
            hi = lo + 1
        ys = lambda v: y1 - (y1 - y0) * (v - lo) / (hi - lo)
        for e in truth["episodes"]:
            out.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" '
                       'fill="#ffd8d8"/>' % (xs(e["start"]) - 1, y0,
                                             xs(e["end"]) - xs(e["start"]) + 2, y1 - y0))
        out.append('<rect x="%d" y="%.1f" width="%d" height="%.1f" fill="none" '
                   'stroke="#888"/>' % (L, y0, W - L - R, y1 - y0))
        out.append('<text x="%d" y="%.1f">%s</text>' % (L + 4, y0 + 12, label))
        out.append('<text x="4" y="%.1f">%.4g</text>' % (y0 + 10, hi))
        out.append('<text x="4" y="%.1f">%.4g</text>' % (y1, lo))
        pts = " ".join("%.1f,%.1f" % (xs(i + 1), ys(v))
                       for i, v in enumerate(vals) if v is not None)
        out.append('<polyline fill="none" stroke="#1f77b4" stroke-width="1" '
                   'points="%s"/>' % pts)
        for i in range(1, n + 1):
            w = byid.get(i)
            if not w:
                continue
            for f in w.get("flag_names", []):
                if f in colors:
                    out.append('<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" '
                               'stroke="%s" stroke-width="2"/>' %
                               (xs(i), xs(i), y1 - 6, y1, colors[f]))
    yk = H - 14
    out.append('<rect x="%d" y="%d" width="14" height="10" fill="#ffd8d8"/>'
               '<text x="%d" y="%d">injected episode</text>' % (L, yk - 9, L + 18, yk))
    x = L + 140
    for f, c in colors.items():
        out.append('<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="%s" stroke-width="3"/>'
                   '<text x="%d" y="%d">%s</text>' % (x, x, yk - 10, yk, c, x + 6, yk, f))
        x += 180
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--windows", type=int, default=300)
    ap.add_argument("--scenarios", default=",".join(SCENARIOS))
    ap.add_argument("--profiles", default="defaults,tuned")
    ap.add_argument("--out", default=os.path.join(TOP, "build", "eval"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--tap", action="store_true",
                    help="TAP: one line per scenario and profile that ran")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    scen = a.scenarios.split(",")
    profs = a.profiles.split(",")
    tasks = [(p, s, seed) for p in profs for s in scen for seed in range(1, a.runs + 1)]
    res = {}
    fails = []
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(a.jobs) as ex:
        futs = {t: ex.submit(run_one, t[0], t[1], t[2], a.windows, tmp) for t in tasks}
        for t, fu in futs.items():
            try:
                res.setdefault((t[0], t[1]), []).append(fu.result())
            except Exception as e:  # noqa: BLE001 - reported, counted
                fails.append("%s: %s" % (t, e))
    table = {}
    for (p, s), rs in res.items():
        row = score(rs, lambda w: w.get("flags", 0))
        row["detectors"] = {f: score(rs, flag_bit(f, None)) for f in FLAGS}
        table[(p, s)] = row
        if rs:
            svg(os.path.join(a.out, "%s-%s.svg" % (p, s)),
                "%s, profile %s, seed 1" % (s, p), rs[0][0], rs[0][1])
    lines = ["# nfsketch detection evaluation",
             "",
             "%d runs x %d one-second windows per scenario; generators "
             "selftests/eval/gen.c (traffic) and gen_routes.py (route events, "
             "replayed with the clean traffic), scorer selftests/eval/eval.py. Goal rows "
             "(the issue's middle sizes) are marked *." % (a.runs, a.windows),
             ""]
    for p in profs:
        lines += ["## profile: %s" % p, "",
                  "| scenario | recall | precision | F1 | episodes found | "
                  "episode precision | delay (windows) | false flags / 100 clean | "
                  "flags by detector (TP/FP windows) |",
                  "|---|---|---|---|---|---|---|---|---|"]
        allrs, routers = [], []
        for s in scen:
            row = table.get((p, s))
            if not row:
                continue
            (routers if s in ROUTE_SCENARIOS else allrs).extend(res[(p, s)])
            det = ", ".join("%s %d/%d" % (SHORT[f], d["tp"], d["fp"])
                            for f, d in row["detectors"].items() if d["tp"] or d["fp"])
            lines.append("| %s%s | %s | %s | %s | %d/%d | %s | %s | %s | %s |" % (
                s, " *" if s in GOAL else "", fmt(row["recall"]), fmt(row["precision"]),
                fmt(row["f1"]), row["episodes_found"], row["episodes"],
                fmt(row["episode_precision"]), fmt(row["delay_mean"], 1),
                fmt(row["false_per_100_clean"]), det or "none"))
        for name, key, rs in (("all", "ALL", allrs),
                              ("all route scenarios", "ALL_ROUTES", routers)):
            if not rs:
                continue
            ov = score(rs, lambda w: w.get("flags", 0))
            table[(p, key)] = ov
            lines.append("| **%s** | %s | %s | **%s** | %d/%d | %s | %s | %s | |" % (
                name, fmt(ov["recall"]), fmt(ov["precision"]), fmt(ov["f1"]),
                ov["episodes_found"], ov["episodes"], fmt(ov["episode_precision"]),
                fmt(ov["delay_mean"], 1), fmt(ov["false_per_100_clean"])))
        lines.append("")
    if fails:
        lines += ["Failed runs:", ""] + ["- " + f for f in fails] + [""]
    with open(os.path.join(a.out, "table.md"), "w") as f:
        f.write("\n".join(lines))
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump({"%s/%s" % k: v for k, v in table.items()}, f, indent=1)
    print("\n".join(lines), file=sys.stderr if a.tap else sys.stdout)
    if a.tap:
        n = 0
        for t in fails:
            n += 1
            print("not ok %d - run %s" % (n, t))
        for (p, s), row in sorted(table.items()):
            if s == "ALL":
                continue
            n += 1
            print("ok %d - %s/%s scored: F1 %s, %s false flags / 100 clean" %
                  (n, p, s, fmt(row["f1"]), fmt(row["false_per_100_clean"])))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
