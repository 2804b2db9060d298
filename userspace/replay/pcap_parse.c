// SPDX-License-Identifier: GPL-2.0
/*
 * Captured frame -> flow key and length, exactly as the kernel's hooks see
 * the same packet (kmod/parse.c, kmod/hooks.c):
 *
 *  - the length is skb->len at PRE_ROUTING / LOCAL_OUT: the L3 packet,
 *    i.e. IPv4 total length or IPv6 40 + payload length, never more than
 *    the frame's wire length minus the link header (the kernel trims
 *    Ethernet padding before the hook);
 *  - only bytes inside that length are readable (skb_header_pointer() on
 *    the trimmed skb), and of course only the captured ones;
 *  - ports as they sit on the wire, ICMP type/code as htons(); non-first
 *    fragments and cut transport headers have ports 0;
 *  - IPv6 extension headers are skipped like ipv6_skip_exthdr(), including
 *    a non-first fragment stops at the fragment header, whose next-header
 *    field is the protocol (as kmod/parse.c); malformed or cut chains give
 *    proto NEXTHDR_NONE (59).
 */
#include <arpa/inet.h>
#include <pcap/pcap.h>
#include "pcap_parse.h"

#define ETH_HLEN		14
#define SLL_HLEN		16
#define SLL2_HLEN		20
#define VLAN_HLEN		4

#define ETHERTYPE_IPV4		0x0800
#define ETHERTYPE_IPV6		0x86dd
#define ETHERTYPE_8021Q		0x8100
#define ETHERTYPE_8021AD	0x88a8
#define ETHERTYPE_QINQ		0x9100

#define NEXTHDR_HOP		0
#define NEXTHDR_TCP		6
#define NEXTHDR_ROUTING		43
#define NEXTHDR_FRAGMENT	44
#define NEXTHDR_AUTH		51
#define NEXTHDR_NONE		59
#define NEXTHDR_DEST		60

#define IPPROTO_ICMP_		1
#define IPPROTO_TCP_		6
#define IPPROTO_UDP_		17
#define IPPROTO_DCCP_		33
#define IPPROTO_ICMPV6_		58
#define IPPROTO_SCTP_		132
#define IPPROTO_UDPLITE_	136

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2		276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4		228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6		229
#endif
/* DLT_RAW is 12 on most platforms and 14 on OpenBSD: accept both. */
#define DLT_RAW_12		12
#define DLT_RAW_14		14
#define LINKTYPE_RAW		101

static u16 rd16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

bool rp_linktype_ok(int dlt)
{
	return rp_linktype_name(dlt) != NULL;
}

const char *rp_linktype_name(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB:
		return "ethernet";
	case DLT_LINUX_SLL:
		return "linux-sll";
	case DLT_LINUX_SLL2:
		return "linux-sll2";
	case DLT_RAW_12:
	case DLT_RAW_14:
	case LINKTYPE_RAW:
		return "raw";
	case DLT_IPV4:
		return "ipv4";
	case DLT_IPV6:
		return "ipv6";
	}
	return NULL;
}

/* Ports (or ICMP type/code) of the transport header at @off; 0 if cut. */
static void parse_ports(const u8 *p, u32 avail, u32 off,
			struct nfsk_flow_key *key)
{
	switch (key->proto) {
	case IPPROTO_TCP_:
	case IPPROTO_UDP_:
	case IPPROTO_UDPLITE_:
	case IPPROTO_SCTP_:
	case IPPROTO_DCCP_:
		if (off > avail || avail - off < 4)
			return;
		/* network order, as the bytes sit in memory */
		memcpy(&key->sport, p + off, 2);
		memcpy(&key->dport, p + off + 2, 2);
		return;
	case IPPROTO_ICMP_:
	case IPPROTO_ICMPV6_:
		if (off > avail || avail - off < 2)
			return;
		key->sport = htons(p[off]);
		key->dport = htons(p[off + 1]);
		return;
	}
}

static enum rp_verdict parse_ipv4(const u8 *p, u32 cap, u32 wire,
				  struct nfsk_flow_key *key, u32 *len)
{
	u32 tot, avail, ihl;

	*len = wire;
	if (cap < 20 || wire < 20)
		return RP_TRUNCATED;
	tot = rd16(p + 2);
	if (tot && tot < wire)
		*len = tot;		/* the kernel trims link padding */
	avail = cap < *len ? cap : *len;
	ihl = p[0] & 0x0f;
	if (avail < 20 || ihl < 5)
		return RP_TRUNCATED;

	nfsk_flow_key_v4(key, p + 12, p + 16, p[9], 0, 0);
	if (!(rd16(p + 6) & 0x1fff))	/* IP_OFFSET */
		parse_ports(p, avail, ihl * 4, key);
	return RP_IP;
}

static bool ipv6_ext_hdr(u8 nexthdr)
{
	return nexthdr == NEXTHDR_HOP || nexthdr == NEXTHDR_ROUTING ||
	       nexthdr == NEXTHDR_FRAGMENT || nexthdr == NEXTHDR_AUTH ||
	       nexthdr == NEXTHDR_NONE || nexthdr == NEXTHDR_DEST;
}

