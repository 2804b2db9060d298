#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""window_dump_first.py [--top]: WINDOW_GET of the newest closed window as
the FIRST operation of a fresh socket (the family resolved on another one).

The kernel runs a dump's first step when the request arrives, before the
socket ever received: its skb is then NLMSG_GOODSIZE (about 3.7 KB on 4 KiB
pages) unless the dump's .start asked for more (cb->min_dump_alloc). A
record larger than that failed there ("receive buffer too small") whatever
the caller's buffer. Later steps take the size of the caller's last
receive, which is why clients that resolved the family on the same socket
(the CLI, genl.Genl) never saw it.

Prints one JSON object: error (0 or -errno), msg (extack), records, and
the nlmsg_len of the largest record.
"""
import json
import socket
import struct
import sys

import genl

A_WITH_TOPK = 16    # enum nfsketch_attr


def main():
    top = "--top" in sys.argv[1:]
    family = genl.Genl().family
    sk = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, genl.NETLINK_GENERIC)
    sk.setsockopt(genl.SOL_NETLINK, genl.NETLINK_EXT_ACK, 1)
    sk.bind((0, 0))
    sk.settimeout(30)
    payload = genl.u32(genl.A_LAST_N, 1)
    if top:
        payload += genl.attr(A_WITH_TOPK, b"")
    body = struct.pack("=BBH", genl.CMD_WINDOW_GET, 1, 0) + payload
    sk.send(struct.pack("=IHHII", genl.NLMSG_HDR + len(body), family,
                        genl.NLM_F_REQUEST | genl.NLM_F_DUMP, 1, 0) + body)
    out = {"error": 0, "msg": None, "records": 0, "max_len": 0}
    done = False
    while not done:
        data = sk.recv(1 << 20)
        off = 0
        while off + genl.NLMSG_HDR <= len(data):
            ln, typ, fl = struct.unpack_from("=IHH", data, off)
            m = data[off:off + ln]
            off += genl.align4(ln)
            if typ in (genl.NLMSG_DONE, genl.NLMSG_ERROR):
                out["error"] = struct.unpack_from("=i", m, genl.NLMSG_HDR)[0]
                if typ == genl.NLMSG_DONE and fl & genl.NLM_F_ACK_TLVS:
                    t = genl.parse_attrs(m[genl.NLMSG_HDR + 4:])
                    if genl.NLMSGERR_ATTR_MSG in t:
                        out["msg"] = t[genl.NLMSGERR_ATTR_MSG].rstrip(b"\0").decode()
                done = True
            elif typ == family:
                out["records"] += 1
                out["max_len"] = max(out["max_len"], ln)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
