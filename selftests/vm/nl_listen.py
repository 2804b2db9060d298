#!/usr/bin/env python3
"""Subscribe to the nfsketch "events" multicast group with a raw generic
netlink socket (stdlib only, independent of the CLI).

  nl_listen.py stall          join, set a tiny receive buffer and
                              NETLINK_BROADCAST_ERROR, never read; print
                              "joined" and wait to be killed.
"""
import os
import socket
import struct
import sys
import time

NETLINK_ADD_MEMBERSHIP = 1
NETLINK_BROADCAST_ERROR = 4
SOL_NETLINK = 270
GENL_ID_CTRL = 16
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_NAME = 2
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_MCAST_GROUPS = 7
CTRL_ATTR_MCAST_GRP_NAME = 1
CTRL_ATTR_MCAST_GRP_ID = 2


def attrs(buf):
    off = 0
    while off + 4 <= len(buf):
        ln, typ = struct.unpack_from("HH", buf, off)
        if ln < 4:
            break
        yield typ & 0x3FFF, buf[off + 4:off + ln]
        off += (ln + 3) & ~3


def resolve(sock):
    name = b"nfsketch\0"
    attr = struct.pack("HH", 4 + len(name), CTRL_ATTR_FAMILY_NAME) + name
    attr += b"\0" * (-len(attr) % 4)
    body = struct.pack("BBH", CTRL_CMD_GETFAMILY, 1, 0) + attr
    sock.send(struct.pack("IHHII", 16 + len(body), GENL_ID_CTRL, 1, 1, 0) + body)
    data = sock.recv(65536)
    ln, typ = struct.unpack_from("IH", data)
    if typ == 2:
        sys.exit("family not found")
    group = None
    for t, v in attrs(data[20:ln]):
        if t == CTRL_ATTR_MCAST_GROUPS:
            for _, g in attrs(v):
                d = dict(attrs(g))
                if d.get(CTRL_ATTR_MCAST_GRP_NAME, b"").rstrip(b"\0") == b"events":
                    group = struct.unpack("I", d[CTRL_ATTR_MCAST_GRP_ID])[0]
    return group


def main():
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)  # NETLINK_GENERIC
    sock.bind((0, 0))
    group = resolve(sock)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
    sock.setsockopt(SOL_NETLINK, NETLINK_BROADCAST_ERROR, 1)
    sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, group)
    print("joined", flush=True)
    end = time.time() + 600
    while time.time() < end:
        time.sleep(1)


if __name__ == "__main__":
    main()
