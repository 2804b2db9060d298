#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""gen-pcap.py - write test captures for `nfsketch replay`, with an oracle.

Python 3 standard library only. Builds a deterministic list of IP packets
(IPv4 with options and fragments, IPv6 with hop-by-hop / destination /
routing / AH extension headers and fragments, TCP, UDP, ICMP, ICMPv6, ESP,
GRE, malformed and truncated packets, ARP frames), wraps them in the chosen
link layer and file format, and writes, if asked, the oracle: what the
kernel's hooks would count for exactly these packets, window by window,
computed from how the packets were built (not by parsing them back).

  gen-pcap.py OUT [--format pcap|pcap-ns|pcapng] [--link LINK]
              [--scenario mixed|spike|arp-only|empty] [--window-ms N]
              [--oracle FILE.json] [--seed N]
  gen-pcap.py OUT --case CASE

CASE: a small capture of one kind of trouble from real files (time stamps,
frames the kernel drops, loopback copies); what is right for each is in
selftests/replay/test_replay.sh: ts-max, gap-10y, spb-first, backstep,
ns-boundary, ng-tsresol, invalid, lo-sll, lo-sll2, v6-cut.

LINK: eth, vlan (802.1Q), qinq (802.1ad + 802.1Q), sll, sll2, raw
(LINKTYPE_RAW), ipv4 (LINKTYPE_IPV4), ipv6 (LINKTYPE_IPV6), user0
(LINKTYPE_USER0, which replay must reject).
"""
import argparse
import ipaddress
import json
import random
import struct
import sys

LINKTYPES = {"eth": 1, "vlan": 1, "qinq": 1, "sll": 113, "sll2": 276,
             "raw": 101, "ipv4": 228, "ipv6": 229, "user0": 147}
L2LEN = {"eth": 14, "vlan": 18, "qinq": 22, "sll": 16, "sll2": 20,
         "raw": 0, "ipv4": 0, "ipv6": 0, "user0": 0}

PROTO_NAMES = {6: "tcp", 17: "udp", 1: "icmp", 58: "icmpv6"}


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def a4(s):
    return ipaddress.IPv4Address(s).packed


def a6(s):
    return ipaddress.IPv6Address(s).packed


def ipv4(src, dst, proto, payload, frag_off=0, mf=False, options=b"",
         ident=0, tot_len=None):
    """IPv4 packet; frag_off in 8-byte units."""
    assert len(options) % 4 == 0
    ihl = 5 + len(options) // 4
    total = ihl * 4 + len(payload)
    ff = (0x2000 if mf else 0) | frag_off
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, total if tot_len is None else tot_len,
                      ident & 0xffff, ff, 64, proto, 0, a4(src), a4(dst)) + options
    c = csum(hdr)
    return hdr[:10] + struct.pack("!H", c) + hdr[12:] + payload


def ipv6(src, dst, nexthdr, payload):
    return struct.pack("!IHBB16s16s", 0x60000000, len(payload), nexthdr, 64,
                       a6(src), a6(dst)) + payload


def ext_opt(nexthdr, body_len=6):
    """Hop-by-hop / destination options / routing header: (n+1)*8 bytes."""
    total = 2 + body_len
    assert total % 8 == 0
    return struct.pack("!BB", nexthdr, total // 8 - 1) + b"\x01" + \
        bytes([body_len - 2]) + b"\0" * (body_len - 2)


def ext_ah(nexthdr, icv=12):
    """AH: length field (n+2)*4 bytes."""
    total = 12 + icv
    return struct.pack("!BBHII", nexthdr, total // 4 - 2, 0, 0x1234, 1) + b"\0" * icv


def ext_frag(nexthdr, offset8, more, ident=7):
    return struct.pack("!BBHI", nexthdr, 0, (offset8 << 3) | (1 if more else 0), ident)


def udp(sport, dport, n):
    return struct.pack("!HHHH", sport, dport, 8 + n, 0) + b"\xab" * n


def tcp(sport, dport, n, flags=0x18):
    return struct.pack("!HHIIBBHHH", sport, dport, 1, 1, 5 << 4, flags, 65535, 0, 0) + b"\xcd" * n


def icmp(typ, code, n):
    return struct.pack("!BBHI", typ, code, 0, 0x10001) + b"\xef" * n


def arp():
    return struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, b"\x02\0\0\0\0\1",
                       a4("10.0.0.1"), b"\0" * 6, a4("10.0.0.2"))


class Pkt:
    """One frame: L3 bytes, what the kernel would make of it."""

    def __init__(self, ts_us, l3, kind, key=None, cap=None, etype=None):
        self.ts_us = ts_us
        self.l3 = l3
        self.kind = kind        # ip, trunc, unknown
        self.key = key          # (family, src, dst, proto, sport, dport)
        self.cap = cap          # L3 bytes captured (None: all)
        if etype is None:
            etype = 0x86dd if (l3 and l3[0] >> 4 == 6) else 0x0800
        self.etype = etype

    def length(self):
        """skb->len at the hook: the IP packet's own length."""
        if self.kind == "unknown":
            return 0
        if self.kind == "trunc":
            return len(self.l3)
        if self.l3[0] >> 4 == 4:
            return struct.unpack("!H", self.l3[2:4])[0]
        return 40 + struct.unpack("!H", self.l3[4:6])[0]


