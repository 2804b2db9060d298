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
 *    proto NEXTHDR_NONE (59); a chain the capture cut keeps the last
 *    next-header it could read, and says so when it could read none;
 *  - a frame is IP only where ip_rcv_core() / ip6_rcv_core() (6.1) would
 *    pass it on to PRE_ROUTING: the version nibble matches the ethertype or
 *    link type, IPv4 ihl >= 5, a valid header checksum, ihl * 4 <= tot_len
 *    <= what was on the wire, IPv6 40 + payload_len <= the wire, the
 *    hop-by-hop header inside the packet, no multicast source, no multicast
 *    destination of scope 0 (and, where the link header says the device is
 *    not loopback, no loopback address and no interface-local multicast);
 *    SLL/SLL2 frames marked PACKET_OTHERHOST are dropped there too;
 *  - loopback (SLL/SLL2 ARPHRD_LOOPBACK) is counted at LOCAL_OUT only, as
 *    the module does: the outgoing copy counts, the incoming one does not.
 */
#include <arpa/inet.h>
#include <pcap/pcap.h>
#include "pcap_parse.h"

#define ETH_HLEN		14
#define SLL_HLEN		16
#define SLL2_HLEN		20
#define VLAN_HLEN		4

#define PACKET_HOST_		0
#define PACKET_OTHERHOST_	3
#define PACKET_OUTGOING_	4
#define ARPHRD_LOOPBACK_	772

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

const char *const rp_invalid_names[RP_INV_MAX] = {
	[RP_INV_NONE]		= "none",
	[RP_INV_VERSION]	= "version",
	[RP_INV_HDR_LEN]	= "header_length",
	[RP_INV_CSUM]		= "checksum",
	[RP_INV_TOT_LEN]	= "total_length",
	[RP_INV_TOO_LONG]	= "longer_than_wire",
	[RP_INV_ADDR]		= "address",
	[RP_INV_HOPOPTS]	= "hop_by_hop",
	[RP_INV_OTHERHOST]	= "otherhost",
};

/* What the link header tells about the device and direction. */
struct rp_link {
	bool	outgoing;	/* PACKET_OUTGOING: LOCAL_OUT, no receive checks */
	bool	known_dev;	/* the link header names the device type */
	bool	loopback;	/* ... and it is ARPHRD_LOOPBACK */
};

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

