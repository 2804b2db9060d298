#!/bin/bash
# exporter --netns all's regrouping (userspace/nfsketch/prommerge.c): three
# expositions of many families (counters with and without labels, a
# histogram, a family missing from one text, a label value with a quote, a
# backslash and a newline) merged into one. Checked in python against the
# inputs: every family's HELP and TYPE exactly once, every input sample
# once with netns="VALUE" first and its value unchanged, nothing else; and
# by promtool check metrics when installed. TAP.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
run=${NFSK_PROM_MERGE:-$top/build/tests-cli/prom_merge_run}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
python3 - "$tmp" <<'PY'
import sys
d = sys.argv[1]
for k, extra in ((0, True), (1, False), (2, True)):
    with open("%s/in%d.txt" % (d, k), "w") as f:
        for i in range(40):
            f.write("# HELP nfsk_m%d_total Metric %d.\n# TYPE nfsk_m%d_total counter\n" % (i, i, i))
            if i % 3:
                f.write('nfsk_m%d_total{flag="a"} %d\nnfsk_m%d_total{flag="b"} %d\n' % (i, k * 100 + i, i, k * 100 + i + 1))
            else:
                f.write("nfsk_m%d_total %d\n" % (i, k * 1000 + i))
        f.write("# HELP nfsk_sizes Sizes.\n# TYPE nfsk_sizes histogram\n")
        f.write('nfsk_sizes_bucket{le="10"} %d\nnfsk_sizes_bucket{le="+Inf"} %d\nnfsk_sizes_sum %d\nnfsk_sizes_count %d\n' % (k, k + 1, 7 * k, k + 1))
        if extra:
            f.write("# HELP nfsk_only Only in some.\n# TYPE nfsk_only gauge\nnfsk_only{} %d\n" % k)
PY
"$run" "a=$tmp/in0.txt" 'b"q\x
y=/dev/null' "b=$tmp/in1.txt" 'c\"=/dev/null' "c=$tmp/in2.txt" >"$tmp/out.txt"
rc=$?
n=0 failed=0
tap() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else failed=$((failed + 1)); echo "not ok $n - $2"; fi; }
tap $rc "prom_merge_labelled returns 0"
python3 - "$tmp" <<'PY' | sed 's/^/# /'
import re, sys
d = sys.argv[1]
want = {}
for k, ns in ((0, "a"), (1, "b"), (2, "c")):
    for line in open("%s/in%d.txt" % (d, k)):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        m = re.fullmatch(r"([a-z_0-9]+)(?:\{(.*)\})? (\S+)", line)
        labels = 'netns="%s"' % ns + ("," + m.group(2) if m.group(2) else "")
        want["%s{%s}" % (m.group(1), labels)] = m.group(3)
got, helps, types, bad = {}, {}, {}, 0
for line in open("%s/out.txt" % d):
    line = line.rstrip("\n")
    if line.startswith("# HELP "):
        helps[line.split()[2]] = helps.get(line.split()[2], 0) + 1
    elif line.startswith("# TYPE "):
        types[line.split()[2]] = types.get(line.split()[2], 0) + 1
    elif line:
        k, v = line.rsplit(" ", 1)
        if k in got:
            print("twice: %s" % k); bad = 1
        got[k] = v
if got != want:
    print("missing %s" % sorted(set(want) - set(got))[:5]); print("extra %s" % sorted(set(got) - set(want))[:5]); bad = 1
if set(helps) != set(types) or any(c != 1 for c in list(helps.values()) + list(types.values())) or len(helps) != 42:
    print("HELP/TYPE: %d families, counts %s" % (len(helps), set(helps.values()) | set(types.values()))); bad = 1
sys.exit(bad)
PY
tap "${PIPESTATUS[0]}" "every sample once with netns first, every family's HELP and TYPE once"
grep -q '^nfsk_m1_total{netns="c",flag="a"} 201$' "$tmp/out.txt"
tap $? "a labelled sample: netns first, the value unchanged"
grep -q '^nfsk_only{netns="c"} 2$' "$tmp/out.txt"
tap $? "empty braces: no trailing comma"
# label values escaped as the text format wants
printf '# HELP x X.\n# TYPE x gauge\nx 1\n' >"$tmp/x.txt"
"$run" "$(printf 'q"b\\\\s\nl')=$tmp/x.txt" >"$tmp/esc.txt"
grep -qF 'x{netns="q\"b\\\\s\nl"} 1' "$tmp/esc.txt"
tap $? "a label value's quote, backslash and newline escaped"
if command -v promtool >/dev/null; then
	promtool check metrics <"$tmp/out.txt" >"$tmp/promtool.txt" 2>&1
	rc=$?
	sed 's/^/# /' "$tmp/promtool.txt"
	tap $rc "promtool check metrics accepts the merged exposition"
fi
echo "1..$n"
[ "$failed" -eq 0 ]