/* ipv6_skip_exthdr(): offset of the upper-layer header, or -1. */
static long skip_exthdr(const u8 *p, u32 avail, u32 start, u8 *nexthdrp,
			u16 *frag_offp)
{
	u8 nexthdr = *nexthdrp;

	*frag_offp = 0;
	while (ipv6_ext_hdr(nexthdr)) {
		u32 hdrlen;

		if (nexthdr == NEXTHDR_NONE)
			return -1;
		if (start > avail || avail - start < 2)
			return -1;
		if (nexthdr == NEXTHDR_FRAGMENT) {
			if (avail - start < 4)
				return -1;
			*frag_offp = rd16(p + start + 2);
			if (*frag_offp & ~0x7)
				break;
			hdrlen = 8;
		} else if (nexthdr == NEXTHDR_AUTH) {
			hdrlen = ((u32)p[start + 1] + 2) << 2;
		} else {
			hdrlen = ((u32)p[start + 1] + 1) << 3;
		}
		nexthdr = p[start];
		start += hdrlen;
	}
	*nexthdrp = nexthdr;
	return start;
}

static enum rp_verdict parse_ipv6(const u8 *p, u32 cap, u32 wire,
				  struct nfsk_flow_key *key, u32 *len)
{
	u16 frag_off = 0;
	u32 plen, avail;
	u8 nexthdr;
	long off;

	*len = wire;
	if (cap < 40 || wire < 40)
		return RP_TRUNCATED;
	plen = rd16(p + 4);
	nexthdr = p[6];
	/* ipv6_rcv(): payload length 0 with hop-by-hop is a jumbogram */
	if ((plen || nexthdr != NEXTHDR_HOP) && 40 + plen < wire)
		*len = 40 + plen;
	avail = cap < *len ? cap : *len;

	nfsk_flow_key_v6(key, p + 8, p + 24, nexthdr, 0, 0);
	off = skip_exthdr(p, avail, 40, &nexthdr, &frag_off);
	if (off < 0) {
		key->proto = NEXTHDR_NONE;
		return RP_IP;
	}
	key->proto = nexthdr;
	if (!(frag_off & 0xfff8))	/* IP6_OFFSET */
		parse_ports(p, avail, (u32)off, key);
	else if ((u32)off < avail)	/* the fragment header's next header */
		key->proto = p[off];
	return RP_IP;
}

enum rp_verdict rp_parse_l3(const u8 *p, u32 cap, u32 wire, int ver,
			    struct nfsk_flow_key *key, u32 *len)
{
	nfsk_flow_key_zero(key);
	if (cap > wire)
		cap = wire;
	if (!ver) {
		if (!cap) {
			*len = wire;
			return RP_TRUNCATED;
		}
		ver = p[0] >> 4;
	}
	if (ver == 4)
		return parse_ipv4(p, cap, wire, key, len);
	if (ver == 6)
		return parse_ipv6(p, cap, wire, key, len);
	*len = wire;
	return RP_TRUNCATED;
}

/*
 * Ethertype at @off, after any stack of 802.1Q / 802.1ad tags: returns the
 * offset of the network header, or -1 if the link header is cut short.
 */
static long skip_vlans(const u8 *d, u32 caplen, u32 off, u16 *etype)
{
	while (*etype == ETHERTYPE_8021Q || *etype == ETHERTYPE_8021AD ||
	       *etype == ETHERTYPE_QINQ) {
		if (caplen < off + VLAN_HLEN)
			return -1;
		*etype = rd16(d + off + 2);
		off += VLAN_HLEN;
	}
	return off;
}

enum rp_verdict rp_parse(int dlt, const u8 *data, u32 caplen, u32 wirelen,
			 struct nfsk_flow_key *key, u32 *len)
{
	long off;
	u16 etype;
	int ver;

	nfsk_flow_key_zero(key);
	*len = 0;
	if (caplen > wirelen)
		caplen = wirelen;

	switch (dlt) {
	case DLT_EN10MB:
		if (caplen < ETH_HLEN)
			return RP_UNKNOWN;
		etype = rd16(data + 12);
		off = skip_vlans(data, caplen, ETH_HLEN, &etype);
		break;
	case DLT_LINUX_SLL:
		if (caplen < SLL_HLEN)
			return RP_UNKNOWN;
		etype = rd16(data + 14);
		off = skip_vlans(data, caplen, SLL_HLEN, &etype);
		break;
	case DLT_LINUX_SLL2:
		if (caplen < SLL2_HLEN)
			return RP_UNKNOWN;
		etype = rd16(data);
		off = skip_vlans(data, caplen, SLL2_HLEN, &etype);
		break;
	case DLT_RAW_12:
	case DLT_RAW_14:
	case LINKTYPE_RAW:
		return rp_parse_l3(data, caplen, wirelen, 0, key, len);
	case DLT_IPV4:
		return rp_parse_l3(data, caplen, wirelen, 4, key, len);
	case DLT_IPV6:
		return rp_parse_l3(data, caplen, wirelen, 6, key, len);
	default:
		return RP_UNKNOWN;
	}
	if (off < 0)
		return RP_UNKNOWN;
	if (etype == ETHERTYPE_IPV4)
		ver = 4;
	else if (etype == ETHERTYPE_IPV6)
		ver = 6;
	else
		return RP_UNKNOWN;
	if ((u32)off > wirelen)
		return RP_UNKNOWN;
	return rp_parse_l3(data + off, caplen - (u32)off, wirelen - (u32)off,
			   ver, key, len);
}
