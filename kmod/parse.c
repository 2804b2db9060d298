// SPDX-License-Identifier: GPL-2.0
/*
 * Packet to flow key, for the netfilter hooks.
 *
 * Every read goes through skb_header_pointer(), so a short or non-linear
 * skb is never read past its end. A packet whose network header is cut short
 * still counts in the totals (it did cross the hook) but has no key and is
 * reported as truncated; one whose transport header is cut short keeps its
 * addresses with ports 0, like non-first fragments and protocols without
 * ports. Ports stay in network byte
 * order; for ICMP and ICMPv6 the port slots hold type and code, also in
 * network byte order, so the key is the same on every host.
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include "nfsketch.h"

/* Ports (or ICMP type/code) of the transport header at @off; 0 if cut. */
static void nfsk_parse_ports(const struct sk_buff *skb, int off,
			     struct nfsk_flow_key *key)
{
	switch (key->proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
	case IPPROTO_DCCP: {
		__be16 _ports[2];
		const __be16 *ports;

		ports = skb_header_pointer(skb, off, sizeof(_ports), _ports);
		if (!ports)
			return;
		key->sport = (__force u16)ports[0];
		key->dport = (__force u16)ports[1];
		return;
	}
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6: {
		u8 _tc[2];
		const u8 *tc;

		/* type and code are the first two bytes of both headers */
		tc = skb_header_pointer(skb, off, sizeof(_tc), _tc);
		if (!tc)
			return;
		key->sport = (__force u16)htons(tc[0]);
		key->dport = (__force u16)htons(tc[1]);
		return;
	}
	}
}

static bool nfsk_parse_ipv4(const struct sk_buff *skb, int nhoff,
			    struct nfsk_flow_key *key)
{
	const struct iphdr *iph;
	struct iphdr _iph;

	iph = skb_header_pointer(skb, nhoff, sizeof(_iph), &_iph);
	if (!iph || iph->ihl < 5)
		return false;

	nfsk_flow_key_v4(key, (const u8 *)&iph->saddr, (const u8 *)&iph->daddr,
			 iph->protocol, 0, 0);
	if (!(iph->frag_off & htons(IP_OFFSET)))
		nfsk_parse_ports(skb, nhoff + iph->ihl * 4, key);
	return true;
}

static bool nfsk_parse_ipv6(const struct sk_buff *skb, int nhoff,
			    struct nfsk_flow_key *key)
{
	const struct ipv6hdr *ip6h;
	struct ipv6hdr _ip6h;
	__be16 frag_off = 0;
	u8 nexthdr;
	int off;

	ip6h = skb_header_pointer(skb, nhoff, sizeof(_ip6h), &_ip6h);
	if (!ip6h)
		return false;

	nfsk_flow_key_v6(key, ip6h->saddr.s6_addr, ip6h->daddr.s6_addr,
			 ip6h->nexthdr, 0, 0);
	nexthdr = ip6h->nexthdr;
	off = ipv6_skip_exthdr(skb, nhoff + sizeof(_ip6h), &nexthdr, &frag_off);
	if (off < 0) {
		/* extension headers cut short or malformed: addresses only */
		key->proto = NEXTHDR_NONE;
		return true;
	}
	key->proto = nexthdr;
	if (!(frag_off & htons(IP6_OFFSET))) {
		nfsk_parse_ports(skb, off, key);
	} else {
		/*
		 * ipv6_skip_exthdr() stops at a non-first fragment's header:
		 * its first byte is the protocol, as for the first fragment.
		 */
		const u8 *nh;
		u8 _nh;

		nh = skb_header_pointer(skb, off, sizeof(_nh), &_nh);
		if (nh)
			key->proto = *nh;
	}
	return true;
}

/*
 * Fill @key from @skb of protocol family @pf (NFPROTO_IPV4 or NFPROTO_IPV6).
 * Returns false when not even the network header could be read.
 */
bool nfsk_parse(const struct sk_buff *skb, u8 pf, struct nfsk_flow_key *key)
{
	int nhoff = skb_network_offset(skb);

	nfsk_flow_key_zero(key);
	if (pf == NFPROTO_IPV4)
		return nfsk_parse_ipv4(skb, nhoff, key);
	return nfsk_parse_ipv6(skb, nhoff, key);
}
