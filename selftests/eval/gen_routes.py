#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""gen_routes.py - labelled route events for the detection evaluation.

  gen_routes.py SCENARIO SEED WINDOWS TRUTH.json > routes.txt

Writes the route input of `nfsketch replay --routes` (userspace/replay/
route_in.c: one `<time_ns> base|add|replace|del <prefix> ...` a line) for
WINDOWS one-second windows, and TRUTH.json in gen.c's format: the injected
episodes and, per window, whether it holds an injected event. The truth is
how the events were built, never the core's view.

Table at the start ("base" lines, the kernel's registration dump): 4000 BGP
IPv4 prefixes, 1000 BGP IPv6, 200 OSPF IPv4, a static IPv4 default and an
IPv6 default from router advertisements.

Clean background (every scenario), like a BGP table's: per window
Poisson(1) withdrawals of BGP prefixes, each re-announced 1-5 windows later,
and Poisson(1.5) next-hop changes (replace via the other gateway), a fifth
of them IPv6: ~3.5 events per window. A withdrawn prefix is never withdrawn
again in the run (RFC 2439 damping is about the same prefix again and
again; a real table's background spreads over many prefixes).

SCENARIO, episodes at 40 % and 70 % of the run:
  rclean            the background alone
  churn5, churn20   storms of 20 windows: x5 / x20 the background's rates
                    (withdrawals re-announced inside the storm)
  flap              20 prefixes flapped (withdrawn, re-announced 2 windows
                    later) every 4 windows for 30 windows, phases spread:
                    the third withdrawal of each crosses the suppress
                    threshold (penalty 1000 per withdrawal, half-life
                    15 min: 1000 + 999 + 998 > 2000)
  withdraw30, withdraw60  30 % / 60 % of the BGP IPv4 routes (first
                    episode) and of the BGP IPv6 routes (second) withdrawn
                    in one second (a session loss), re-announced 15 windows
                    later: the re-announcement is an episode of its own
  default           the IPv4 default route withdrawn (restored 10 windows
                    later: a route coming back is no anomaly), then the
                    IPv6 default's gateway changed
"""
import json
import math
import random
import sys

T0 = 1700000000 * 10**9
SEC = 10**9
N_V4, N_V6, N_OSPF = 4000, 1000, 200
GW = ("192.0.2.1", "192.0.2.2")
GW6 = ("fe80::1", "fe80::2")


def v4(i):
    return "10.%d.%d.0/24" % (i // 256, i % 256)


def v6(i):
    return "2001:db8:%x::/48" % i


def poisson(rng, lam):
    # Knuth: fine for the small rates here
    L, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= L:
            return k
        k += 1


class Gen:
    def __init__(self, seed, windows):
        self.rng = random.Random(seed)
        self.windows = windows
        self.ev = []                    # (time_ns, order, line)
        self.anom = [False] * (windows + 1)
        self.n = 0
        order = list(range(N_V4))
        self.rng.shuffle(order)
        self.fresh = order              # never-withdrawn prefixes, popped
        self.gw = {}                    # prefix index -> gateway index
        for i in range(N_V4):
            self.gw[i] = 0
            self.add(T0, "base %s via %s dev 2 proto bgp" % (v4(i), GW[0]))
        for i in range(N_V6):
            self.add(T0, "base %s via %s dev 2 proto bgp" % (v6(i), GW6[0]))
        for i in range(N_OSPF):
            self.add(T0, "base 172.16.%d.0/24 via 192.0.2.3 dev 3 proto ospf" % i)
        self.add(T0, "base default via 192.0.2.1 dev 2 proto static")
        self.add(T0, "base ::/0 via fe80::1 dev 2 proto ra")

    def add(self, t, line, anomalous=False, window=None):
        self.n += 1
        self.ev.append((t, self.n, line))
        if anomalous:
            self.anom[window] = True

    def at(self, w):
        """A random time inside window w (1-based)."""
        return T0 + (w - 1) * SEC + self.rng.randrange(1, SEC - 1)

    def withdraw_readvertise(self, w, back, anomalous):
        if not self.fresh:
            return
        i = self.fresh.pop()
        t = self.at(w)
        self.add(t, "del %s" % v4(i), anomalous, w)
        if back <= self.windows:
            t2 = max(self.at(back), t + 1)
            self.add(t2, "add %s via %s dev 2 proto bgp" % (v4(i), GW[self.gw[i]]),
                     anomalous, back)

    def replace(self, w, anomalous):
        t = self.at(w)
        if self.rng.random() < 0.2:
            i = self.rng.randrange(N_V6)
            self.add(t, "replace %s via %s dev 2 proto bgp" %
                     (v6(i), GW6[self.rng.randrange(2)]), anomalous, w)
            return
        # a prefix of the fresh pool: present (never withdrawn)
        i = self.fresh[self.rng.randrange(len(self.fresh))]
        self.gw[i] ^= 1
        self.add(t, "replace %s via %s dev 2 proto bgp" % (v4(i), GW[self.gw[i]]),
                 anomalous, w)

    def background(self, w, mult=1, anomalous=False, last=None):
        for _ in range(poisson(self.rng, 1.0 * mult)):
            back = w + self.rng.randint(1, 5)
            if last is not None:
                back = min(back, last)
            self.withdraw_readvertise(w, back, anomalous)
        for _ in range(poisson(self.rng, 1.5 * mult)):
            self.replace(w, anomalous)


def main():
    scen, seed, windows, truth_path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    g = Gen(seed * 7919 + sum(map(ord, scen)), windows)
    starts = [int(windows * 0.4), int(windows * 0.7)]
    kind, size, length = "none", 0, 0
    episodes = []
    if scen.startswith("churn"):
        kind, size, length = "churn_storm", int(scen[5:]), 20
    elif scen == "flap":
        kind, size, length = "flap", 20, 30
    elif scen.startswith("withdraw"):
        kind, size, length = "mass_withdrawal", int(scen[8:]), 1
    elif scen == "default":
        kind, size, length = "default_route_lost", 1, 1
    elif scen != "rclean":
        sys.exit("unknown scenario %s" % scen)
    if kind == "none":
        starts = []
    storm = {}
    for s in starts:
        episodes.append({"start": s, "end": s + length - 1})
        for w in range(s, s + length):
            storm[w] = s + length - 1
    for w in range(1, windows + 1):
        g.background(w)
        if kind == "churn_storm" and w in storm:
            # the storm's own events on top of the background: (x - 1) more
            g.background(w, mult=size - 1, anomalous=True, last=storm[w])
    if kind == "flap":
        for s in starts:
            for k in range(size):
                i = g.fresh.pop()
                phase = k % 4
                for w in range(s + phase, s + 30 - 2, 4):
                    t = g.at(w)
                    g.add(t, "del %s" % v4(i), True, w)
                    g.add(g.at(w + 2), "add %s via %s dev 2 proto bgp" % (v4(i), GW[g.gw[i]]),
                          True, w + 2)
    if kind == "mass_withdrawal":
        # a share of a protocol's table: the BGP IPv4 routes (never
        # withdrawn ones: surely present), then the BGP IPv6 routes; no
        # prefix is withdrawn twice
        for n, s in enumerate(starts):
            back = s + 15
            t = T0 + (s - 1) * SEC + SEC // 4
            t2 = T0 + (back - 1) * SEC + SEC // 4
            if n == 0:
                k = int(round(N_V4 * size / 100.0))
                pool = list(g.fresh)
                g.rng.shuffle(pool)
                gone = pool[:k]
                left = set(gone)
                g.fresh = [i for i in g.fresh if i not in left]
                dels = ["del %s" % v4(i) for i in gone]
                adds = ["add %s via %s dev 2 proto bgp" % (v4(i), GW[g.gw[i]]) for i in gone]
            else:
                k = int(round(N_V6 * size / 100.0))
                gone = g.rng.sample(range(N_V6), k)
                dels = ["del %s" % v6(i) for i in gone]
                adds = ["add %s via %s dev 2 proto bgp" % (v6(i), GW6[0]) for i in gone]
            for j, line in enumerate(dels):        # 0.1 ms apart
                g.add(t + j * 100000, line, True, s)
            for j, line in enumerate(adds):
                g.add(t2 + j * 100000, line, True, back)
            episodes.append({"start": back, "end": back, "readvertise": True})
    if scen == "default":
        s1, s2 = starts
        g.add(g.at(s1), "del default", True, s1)
        g.add(g.at(s1 + 10), "add default via 192.0.2.1 dev 2 proto static")
        g.add(g.at(s2), "replace ::/0 via fe80::2 dev 2 proto ra", True, s2)
    episodes.sort(key=lambda e: e["start"])
    g.ev.sort()
    out = sys.stdout
    out.write("# gen_routes.py %s seed %d, %d windows\n" % (scen, seed, windows))
    for t, _, line in g.ev:
        out.write("%d %s\n" % (t, line))
    with open(truth_path, "w") as f:
        json.dump({"scenario": scen, "kind": kind, "size": size,
                   "episodes": episodes,
                   "per_window": [{"id": w, "anomalous": g.anom[w]}
                                  for w in range(1, windows + 1)]}, f)


if __name__ == "__main__":
    main()