def k4(src, dst, proto, sport=0, dport=0):
    return ("ipv4", src, dst, proto, sport, dport)


def k6(src, dst, proto, sport=0, dport=0):
    return ("ipv6", str(ipaddress.IPv6Address(src)), str(ipaddress.IPv6Address(dst)),
            proto, sport, dport)


def spread(rng, n, start_us, span_us):
    return sorted(start_us + rng.randrange(span_us) for _ in range(n))


def scenario_mixed(rng, w_us):
    P = []
    # ---- window 0: a heavy TCP flow, background, ICMP, ARP, truncated ----
    P.append(Pkt(0, ipv4("10.0.0.1", "10.0.0.2", 6, tcp(40000, 443, 1360)), "ip",
                 k4("10.0.0.1", "10.0.0.2", 6, 40000, 443)))
    for t in spread(rng, 599, 1, w_us - 2):
        P.append(Pkt(t, ipv4("10.0.0.1", "10.0.0.2", 6, tcp(40000, 443, 1360)), "ip",
                     k4("10.0.0.1", "10.0.0.2", 6, 40000, 443)))
    for t in spread(rng, 200, 0, w_us):
        n = rng.randrange(0, 300)
        sp, dp = rng.randrange(1024, 65535), rng.choice([53, 123, 514, 4789])
        if rng.random() < 0.5:
            s, d = "192.0.2.%d" % rng.randrange(1, 250), "198.51.100.%d" % rng.randrange(1, 250)
            P.append(Pkt(t, ipv4(s, d, 17, udp(sp, dp, n)), "ip", k4(s, d, 17, sp, dp)))
        else:
            s, d = "2001:db8:1::%x" % rng.randrange(1, 4000), "2001:db8:2::%x" % rng.randrange(1, 4000)
            P.append(Pkt(t, ipv6(s, d, 17, udp(sp, dp, n)), "ip", k6(s, d, 17, sp, dp)))
    for t in spread(rng, 20, 0, w_us):
        P.append(Pkt(t, ipv4("10.0.0.9", "10.0.0.1", 1, icmp(8, 0, 56)), "ip",
                     k4("10.0.0.9", "10.0.0.1", 1, 8, 0)))
    for t in spread(rng, 20, 0, w_us):
        P.append(Pkt(t, ipv6("fe80::1", "fe80::2", 58, icmp(128, 0, 56)), "ip",
                     k6("fe80::1", "fe80::2", 58, 128, 0)))
    # ICMP destination unreachable, code 3
    P.append(Pkt(w_us // 2, ipv4("10.0.0.2", "10.0.0.1", 1, icmp(3, 3, 36)), "ip",
                 k4("10.0.0.2", "10.0.0.1", 1, 3, 3)))
    # tiny UDP datagrams (28-byte IP packets): Ethernet pads them to 60
    for t in spread(rng, 10, 0, w_us):
        P.append(Pkt(t, ipv4("10.0.0.5", "10.0.0.6", 17, udp(7, 9, 0)), "ip",
                     k4("10.0.0.5", "10.0.0.6", 17, 7, 9)))
    # IPv4 with options (ihl 6): ports after them
    P.append(Pkt(w_us // 3, ipv4("10.0.0.7", "10.0.0.8", 17, udp(1111, 2222, 100),
                                 options=b"\x01\x01\x01\x00"), "ip",
                 k4("10.0.0.7", "10.0.0.8", 17, 1111, 2222)))
    for t in spread(rng, 5, 0, w_us):
        P.append(Pkt(t, arp(), "unknown", etype=0x0806))
    # network header cut by the capture: truncated, length = wire length
    for t in spread(rng, 3, 0, w_us):
        P.append(Pkt(t, ipv4("10.0.0.1", "10.0.0.2", 17, udp(1, 2, 400)), "trunc", cap=10))
    P.append(Pkt(w_us - 1, ipv6("2001:db8::a", "2001:db8::b", 17, udp(1, 2, 300)), "trunc", cap=30))
    P.append(Pkt(w_us - 1, ipv4("10.0.0.1", "10.0.0.2", 6, tcp(40000, 443, 1360)), "ip",
                 k4("10.0.0.1", "10.0.0.2", 6, 40000, 443)))

    # ---- window 1: nothing (an empty window in between) ----
    # ---- window 2: extension headers, fragments, odd protocols ----
    base = 2 * w_us
    n = 200
    ts = lambda: spread(rng, n, base, w_us)  # noqa: E731
    for t in ts():   # hop-by-hop + destination options + UDP
        pl = ext_opt(60) + ext_opt(17) + udp(5353, 53, 1200)
        P.append(Pkt(t, ipv6("2001:db8::1", "2001:db8::2", 0, pl), "ip",
                     k6("2001:db8::1", "2001:db8::2", 17, 5353, 53)))
    for t in ts():   # routing header + AH + TCP
        pl = ext_opt(51, 14) + ext_ah(6) + tcp(2000, 22, 900)
        P.append(Pkt(t, ipv6("2001:db8::3", "2001:db8::4", 43, pl), "ip",
                     k6("2001:db8::3", "2001:db8::4", 6, 2000, 22)))
    for i, t in enumerate(ts()):   # IPv4 fragments: first has ports, rest 0
        first = udp(5000, 6000, 1000)[:1000]
        P.append(Pkt(t, ipv4("10.1.0.1", "10.1.0.2", 17, first, mf=True, ident=i), "ip",
                     k4("10.1.0.1", "10.1.0.2", 17, 5000, 6000)))
        P.append(Pkt(t, ipv4("10.1.0.1", "10.1.0.2", 17, b"\x11" * 800, frag_off=125,
                             ident=i), "ip", k4("10.1.0.1", "10.1.0.2", 17)))
    for i, t in enumerate(ts()):   # IPv6 fragments: UDP, the rest ports 0
        first = ext_frag(17, 0, True, i) + udp(7000, 8000, 1000)[:1000]
        rest = ext_frag(17, 125, False, i) + b"\x22" * 700
        P.append(Pkt(t, ipv6("2001:db8::5", "2001:db8::6", 44, first), "ip",
                     k6("2001:db8::5", "2001:db8::6", 17, 7000, 8000)))
        P.append(Pkt(t, ipv6("2001:db8::5", "2001:db8::6", 44, rest), "ip",
                     k6("2001:db8::5", "2001:db8::6", 17)))
    for t in ts():   # ESP over IPv6: the walk stops, no ports
        P.append(Pkt(t, ipv6("2001:db8::7", "2001:db8::8", 50, b"\x33" * 900), "ip",
                     k6("2001:db8::7", "2001:db8::8", 50)))
    for t in ts():   # destination options running past the packet, then
        # UDP: ipv6_skip_exthdr() ends at UDP beyond the end: udp, ports 0
        bad = struct.pack("!BB", 17, 200) + b"\0" * 6 + udp(1, 2, 900)
        P.append(Pkt(t, ipv6("2001:db8::9", "2001:db8::a", 60, bad), "ip",
                     k6("2001:db8::9", "2001:db8::a", 17)))
    for t in ts():   # ... then another extension header it cannot read: 59
        bad = struct.pack("!BB", 60, 200) + b"\0" * 6 + udp(1, 2, 900)
        P.append(Pkt(t, ipv6("2001:db8::b", "2001:db8::c", 60, bad), "ip",
                     k6("2001:db8::b", "2001:db8::c", 59)))
    for t in ts():   # GRE over IPv4: other, no ports
        P.append(Pkt(t, ipv4("10.2.0.1", "10.2.0.2", 47, b"\0\0\x08\0" + b"\x44" * 1000), "ip",
                     k4("10.2.0.1", "10.2.0.2", 47)))
    for t in ts():   # UDP whose transport header the capture cut: ports 0
        P.append(Pkt(t, ipv4("10.3.0.1", "10.3.0.2", 17, udp(9999, 9998, 1000)), "ip",
                     k4("10.3.0.1", "10.3.0.2", 17), cap=22))
    for t in spread(rng, 30, base, w_us):   # ICMPv6 echo reply, small
        P.append(Pkt(t, ipv6("2001:db8::2", "2001:db8::1", 58, icmp(129, 0, 16)), "ip",
                     k6("2001:db8::2", "2001:db8::1", 58, 129, 0)))
    P.append(Pkt(base, ipv4("10.0.0.1", "10.0.0.2", 6, tcp(40000, 443, 10)), "ip",
                 k4("10.0.0.1", "10.0.0.2", 6, 40000, 443)))

    # ---- window 3: an IPv6 TCP heavy flow and a little noise ----
    base = 3 * w_us
    for t in spread(rng, 400, base, w_us // 2):
        P.append(Pkt(t, ipv6("2001:db8:ff::1", "2001:db8:ff::2", 6, tcp(443, 51000, 1400)), "ip",
                     k6("2001:db8:ff::1", "2001:db8:ff::2", 6, 443, 51000)))
    for t in spread(rng, 50, base, w_us):
        s = "172.16.0.%d" % rng.randrange(1, 250)
        P.append(Pkt(t, ipv4(s, "172.16.1.1", 17, udp(123, 123, 48)), "ip",
                     k4(s, "172.16.1.1", 17, 123, 123)))
    P.sort(key=lambda p: p.ts_us)
    return P


def scenario_spike(rng, w_us):
    """20 quiet windows of 8..12 packets, then a flood from many sources."""
    P = []
    for w in range(20):
        for t in spread(rng, rng.randrange(8, 13), w * w_us, w_us):
            P.append(Pkt(t, ipv4("10.9.0.1", "10.9.0.2", 17, udp(1000, 2000, 100)), "ip",
                         k4("10.9.0.1", "10.9.0.2", 17, 1000, 2000)))
    for t in spread(rng, 3000, 20 * w_us, w_us):
        s = "10.%d.%d.%d" % (rng.randrange(256), rng.randrange(256), rng.randrange(1, 255))
        P.append(Pkt(t, ipv4(s, "10.9.0.2", 6, tcp(rng.randrange(1024, 65535), 80, 0, 0x02)),
                     "ip", k4(s, "10.9.0.2", 6, 0, 80)))
    P[0].ts_us = 0
    P.sort(key=lambda p: p.ts_us)
    return P


def link_frame(link, p, rng):
    l3 = p.l3
    if link in ("raw", "ipv4", "ipv6", "user0"):
        return l3
    if link in ("eth", "vlan", "qinq"):
        hdr = b"\x02\0\0\0\0\2\x02\0\0\0\0\1"
        if link == "vlan":
            hdr += struct.pack("!HH", 0x8100, 100)
        elif link == "qinq":
            hdr += struct.pack("!HHHH", 0x88a8, 200, 0x8100, 100)
        f = hdr + struct.pack("!H", p.etype) + l3
        if len(f) < 60:
            f += b"\0" * (60 - len(f))  # the link pads; the kernel trims
        return f
    if link == "sll":
        return struct.pack("!HHH8sH", 0 if rng.random() < 0.5 else 4, 1, 6,
                           b"\x02\0\0\0\0\1\0\0", p.etype) + l3
    if link == "sll2":
        return struct.pack("!HHIHBB8s", p.etype, 0, 3, 1, rng.choice([0, 4]), 6,
                           b"\x02\0\0\0\0\1\0\0") + l3
    raise ValueError(link)


def keep(link, p):
    if link in ("raw", "ipv4", "ipv6", "user0") and p.kind == "unknown":
        return False
    if link == "ipv4" and p.etype != 0x0800:
        return False
    if link == "ipv6" and p.etype != 0x86dd:
        return False
    return True


class Writer:
    def __init__(self, f, fmt, linktype):
        self.f, self.fmt = f, fmt
        if fmt == "pcap":
            f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, linktype))
        elif fmt == "pcap-ns":
            f.write(struct.pack("<IHHiIII", 0xa1b23c4d, 2, 4, 0, 0, 262144, linktype))
        else:
            shb = struct.pack("<IHHq", 0x1a2b3c4d, 1, 0, -1)
            self.block(0x0a0d0d0a, shb)
            # if_tsresol option (9) = 6: microseconds (the default, explicit)
            opts = struct.pack("<HHB3x", 9, 1, 6) + struct.pack("<HH", 0, 0)
            self.block(1, struct.pack("<HHI", linktype, 0, 262144) + opts)

    def block(self, btype, body):
        body += b"\0" * (-len(body) % 4)
        n = 12 + len(body)
        self.f.write(struct.pack("<II", btype, n) + body + struct.pack("<I", n))

    def packet(self, ts_ns, data, wirelen):
        if self.fmt == "pcap":
            self.f.write(struct.pack("<IIII", ts_ns // 10**9, ts_ns % 10**9 // 1000,
                                     len(data), wirelen) + data)
        elif self.fmt == "pcap-ns":
            self.f.write(struct.pack("<IIII", ts_ns // 10**9, ts_ns % 10**9,
                                     len(data), wirelen) + data)
        else:
            us = ts_ns // 1000
            self.block(6, struct.pack("<IIIII", 0, us >> 32, us & 0xffffffff,
                                      len(data), wirelen) + data)


