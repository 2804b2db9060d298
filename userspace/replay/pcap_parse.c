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
 *  - the key is the core's (include/nfsketch/flowkey.h, the same code
 *    kmod/parse.c runs over the skb): ports, ICMP type/code, IPv6
 *    extension headers and fragments; a chain the capture cut gives
 *    proto 59 and says so (proto_unknown);
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
#include <nfsketch/flowkey.h>
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

#define rd16	nfsk_rd16

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

/*
 * The core's reader (include/nfsketch/flowkey.h) over the @avail bytes that
 * are both captured and inside the packet; a read that fails inside the
 * packet (@len) failed because of the capture: @cut.
 */
struct rp_pkt {
	const u8	*p;
	u32		avail;
	u32		len;
	bool		cut;
	u32		last;	/* offset of the last read that succeeded */
};

static const u8 *rp_read(void *pkt, u32 off, u32 n, u8 *buf)
{
	struct rp_pkt *r = pkt;

	if (off > r->avail || r->avail - off < n) {
		r->cut = off <= r->len && r->len - off >= n;
		return NULL;
	}
	r->last = off;
	return r->p + off;
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

/*
 * The transport header of a key with ports: the parser's last read was
 * theirs (nfsk_fk_ports() reads last), at the header's offset.
 */
static void rp_l4(struct rp_result *res, const struct rp_pkt *pk)
{
	res->l3 = pk->p;
	res->l3avail = pk->avail;
	res->l4off = res->key.sport || res->key.dport ? pk->last : 0;
}

static enum rp_verdict invalid(struct rp_result *res, enum rp_invalid why)
{
	res->invalid = why;
	return RP_INVALID;
}

/*
 * What both versions check first: the version nibble, a whole header on
 * the wire, and in the capture. RP_IP: go on.
 */
static enum rp_verdict ip_hdr_check(const u8 *p, u32 cap, u32 wire, u8 ver,
				    u32 hlen, struct rp_result *res)
{
	res->len = wire;
	if (cap && p[0] >> 4 != ver)
		return invalid(res, RP_INV_VERSION);
	if (wire < hlen)
		return invalid(res, RP_INV_HDR_LEN);
	if (cap < hlen)
		return RP_TRUNCATED;
	return RP_IP;
}

/* ip_rcv_core(), 6.1: every check that can drop a frame before the hook. */
static enum rp_verdict parse_ipv4(const u8 *p, u32 cap, u32 wire,
				  struct rp_result *res)
{
	enum rp_verdict v;
	struct rp_pkt pk;
	u32 tot, ihl;

	v = ip_hdr_check(p, cap, wire, 4, NFSK_IPV4_HLEN, res);
	if (v != RP_IP)
		return v;
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
	pk.p = p;
	pk.avail = cap < tot ? cap : tot;
	pk.len = tot;
	pk.last = 0;
	nfsk_fk_ipv4(rp_read, &pk, &res->key);	/* ihl >= 5: a key */
	rp_l4(res, &pk);
	return RP_IP;
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
	enum rp_verdict v;
	struct rp_pkt pk;
	u32 plen, avail;
	u8 nexthdr;

	v = ip_hdr_check(p, cap, wire, 6, NFSK_IPV6_HLEN, res);
	if (v != RP_IP)
		return v;
	if (!ipv6_addrs_ok(p, l))
		return invalid(res, RP_INV_ADDR);
	plen = rd16(p + 4);
	nexthdr = p[6];
	/* payload length 0 with hop-by-hop is a jumbogram: no trim */
	if (plen || nexthdr != NFSK_NEXTHDR_HOP) {
		if (40 + plen > wire)
			return invalid(res, RP_INV_TOO_LONG);
		res->len = 40 + plen;
	}
	avail = cap < res->len ? cap : res->len;
	/* ipv6_parse_hopopts(): the header must lie inside the packet */
	if (nexthdr == NFSK_NEXTHDR_HOP) {
		if (res->len < 48)
			return invalid(res, RP_INV_HOPOPTS);
		if (avail >= 42 && 40 + (((u32)p[41] + 1) << 3) > res->len)
			return invalid(res, RP_INV_HOPOPTS);
	}

	pk.p = p;
	pk.avail = avail;
	pk.len = res->len;
	pk.cut = false;
	/* a chain the capture cut: proto 59 (or 44), and the summary says so */
	pk.last = 0;
	if (nfsk_fk_ipv6(rp_read, &pk, &res->key) == NFSK_FK_PROTO_CUT)
		res->proto_unknown = pk.cut;
	rp_l4(res, &pk);
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
