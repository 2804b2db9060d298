#!/usr/bin/env python3
"""Subscribe to the nfsketch "events" multicast group with a raw generic
netlink socket (stdlib only, independent of the CLI).

  nl_listen.py stall          join, set a tiny receive buffer and
                              NETLINK_BROADCAST_ERROR, never read; print
                              "joined" and wait to be killed.
  nl_listen.py pace WINDOWS PER_WINDOW PREFIX NDST PORT SIZE [NETNS]
                              traffic paced by the windows, not by the
                              clock: after each WINDOW_NTF, PER_WINDOW UDP
                              datagrams of SIZE bytes to PREFIX.1..NDST,
                              PORT, round robin; for WINDOWS windows. The
                              volume of a window does not depend on how
                              much work the guest got done in it. The
                              datagrams leave from network namespace
                              NETNS (by name) when given.
"""
import os
import select
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import genl  # noqa: E402


def window_closes(data):
    """Number of WINDOW_NTF messages in one datagram of the socket."""
    return sum(1 for cmd, _ in genl.messages(data) if cmd == genl.CMD_WINDOW_NTF)


def enter_netns(name):
    """Move this process into network namespace NAME (sockets made before
    stay in theirs)."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open("/run/netns/" + name, os.O_RDONLY)
    if libc.setns(fd, 0x40000000) != 0:  # CLONE_NEWNET
        sys.exit("setns %s: %s" % (name, os.strerror(ctypes.get_errno())))
    os.close(fd)


def pace(windows, per_window, prefix, ndst, port, size, netns=None):
    sock = genl.listener()
    if netns:
        enter_netns(netns)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    print("joined", flush=True)
    done, i = 0, 0
    while done < windows:
        # bounded: no event for 10 minutes ends the sender
        if not select.select([sock], [], [], 600)[0]:
            break
        closes = window_closes(sock.recv(65536))
        # several closes queued while this process was starved: one batch
        # for all of them, into the window open now
        while select.select([sock], [], [], 0)[0]:
            closes += window_closes(sock.recv(65536))
        if not closes:
            continue
        for _ in range(per_window):
            udp.sendto(b"s" * size, ("%s.%d" % (prefix, 1 + i % ndst), port))
            i += 1
        done += 1
    print("sent %d windows of %d" % (done, per_window), flush=True)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "pace":
        a = sys.argv[2:]
        pace(int(a[0]), int(a[1]), a[2], int(a[3]), int(a[4]), int(a[5]),
             a[6] if len(a) > 6 else None)
        return
    sock = genl.listener(rcvbuf=1024)
    sock.setsockopt(genl.SOL_NETLINK, genl.NETLINK_BROADCAST_ERROR, 1)
    print("joined", flush=True)
    end = time.time() + 600
    while time.time() < end:
        time.sleep(1)


if __name__ == "__main__":
    main()
