/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lcms.h - the light Count-Min sketch of a per-CPU bank: narrow cells
 * (16-bit packets, 32-bit bytes), widened into the window's sketch at fold.
 */
#ifndef _NFSKETCH_LCMS_H
#define _NFSKETCH_LCMS_H

#include <nfsketch/compat.h>
#include <nfsketch/cms.h>

#define NFSK_LCMS_CELL	(sizeof(u16) + sizeof(u32))

struct nfsk_lcms {
	u32	depth;		/* as the window's nfsk_cms */
	u32	width;
	u32	shift;		/* 64 - log2(w) */
	bool	conservative;	/* minimal increment (lcms.c) */
	u64	total_packets;	/* every packet in the cells, exact */
	u64	total_bytes;
	/*
	 * Packets that would have wrapped a cell and whose flow found its
	 * Sample-and-Hold set full (lcms.c: the overflow rule). The fold adds
	 * them to every cell of the window's sketch.
	 */
	u64	spill_packets;
	u64	spill_bytes;
	u32	*bytes;		/* [depth * width], row after row */
	u16	*packets;	/* [depth * width] */
};

/* Bytes of cell memory for this geometry (no struct). */
u64 nfsk_lcms_size(u32 depth, u32 width);
/* mem: nfsk_lcms_size() bytes, 4-byte aligned. Zeroes the cells. */
void nfsk_lcms_init(struct nfsk_lcms *c, u32 depth, u32 width,
		    bool conservative, void *mem);
void nfsk_lcms_clear(struct nfsk_lcms *c);
/* Takes a packet back out of its d cells: the wrap of an update undone. */
void nfsk_lcms_undo(struct nfsk_lcms *c, u64 hash, u32 len);
/*
 * Widening sum into the window's sketch (same depth and width, else false):
 * dst cells += src cells, and the spilled packets into every cell.
 */
bool nfsk_lcms_fold(struct nfsk_cms *dst, const struct nfsk_lcms *src);

/*
 * Conservative update (minimal increment, lcms.c): each of the packet's d
 * cells is raised only up to the minimum of the d cells plus the packet,
 * packets and bytes each on their own. A raised minimum can wrap only when
 * every cell is at the top, and that is known before any store: such a
 * packet returns false with nothing written, so there is nothing to undo.
 */
static inline bool nfsk_lcms_update_cu(struct nfsk_lcms *c, u64 hash, u32 len)
{
	u16 *packets = c->packets;
	u32 *bytes = c->bytes, depth = c->depth, width = c->width;
	unsigned int shift = c->shift;
	u32 col[NFSK_CMS_MAX_DEPTH], pv[NFSK_CMS_MAX_DEPTH];
	u32 bv[NFSK_CMS_MAX_DEPTH];
	u64 h2 = nfsk_cms_h2(hash);
	u64 g = hash;
	u32 i, base, minp = 0xffff, minb = 0xffffffffU;

	for (i = 0, base = 0; i < depth; i++, base += width) {
		col[i] = base + (u32)(g >> shift);
		pv[i] = packets[col[i]];
		bv[i] = bytes[col[i]];
		minp = pv[i] < minp ? pv[i] : minp;
		minb = bv[i] < minb ? bv[i] : minb;
		g += h2;
	}
	if (nfsk_unlikely(minp == 0xffff || minb > 0xffffffffU - len))
		return false;
	minp++;
	minb += len;
	for (i = 0; i < depth; i++) {
		packets[col[i]] = (u16)(pv[i] > minp ? pv[i] : minp);
		bytes[col[i]] = bv[i] > minb ? bv[i] : minb;
	}
	c->total_packets++;
	c->total_bytes += len;
	return true;
}

/*
 * Per packet: d narrow counter pairs, no division, no branch per row.
 * Returns false, with every cell left as it was, when the packet would
 * wrap one of its cells: the caller applies the overflow rule (bank.c).
 */
static inline bool nfsk_lcms_update(struct nfsk_lcms *c, u64 hash, u32 len)
{
	/* locals: the counter stores could alias *c and force reloads */
	u16 *packets = c->packets;
	u32 *bytes = c->bytes, depth = c->depth, width = c->width;
	unsigned int shift = c->shift;
	u64 h2 = nfsk_cms_h2(hash);
	u64 g = hash;
	u32 i, base, wrap = 0;

	if (c->conservative)
		return nfsk_lcms_update_cu(c, hash, len);
	for (i = 0, base = 0; i < depth; i++, base += width) {
		u32 col = base + (u32)(g >> shift);
		u16 p = (u16)(packets[col] + 1);
		u32 b = bytes[col] + len;

		packets[col] = p;
		bytes[col] = b;
		/* modulo 2^16 / 2^32: the sum wrapped iff it fell below */
		wrap |= (u32)(p == 0) | (u32)(b < len);
		g += h2;
	}
	if (nfsk_unlikely(wrap)) {
		nfsk_lcms_undo(c, hash, len);
		return false;
	}
	c->total_packets++;
	c->total_bytes += len;
	return true;
}

static inline const u16 *nfsk_lcms_row_packets(const struct nfsk_lcms *c,
					       u32 row)
{
	return c->packets + (u64)row * c->width;
}

static inline const u32 *nfsk_lcms_row_bytes(const struct nfsk_lcms *c,
					     u32 row)
{
	return c->bytes + (u64)row * c->width;
}

#endif /* _NFSKETCH_LCMS_H */
