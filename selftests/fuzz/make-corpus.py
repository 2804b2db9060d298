#!/usr/bin/env python3
"""Write the seed corpus of the fuzz targets (selftests/fuzz/corpus/):
well-formed messages of every kind the CLI parses, built from the enums of
include/uapi/linux/nfsketch.h, so that the fuzzer starts from inputs that
reach deep into each callback. Run from the checkout; the output is in the
tree, regenerate it when the netlink interface changes."""
import os
import re
import struct

HDR = "include/uapi/linux/nfsketch.h"
OUT = "selftests/fuzz/corpus"


def enums():
    text = open(HDR).read()
    vals = {}
    for body in re.findall(r"enum \w+ \{(.*?)\};", text, re.S):
        body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
        n = 0
        for line in body.splitlines():
            line = re.sub(r"/\*.*?\*/", "", line).strip().rstrip(",")
            if not line:
                continue
            m = re.match(r"(\w+)\s*=\s*(.+)", line)
            if m:
                name, expr = m.groups()
                try:
                    n = eval(expr, {}, vals)
                except Exception:
                    continue
            else:
                name = line
            vals[name] = n
            n += 1
    return vals


E = enums()


def attr(t, payload):
    a = struct.pack("HH", 4 + len(payload), t) + payload
    return a + b"\0" * (-len(a) % 4)


def nest(t, *items):
    return attr(t | 0x8000, b"".join(items))


def u8(t, v): return attr(t, struct.pack("B", v))
def u16(t, v): return attr(t, struct.pack("H", v))
def u32(t, v): return attr(t, struct.pack("I", v))
def u64(t, v): return attr(t, struct.pack("Q", v))


def a(name):
    return E["NFSKETCH_A_" + name]


V4 = b"\0" * 10 + b"\xff\xff" + bytes([10, 99, 0, 1])
V6 = bytes.fromhex("fd990000000000000000000000000002")


def flow(fam=2, src=V4, dst=V4):
    return nest(a("FLOW"), u8(a("FLOW_FAMILY"), fam), attr(a("FLOW_SRC"), src),
                attr(a("FLOW_DST"), dst), u8(a("FLOW_PROTO"), 17),
                u16(a("FLOW_SPORT"), 40001), u16(a("FLOW_DPORT"), 9001),
                u64(a("FLOW_PACKETS"), 300), u64(a("FLOW_BYTES"), 308400),
                u64(a("FLOW_EST_PACKETS"), 301), u64(a("FLOW_EST_BYTES"), 309000),
                u64(a("FLOW_ERR_PACKETS"), 4), u64(a("FLOW_ERR_BYTES"), 5000))


def rseries(t, window=True):
    """Route sub-series nests: protocol bgp (flagged) and table "other"."""
    extra = [u64(a("RSERIES_SCORE"), 26000), u64(a("RSERIES_BASELINE"), 1)] if window else []
    return (nest(t, u8(a("RSERIES_KIND"), E["NFSKETCH_RSERIES_PROTOCOL"]),
                 u32(a("RSERIES_ID"), 186), u64(a("RSERIES_EVENTS"), 80), *extra,
                 *([attr(a("RSERIES_FLAGGED"), b"")] if window else [])) +
            nest(t, u8(a("RSERIES_KIND"), E["NFSKETCH_RSERIES_TABLE"]),
                 attr(a("RSERIES_OTHER"), b""), u64(a("RSERIES_EVENTS"), 0), *extra))


def window(with_top=True):
    fields = [k for k in E if k.startswith("NFSKETCH_A_WINDOW_") and
              not k.endswith(("_MAX", "_UNSPEC", "_PAD", "_SCORE", "_TOPK",
                              "_ROUTE_SERIES"))]
    items = [u64(E[k], 1000 + i) for i, k in enumerate(fields)]
    if "NFSKETCH_A_WINDOW_FLAGS" in E:
        items.append(u32(E["NFSKETCH_A_WINDOW_FLAGS"], 0x5))
    if "NFSKETCH_A_SCORE_PACKETS" in E:
        items.append(nest(a("WINDOW_SCORE"),
                          *[u64(E["NFSKETCH_A_SCORE_PACKETS"] + i, 2000 + i) for i in range(5)]))
    if with_top:
        items.append(nest(a("WINDOW_TOPK"), flow(), flow(10, V6, V6)))
    items.append(rseries(a("WINDOW_ROUTE_SERIES")))
    return nest(a("WINDOW"), *items)


def route(fam=2, dst=V4):
    return nest(a("ROUTE"), u64(a("ROUTE_TIME_NS"), 123456789), u8(a("ROUTE_FAMILY"), fam),
                attr(a("ROUTE_DST"), dst), u8(a("ROUTE_DST_LEN"), 24),
                u32(a("ROUTE_TABLE"), 254), u8(a("ROUTE_EVENT"), 1),
                u8(a("ROUTE_PROTOCOL"), 4), u32(a("ROUTE_PENALTY"), 1000),
                u64(a("ROUTE_COALESCED"), 3))


def stats():
    fields = [k for k in E if k.startswith("NFSKETCH_A_STATS_") and
              not k.endswith(("_MAX", "_UNSPEC", "_PAD", "_ROUTE_SERIES"))]
    return nest(a("STATS"), *[u64(E[k], 10 * i + 1) for i, k in enumerate(fields)],
                rseries(a("STATS_ROUTE_SERIES"), False))


def config():
    fields = [k for k in E if k.startswith("NFSKETCH_A_CONFIG_") and
              not k.endswith(("_MAX", "_UNSPEC", "_PAD", "_HASH_KEY"))]
    return nest(a("CONFIG"), *[u32(E[k], 64 * (i + 1)) for i, k in enumerate(fields)])


