#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""nl_latency.py N: time N STATS_GET requests (each waits for nn->lock);
prints "n=N p50_ms=.. p99_ms=.. max_ms=.. mean_ms=..". Uses genl.py."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import genl as nl  # noqa: E402

n = int(sys.argv[1])
g = nl.Genl()
lat = []
for _ in range(n):
    t = time.perf_counter()
    a = g.nfsk(nl.CMD_STATS_GET)
    lat.append((time.perf_counter() - t) * 1000.0)
    if a.error:
        sys.exit("STATS_GET: %r" % a)
lat.sort()
print("n=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f mean_ms=%.2f" %
      (n, lat[n // 2], lat[min(n - 1, n * 99 // 100)], lat[-1], sum(lat) / n))
