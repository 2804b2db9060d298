#!/usr/bin/env python3
"""hostile.py IFACE DST_MAC ROUNDS - send hand-built hostile frames out of
IFACE (AF_PACKET, no scapy) to DST_MAC, ROUNDS times: IPv4 with bogus IHL
and lengths, truncated transport headers, fragments (first, middle, last,
tiny, overlapping, at the largest offset); IPv6 with lying payload lengths,
long extension header chains, fragment headers, truncated extension
headers, unknown next headers. Addresses: 10.94.0.2 -> 10.94.0.1 and
fd94::2 -> fd94::1. Prints the number of frames sent."""
import socket
import struct
import sys

SRC4, DST4 = socket.inet_aton("10.94.0.2"), socket.inet_aton("10.94.0.1")
SRC6 = socket.inet_pton(socket.AF_INET6, "fd94::2")
DST6 = socket.inet_pton(socket.AF_INET6, "fd94::1")


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip4(payload, proto=17, ihl=5, tot=None, frag=0, opts=b"", fix_csum=True):
    hl = 20 + len(opts)
    tot = hl + len(payload) if tot is None else tot
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | (ihl & 0xF), 0, tot & 0xFFFF, 0x1234,
                    frag, 64, proto, 0, SRC4, DST4) + opts
    if fix_csum:
        h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def udp(n=8, sport=4000, dport=9):
    return struct.pack("!HHHH", sport, dport, 8 + n, 0) + b"u" * n


def ip6(payload, nh, plen=None):
    plen = len(payload) if plen is None else plen
    return struct.pack("!IHBB16s16s", 0x60000000, plen & 0xFFFF, nh, 64, SRC6, DST6) + payload


def ext(nh, length8=0, fill=b"\x01\x00"):
    """An options-style extension header (hop-by-hop, destination)."""
    body = fill + b"\0" * (6 + 8 * length8 - len(fill))
    return struct.pack("!BB", nh, length8) + body


def frag6(nh, off, mf, ident=7):
    return struct.pack("!BBHI", nh, 0, (off << 3) | mf, ident)


def frames():
    f = []
    # IPv4: bogus IHL
    for ihl in (0, 1, 4, 6, 15):
        f.append(ip4(udp(), ihl=ihl))
    # IPv4: lengths that lie
    for tot in (0, 1, 19, 20, 21, 27, 29, 65535, 1500):
        f.append(ip4(udp(), tot=tot))
    f.append(ip4(udp(), fix_csum=False))
    # truncated transport headers
    f.append(ip4(b"\x0f\xa0\x00", proto=17))           # 3 bytes of UDP
    f.append(ip4(b"\x00" * 10, proto=6))               # 10 bytes of TCP
    f.append(ip4(b"\x50" * 20, proto=6))               # TCP doff bogus
    f.append(ip4(b"\x08", proto=1))                    # 1 byte of ICMP
    f.append(ip4(b"", proto=17))                       # nothing after IP
    f.append(ip4(b"x" * 40, proto=253))                # unknown protocol
    # IPv4 options: long and malformed
    f.append(ip4(udp(), ihl=15, opts=b"\x01" * 40))
    f.append(ip4(udp(), ihl=8, opts=b"\x44\xff" + b"\0" * 10))
    # IPv4 fragments
    f.append(ip4(udp(64)[:16], frag=0x2000))           # first, MF, 16 bytes
    f.append(ip4(b"x" * 8, frag=0x2000 | 1))           # middle
    f.append(ip4(b"x" * 8, frag=2))                    # last
    f.append(ip4(b"x" * 4, frag=0x2000))               # tiny first fragment
    f.append(ip4(b"x" * 16, frag=0x2000 | 1))          # overlapping
    f.append(ip4(b"x" * 8, frag=0x1FFF))               # largest offset
    f.append(ip4(b"x" * 8, frag=0x3FFF))               # largest offset, MF
    f.append(ip4(b"x" * 8, frag=0x4000 | 1))           # DF and an offset
    # IPv6: lying payload lengths
    for plen in (0, 1, 7, 9, 1000, 65535):
        f.append(ip6(udp(), 17, plen=plen))
    f.append(ip6(b"", 17))
    f.append(ip6(b"\x00\x01", 17))
    # IPv6: long chains of destination options
    for n in (8, 40, 120):
        chain = b""
        for i in range(n):
            chain += ext(60 if i < n - 1 else 17)
        f.append(ip6(chain + udp(), 60))
    # hop-by-hop, then more hop-by-hop (only allowed first)
    f.append(ip6(ext(0) + ext(17) + udp(), 0))
    # a chain whose last header claims more than is there
    f.append(ip6(ext(60) + struct.pack("!BB", 17, 200) + b"\0" * 6, 60))
    # a chain that ends in the middle of a header
    f.append(ip6(ext(60)[:5], 60))
    # extension header length far beyond the packet
    f.append(ip6(struct.pack("!BB", 17, 255) + b"\0" * 6 + udp(), 60))
    # routing header (type 0, deprecated) and unknown next headers
    f.append(ip6(struct.pack("!BBBB", 17, 2, 0, 1) + b"\0" * 4 + DST6 + udp(), 43))
    f.append(ip6(b"x" * 40, 253))
    f.append(ip6(ext(253) + b"x" * 16, 60))
    # IPv6 fragments: first with UDP, middle, last, atomic, offset max,
    # extension headers after the fragment header, a chain of fragment
    # headers
    f.append(ip6(frag6(17, 0, 1) + udp(32), 44))
    f.append(ip6(frag6(17, 5, 1) + b"x" * 8, 44))
    f.append(ip6(frag6(17, 6, 0) + b"x" * 8, 44))
    f.append(ip6(frag6(17, 0, 0) + udp(), 44))
    f.append(ip6(frag6(17, 0x1FFF, 0) + b"x" * 8, 44))
    f.append(ip6(frag6(60, 0, 1) + ext(17) + udp(), 44))
    f.append(ip6(frag6(44, 0, 1, 8) + frag6(44, 0, 1, 9) + frag6(17, 0, 1, 10) + udp(), 44))
    f.append(ip6(frag6(17, 0, 1)[:4], 44))             # truncated fragment header
    # an IPv6 header cut short, an IPv4 header cut short
    f.append(ip6(udp(), 17)[:30])
    f.append(ip4(udp())[:12])
    return f


def main():
    iface, dst, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    src = s.getsockname()[4][:6]
    dmac = bytes.fromhex(dst.replace(":", ""))
    n = 0
    fr = frames()
    for _ in range(rounds):
        for p in fr:
            et = 0x86DD if p[0] >> 4 == 6 else 0x0800
            s.send(dmac + src + struct.pack("!H", et) + p)
            n += 1
    print("sent %d frames (%d kinds x %d)" % (n, len(fr), rounds))


if __name__ == "__main__":
    main()
