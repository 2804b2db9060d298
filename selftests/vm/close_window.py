#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""close_window.py SHORT_MS LONG_MS: two CONFIG_SETs of window_ms from one
process, back to back. The first (SHORT_MS) makes the open window close
SHORT_MS from now at the latest; the second (LONG_MS) applies from that
boundary on, so the next window is LONG_MS long. Sent from one process,
the two arrive microseconds apart whatever the emulated guest's speed; two
CLI runs did not (lib.sh close_window).

Prints the number of windows closed before the settings. Exit 0 when the
kernel acked both within SHORT_MS of sending the first and the same window
was open before and after them (so it is the one that closes next, then a
LONG_MS one), 3 when not (too slow, or a window closed meanwhile: its
successor may be short), 1 on an error.
"""
import struct
import sys
import time

import genl


STATS_WINDOWS, STATS_WINDOW_ID = 5, 6   # enum nfsketch_stats_attr


def windows(g):
    """(windows closed, id of the open window) of this namespace."""
    ans = g.nfsk(genl.CMD_STATS_GET)
    if ans.error or not ans.replies:
        raise RuntimeError("STATS_GET: %r" % ans)
    st = genl.parse_attrs(genl.parse_attrs(ans.replies[0][1])[genl.A_STATS])
    return tuple(struct.unpack("=Q", st[a])[0]
                 for a in (STATS_WINDOWS, STATS_WINDOW_ID))


def main():
    short_ms, long_ms = (int(a) for a in sys.argv[1:3])
    g = genl.Genl()
    before = windows(g)
    print(before[0])
    start = time.monotonic()
    for ms in (short_ms, long_ms):
        ans = g.nfsk(genl.CMD_CONFIG_SET,
                     genl.nest(genl.A_CONFIG, genl.u32(genl.CFG_WINDOW_MS, ms)))
        if ans.error:
            print("close_window: window_ms=%d: error %d %s"
                  % (ms, ans.error, ans.msg or ""), file=sys.stderr)
            return 1
    took_ms = (time.monotonic() - start) * 1000
    if took_ms >= short_ms:
        print("close_window: the two settings took %d ms, over %d ms"
              % (took_ms, short_ms), file=sys.stderr)
        return 3
    if windows(g) != before:
        print("close_window: a window closed while the settings went in",
              file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
