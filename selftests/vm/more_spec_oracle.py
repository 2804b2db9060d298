#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""more_spec_oracle.py BEFORE AFTER PREFIX... - the ROUTE_MORE_SPECIFIC
alerts `ip route` says are due, one line each: "family prefix cover reason
cover_protocol".

BEFORE and AFTER are `ip -j route show` (one family, main table) before and
after the test added PREFIX... in that order. For each new prefix its cover
is the longest prefix present then (BEFORE and the prefixes added before
it), shorter, containing it, not a /0; the reason is "nexthop" when the
gateway or device differ, "protocol" when the protocol does, both joined by
a comma. Independent of the module: Python's ipaddress over iproute2's
JSON."""
import ipaddress
import json
import sys


def routes(path):
    out = {}
    with open(path) as f:
        for r in json.load(f):
            dst = r["dst"]
            if dst == "default":
                continue
            if r.get("type", "unicast") != "unicast":
                continue
            net = ipaddress.ip_network(dst, strict=False)
            out[net] = (r.get("gateway", ""), r.get("dev", ""),
                        r.get("protocol", "boot"))  # iproute2 omits boot
    return out


def main():
    before, after = routes(sys.argv[1]), routes(sys.argv[2])
    present = dict(before)
    for p in sys.argv[3:]:
        net = ipaddress.ip_network(p)
        new = after[net]
        covers = [c for c in present
                  if c.version == net.version and 0 < c.prefixlen < net.prefixlen
                  and net.subnet_of(c)]
        if covers:
            c = max(covers, key=lambda n: n.prefixlen)
            gw, dev, proto = present[c]
            why = []
            if (gw, dev) != new[:2]:
                why.append("nexthop")
            if proto != new[2]:
                why.append("protocol")
            if why:
                print(net.version, net, c, ",".join(why), proto)
        present[net] = new


main()