def oracle(packets, link, w_us, t0_us):
    wins = {}
    flows = {}
    summ = {"packets": 0, "truncated": 0, "unknown": 0}
    for p in packets:
        summ["packets"] += 1
        w = (p.ts_us - t0_us) // w_us
        r = wins.setdefault(w, dict(packets=0, bytes=0, tcp=0, udp=0, icmp=0,
                                    icmpv6=0, other=0, ipv4=0, ipv6=0, truncated=0))
        if p.kind == "unknown":
            summ["unknown"] += 1
            continue
        n = p.length()
        r["packets"] += 1
        r["bytes"] += n
        if p.kind == "trunc":
            summ["truncated"] += 1
            r["truncated"] += 1
            continue
        r[p.key[0]] += 1
        r[PROTO_NAMES.get(p.key[3], "other")] += 1
        fl = flows.setdefault((w, p.key), [0, 0])
        fl[0] += n
        fl[1] += 1
    last = max(wins) if wins else -1
    out_w = []
    i = 0
    while i <= last:
        if i in wins:
            r = wins[i]
            r["id"] = i + 1
            out_w.append(r)
            i += 1
            continue
        # windows without a record: one summary entry for the run
        j = i
        while j not in wins:
            j += 1
        out_w.append(dict(empty_windows=j - i, first_id=i + 1, last_id=j))
        i = j
    heavy = []
    for (w, k), (b, n) in sorted(flows.items(), key=lambda kv: (kv[0][0], -kv[1][0])):
        if b >= 100000:
            heavy.append(dict(window=w + 1, family=k[0], src=k[1], dst=k[2], proto=k[3],
                              sport=k[4], dport=k[5], bytes=b, packets=n))
    summ["windows"] = last + 1
    summ["printed_windows"] = len(wins)
    return {"link": link, "windows": out_w, "summary": summ, "heavy": heavy}


