/* SPDX-License-Identifier: GPL-2.0 */
/*
 * flowkey.h - what the flow key of an IP packet is, for the kernel's hooks
 * (kmod/parse.c, over an skb) and the offline replay
 * (userspace/replay/pcap_parse.c, over a captured buffer) alike:
 *
 *  - IPv4: addresses, protocol; an IHL below 5 gives no key;
 *  - IPv6: addresses; extension headers skipped as ipv6_skip_exthdr() does
 *    (hop-by-hop, routing, destination options 8-byte units, AH 4-byte
 *    units; a chain that is cut or ends in NEXTHDR_NONE gives protocol 59);
 *    a non-first fragment stops at its fragment header, whose next-header
 *    byte is the protocol;
 *  - ports (TCP, UDP, UDP-Lite, SCTP, DCCP) as they sit on the wire, ICMP
 *    and ICMPv6 type and code as htons() values, so the key is the same on
 *    every host; non-first fragments and cut transport headers: 0.
 *
 * Every byte is read through the caller's reader: @rd(@pkt, off, len, buf)
 * returns the @len bytes at @off (from the start of the IP header), copied
 * into @buf if need be, or NULL when they are not all there
 * (skb_header_pointer() in the kernel; a bounds check in the replay). The
 * functions are inline, so the compiler can make each caller's reader a
 * direct call.
 * The caller has checked what its receive path checks (the replay mimics
 * ip_rcv_core()); this header decides only what the key is.
 */
#ifndef _NFSKETCH_FLOWKEY_H
#define _NFSKETCH_FLOWKEY_H

#include <nfsketch/compat.h>
#include <nfsketch/flow.h>

typedef const u8 *(*nfsk_pkt_read_t)(void *pkt, u32 off, u32 len, u8 *buf);

enum nfsk_fk_verdict {
	NFSK_FK_NONE,		/* the network header is not readable: no key */
	NFSK_FK_KEY,		/* key filled */
	/* key filled, but a cut extension chain hid the protocol: 59 */
	NFSK_FK_PROTO_CUT,
};

#define NFSK_IPPROTO_ICMP	1
#define NFSK_IPPROTO_TCP	6
#define NFSK_IPPROTO_UDP	17
#define NFSK_IPPROTO_DCCP	33
#define NFSK_IPPROTO_ICMPV6	58
#define NFSK_IPPROTO_SCTP	132
#define NFSK_IPPROTO_UDPLITE	136

#define NFSK_NEXTHDR_HOP	0
#define NFSK_NEXTHDR_ROUTING	43
#define NFSK_NEXTHDR_FRAGMENT	44
#define NFSK_NEXTHDR_AUTH	51
#define NFSK_NEXTHDR_NONE	59
#define NFSK_NEXTHDR_DEST	60

#define NFSK_IPV4_HLEN		20
#define NFSK_IPV6_HLEN		40

static inline u16 nfsk_rd16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

/* Ports (or ICMP type/code) of the transport header at @off; 0 if cut. */
static inline void
nfsk_fk_ports(nfsk_pkt_read_t rd, void *pkt, u32 off, struct nfsk_flow_key *key)
{
	u8 buf[4];
	const u8 *p;

	switch (key->proto) {
	case NFSK_IPPROTO_TCP:
	case NFSK_IPPROTO_UDP:
	case NFSK_IPPROTO_UDPLITE:
	case NFSK_IPPROTO_SCTP:
	case NFSK_IPPROTO_DCCP:
		p = rd(pkt, off, 4, buf);
		if (!p)
			return;
		/* network order: the bytes as they sit on the wire */
		memcpy(&key->sport, p, 2);
		memcpy(&key->dport, p + 2, 2);
		return;
	case NFSK_IPPROTO_ICMP:
	case NFSK_IPPROTO_ICMPV6:
		/* type and code are the first two bytes of both headers */
		p = rd(pkt, off, 2, buf);
		if (!p)
			return;
		/* htons(type), htons(code) without a byte-order helper */
		((u8 *)&key->sport)[0] = 0;
		((u8 *)&key->sport)[1] = p[0];
		((u8 *)&key->dport)[0] = 0;
		((u8 *)&key->dport)[1] = p[1];
		return;
	}
}

