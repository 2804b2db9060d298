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
	--scenarios clean,flood20,syn100,hh --out "$out" --tap >"$out/tap" 2>"$out/log"; then
	ok "eval pipeline ran (4 scenarios, 200 windows)"
else
	not_ok "eval pipeline: $(tail -3 "$out/log")"
fi
sed 's/^/# /' "$out/tap"
for s in flood20 hh; do
	if python3 -c "
import json, sys
r = json.load(open('$out/results.json'))['defaults/$s']
sys.exit(0 if r['episodes_found'] >= 1 else 1)"; then
		ok "$s: an injected episode is flagged"
	else
		not_ok "$s: no injected episode flagged"
	fi
done
for s in clean flood20 syn100 hh; do
	if [ -s "$out/defaults-$s.svg" ] && grep -q '</svg>' "$out/defaults-$s.svg"; then
		ok "$s: SVG written"
	else
		not_ok "$s: no SVG"
	fi
done
echo "1..$n"
[ "$failed" -eq 0 ]
