#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Raw generic netlink against the nfsketch family, stdlib only.

Malformed and random requests over genl.py's raw socket, used by the VM
selftests:

  nl_fuzz.py cases          malformed requests: errno, extack message, bad
                            attribute offset or missing attribute, each
                            checked against the netlink core's / the
                            handler's documented behaviour
  nl_fuzz.py fuzz N SEED    N random requests (random command 0..20, random
                            attribute soup), each must be answered
  nl_fuzz.py perm deny      every admin command refused with EPERM and the
                            "CAP_NET_ADMIN" extack; the open ones allowed
  nl_fuzz.py perm allow     every command allowed (own user namespace)

Prints one line per check, "PASS <what>" or "FAIL <what>"; exit 1 on any
FAIL. The socket, the message builders and the attribute numbers are
genl.py's.
"""

import errno
import os
import random
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from genl import *  # noqa: E402,F401,F403 (the one socket helper)
from genl import Genl, attr, nest, u8, u16, u32  # noqa: E402


failures = 0


def report(ok, what):
    global failures
    if not ok:
        failures += 1
    print("%s %s" % ("PASS" if ok else "FAIL", what), flush=True)


def v4mapped(a, b, c, d):
    return bytes(10) + b"\xff\xff" + bytes([a, b, c, d])


def good_flow(family=2):
    return nest(A_FLOW, u8(FLOW_FAMILY, family),
                attr(FLOW_SRC, v4mapped(10, 1, 0, 1)),
                attr(FLOW_DST, v4mapped(10, 1, 0, 2)),
                u8(FLOW_PROTO, 17), u16(FLOW_SPORT, 1000), u16(FLOW_DPORT, 2000))


E = errno


def expect(nl, name, cmd, payload=b"", dump=False, err=E.EINVAL, msg=None,
           offs=None, miss_type=None, miss_nest=None, raw=None, mtype=None):
    """One request whose answer must be exactly this error."""
    try:
        if raw is not None:
            a = nl.request(None, None, raw=raw)
        else:
            a = nl.request(mtype if mtype is not None else nl.family, cmd,
                           payload, dump)
    except socket.timeout:
        report(False, "%s: no answer" % name)
        return
    want = "-%s" % E.errorcode.get(err, err) if err else "0"
    got = "-%s" % E.errorcode.get(-a.error, a.error) if a.error else str(a.error)
    problems = []
    if a.error != -err:
        problems.append("errno %s, want %s" % (got, want))
    if msg is not None and (a.msg is None or msg not in a.msg):
        problems.append("extack %r, want one containing %r" % (a.msg, msg))
    if offs is not None and a.offs != offs:
        problems.append("bad-attribute offset %s, want %d" % (a.offs, offs))
    if miss_type is not None and a.miss_type != miss_type:
        problems.append("missing type %s, want %d" % (a.miss_type, miss_type))
    if miss_nest is not None and a.miss_nest != miss_nest:
        problems.append("missing-attr nest offset %s, want %d" % (a.miss_nest, miss_nest))
    if err and a.replies:
        problems.append("%d replies besides the error" % len(a.replies))
    detail = "%s (%s%s)" % (name, got, ", %r" % a.msg if a.msg else "")
    report(not problems, detail if not problems else
           "%s: %s [%r]" % (name, "; ".join(problems), a))


def run_cases():
    nl = Genl()
    F = FIRST_ATTR
    N = FIRST_ATTR + 4  # first attribute inside a top-level nest

    # controls: the harness itself works
    expect(nl, "control: STATS_GET answered", CMD_STATS_GET, err=0)
    expect(nl, "control: WINDOW_GET dump with LAST_N=1", CMD_WINDOW_GET,
           u32(A_LAST_N, 1), dump=True, err=0)
    expect(nl, "control: CONFIG_SET window_ms=500", CMD_CONFIG_SET,
           nest(A_CONFIG, u32(CFG_WINDOW_MS, 500)), err=0)

    # the genetlink core
    expect(nl, "unknown command 99", 99, err=E.EOPNOTSUPP)
    expect(nl, "notification command WINDOW_NTF as a request", 12,
           err=E.EOPNOTSUPP)
    expect(nl, "WINDOW_GET without NLM_F_DUMP (dump-only)", CMD_WINDOW_GET,
           err=E.EOPNOTSUPP)
    expect(nl, "message shorter than the genetlink header", None,
           raw=struct.pack("=IHHII", 16, nl.family,
                           NLM_F_REQUEST | NLM_F_ACK, nl.seq + 1, 0),
           err=E.EINVAL)

    # strict parsing of the top level (family policy)
    expect(nl, "unknown top-level attribute type 200", CMD_STATS_GET,
           u32(200, 1), msg="Unknown attribute type", offs=F)
    expect(nl, "top-level attribute type 0", CMD_STATS_GET, u32(0, 1),
           msg="Unknown attribute type", offs=F)
    expect(nl, "attribute without a policy (STATS nest in a request)",
           CMD_STATS_GET, nest(A_STATS, u32(2, 1)), msg="Unsupported attribute",
           offs=F)
    expect(nl, "LAST_N of 2 bytes", CMD_WINDOW_GET, attr(A_LAST_N, b"\1\0"),
           dump=True, msg="invalid attribute length", offs=F)
    # Range rejections by the policy: the netlink core's nla_validate_int_range()
    # answers -ERANGE ("integer out of range"), not -EINVAL.
    expect(nl, "LAST_N = 0 (min 1)", CMD_WINDOW_GET, u32(A_LAST_N, 0),
           dump=True, err=E.ERANGE, msg="out of range", offs=F)
    expect(nl, "TOPK_N = 0", CMD_TOPK_GET, u32(A_TOPK_N, 0), err=E.ERANGE,
           msg="out of range", offs=F)
    expect(nl, "TOPK_N = 1000", CMD_TOPK_GET, u32(A_TOPK_N, 1000),
           err=E.ERANGE, msg="out of range", offs=F)
    expect(nl, "TOPK_BY = 5", CMD_TOPK_GET, u8(A_TOPK_BY, 5), err=E.ERANGE,
           msg="out of range", offs=F)
    expect(nl, "QUERY_SRC of 15 bytes", CMD_QUERY,
           good_flow() + attr(A_QUERY_SRC, bytes(15)), err=E.ERANGE,
           msg="out of range", offs=F + len(good_flow()))
    expect(nl, "truncated nlattr (length beyond the message)", CMD_STATS_GET,
           struct.pack("=HH", 100, A_LAST_N) + struct.pack("=I", 1),
           msg="bytes leftover")
    expect(nl, "second attribute truncated", CMD_WINDOW_GET,
           u32(A_LAST_N, 1) + struct.pack("=HH", 12, A_TOPK_N) + b"\0\0",
           dump=True, msg="bytes leftover")

    # CONFIG_SET
    expect(nl, "CONFIG_SET cms_width = 1000", CMD_CONFIG_SET,
           nest(A_CONFIG, u32(CFG_CMS_WIDTH, 1000)), msg="power of two",
           offs=N)
    expect(nl, "CONFIG_SET cms_depth = 99", CMD_CONFIG_SET,
           nest(A_CONFIG, u32(CFG_WINDOW_MS, 1000), u32(CFG_CMS_DEPTH, 99)),
           err=E.ERANGE, msg="out of range", offs=N + 8)
    expect(nl, "CONFIG_SET cms_depth = 0", CMD_CONFIG_SET,
           nest(A_CONFIG, u32(CFG_CMS_DEPTH, 0)), err=E.ERANGE,
           msg="out of range", offs=N)
    expect(nl, "CONFIG_SET window_ms = 10", CMD_CONFIG_SET,
           nest(A_CONFIG, u32(CFG_WINDOW_MS, 10)), err=E.ERANGE,
           msg="out of range", offs=N)
    expect(nl, "CONFIG_SET HASH_KEY of 15 bytes", CMD_CONFIG_SET,
           nest(A_CONFIG, attr(CFG_HASH_KEY, bytes(15))), err=E.ERANGE,
           msg="out of range", offs=N)
    expect(nl, "CONFIG_SET window_ms of 8 bytes", CMD_CONFIG_SET,
           nest(A_CONFIG, attr(CFG_WINDOW_MS, struct.pack("=Q", 1000))),
           msg="invalid attribute length", offs=N)
    expect(nl, "CONFIG_SET unknown config attribute 99", CMD_CONFIG_SET,
           nest(A_CONFIG, u32(99, 1)), msg="Unknown attribute type", offs=N)
    expect(nl, "CONFIG_SET nest without NLA_F_NESTED", CMD_CONFIG_SET,
           nest(A_CONFIG, u32(CFG_WINDOW_MS, 1000), flag=False),
           msg="NLA_F_NESTED", offs=F)
    expect(nl, "CONFIG_SET without the CONFIG nest", CMD_CONFIG_SET,
           miss_type=A_CONFIG)
    expect(nl, "CONFIG_SET flap_reuse >= flap_suppress", CMD_CONFIG_SET,
           nest(A_CONFIG, u32(CFG_FLAP_SUPPRESS, 2000),
                u32(CFG_FLAP_REUSE, 5000)), msg="flap_reuse must be below")
    a = nl.nfsk(CMD_CONFIG_GET)
    cfg = parse_attrs(parse_attrs(a.replies[0][1])[A_CONFIG]) if a.replies else {}
    report(struct.unpack("=I", cfg.get(CFG_WINDOW_MS, b"\0\0\0\0"))[0] == 500 and
           struct.unpack("=I", cfg.get(CFG_CMS_DEPTH, b"\0\0\0\0"))[0] != 99,
           "rejected CONFIG_SETs changed nothing (window_ms still 500)")

    # QUERY
    expect(nl, "QUERY with FLOW family 7", CMD_QUERY,
           nest(A_FLOW, u8(FLOW_FAMILY, 7), attr(FLOW_SRC, bytes(16)),
                attr(FLOW_DST, bytes(16))), msg="family must be", offs=N)
    expect(nl, "QUERY without FLOW", CMD_QUERY, miss_type=A_FLOW)
    expect(nl, "QUERY FLOW without SRC", CMD_QUERY,
           nest(A_FLOW, u8(FLOW_FAMILY, 2), attr(FLOW_DST, bytes(16))),
           miss_type=FLOW_SRC, miss_nest=F)
    expect(nl, "QUERY FLOW SRC of 4 bytes", CMD_QUERY,
           nest(A_FLOW, u8(FLOW_FAMILY, 2), attr(FLOW_SRC, bytes(4)),
                attr(FLOW_DST, bytes(16))), err=E.ERANGE, msg="out of range",
           offs=N + 8)
    expect(nl, "QUERY FLOW SPORT of 4 bytes", CMD_QUERY,
           nest(A_FLOW, u8(FLOW_FAMILY, 2), attr(FLOW_SRC, bytes(16)),
                attr(FLOW_DST, bytes(16)), u32(FLOW_SPORT, 1)),
           msg="invalid attribute length", offs=N + 8 + 20 + 20)
    expect(nl, "control: a valid QUERY", CMD_QUERY, good_flow(), err=0)
    # UAPI: NFSKETCH_A_QUERY_SRC / _DST alone are a QUERY by address
    expect(nl, "QUERY by QUERY_SRC alone (UAPI: query by source)", CMD_QUERY,
           attr(A_QUERY_SRC, v4mapped(10, 1, 0, 1)), err=0)
    expect(nl, "QUERY by QUERY_DST alone (UAPI: query by destination)",
           CMD_QUERY, attr(A_QUERY_DST, v4mapped(10, 1, 0, 2)), err=0)

    expect(nl, "control: STATS_GET after all that", CMD_STATS_GET, err=0)
    return failures == 0


INTERESTING = [0, 1, 2, 3, 4, 7, 10, 15, 16, 17, 63, 64, 100, 500, 1000, 1024,
               4096, 65535, 65536, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF]


def soup(rng, depth):
    """Random attributes: random types, lengths, nests, integers."""
    out = b""
    for _ in range(rng.randint(0, 6)):
        r = rng.random()
        # mostly types the policies know, so that requests get past the
        # top level into the nests and the handlers
        t = rng.choice([rng.randint(1, A_MAX), rng.randint(1, A_MAX),
                        rng.randint(1, CFG_MAX), rng.randint(0, 24),
                        rng.randint(0, 0xFFFF)])
        if r < 0.25 and depth < 3:
            out += nest(t & 0x3FFF, soup(rng, depth + 1), flag=rng.random() < 0.8)
        elif r < 0.6:
            v = rng.choice(INTERESTING)
            size = rng.choice([1, 2, 4, 4, 4, 8])
            out += attr(t, (v & ((1 << (8 * size)) - 1)).to_bytes(size, "little"))
        elif r < 0.9:
            out += attr(t, bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 40))))
        else:
            # a broken header: a length that lies
            out += struct.pack("=HH", rng.randint(0, 0xFFFF), t) + \
                bytes(rng.randint(0, 12))
    return out


def run_fuzz(n, seed):
    nl = Genl(timeout=10.0)
    rng = random.Random(seed)
    answered = 0
    errors = {}
    start = time.time()
    for i in range(n):
        # any command 0..20, mostly the real ones, mostly with the right
        # doit/dump flag
        cmd = rng.randint(0, 20) if rng.random() < 0.3 else rng.randint(1, 9)
        payload = soup(rng, 0)
        dumps = cmd in (CMD_WINDOW_GET, CMD_SKETCH_GET, CMD_ROUTE_GET)
        flags = NLM_F_REQUEST | NLM_F_ACK
        if rng.random() < (0.85 if dumps else 0.15):
            flags |= NLM_F_DUMP
        try:
            a = nl.request(nl.family, cmd, payload, flags=flags)
        except socket.timeout:
            report(False, "fuzz message %d (cmd %d, flags %#x, payload %s): no answer"
                   % (i, cmd, flags, payload.hex()))
            return False
        answered += 1
        name = E.errorcode.get(-a.error, str(a.error)) if a.error else "ok"
        errors[name] = errors.get(name, 0) + 1
    report(answered == n, "fuzz: %d of %d random messages answered in %.1f s (seed %d): %s"
           % (answered, n, time.time() - start, seed,
              " ".join("%s=%d" % kv for kv in sorted(errors.items()))))
    # a random MONITOR_SET may have turned monitoring off: on again first
    a = nl.nfsk(CMD_MONITOR_SET, u8(A_MONITOR, 1))
    report(a.error == 0, "MONITOR_SET on after the fuzz")
    a = nl.nfsk(CMD_STATS_GET)
    report(a.error == 0 and len(a.replies) == 1, "STATS_GET after the fuzz")
    return failures == 0


def run_perm(mode):
    nl = Genl()
    allow = mode == "allow"
    for name, cmd, payload, dump in [
            ("STATS_GET", CMD_STATS_GET, b"", False),
            ("WINDOW_GET", CMD_WINDOW_GET, b"", True),
            ("CONFIG_GET", CMD_CONFIG_GET, b"", False)]:
        expect(nl, "%s allowed (uid %d)" % (name, os.getuid()), cmd, payload,
               dump, err=0)
    admin = [
        ("TOPK_GET", CMD_TOPK_GET, b"", False),
        ("QUERY", CMD_QUERY, good_flow(), False),
        ("SKETCH_GET", CMD_SKETCH_GET, b"", True),
        ("ROUTE_GET", CMD_ROUTE_GET, b"", True),
        ("BGP_GET", CMD_BGP_GET, b"", True),
        ("CONFIG_SET", CMD_CONFIG_SET, nest(A_CONFIG, u32(CFG_WINDOW_MS, 1000)), False),
        ("RESET", CMD_RESET, b"", False)]
    for name, cmd, payload, dump in admin:
        if allow and cmd in (CMD_ROUTE_GET, CMD_BGP_GET, CMD_CONFIG_SET,
                             CMD_RESET):
            expect(nl, "%s allowed in its own user namespace" % name, cmd,
                   payload, dump, err=0)
        elif allow:
            # allowed, but there may be no closed window yet: ENODATA
            a = nl.nfsk(cmd, payload, dump)
            report(a.error in (0, -E.ENODATA),
                   "%s not refused in its own user namespace (%r)" % (name, a))
        else:
            expect(nl, "%s refused (uid %d)" % (name, os.getuid()), cmd, payload,
                   dump, err=E.EPERM, msg="CAP_NET_ADMIN")
    return failures == 0


def main(argv):
    if len(argv) >= 2 and argv[1] == "cases":
        return 0 if run_cases() else 1
    if len(argv) == 4 and argv[1] == "fuzz":
        return 0 if run_fuzz(int(argv[2]), int(argv[3])) else 1
    if len(argv) == 3 and argv[1] == "perm" and argv[2] in ("allow", "deny"):
        return 0 if run_perm(argv[2]) else 1
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
