// SPDX-License-Identifier: GPL-2.0
/*
 * more_spec.c - ROUTE_MORE_SPECIFIC (more_spec.h): probe the present
 * shorter lengths of the new prefix's family, longest first, each with the
 * new address masked to that length; the first hit is the cover.
 */
#include <nfsketch/more_spec.h>

static u32 fam_of(const struct nfsk_flap_key *k)
{
	return k->family == NFSK_AF_INET ? 0 : 1;
}

static u32 plen_max(const struct nfsk_flap_key *k)
{
	return k->family == NFSK_AF_INET ? 32 : 128;
}

void nfsk_ms_plen_add(struct nfsk_ms_plens *p, const struct nfsk_flap_key *k)
{
	if (k->plen <= plen_max(k))
		p->n[fam_of(k)][k->plen]++;
}

void nfsk_ms_plen_del(struct nfsk_ms_plens *p, const struct nfsk_flap_key *k)
{
	if (k->plen <= plen_max(k) && p->n[fam_of(k)][k->plen])
		p->n[fam_of(k)][k->plen]--;
}

/* FNV-1a over the device and the gateway: spreads, cheap, no key needed. */
u32 nfsk_ms_nh_fp(u32 oif, const u8 gw[16])
{
	u32 h = 2166136261U, i;

	for (i = 0; i < 4; i++) {
		h ^= (oif >> (8 * i)) & 0xff;
		h *= 16777619U;
	}
	for (i = 0; i < 16; i++) {
		h ^= gw[i];
		h *= 16777619U;
	}
	return h;
}

/* @k's address with the bits beyond @plen cleared. */
static void mask_to(struct nfsk_flap_key *m, const struct nfsk_flap_key *k,
		    u32 plen)
{
	u32 i;

	*m = *k;
	m->plen = plen;
	for (i = 0; i < 16; i++) {
		if (plen >= 8 * (i + 1))
			continue;
		if (plen <= 8 * i)
			m->addr[i] = 0;
		else
			m->addr[i] &= (u8)(0xff << (8 * (i + 1) - plen));
	}
}

u32 nfsk_ms_judge(const struct nfsk_ms_plens *p, const struct nfsk_flap_key *k,
		  const struct nfsk_ms_hop *hop, nfsk_ms_find_fn find,
		  void *ctx, struct nfsk_ms_cover *c)
{
	const u32 *n = p->n[fam_of(k)];
	struct nfsk_ms_hop cover;
	struct nfsk_flap_key m;
	u32 plen, reason = 0;

	memset(c, 0, sizeof(*c));
	if (k->plen > plen_max(k))
		return 0;
	/* from plen - 1 down to 1: a /0 covers everything, never a cover */
	for (plen = k->plen; plen-- > 1;) {
		if (!n[plen])
			continue;
		mask_to(&m, k, plen);
		if (!find(ctx, &m, &cover))
			continue;
		if (cover.nh_fp != hop->nh_fp)
			reason |= NFSK_MS_NEXTHOP;
		if (cover.protocol != hop->protocol)
			reason |= NFSK_MS_PROTOCOL;
		if (reason) {
			memcpy(c->addr, m.addr, sizeof(c->addr));
			c->plen = plen;
			c->protocol = cover.protocol;
			c->reason = reason;
		}
		return reason;
	}
	return 0;
}
