/* SPDX-License-Identifier: GPL-2.0 */
/*
 * entropy.h - address histograms and their Shannon entropy, integer only.
 */
#ifndef _NFSKETCH_ENTROPY_H
#define _NFSKETCH_ENTROPY_H

#include <nfsketch/compat.h>

#define NFSK_LOG2_FRAC_BITS	16	/* nfsk_log2_fx() is Q16 */
#define NFSK_HIST_MIN_BUCKETS	16
#define NFSK_HIST_MAX_BUCKETS	1048576U	/* 2^20 */

struct nfsk_hist {
	u32	*c;		/* [buckets] packets per bucket */
	u32	buckets;	/* power of two */
	u32	shift;		/* 64 - log2(buckets): bucket = top bits */
};

/* log2(x) in Q16 for x >= 1 (0 for x = 0); error < 1.1e-5 bits. */
u32 nfsk_log2_fx(u64 x);

bool nfsk_hist_geom_ok(u32 buckets);
u64 nfsk_hist_size(u32 buckets);
void nfsk_hist_init(struct nfsk_hist *h, u32 buckets, void *mem);
void nfsk_hist_clear(struct nfsk_hist *h);

/* hash: nfsk_addr_hash() of the address; its top bits pick the bucket. */
static inline void nfsk_hist_add(struct nfsk_hist *h, u64 hash)
{
	h->c[hash >> h->shift]++;
}

/* Entropy in milli-bits of the distribution given by counts. */
u32 nfsk_entropy_mbits(const u64 *counts, u32 n);
u32 nfsk_hist_entropy_mbits(const struct nfsk_hist *h);

#endif /* _NFSKETCH_ENTROPY_H */
