// SPDX-License-Identifier: GPL-2.0
/*
 * Packet to flow key, for the netfilter hooks: the core's description of a
 * key (include/nfsketch/flowkey.h, shared with the offline replay) read
 * through skb_header_pointer(), so a short or non-linear skb is never read
 * past its end. A packet whose network header is cut short still counts in
 * the totals (it did cross the hook) but has no key and is reported as
 * truncated.
 */
#include <linux/netfilter.h>
#include <linux/skbuff.h>
#include <nfsketch/flowkey.h>
#include "nfsketch.h"

struct nfsk_skb_pkt {
	const struct sk_buff	*skb;
	int			nhoff;
};

static const u8 *nfsk_skb_read(void *pkt, u32 off, u32 len, u8 *buf)
{
	const struct nfsk_skb_pkt *p = pkt;

	return skb_header_pointer(p->skb, p->nhoff + off, len, buf);
}

/*
 * Fill @key from @skb of protocol family @pf (NFPROTO_IPV4 or NFPROTO_IPV6).
 * Returns false when not even the network header could be read.
 */
bool nfsk_parse(const struct sk_buff *skb, u8 pf, struct nfsk_flow_key *key)
{
	struct nfsk_skb_pkt p = { skb, skb_network_offset(skb) };

	nfsk_flow_key_zero(key);
	if (pf == NFPROTO_IPV4)
		return nfsk_fk_ipv4(nfsk_skb_read, &p, key) != NFSK_FK_NONE;
	return nfsk_fk_ipv6(nfsk_skb_read, &p, key) != NFSK_FK_NONE;
}