/* ip_fast_csum() == 0: the one's complement sum of the header is 0xffff. */
static bool ipv4_csum_ok(const u8 *p, u32 hlen)
{
	u32 sum = 0, i;

	for (i = 0; i < hlen; i += 2)
		sum += rd16(p + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

static enum rp_verdict invalid(struct rp_result *res, enum rp_invalid why)
{
	res->invalid = why;
	return RP_INVALID;
}

/* ip_rcv_core(), 6.1: every check that can drop a frame before the hook. */
static enum rp_verdict parse_ipv4(const u8 *p, u32 cap, u32 wire,
				  struct rp_result *res)
{
	struct nfsk_flow_key *key = &res->key;
	u32 tot, avail, ihl;

	res->len = wire;
	if (cap && p[0] >> 4 != 4)
		return invalid(res, RP_INV_VERSION);
	if (wire < 20)
		return invalid(res, RP_INV_HDR_LEN);
	if (cap < 20)
		return RP_TRUNCATED;
	ihl = p[0] & 0x0f;
	if (ihl < 5 || ihl * 4 > wire)
		return invalid(res, RP_INV_HDR_LEN);
	if (cap < ihl * 4)
		return RP_TRUNCATED;	/* options cut: checksum unknown */
	if (!ipv4_csum_ok(p, ihl * 4))
		return invalid(res, RP_INV_CSUM);
	tot = rd16(p + 2);
	if (tot > wire)
		return invalid(res, RP_INV_TOO_LONG);
	if (tot < ihl * 4)
		return invalid(res, RP_INV_TOT_LEN);
	res->len = tot;		/* pskb_trim_rcsum(): link padding goes */
	avail = cap < tot ? cap : tot;

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

/*
 * ipv6_skip_exthdr() over the @avail readable bytes: offset of the
 * upper-layer header, or -1 with *@cut set when the walk needed a byte
 * that is in the packet (@len) but not in the capture.
 */
static long skip_exthdr(const u8 *p, u32 avail, u32 len, u32 start,
			u8 *nexthdrp, u16 *frag_offp, bool *cut)
{
	u8 nexthdr = *nexthdrp;

	*frag_offp = 0;
	*cut = false;
	while (ipv6_ext_hdr(nexthdr)) {
		u32 hdrlen, need;

		if (nexthdr == NEXTHDR_NONE)
			return -1;
		need = nexthdr == NEXTHDR_FRAGMENT ? 4 : 2;
		if (start > avail || avail - start < need) {
			*cut = start <= len && len - start >= need;
			return -1;
		}
		if (nexthdr == NEXTHDR_FRAGMENT) {
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

static bool v6_loopback(const u8 *a)
{
	static const u8 lo[16] = { [15] = 1 };

	return !memcmp(a, lo, 16);
}

/* ip6_rcv_core(), 6.1: the address rules, as far as the capture knows. */
static bool ipv6_addrs_ok(const u8 *p, const struct rp_link *l)
{
	const u8 *s = p + 8, *d = p + 24;

	if (l->outgoing)
		return true;		/* LOCAL_OUT: no receive checks */
	if (s[0] == 0xff)		/* multicast source */
		return false;
	if (d[0] == 0xff && (d[1] & 0x0f) == 0)	/* multicast scope 0 */
		return false;
	if (l->known_dev && !l->loopback) {
		if (v6_loopback(s) || v6_loopback(d))
			return false;
		if (d[0] == 0xff && (d[1] & 0x0f) == 1)	/* interface-local */
			return false;
	}
	return true;
}

static enum rp_verdict parse_ipv6(const u8 *p, u32 cap, u32 wire,
				  const struct rp_link *l,
				  struct rp_result *res)
{
	struct nfsk_flow_key *key = &res->key;
	u16 frag_off = 0;
	u32 plen, avail;
	bool cut;
	u8 nexthdr;
	long off;

	res->len = wire;
	if (cap && p[0] >> 4 != 6)
		return invalid(res, RP_INV_VERSION);
	if (wire < 40)
		return invalid(res, RP_INV_HDR_LEN);
	if (cap < 40)
		return RP_TRUNCATED;
	if (!ipv6_addrs_ok(p, l))
		return invalid(res, RP_INV_ADDR);
	plen = rd16(p + 4);
	nexthdr = p[6];
	/* payload length 0 with hop-by-hop is a jumbogram: no trim */
	if (plen || nexthdr != NEXTHDR_HOP) {
		if (40 + plen > wire)
			return invalid(res, RP_INV_TOO_LONG);
		res->len = 40 + plen;
	}
	avail = cap < res->len ? cap : res->len;
	/* ipv6_parse_hopopts(): the header must lie inside the packet */
	if (nexthdr == NEXTHDR_HOP) {
		if (res->len < 48)
			return invalid(res, RP_INV_HOPOPTS);
		if (avail >= 42 && 40 + (((u32)p[41] + 1) << 3) > res->len)
			return invalid(res, RP_INV_HOPOPTS);
	}

	nfsk_flow_key_v6(key, p + 8, p + 24, nexthdr, 0, 0);
	off = skip_exthdr(p, avail, res->len, 40, &nexthdr, &frag_off, &cut);
	if (off < 0) {
		key->proto = NEXTHDR_NONE;
		res->proto_unknown = cut;
		return RP_IP;
	}
	key->proto = nexthdr;
	if (!(frag_off & 0xfff8))	/* IP6_OFFSET */
		parse_ports(p, avail, (u32)off, key);
	else if ((u32)off < avail)	/* the fragment header's next header */
		key->proto = p[off];
	else if ((u32)off < res->len)
		res->proto_unknown = true;
	return RP_IP;
}

/* @ver: 4 or 6 from the link layer, 0 from the version nibble (raw IP). */
static enum rp_verdict parse_l3(const u8 *p, u32 cap, u32 wire, int ver,
				const struct rp_link *l, struct rp_result *res)
{
	if (cap > wire)
		cap = wire;
	if (!ver) {
		if (!cap) {
			res->len = wire;
			return RP_TRUNCATED;
		}
		ver = p[0] >> 4;
		if (ver != 4 && ver != 6) {
			res->len = wire;
			return invalid(res, RP_INV_VERSION);
		}
	}
	if (ver == 4)
		return parse_ipv4(p, cap, wire, res);
	return parse_ipv6(p, cap, wire, l, res);
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

/* SLL / SLL2 packet type and device type. */
static enum rp_verdict sll_link(u16 pkt_type, u16 hatype, struct rp_link *l)
{
	l->known_dev = true;
	l->loopback = hatype == ARPHRD_LOOPBACK_;
	l->outgoing = pkt_type == PACKET_OUTGOING_;
	if (l->loopback && !l->outgoing)
		return RP_LOOPBACK_IN;
	if (pkt_type == PACKET_OTHERHOST_)
		return RP_INVALID;
	return RP_IP;
}

enum rp_verdict rp_parse(int dlt, const u8 *data, u32 caplen, u32 wirelen,
			 struct rp_result *res)
{
	struct rp_link l = { 0 };
	enum rp_verdict v = RP_IP;
	long off;
	u16 etype;

	memset(res, 0, sizeof(*res));
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
		v = sll_link(rd16(data), rd16(data + 2), &l);
		off = skip_vlans(data, caplen, SLL_HLEN, &etype);
		break;
	case DLT_LINUX_SLL2:
		if (caplen < SLL2_HLEN)
			return RP_UNKNOWN;
		etype = rd16(data);
		v = sll_link(data[10], rd16(data + 8), &l);
		off = skip_vlans(data, caplen, SLL2_HLEN, &etype);
		break;
	case DLT_RAW_12:
	case DLT_RAW_14:
	case LINKTYPE_RAW:
		return parse_l3(data, caplen, wirelen, 0, &l, res);
	case DLT_IPV4:
		return parse_l3(data, caplen, wirelen, 4, &l, res);
	case DLT_IPV6:
		return parse_l3(data, caplen, wirelen, 6, &l, res);
	default:
		return RP_UNKNOWN;
	}
	if (off < 0)
		return RP_UNKNOWN;
	if (etype != ETHERTYPE_IPV4 && etype != ETHERTYPE_IPV6)
		return RP_UNKNOWN;
	if ((u32)off > wirelen)
		return RP_UNKNOWN;
	if (v == RP_LOOPBACK_IN) {
		res->len = wirelen - (u32)off;
		return v;
	}
	if (v == RP_INVALID) {
		res->len = wirelen - (u32)off;
		return invalid(res, RP_INV_OTHERHOST);
	}
	return parse_l3(data + off, caplen - (u32)off, wirelen - (u32)off,
			etype == ETHERTYPE_IPV4 ? 4 : 6, &l, res);
}
