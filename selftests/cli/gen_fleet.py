#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""gen_fleet.py - two routers' captures for `nfsketch merge`, with the truth.

  gen_fleet.py DIR [--background N] [--seed S]

Writes DIR/a.pcap and DIR/b.pcap (LINKTYPE_RAW, IPv4 UDP, every packet in
the first 0.5 s of a 10 s window), DIR/ab.pcap (both, in time order: what
one router seeing all of it would capture) and DIR/truth.json: the packets
and IP bytes of each named flow on each router, counted as they are
written, and the totals. Named flows: "both" (on a and b), "a_only",
"b_only"; N background flows of 1-3 packets on each router fill the
sketch so that a narrow one collides.
"""
import argparse
import json
import random
import struct

T0 = 1700000000 * 10**6			# us, a multiple of 10 s


def ip4(s):
    return bytes(int(x) for x in s.split("."))


def udp4(src, dst, sport, dport, plen):
    udp = struct.pack("!HHHH", sport, dport, 8 + plen, 0) + b"x" * plen
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                    ip4(src), ip4(dst))
    s = sum(struct.unpack("!10H", h))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return h[:10] + struct.pack("!H", ~s & 0xffff) + h[12:] + udp


def write(path, pkts):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))
        for ts, p in pkts:
            f.write(struct.pack("<IIII", ts // 10**6, ts % 10**6, len(p), len(p)) + p)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--background", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    named = {
        "both": ("10.1.0.1", "10.2.0.1", 5000, 6000, {"a": (300, 200), "b": (200, 120)}),
        "a_only": ("10.1.0.2", "10.2.0.2", 5001, 6001, {"a": (40, 60)}),
        "b_only": ("10.1.0.3", "10.2.0.3", 5002, 6002, {"b": (70, 80)}),
    }
    truth = {"flows": {}, "routers": {}}
    out = {"a": [], "b": []}
    for name, (src, dst, sp, dp, per) in named.items():
        t = {"src": src, "dst": dst, "sport": sp, "dport": dp}
        for r, (n, plen) in per.items():
            p = udp4(src, dst, sp, dp, plen)
            for _ in range(n):
                out[r].append((rnd.randrange(500000), p))
            t[r + "_packets"] = n
            t[r + "_bytes"] = n * len(p)
        truth["flows"][name] = t
    for r in ("a", "b"):
        for i in range(a.background):
            p = udp4("172.16.%d.%d" % (i // 250, 1 + i % 250),
                     "192.168.%d.1" % (ord(r) % 2), 20000 + i, 53,
                     rnd.randrange(10, 200))
            for _ in range(rnd.randrange(1, 4)):
                out[r].append((rnd.randrange(500000), p))
    for r in ("a", "b"):
        out[r].sort(key=lambda x: x[0])
        out[r] = [(T0 + ts, p) for ts, p in out[r]]
        write("%s/%s.pcap" % (a.dir, r), out[r])
        truth["routers"][r] = {"packets": len(out[r]),
                               "bytes": sum(len(p) for _, p in out[r])}
    write("%s/ab.pcap" % a.dir, sorted(out["a"] + out["b"], key=lambda x: x[0]))
    with open("%s/truth.json" % a.dir, "w") as f:
        json.dump(truth, f)


main()
