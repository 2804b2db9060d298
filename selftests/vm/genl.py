#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Raw generic netlink for the nfsketch family, stdlib only: the one socket
helper of the VM selftests' Python tools (nl_fuzz.py, nl_policy.py,
nl_latency.py, nl_listen.py, fault_nth.py).

A third implementation of the UAPI (after the libmnl CLI and the libnl
client), with NETLINK_EXT_ACK and NETLINK_CAP_ACK. The attribute numbers
below are written out from include/uapi/linux/nfsketch.h on purpose: they
are the second reading of the header.
"""
import socket
import struct
import time

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_CAP_ACK = 10
NETLINK_EXT_ACK = 11

NLM_F_REQUEST = 0x1
NLM_F_MULTI = 0x2
NLM_F_ACK = 0x4
NLM_F_DUMP = 0x300
NLM_F_CAPPED = 0x100
NLM_F_ACK_TLVS = 0x200
NLMSG_ERROR = 2
NLMSG_DONE = 3
NLA_F_NESTED = 0x8000

NLMSGERR_ATTR_MSG = 1
NLMSGERR_ATTR_OFFS = 2
NLMSGERR_ATTR_MISS_TYPE = 5
NLMSGERR_ATTR_MISS_NEST = 6

GENL_ID_CTRL = 16
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2

# enum nfsketch_cmd
CMD_STATS_GET, CMD_WINDOW_GET, CMD_TOPK_GET, CMD_QUERY, CMD_SKETCH_GET, \
    CMD_ROUTE_GET, CMD_CONFIG_GET, CMD_CONFIG_SET, CMD_RESET = range(1, 10)
# enum nfsketch_attr
A_STATS, A_WINDOW, A_FLOW, A_ROUTE, A_CONFIG, A_SKETCH, A_ALERT, A_LAST_N, \
    A_TOPK_BY, A_TOPK_N, A_QUERY_SRC, A_QUERY_DST = range(2, 14)
A_MAX = 13
# enum nfsketch_flow_attr
FLOW_FAMILY, FLOW_SRC, FLOW_DST, FLOW_PROTO, FLOW_SPORT, FLOW_DPORT = range(2, 8)
# enum nfsketch_config_attr
CFG_WINDOW_MS, CFG_HISTORY, CFG_CMS_WIDTH, CFG_CMS_DEPTH = range(2, 6)
CFG_HASH_KEY = 8
CFG_FLAP_SUPPRESS, CFG_FLAP_REUSE = 15, 16
CFG_MAX = 22  # NFSKETCH_A_CONFIG_WINDOW_ALIGN

GENL_HDR = 4
NLMSG_HDR = 16
FIRST_ATTR = NLMSG_HDR + GENL_HDR  # offset of the first top-level attribute


def align4(n):
    return (n + 3) & ~3


def attr(atype, payload):
    a = struct.pack("=HH", 4 + len(payload), atype) + payload
    return a + b"\0" * (align4(len(a)) - len(a))


def u8(t, v):
    return attr(t, struct.pack("=B", v))


def u16(t, v):
    return attr(t, struct.pack("=H", v))


def u32(t, v):
    return attr(t, struct.pack("=I", v))


def nest(t, *attrs, flag=True):
    return attr(t | (NLA_F_NESTED if flag else 0), b"".join(attrs))


def parse_attrs(buf):
    out = {}
    off = 0
    while off + 4 <= len(buf):
        ln, t = struct.unpack_from("=HH", buf, off)
        if ln < 4 or off + ln > len(buf):
            break
        out[t & 0x3FFF] = buf[off + 4:off + ln]
        off += align4(ln)
    return out


class Answer:
    def __init__(self):
        self.error = None       # negative errno, 0 for an ACK, None: none
        self.msg = None
        self.offs = None
        self.miss_type = None
        self.miss_nest = None
        self.replies = []       # (cmd, attrs payload)
        self.done = False

    def __repr__(self):
        return ("error=%s msg=%r offs=%s miss_type=%s miss_nest=%s replies=%d"
                % (self.error, self.msg, self.offs, self.miss_type,
                   self.miss_nest, len(self.replies)))


class Genl:
    def __init__(self, timeout=10.0):
        self.sk = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                NETLINK_GENERIC)
        self.sk.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sk.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.sk.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.sk.bind((0, 0))
        self.sk.settimeout(timeout)
        self.seq = int(time.time()) & 0xFFFF
        self.family = None
        ans = self.request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                           attr(CTRL_ATTR_FAMILY_NAME, b"nfsketch\0"))
        if ans.error or not ans.replies:
            raise RuntimeError("cannot resolve family nfsketch: %r" % ans)
        fam = parse_attrs(ans.replies[0][1])
        self.family = struct.unpack("=H", fam[CTRL_ATTR_FAMILY_ID])[0]

    def build(self, mtype, cmd, payload, flags, version=1, genl=True):
        self.seq += 1
        body = struct.pack("=BBH", cmd, version, 0) if genl else b""
        body += payload
        return struct.pack("=IHHII", NLMSG_HDR + len(body), mtype, flags,
                           self.seq, 0) + body

    def request(self, mtype, cmd, payload=b"", dump=False, raw=None,
                flags=None):
        """Send one request, read until its ACK/error or NLMSG_DONE."""
        if raw is None:
            if flags is None:
                flags = NLM_F_REQUEST | NLM_F_ACK | (NLM_F_DUMP if dump else 0)
            raw = self.build(mtype, cmd, payload, flags)
        else:
            self.seq = struct.unpack_from("=I", raw, 8)[0]
        self.sk.send(raw)
        ans = Answer()
        while not ans.done:
            data = self.sk.recv(1 << 20)   # socket.timeout: never answered
            off = 0
            while off + NLMSG_HDR <= len(data):
                ln, t, fl, seq, _ = struct.unpack_from("=IHHII", data, off)
                if ln < NLMSG_HDR or off + ln > len(data):
                    raise RuntimeError("malformed answer from the kernel")
                m = data[off:off + ln]
                off += align4(ln)
                if seq != self.seq:
                    continue
                if t == NLMSG_ERROR:
                    self._error(ans, m, fl)
                    ans.done = True
                elif t == NLMSG_DONE:
                    ans.error = struct.unpack_from("=i", m, NLMSG_HDR)[0] \
                        if ln >= NLMSG_HDR + 4 else 0
                    if fl & NLM_F_ACK_TLVS:
                        self._tlvs(ans, m[NLMSG_HDR + 4:])
                    ans.done = True
                else:
                    cmd = m[NLMSG_HDR]
                    ans.replies.append((cmd, m[NLMSG_HDR + GENL_HDR:]))
                    if not (fl & NLM_F_MULTI) and not (flags or 0) & NLM_F_ACK:
                        ans.done = True
        return ans

    def _error(self, ans, m, fl):
        ans.error = struct.unpack_from("=i", m, NLMSG_HDR)[0]
        hlen = NLMSG_HDR + 4
        orig_len = struct.unpack_from("=I", m, hlen)[0]
        hlen += NLMSG_HDR if fl & NLM_F_CAPPED else orig_len
        if fl & NLM_F_ACK_TLVS:
            self._tlvs(ans, m[align4(hlen):])

    @staticmethod
    def _tlvs(ans, buf):
        t = parse_attrs(buf)
        if NLMSGERR_ATTR_MSG in t:
            ans.msg = t[NLMSGERR_ATTR_MSG].rstrip(b"\0").decode(errors="replace")
        if NLMSGERR_ATTR_OFFS in t:
            ans.offs = struct.unpack("=I", t[NLMSGERR_ATTR_OFFS])[0]
        if NLMSGERR_ATTR_MISS_TYPE in t:
            ans.miss_type = struct.unpack("=I", t[NLMSGERR_ATTR_MISS_TYPE])[0]
        if NLMSGERR_ATTR_MISS_NEST in t:
            ans.miss_nest = struct.unpack("=I", t[NLMSGERR_ATTR_MISS_NEST])[0]

    def nfsk(self, cmd, payload=b"", dump=False):
        return self.request(self.family, cmd, payload, dump)


# ---- the multicast group and the messages it carries ----------------------
NETLINK_ADD_MEMBERSHIP = 1
NETLINK_BROADCAST_ERROR = 4
CTRL_ATTR_MCAST_GROUPS = 7
CTRL_ATTR_MCAST_GRP_NAME = 1
CTRL_ATTR_MCAST_GRP_ID = 2
CMD_WINDOW_NTF = 12
CMD_MONITOR_SET = 13
CMD_BGP_GET = 14
A_MONITOR = 17          # u8: 0 off, 1 on


def attrs(buf):
    """(type, payload) of each attribute in BUF, in order (repeats kept)."""
    off = 0
    while off + 4 <= len(buf):
        ln, typ = struct.unpack_from("=HH", buf, off)
        if ln < 4 or off + ln > len(buf):
            break
        yield typ & 0x3FFF, buf[off + 4:off + ln]
        off += align4(ln)


def resolve_group(sock, group=b"events"):
    """The id of the family's multicast GROUP, asked on SOCK (bound)."""
    name = b"nfsketch\0"
    body = struct.pack("=BBH", CTRL_CMD_GETFAMILY, 1, 0) + attr(CTRL_ATTR_FAMILY_NAME, name)
    sock.send(struct.pack("=IHHII", NLMSG_HDR + len(body), GENL_ID_CTRL, NLM_F_REQUEST, 1, 0) + body)
    data = sock.recv(65536)
    ln, typ = struct.unpack_from("=IH", data)
    if typ == NLMSG_ERROR:
        raise RuntimeError("family nfsketch not found")
    for t, v in attrs(data[NLMSG_HDR + GENL_HDR:ln]):
        if t == CTRL_ATTR_MCAST_GROUPS:
            for _, g in attrs(v):
                d = dict(attrs(g))
                if d.get(CTRL_ATTR_MCAST_GRP_NAME, b"").rstrip(b"\0") == group:
                    return struct.unpack("=I", d[CTRL_ATTR_MCAST_GRP_ID])[0]
    return None


def listener(rcvbuf=1 << 20, group=b"events"):
    """A generic netlink socket joined to the family's multicast GROUP."""
    sk = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    sk.bind((0, 0))
    gid = resolve_group(sk, group)
    if gid is None:
        raise RuntimeError("no multicast group %r" % group)
    sk.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sk.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, gid)
    return sk


def messages(data):
    """(genl cmd, attributes payload) of each message in one datagram."""
    off = 0
    while off + NLMSG_HDR <= len(data):
        ln = struct.unpack_from("=I", data, off)[0]
        if ln < NLMSG_HDR:
            break
        if ln >= NLMSG_HDR + GENL_HDR:
            yield data[off + NLMSG_HDR], data[off + NLMSG_HDR + GENL_HDR:off + ln]
        off += align4(ln)
