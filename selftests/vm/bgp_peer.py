#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A BGP-like TCP connection on the loopback, for nfsketch to track.

  bgp_peer.py [SECONDS]

Listens on 127.0.0.1:179, connects to it, and sends 19 bytes (a KEEPALIVE's
size) each way every second for SECONDS (default 3600) or until killed: a
session the module's BGP table holds (BGP_GET dumps it). Not BGP: the module
reads TCP only.
"""
import socket
import sys
import time

end = time.time() + float(sys.argv[1] if len(sys.argv) > 1 else 3600)
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 179))
srv.listen(1)
cli = socket.create_connection(("127.0.0.1", 179))
peer, _ = srv.accept()
ka = b"\xff" * 16 + b"\x00\x13\x04"
while time.time() < end:
    for a, b in ((cli, peer), (peer, cli)):
        a.sendall(ka)
        b.recv(64)
    time.sleep(1)