static inline enum nfsk_fk_verdict
nfsk_fk_ipv4(nfsk_pkt_read_t rd, void *pkt, struct nfsk_flow_key *key)
{
	u8 buf[NFSK_IPV4_HLEN];
	const u8 *h;
	u32 ihl;

	h = rd(pkt, 0, NFSK_IPV4_HLEN, buf);
	if (!h)
		return NFSK_FK_NONE;
	ihl = h[0] & 0x0f;
	if (ihl < 5)
		return NFSK_FK_NONE;
	nfsk_flow_key_v4(key, h + 12, h + 16, h[9], 0, 0);
	if (!(nfsk_rd16(h + 6) & 0x1fff))	/* IP_OFFSET: first fragment */
		nfsk_fk_ports(rd, pkt, ihl * 4, key);
	return NFSK_FK_KEY;
}

static inline bool nfsk_fk_ipv6_ext(u8 nexthdr)
{
	return nexthdr == NFSK_NEXTHDR_HOP || nexthdr == NFSK_NEXTHDR_ROUTING ||
	       nexthdr == NFSK_NEXTHDR_FRAGMENT ||
	       nexthdr == NFSK_NEXTHDR_AUTH || nexthdr == NFSK_NEXTHDR_NONE ||
	       nexthdr == NFSK_NEXTHDR_DEST;
}

static inline enum nfsk_fk_verdict
nfsk_fk_ipv6(nfsk_pkt_read_t rd, void *pkt, struct nfsk_flow_key *key)
{
	u8 buf[NFSK_IPV6_HLEN];
	u16 frag_off = 0;
	u32 start = NFSK_IPV6_HLEN;
	const u8 *h;
	u8 nexthdr;

	h = rd(pkt, 0, NFSK_IPV6_HLEN, buf);
	if (!h)
		return NFSK_FK_NONE;
	nexthdr = h[6];
	nfsk_flow_key_v6(key, h + 8, h + 24, nexthdr, 0, 0);

	/* ipv6_skip_exthdr() */
	while (nfsk_fk_ipv6_ext(nexthdr)) {
		u32 hdrlen;

		if (nexthdr == NFSK_NEXTHDR_NONE) {
			key->proto = NFSK_NEXTHDR_NONE;
			return NFSK_FK_KEY;
		}
		h = rd(pkt, start, nexthdr == NFSK_NEXTHDR_FRAGMENT ? 4 : 2,
		       buf);
		if (!h) {
			key->proto = NFSK_NEXTHDR_NONE;
			return NFSK_FK_PROTO_CUT;
		}
		if (nexthdr == NFSK_NEXTHDR_FRAGMENT) {
			frag_off = nfsk_rd16(h + 2);
			if (frag_off & ~0x7)
				break;	/* non-first: stop at this header */
			hdrlen = 8;
		} else if (nexthdr == NFSK_NEXTHDR_AUTH) {
			hdrlen = ((u32)h[1] + 2) << 2;
		} else {
			hdrlen = ((u32)h[1] + 1) << 3;
		}
		nexthdr = h[0];
		start += hdrlen;
	}
	key->proto = nexthdr;
	if (!(frag_off & 0xfff8)) {		/* IP6_OFFSET */
		nfsk_fk_ports(rd, pkt, start, key);
		return NFSK_FK_KEY;
	}
	/* the non-first fragment's header: its first byte is the protocol */
	h = rd(pkt, start, 1, buf);
	if (!h)
		return NFSK_FK_PROTO_CUT;
	key->proto = h[0];
	return NFSK_FK_KEY;
}

#endif /* _NFSKETCH_FLOWKEY_H */