def sketch(row=0, depth=2, width=8):
    return nest(a("SKETCH"), u64(a("SKETCH_WINDOW_ID"), 7), u32(a("SKETCH_DEPTH"), depth),
                u32(a("SKETCH_WIDTH"), width), u32(a("SKETCH_ROW"), row),
                u32(a("SKETCH_OFFSET"), 0),
                attr(a("SKETCH_PACKETS"), struct.pack("%dI" % width, *range(width))),
                attr(a("SKETCH_BYTES"), struct.pack("%dQ" % width, *range(width))))


def alert():
    return nest(a("ALERT"), u32(a("ALERT_FLAG"), 1), u64(a("ALERT_WINDOW_ID"), 7),
                u32(a("ALERT_SERIES"), 0), u64(a("ALERT_VALUE"), 5000),
                u64(a("ALERT_BASELINE"), 100), u64(a("ALERT_SCORE"), 9000),
                nest(a("ALERT_FLOW"), *[]), nest(a("ALERT_ROUTE")))


def alert_rseries():
    """ROUTE_CHURN of protocol bgp (bit 3)."""
    return nest(a("ALERT"), u32(a("ALERT_FLAG"), 1 << 3), u64(a("ALERT_WINDOW_ID"), 7),
                u32(a("ALERT_SERIES"), 4), u64(a("ALERT_VALUE"), 80),
                u64(a("ALERT_BASELINE"), 1), u64(a("ALERT_SCORE"), 26000),
                nest(a("ALERT_ROUTE_SERIES"), u8(a("RSERIES_KIND"), E["NFSKETCH_RSERIES_PROTOCOL"]),
                     u32(a("RSERIES_ID"), 186), u64(a("RSERIES_EVENTS"), 80)))


def bgp(fam=2, src=V4, dst=V4):
    return nest(a("BGP"), u8(a("BGP_FAMILY"), fam), attr(a("BGP_SRC"), src),
                u16(a("BGP_SPORT"), 40000), attr(a("BGP_DST"), dst),
                u16(a("BGP_DPORT"), 179), u8(a("BGP_STATE"), 1),
                u64(a("BGP_SEGMENTS"), 120), u64(a("BGP_RETRANS"), 3),
                u32(a("BGP_WIN_RETRANS"), 1), u32(a("BGP_BASELINE"), 0),
                u32(a("BGP_WIN_RST"), 0), u32(a("BGP_WIN_FIN"), 0),
                u64(a("BGP_AGE_MS"), 1500), u64(a("BGP_SRC_DATA_AGE_MS"), 2500))


# selectors: the order of the enum in fuzz_nl_reply.c
T = dict(config=0, windows=1, stats=2, routes=3, query=4, top=5, sketch=6,
         monitor=7, prom_stats=8, prom_window=9, watch_stats=10,
         watch_window=11, watch_top=12, watch_config=13, nest_values=14, bgp=15)
CMD = {k[len("NFSKETCH_CMD_"):]: v for k, v in E.items() if k.startswith("NFSKETCH_CMD_")}

seeds = {
    "config": [config()], "watch_config": [config()],
    "windows": [window(), window(False)], "watch_window": [window(False)],
    "prom_window": [window()],
    "stats": [stats()], "watch_stats": [stats()], "prom_stats": [stats()],
    "nest_values": [stats()],
    "routes": [route(), route(10, V6)],
    "query": [flow() + window(False), flow(10, V6, V6)],
    "top": [window(False) + flow() + flow(10, V6, V6)],
    "watch_top": [window(False) + flow()],
    "sketch": [sketch(0), sketch(1)],
    "bgp": [bgp(), bgp(10, V6, V6)],
}

os.makedirs(OUT + "/fuzz_nl_reply", exist_ok=True)
n = 0
for name, msgs in seeds.items():
    for i, m in enumerate(msgs):
        for mode in (0, 1):
            with open("%s/fuzz_nl_reply/%s-%d-%d" % (OUT, name, i, mode), "wb") as f:
                f.write(bytes([T[name], mode, 0]) + m)
            n += 1
for cmd, m in (("WINDOW_NTF", window()), ("ROUTE_NTF", route()), ("ALERT_NTF", alert())):
    for mode in (0, 1):
        with open("%s/fuzz_nl_reply/monitor-%s-%d" % (OUT, cmd.lower(), mode), "wb") as f:
            f.write(bytes([T["monitor"], mode, CMD[cmd]]) + m)
        n += 1
for mode in (0, 1):
    with open("%s/fuzz_nl_reply/monitor-alert_rseries-%d" % (OUT, mode), "wb") as f:
        f.write(bytes([T["monitor"], mode, CMD["ALERT_NTF"]]) + alert_rseries())
    n += 1

# fuzz_tunables: records (index*2 + small, 8-byte value), 0xff, key name\0hex
os.makedirs(OUT + "/fuzz_tunables", exist_ok=True)
names = re.findall(r'\.name = "(\w+)"', open("kmod/core/tunables.c").read())
for i, nm in enumerate(names):
    rec = bytes([2 * i + 1]) + struct.pack("Q", 64) + bytes([2 * i]) + struct.pack("Q", 1 << 40)
    with open("%s/fuzz_tunables/%s" % (OUT, nm), "wb") as f:
        f.write(rec + b"\xff" + nm.encode())
    n += 1
with open("%s/fuzz_tunables/hash_key" % OUT, "wb") as f:
    f.write(b"\xff" + b"00112233445566778899aabbccddeeff")
n += 1
print("%d seeds in %s" % (n, OUT))
