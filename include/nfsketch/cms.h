/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cms.h - Count-Min sketch of packets and bytes per flow.
 */
#ifndef _NFSKETCH_CMS_H
#define _NFSKETCH_CMS_H

#include <nfsketch/compat.h>

#define NFSK_CMS_MAX_DEPTH	8
#define NFSK_CMS_MIN_WIDTH	16
#define NFSK_CMS_MAX_WIDTH	16777216U	/* 2^24 */

struct nfsk_cms {
	u32	depth;		/* d rows, 1..NFSK_CMS_MAX_DEPTH */
	u32	width;		/* w columns, power of two */
	u32	shift;		/* 64 - log2(w): column = top bits */
	bool	conservative;	/* raise only the minimal cells */
	u64	total_packets;	/* every packet in the cells, exact */
	u64	total_bytes;
	/*
	 * Of the totals, what nfsk_cms_add() put in at fold: the exact counts
	 * of held flows (window.c). A point query that subtracts them
	 * (query.c) is bounded by the rest, the light N.
	 */
	u64	held_packets;
	u64	held_bytes;
	u32	*packets;	/* [depth * width], row after row */
	u64	*bytes;		/* [depth * width] */
};

struct nfsk_cms_est {
	u64	packets;	/* >= truth */
	u64	bytes;
	u64	err_packets;	/* ceil(e * N / w): est - truth <= this, */
	u64	err_bytes;	/* with probability >= 1 - e^-d */
};

bool nfsk_cms_geom_ok(u32 depth, u32 width);
/* Bytes of counter memory for this geometry (no struct). */
u64 nfsk_cms_size(u32 depth, u32 width);
/* mem: nfsk_cms_size() bytes, 8-byte aligned. Zeroes the counters. */
void nfsk_cms_init(struct nfsk_cms *c, u32 depth, u32 width,
		   bool conservative, void *mem);
void nfsk_cms_clear(struct nfsk_cms *c);
/* Conservative update; nfsk_cms_update() calls it when c->conservative. */
void nfsk_cms_update_cu(struct nfsk_cms *c, u64 hash, u32 len);
void nfsk_cms_query(const struct nfsk_cms *c, u64 hash,
		    struct nfsk_cms_est *est);
/* A flow's exact counts into its d cells at once, and into held_*. */
void nfsk_cms_add(struct nfsk_cms *c, u64 hash, u64 packets, u64 bytes);
/* dst += src; same geometry required (returns false otherwise). */
bool nfsk_cms_merge(struct nfsk_cms *dst, const struct nfsk_cms *src);
/* ceil(e * n / w), exact in integers. */
u64 nfsk_cms_bound(u64 n, u32 width);
/* Column of a hash in a row; exposed for tests and dumps. */
u32 nfsk_cms_col(const struct nfsk_cms *c, u64 hash, u32 row);

/* h2 of double hashing: odd, so a flow's d columns walk distinct residues */
static inline u64 nfsk_cms_h2(u64 hash)
{
	return ((hash >> 32) | (hash << 32)) | 1;
}

/*
 * A packet into a wide sketch: inline, d counter pairs, no division. The
 * banks use the narrow nfsk_lcms_update() (lcms.h); this one serves the
 * unit tests and the bench's whole-stream reference.
 */
static inline void nfsk_cms_update(struct nfsk_cms *c, u64 hash, u32 len)
{
	/* locals: the counter stores could alias *c and force reloads */
	u32 *packets = c->packets, depth = c->depth, width = c->width;
	unsigned int shift = c->shift;
	u64 *bytes = c->bytes;
	u64 h2 = nfsk_cms_h2(hash);
	u64 g = hash;
	u32 i, base;

	c->total_packets++;
	c->total_bytes += len;
	if (nfsk_unlikely(c->conservative)) {
		nfsk_cms_update_cu(c, hash, len);
		return;
	}
	for (i = 0, base = 0; i < depth; i++, base += width) {
		u32 col = base + (u32)(g >> shift);

		packets[col]++;
		bytes[col] += len;
		g += h2;
	}
}

static inline const u32 *nfsk_cms_row_packets(const struct nfsk_cms *c,
					      u32 row)
{
	return c->packets + (u64)row * c->width;
}

static inline const u64 *nfsk_cms_row_bytes(const struct nfsk_cms *c, u32 row)
{
	return c->bytes + (u64)row * c->width;
}

#endif /* _NFSKETCH_CMS_H */
