// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU bank: everything one CPU records about one window.
 *
 * The netfilter hook calls nfsk_bank_update() once per packet on its own
 * CPU's bank of the current epoch, so the update takes no lock and no
 * atomic and costs one flow hash, one Sample-and-Hold set line, d narrow
 * counter pairs of the Count-Min sketch for a packet the table does not
 * hold (lcms.c: 6 bytes a cell, and the overflow rule; a
 * held flow's packets are counted in its entry only, so the sketch's error
 * e*N/w is paid on the light mass alone: query.c), two histogram buckets
 * and a few counters.
 * Banks of all CPUs are summed at window close (window.c); keeping them
 * apart is what makes the hot path free of shared cache lines.
 *
 * Memory comes from the caller in one block, laid out as S&H table (64-byte
 * aligned sets), CMS counters, source and destination histograms.
 */
#include <nfsketch/bank.h>
#include <nfsketch/tunables.h>

#define NFSK_ALIGN64(x)		(((x) + 63) & ~63ULL)

void nfsk_geom_default(struct nfsk_geom *g)
{
	memset(g, 0, sizeof(*g));
	/*
	 * defaults 2 x 8192 narrow cells (lcms.c), the memory of the former
	 * 4 x 2048 wide ones: delta = e^-2 = 13.5 %, eps = e/8192 = 0.033 %
	 * of the light N (docs/design.md section 3 compares geometries)
	 */
	g->cms_depth = nfsk_tunables[NFSK_T_cms_depth].def;
	g->cms_width = nfsk_tunables[NFSK_T_cms_width].def;
	g->sah_entries = nfsk_tunables[NFSK_T_sah_entries].def;
	/* entropy.h: error and memory of these sizes */
	g->hist_buckets = 4096;
	g->hist_sample = 4096;
	g->topk = nfsk_tunables[NFSK_T_topk].def;
	g->sah_p_fx = 1U << 16;		/* p = 2^-16: a sample per 64 KiB */
	g->sah_p_max_fx = 1U << 24;	/* p <= 2^-8 */
	/*
	 * the light Count-Min's plain update: its window sketch is linear,
	 * the sum of the CPUs' cells, as the replay and the merge of dumps
	 * need (lcms.c: what the conservative update gains and breaks)
	 */
	g->cms_conservative = false;
}

bool nfsk_geom_ok(const struct nfsk_geom *g)
{
	return nfsk_cms_geom_ok(g->cms_depth, g->cms_width) &&
	       nfsk_sah_geom_ok(g->sah_entries) &&
	       nfsk_hist_geom_ok(g->hist_buckets, g->hist_sample) &&
	       g->topk <= NFSK_TOPK_MAX && g->sah_p_max_fx &&
	       g->sah_p_fx <= g->sah_p_max_fx;
}

u64 nfsk_bank_size(const struct nfsk_geom *g)
{
	return NFSK_ALIGN64(nfsk_sah_size(g->sah_entries)) +
	       NFSK_ALIGN64(nfsk_lcms_size(g->cms_depth, g->cms_width)) +
	       2 * NFSK_ALIGN64(nfsk_hist_size(g->hist_buckets, g->hist_sample));
}

void nfsk_bank_init(struct nfsk_bank *b, const struct nfsk_geom *g, u64 seed,
		    void *mem)
{
	u8 *p = mem;

	memset(b, 0, sizeof(*b));
	nfsk_sah_init(&b->sah, g->sah_entries, g->sah_p_fx, seed, p);
	p += NFSK_ALIGN64(nfsk_sah_size(g->sah_entries));
	nfsk_lcms_init(&b->lcms, g->cms_depth, g->cms_width,
		       g->cms_conservative, p);
	p += NFSK_ALIGN64(nfsk_lcms_size(g->cms_depth, g->cms_width));
	nfsk_hist_init(&b->src, g->hist_buckets, g->hist_sample, p);
	p += NFSK_ALIGN64(nfsk_hist_size(g->hist_buckets, g->hist_sample));
	nfsk_hist_init(&b->dst, g->hist_buckets, g->hist_sample, p);
}

void nfsk_bank_clear(struct nfsk_bank *b)
{
	nfsk_lcms_clear(&b->lcms);
	nfsk_sah_clear(&b->sah);
	nfsk_hist_clear(&b->src);
	nfsk_hist_clear(&b->dst);
	b->packets = 0;
	b->bytes = 0;
	b->truncated = 0;
	memset(b->proto, 0, sizeof(b->proto));
	memset(b->family, 0, sizeof(b->family));
}

void nfsk_bank_set_p(struct nfsk_bank *b, u32 p_fx)
{
	b->sah.p_fx = p_fx;
}

/*
 * Protocol number to counter index by table: the mix of protocols makes a
 * switch's compare chain a mispredicted branch on many packets. Entries
 * hold index ^ NFSK_PROTO_OTHER so that the zero default means "other".
 */
#define NFSK_PROTO_ENT(i)	((i) ^ NFSK_PROTO_OTHER)
static const u8 nfsk_proto_tab[256] = {
	[NFSK_IPPROTO_TCP] = NFSK_PROTO_ENT(NFSK_PROTO_TCP),
	[NFSK_IPPROTO_UDP] = NFSK_PROTO_ENT(NFSK_PROTO_UDP),
	[NFSK_IPPROTO_ICMP] = NFSK_PROTO_ENT(NFSK_PROTO_ICMP),
	[NFSK_IPPROTO_ICMPV6] = NFSK_PROTO_ENT(NFSK_PROTO_ICMPV6),
};

/*
 * The overflow rule (lcms.c): a light packet that would wrap a narrow cell
 * holds its flow in Sample-and-Hold from now on, or, its set full, spills.
 */
static void nfsk_bank_overflow(struct nfsk_bank *b, u64 h,
			       const struct nfsk_flow_key *fk, u32 len)
{
	if (nfsk_sah_hold(&b->sah, h, fk, len))
		return;
	b->lcms.spill_packets++;
	b->lcms.spill_bytes += len;
}

void nfsk_bank_update(struct nfsk_bank *b, const struct nfsk_hash_key *hk,
		      const struct nfsk_flow_key *fk, u32 len)
{
	u64 h = nfsk_flow_hash(hk, fk);

	b->packets++;
	b->bytes += len;
	b->proto[nfsk_proto_tab[fk->proto] ^ NFSK_PROTO_OTHER]++;
	b->family[fk->family == NFSK_AF_INET6]++;
	nfsk_hist_add(&b->src, nfsk_addr_hash(hk, fk->saddr));
	nfsk_hist_add(&b->dst, nfsk_addr_hash(hk, fk->daddr));
	/* a held flow's packet is counted in its entry only (query.c) */
	if (!nfsk_sah_update(&b->sah, h, fk, len) &&
	    nfsk_unlikely(!nfsk_lcms_update(&b->lcms, h, len)))
		nfsk_bank_overflow(b, h, fk, len);
}

void nfsk_bank_truncated(struct nfsk_bank *b, u32 len)
{
	b->packets++;
	b->bytes += len;
	b->truncated++;
}
