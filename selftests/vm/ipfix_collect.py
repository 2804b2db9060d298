#!/usr/bin/env python3
# A minimal IPFIX (RFC 7011) collector over TCP, written from the RFC and
# independent of libfixbuf: the second decoder of test_ipfix.sh, for what
# nfdump does not show (the enterprise elements) and for --tcp.
# ipfix_collect.py PORT OUT: prints "listening", accepts one exporter and
# writes one JSON object per data record to OUT (flushed per message):
# {"template": ID, "fields": {"ID" or "PEN/ID": value}} with unsigned
# integers as numbers and 4/16-byte addresses as text.
import ipaddress
import json
import socket
import struct
import sys

ADDR_IES = {8, 12, 27, 28}  # source/destinationIPv4Address, ...IPv6Address


def recv_exact(c, n):
    buf = b""
    while len(buf) < n:
        chunk = c.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def main():
    port, out = int(sys.argv[1]), open(sys.argv[2], "w")
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(1)
    print("listening", flush=True)
    c, _ = s.accept()
    templates = {}
    while True:
        hdr = recv_exact(c, 16)
        if hdr is None:
            break
        version, length, _t, _seq, _odid = struct.unpack("!HHIII", hdr)
        if version != 10 or length < 16:
            print("bad message header", version, length, flush=True)
            sys.exit(1)
        body = recv_exact(c, length - 16)
        if body is None:
            break
        off = 0
        while off + 4 <= len(body):
            set_id, set_len = struct.unpack_from("!HH", body, off)
            end = off + set_len
            p = off + 4
            if set_id == 2:  # template set
                while p + 4 <= end:
                    tid, count = struct.unpack_from("!HH", body, p)
                    p += 4
                    fields = []
                    for _ in range(count):
                        ie, flen = struct.unpack_from("!HH", body, p)
                        p += 4
                        pen = 0
                        if ie & 0x8000:
                            pen, = struct.unpack_from("!I", body, p)
                            p += 4
                            ie &= 0x7FFF
                        fields.append((pen, ie, flen))
                    templates[tid] = fields
            elif set_id >= 256 and set_id in templates:
                fields = templates[set_id]
                rlen = sum(f[2] for f in fields)
                while rlen and p + rlen <= end:
                    rec = {}
                    for pen, ie, flen in fields:
                        raw = body[p:p + flen]
                        p += flen
                        key = f"{pen}/{ie}" if pen else str(ie)
                        if ie in ADDR_IES and not pen:
                            rec[key] = str(ipaddress.ip_address(raw))
                        else:
                            rec[key] = int.from_bytes(raw, "big")
                    out.write(json.dumps({"template": set_id, "fields": rec}) + "\n")
            off = end
        out.flush()


main()
