#!/bin/bash
# `nfsketch watch` within 80 columns whatever the numbers: its screen drawn
# from fixtures (selftests/cli/watch_render.c) with every number at its
# widest (u64 and s64 limits, IPv6 flows with ports, every flag, the
# longest header) and at its narrowest. Each line, decoded as UTF-8, is at
# most 80 characters (the sparkline's block elements take one column each),
# and nothing was cut: every number and address of the fixture is there.
# TAP.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
exec /usr/bin/python3 - "${NFSK_WATCH_RENDER:-$top/build/tests-cli/watch_render}" <<'PY'
import subprocess, sys

render = sys.argv[1]
n = fails = 0
def tap(ok, what, detail=()):
    global n, fails
    n += 1
    fails += not ok
    print("%s %d - %s" % ("ok" if ok else "not ok", n, what))
    for d in detail:
        print("#   %s" % d)

U64 = "18446744073709551615"
for args in (["max", "86400"], ["max", "0"], ["max", "0.05"], ["min", "0"], ["min", "1.5"]):
    p = subprocess.run([render] + args, capture_output=True)
    out = p.stdout.decode("utf-8")
    lines = out.split("\n")
    wide = ["%d: %s" % (len(l), l) for l in lines if len(l) > 80]
    tap(p.returncode == 0 and len(lines) > 10,
        "watch %s: drawn (%d lines)" % (" ".join(args), len(lines)))
    tap(not wide, "watch %s: every line within 80 columns (widest %d)" %
        (" ".join(args), max(len(l) for l in lines)), wide)
    if args[0] == "max":
        want = [U64, "4294967.29 bits", "9223372036854776.00", "-9223372036854776.00",
                "VOLUME_SPIKE,ENTROPY_SHIFT,HEAVY_HITTER,ROUTE_CHURN,ROUTE_FLAP",
                "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe]:65535",
                "-> [fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535",
                "type 255 code 255", "255.255.255.255:65535 -> 255.255.255.254:65535",
                "(4294967295 ms)" if args[1] == "0" else "every %.1f s" % float(args[1])]
        want.append("18446744073709551556")     # the last window's id and counters
        # the 9 stats counters watch prints as numbers, each whole
        counts = out.count(U64)
        tap(counts == 9, "watch %s: 9 u64 limits printed whole (%d)" % (" ".join(args), counts))
    else:
        want = ["totals   packets 0  bytes 0  windows 0 (open 0)  memory 0B  cpus 0",
                "routes   ipv4 0  ipv6 0  alerts 0  events sent 0  coalesced 0  dropped 0",
                "udp 10.0.0.1:1 -> 10.0.0.2:2"]
    missing = [w for w in want if w not in out]
    tap(not missing, "watch %s: nothing cut" % " ".join(args), missing)
    tap(out.count("packets per window") == 1 and "top flows of the last window" in out,
        "watch %s: sections present" % " ".join(args))
print("1..%d" % n)
sys.exit(1 if fails else 0)
PY
