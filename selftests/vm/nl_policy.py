#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Per-command policies of the nfsketch family, against the spec.

  nl_policy.py SPEC

The cases come from Documentation/netlink/specs/nfsketch.yaml, not from the
module: for every command with a do or dump, every top-level attribute the
spec does not list in its request is sent alone (well formed for its type)
next to the command's valid request, and must be refused with EINVAL, the
extack "Unsupported attribute" and the offset of that attribute; the same
request without it must be answered. Every request attribute with checks
is sent one past its range or one byte short (ERANGE). A refused
CONFIG_SET must change nothing (CONFIG_GET reads the old value back). Uses
nl_fuzz.py's raw netlink; prints PASS/FAIL lines like it.
"""
import errno as E
import os
import struct
import sys

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nl_fuzz as nl  # noqa: E402

spec = yaml.safe_load(open(sys.argv[1]))
sets = {}
for s in spec["attribute-sets"]:
    val, attrs = 1, {}
    for a in s["attributes"]:
        val = a.get("value", val)
        attrs[a["name"]] = dict(a, value=val)
        val += 1
    sets[s["name"]] = attrs
ops, val = {}, 1
for op in spec["operations"]["list"]:
    val = op.get("value", val)
    ops[op["name"]] = dict(op, value=val)
    val += 1
main = sets["main"]
LIMIT = {"u8-max": 0xFF, "u16-max": 0xFFFF, "u32-max": 0xFFFFFFFF}
SIZE = {"u8": 1, "u16": 2, "u32": 4, "u64": 8}

CFG_WINDOW_MS = sets["config"]["window-ms"]["value"]


def instance(a, value=None):
    """A well-formed attribute of spec attribute @a."""
    t = a["type"]
    if t in SIZE:
        v = value if value is not None else a.get("checks", {}).get("min", 0)
        v = LIMIT.get(v, v)
        return nl.attr(a["value"], v.to_bytes(SIZE[t], "little"))
    if t == "binary":
        return nl.attr(a["value"], bytes(a.get("checks", {}).get("exact-len", 16)))
    if t == "nest":
        return nl.nest(a["value"], b"")
    if t == "flag":
        return nl.attr(a["value"], b"")
    raise ValueError(t)


# The valid request of each command: what it needs to be answered at all.
def base(name):
    if name == "query":
        return nl.good_flow()
    if name == "config-set":
        return nl.nest(main["config"]["value"], nl.u32(CFG_WINDOW_MS, 500))
    if name == "monitor-set":
        return instance(main["monitor"], 1)   # on: a no-op where it runs
    return b""


def config_window_ms(g):
    a = g.nfsk(ops["config-get"]["value"])
    if a.error or not a.replies:
        return None
    top = nl.parse_attrs(a.replies[0][1])
    cfg = nl.parse_attrs(top.get(main["config"]["value"], b""))
    v = cfg.get(CFG_WINDOW_MS)
    return struct.unpack("=I", v)[0] if v else None


def main_():
    g = nl.Genl()
    F = nl.FIRST_ATTR
    order = [n for n in ops if n not in ("unspec", "reset")] + ["reset"]
    for name in order:
        op = ops[name]
        mode = "do" if "do" in op else "dump" if "dump" in op else None
        if not mode:
            continue
        dump = mode == "dump"
        cmd = op["value"]
        req = (op[mode] or {}).get("request", {}).get("attributes", [])
        # control first: the valid request alone is answered
        nl.expect(g, "%s: its valid request is answered" % name, cmd,
                  base(name), dump=dump, err=0)
        for an, a in main.items():
            if a["type"] in ("unused", "pad") or an in req:
                continue
            nl.expect(g, "%s refuses %s (not in its request)" % (name, an), cmd,
                      instance(a) + base(name), dump=dump, err=E.EINVAL,
                      msg="Unsupported attribute", offs=F)
        for an in req:
            a = main[an]
            ch = a.get("checks", {})
            if "max" in ch and a["type"] in SIZE and \
                    LIMIT.get(ch["max"], ch["max"]) < (1 << (8 * SIZE[a["type"]])) - 1:
                nl.expect(g, "%s: %s = max + 1 is out of range" % (name, an), cmd,
                          instance(a, LIMIT.get(ch["max"], ch["max"]) + 1),
                          dump=dump, err=E.ERANGE, offs=F)
            if "min" in ch and a["type"] in SIZE and ch["min"] > 0:
                nl.expect(g, "%s: %s = min - 1 is out of range" % (name, an), cmd,
                          instance(a, ch["min"] - 1), dump=dump, err=E.ERANGE,
                          offs=F)
            if "exact-len" in ch:
                # NLA_POLICY_EXACT_LEN is a length range: ERANGE
                nl.expect(g, "%s: %s one byte short" % (name, an), cmd,
                          nl.attr(a["value"], bytes(ch["exact-len"] - 1)),
                          dump=dump, err=E.ERANGE,
                          msg="binary attribute size out of range", offs=F)

    # a flow's counters are replies': not accepted in a QUERY's FLOW
    flow = sets["flow"]
    nl.expect(g, "query refuses flow.packets inside its flow nest",
              ops["query"]["value"],
              nl.nest(main["flow"]["value"],
                      nl.u8(flow["family"]["value"], 2),
                      nl.attr(flow["src"]["value"], nl.v4mapped(10, 1, 0, 1)),
                      nl.attr(flow["dst"]["value"], nl.v4mapped(10, 1, 0, 2)),
                      nl.attr(flow["packets"]["value"], bytes(8))),
              err=E.EINVAL, msg="Unsupported attribute")

    # a refused CONFIG_SET changes nothing
    before = config_window_ms(g)
    nl.expect(g, "config-set with last-n refused", ops["config-set"]["value"],
              instance(main["last-n"]) +
              nl.nest(main["config"]["value"], nl.u32(CFG_WINDOW_MS, 700)),
              err=E.EINVAL, msg="Unsupported attribute", offs=F)
    after = config_window_ms(g)
    nl.report(before == 500 and after == 500,
              "the refused config-set left window_ms at 500 (before %s, after %s)"
              % (before, after))
    return nl.failures == 0


if __name__ == "__main__":
    sys.exit(0 if main_() else 1)
