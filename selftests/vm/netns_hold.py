#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""netns_hold.py N - make N network namespaces and hold them.

One process, no fork: unshare(CLONE_NEWNET) N times, keeping each
namespace alive by an open /proc/self/ns/net descriptor. Prints
"ready PID FD0 FD1 ..." once all exist (enter one with
nsenter --net=/proc/PID/fd/FD), then holds them until stdin closes; it
exits closing every descriptor, which lets the kernel dismantle them.
"""
import ctypes
import os
import sys

CLONE_NEWNET = 0x40000000


def main():
    n = int(sys.argv[1])
    libc = ctypes.CDLL(None, use_errno=True)
    fds = []
    for _ in range(n):
        if libc.unshare(CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            print("unshare: %s after %d" % (os.strerror(err), len(fds)),
                  flush=True)
            return 1
        fds.append(os.open("/proc/self/ns/net", os.O_RDONLY))
    print("ready %d %s" % (os.getpid(), " ".join(map(str, fds))), flush=True)
    sys.stdin.read()
    for fd in fds:
        os.close(fd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
