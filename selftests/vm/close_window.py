#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""close_window.py SHORT_MS LONG_MS: two CONFIG_SETs of window_ms from one
process, back to back. The first (SHORT_MS) makes the open window close
SHORT_MS from now; the second (LONG_MS) applies from that boundary on, so
the next window is LONG_MS long. Sent from one process, the two arrive
microseconds apart whatever the emulated guest's speed; two CLI runs did
not (lib.sh close_window). Exit 0 when the kernel acked both within
SHORT_MS of sending the first (so no window closed between them), 3 when
it took longer, 1 on an error.
"""
import sys
import time

import genl


def main():
    short_ms, long_ms = (int(a) for a in sys.argv[1:3])
    g = genl.Genl()
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