# ---- single-kind captures (--case) -----------------------------------------
ETH_HDR = b"\x02\0\0\0\0\2\x02\0\0\0\0\1"


def eth(etype, l3):
    f = ETH_HDR + struct.pack("!H", etype) + l3
    return f + b"\0" * max(0, 60 - len(f))


def u4(n=10, sport=1000, dport=2000, src="192.0.2.1", dst="192.0.2.2"):
    return ipv4(src, dst, 17, udp(sport, dport, n))


def pcap_file(path, linktype, recs, ns=False, snap=262144):
    """recs: (sec, frac, data, wirelen); frac in us (ns if ns)."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b23c4d if ns else 0xa1b2c3d4, 2, 4, 0, 0,
                            snap, linktype))
        for sec, frac, data, wire in recs:
            f.write(struct.pack("<IIII", sec, frac, len(data), wire) + data)


def ng_block(btype, body):
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack("<II", btype, n) + body + struct.pack("<I", n)


def ng_idb(linktype, snap, tsresol=None, tsoffset=None):
    opts = b""
    if tsresol is not None:
        opts += struct.pack("<HHB3x", 9, 1, tsresol)
    if tsoffset is not None:
        opts += struct.pack("<HHq", 14, 8, tsoffset)
    if opts:
        opts += struct.pack("<HH", 0, 0)
    return ng_block(1, struct.pack("<HHI", linktype, 0, snap) + opts)


def ng_shb():
    return ng_block(0x0a0d0d0a, struct.pack("<IHHq", 0x1a2b3c4d, 1, 0, -1))


def ng_epb(ifid, ts, data, wire=None):
    return ng_block(6, struct.pack("<IIIII", ifid, ts >> 32, ts & 0xffffffff, len(data),
                                   len(data) if wire is None else wire) + data)


def ng_spb(data):
    return ng_block(3, struct.pack("<I", len(data)) + data)


def write_case(path, case):
    T = 1700000000
    if case == "ts-max":
        # 3 packets 1 s apart, the last at 2^32 - 1 s (2106-02-07T06:28:15Z)
        pcap_file(path, 1, [(2**32 - 3 + i, 0, eth(0x0800, u4()), 60) for i in range(3)])
    elif case == "gap-10y":
        # 2 packets 10 years (3650 days) apart
        pcap_file(path, 1, [(T, 0, eth(0x0800, u4()), 60),
                            (T + 3650 * 86400, 0, eth(0x0800, u4()), 60)])
    elif case == "spb-first":
        # SPB, EPB at T, EPB at T + 1.5 s, SPB: the SPBs take T and T + 1.5 s
        f = eth(0x0800, u4())
        b = ng_shb() + ng_idb(1, 262144, 6)
        b += ng_spb(f) + ng_epb(0, T * 10**6, f) + ng_epb(0, T * 10**6 + 1500000, f) + ng_spb(f)
        open(path, "wb").write(b)
    elif case == "backstep":
        # 8..12 packets in each second for 20 s, then the clock steps back
        # 20 s and the same pattern goes on for 25 s (sport 3000)
        recs = []
        for run, secs, sport in ((0, 20, 1000), (1, 25, 3000)):
            for i in range(secs):
                n = 8 + (i * 7) % 5
                for k in range(n):
                    t = T * 10**6 + i * 10**6 + k * (10**6 // n)
                    recs.append((t // 10**6, t % 10**6, eth(0x0800, u4(sport=sport)), 60))
        pcap_file(path, 1, recs)
    elif case == "ns-boundary":
        # t0 = T + 1 ns; a packet at T + 1 s is 999999999 ns later: window 1
        f = eth(0x0800, u4())
        pcap_file(path, 1, [(T, 1, f, 60), (T + 1, 0, f, 60), (T + 1, 1, f, 60)], ns=True)
    elif case == "ng-tsresol":
        # 2 Ethernet interfaces, same snaplen: if0 in us, if1 in 2^-10 s
        # units with an offset of T s; packets at T + 0, 0.5, 1.25, 2.0 s
        f = eth(0x0800, u4())
        b = ng_shb() + ng_idb(1, 262144, 6) + ng_idb(1, 262144, 0x80 | 10, T)
        b += ng_epb(0, T * 10**6, f)
        b += ng_epb(1, 512, f)              # 0.5 s after T
        b += ng_epb(0, T * 10**6 + 1250000, f)
        b += ng_epb(1, 2048, f)             # 2.0 s after T
        open(path, "wb").write(b)
    elif case == "invalid":
        write_invalid(path, T)
    elif case in ("lo-sll", "lo-sll2"):
        # every packet twice, as on lo: outgoing (4), then incoming (0)
        recs = []
        for i in range(5):
            for ptype in (4, 0):
                l3 = u4(20 + i, src="127.0.0.1", dst="127.0.0.1") if i % 2 == 0 else \
                    ipv6("::1", "::1", 17, udp(1000, 2000, 20 + i))
                et = 0x0800 if i % 2 == 0 else 0x86dd
                if case == "lo-sll":
                    h = struct.pack("!HHH8sH", ptype, 772, 6, b"\0" * 8, et)
                else:
                    h = struct.pack("!HHIHBB8s", et, 0, 1, 772, ptype, 6, b"\0" * 8)
                recs.append((T + i, 0, h + l3, len(h) + len(l3)))
        pcap_file(path, 113 if case == "lo-sll" else 276, recs)
    elif case == "v6-cut":
        # snaplen cuts the extension chain: hop-by-hop (next: dest opts),
        # dest opts (next: UDP), UDP. Cut inside the hop-by-hop header's
        # second byte: protocol unknown (59); cut after the dest opts'
        # first 2 bytes: UDP is known, ports are not.
        l3 = ipv6("2001:db8::1", "2001:db8::2", 0, ext_opt(60) + ext_opt(17) + udp(53, 53, 100))
        f = eth(0x86dd, l3)
        pcap_file(path, 1, [(T, 0, f[:14 + 41], len(f)), (T, 1, f[:14 + 50], len(f)),
                            (T, 2, f, len(f))])
    else:
        raise SystemExit("unknown case " + case)


def bad_csum(l3):
    return l3[:10] + bytes([l3[10] ^ 0xff]) + l3[11:]


def fix_csum(hdr):
    hdr = hdr[:10] + b"\0\0" + hdr[12:]
    return hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]


def write_invalid(path, T):
    """One frame per check of ip_rcv_core() / ip6_rcv_core(), plus 2 good."""
    good4 = u4()
    good6 = ipv6("2001:db8::1", "2001:db8::2", 17, udp(1, 2, 10))
    frames = []
    frames.append(eth(0x0800, good4))                                   # ip
    frames.append(eth(0x86dd, good6))                                   # ip
    frames.append(eth(0x0800, good6))                                   # version
    frames.append(eth(0x86dd, good4))                                   # version
    frames.append(eth(0x0800, bytes([0x05 | 0x00]) + good4[1:]))        # version 0
    h = bytearray(good4[:20]); h[0] = 0x44                              # ihl 4
    frames.append(eth(0x0800, fix_csum(bytes(h)) + good4[20:]))         # header_length
    frames.append(eth(0x0800, bad_csum(good4)))                         # checksum
    h = bytearray(good4[:20]); h[2:4] = struct.pack("!H", 16)           # tot_len < 20
    frames.append(eth(0x0800, fix_csum(bytes(h)) + good4[20:]))         # total_length
    h = bytearray(good4[:20]); h[2:4] = struct.pack("!H", 1500)         # tot_len > wire
    frames.append(eth(0x0800, fix_csum(bytes(h)) + good4[20:]))         # longer_than_wire
    h = bytearray(good6); h[4:6] = struct.pack("!H", 1000)              # payload_len > wire
    frames.append(eth(0x86dd, bytes(h)))                                # longer_than_wire
    frames.append(eth(0x86dd, ipv6("ff02::1", "2001:db8::2", 17, udp(1, 2, 10))))  # address
    frames.append(eth(0x86dd, ipv6("2001:db8::1", "ff00::1", 17, udp(1, 2, 10))))  # address
    hbh = struct.pack("!BB", 17, 8) + b"\0" * 6                         # 72 bytes claimed
    frames.append(eth(0x86dd, ipv6("2001:db8::1", "2001:db8::2", 0, hbh + udp(1, 2, 2))))  # hop_by_hop
    recs = [(T, i, f, len(f)) for i, f in enumerate(frames)]
    pcap_file(path, 1, recs)


def to_pcapng(src, out):
    d = open(src, "rb").read()
    magic, _, _, _, _, snap, lt = struct.unpack("<IHHiIII", d[:24])
    mult = {0xa1b2c3d4: 1000, 0xa1b23c4d: 1}[magic]
    b = ng_shb() + ng_idb(lt, snap, 9)
    off = 24
    while off + 16 <= len(d):
        sec, frac, cap, wire = struct.unpack("<IIII", d[off:off + 16])
        b += ng_epb(0, sec * 10**9 + frac * mult, d[off + 16:off + 16 + cap], wire)
        off += 16 + cap
    open(out, "wb").write(b)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--format", choices=["pcap", "pcap-ns", "pcapng"], default="pcap")
    ap.add_argument("--link", choices=sorted(LINKTYPES), default="eth")
    ap.add_argument("--scenario", choices=["mixed", "spike", "arp-only", "empty"], default="mixed")
    ap.add_argument("--window-ms", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--start", type=int, default=1700000000, help="t0, seconds")
    ap.add_argument("--oracle")
    ap.add_argument("--case")
    ap.add_argument("--to-pcapng", metavar="PCAP",
                    help="write the records of PCAP (us or ns) as pcapng, ns resolution")
    a = ap.parse_args()
    if a.to_pcapng:
        to_pcapng(a.to_pcapng, a.out)
        return 0
    if a.case:
        write_case(a.out, a.case)
        return 0

    rng = random.Random(a.seed)
    w_us = a.window_ms * 1000
    if a.scenario == "mixed":
        pk = scenario_mixed(rng, w_us)
    elif a.scenario == "spike":
        pk = scenario_spike(rng, w_us)
    elif a.scenario == "arp-only":
        pk = [Pkt(i * 1000, arp(), "unknown", etype=0x0806) for i in range(5)]
    else:
        pk = []
    pk = [p for p in pk if keep(a.link, p)]
    # t0 is the first record's time: shift so that the scenario starts at 0
    t0 = pk[0].ts_us if pk else 0
    lrng = random.Random(a.seed + 1)
    with open(a.out, "wb") as f:
        wr = Writer(f, a.format, LINKTYPES[a.link])
        for p in pk:
            frame = link_frame(a.link, p, lrng)
            data = frame
            if p.cap is not None:
                data = frame[:L2LEN[a.link] + p.cap]
            ts_ns = a.start * 10**9 + (p.ts_us - t0) * 1000
            wr.packet(ts_ns, data, len(frame))
    if a.oracle:
        with open(a.oracle, "w") as f:
            json.dump(oracle(pk, a.link, w_us, t0), f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
