// SPDX-License-Identifier: GPL-2.0
/*
 * Count-Min sketch (Cormode & Muthukrishnan 2005).
 *
 * d rows of w counters; a flow adds its packets and bytes to one cell per
 * row, and its estimate is the minimum over the rows. Collisions only add,
 * so the estimate is never below the truth, and with w = e/eps it exceeds
 * the truth by more than eps*N with probability at most e^-d.
 *
 * The d columns come from one 64-bit flow hash by double hashing,
 * g_i = h1 + i*h2 (Kirsch & Mitzenmacher: d hashes from two, no loss in the
 * asymptotic error), and each g_i is reduced to [0, w) by keeping its top
 * log2(w) bits: multiply-shift range reduction with w a power of two, so no
 * division on the packet path. h2 is forced odd so the d columns of a flow
 * walk distinct residues.
 *
 * Conservative update (Estan & Varghese) raises only the cells that are at
 * the current minimum; it lowers the error but makes merged sketches
 * differ from a single-stream sketch, so it is off by default.
 *
 * This is the window's sketch, the sum of all CPUs: packets are u32 per
 * cell (a window of 10 s would need 400 Mpps into one cell to wrap), bytes
 * u64. A bank's own sketch is narrower (lcms.c): it sees only the packets
 * its Sample-and-Hold table does not hold (bank.c), so its N, and the
 * bound, is the light mass; the fold widens its cells into these and adds
 * the held flows back with nfsk_cms_add() (query.c explains the query).
 */
#include <nfsketch/cms.h>

/* e * 2^62, rounded up so the integer bound is never below e*N/w. */
#define NFSK_E_FX62	12535862302449814171ULL

bool nfsk_cms_geom_ok(u32 depth, u32 width)
{
	return depth >= 1 && depth <= NFSK_CMS_MAX_DEPTH &&
	       nfsk_is_pow2(width) && width >= NFSK_CMS_MIN_WIDTH &&
	       width <= NFSK_CMS_MAX_WIDTH;
}

u64 nfsk_cms_size(u32 depth, u32 width)
{
	return (u64)depth * width * (sizeof(u32) + sizeof(u64));
}

void nfsk_cms_init(struct nfsk_cms *c, u32 depth, u32 width,
		   bool conservative, void *mem)
{
	u64 cells = (u64)depth * width;

	c->depth = depth;
	c->width = width;
	c->shift = 64 - nfsk_fls64(width);
	c->conservative = conservative;
	/* bytes first: mem is 8-aligned and the u32 array needs less */
	c->bytes = mem;
	c->packets = (u32 *)(c->bytes + cells);
	nfsk_cms_clear(c);
}

void nfsk_cms_clear(struct nfsk_cms *c)
{
	u64 cells = (u64)c->depth * c->width;

	memset(c->bytes, 0, cells * sizeof(u64));
	memset(c->packets, 0, cells * sizeof(u32));
	c->total_packets = 0;
	c->total_bytes = 0;
	c->held_packets = 0;
	c->held_bytes = 0;
}

u32 nfsk_cms_col(const struct nfsk_cms *c, u64 hash, u32 row)
{
	return (u32)((hash + row * nfsk_cms_h2(hash)) >> c->shift);
}

void nfsk_cms_update_cu(struct nfsk_cms *c, u64 hash, u32 len)
{
	u64 h2 = nfsk_cms_h2(hash);
	u32 idx[NFSK_CMS_MAX_DEPTH];
	u32 minp = ~0U;
	u64 minb = ~0ULL;
	u64 g = hash;
	u32 i, base;

	for (i = 0, base = 0; i < c->depth; i++, base += c->width) {
		idx[i] = base + (u32)(g >> c->shift);
		if (c->packets[idx[i]] < minp)
			minp = c->packets[idx[i]];
		if (c->bytes[idx[i]] < minb)
			minb = c->bytes[idx[i]];
		g += h2;
	}
	minp++;
	minb += len;
	for (i = 0; i < c->depth; i++) {
		if (c->packets[idx[i]] < minp)
			c->packets[idx[i]] = minp;
		if (c->bytes[idx[i]] < minb)
			c->bytes[idx[i]] = minb;
	}
}

void nfsk_cms_query(const struct nfsk_cms *c, u64 hash,
		    struct nfsk_cms_est *est)
{
	u64 h2 = nfsk_cms_h2(hash);
	u64 minp = ~0ULL, minb = ~0ULL;
	u64 g = hash;
	u32 i, base;

	for (i = 0, base = 0; i < c->depth; i++, base += c->width) {
		u32 col = base + (u32)(g >> c->shift);

		if (c->packets[col] < minp)
			minp = c->packets[col];
		if (c->bytes[col] < minb)
			minb = c->bytes[col];
		g += h2;
	}
	est->packets = minp;
	est->bytes = minb;
	est->err_packets = nfsk_cms_bound(c->total_packets, c->width);
	est->err_bytes = nfsk_cms_bound(c->total_bytes, c->width);
}

void nfsk_cms_add(struct nfsk_cms *c, u64 hash, u64 packets, u64 bytes)
{
	u64 h2 = nfsk_cms_h2(hash);
	u64 g = hash;
	u32 i, base;

	for (i = 0, base = 0; i < c->depth; i++, base += c->width) {
		u32 col = base + (u32)(g >> c->shift);

		c->packets[col] += (u32)packets;
		c->bytes[col] += bytes;
		g += h2;
	}
	c->total_packets += packets;
	c->total_bytes += bytes;
	c->held_packets += packets;
	c->held_bytes += bytes;
}

bool nfsk_cms_merge(struct nfsk_cms *dst, const struct nfsk_cms *src)
{
	u64 cells = (u64)dst->depth * dst->width;
	u64 i;

	if (dst->depth != src->depth || dst->width != src->width)
		return false;
	for (i = 0; i < cells; i++) {
		dst->packets[i] += src->packets[i];
		dst->bytes[i] += src->bytes[i];
	}
	dst->total_packets += src->total_packets;
	dst->total_bytes += src->total_bytes;
	dst->held_packets += src->held_packets;
	dst->held_bytes += src->held_bytes;
	return true;
}

u64 nfsk_cms_bound(u64 n, u32 width)
{
	/* ceil(n * E / 2^s) with the 128-bit product n * E as hi:lo */
	unsigned int s = 62 + nfsk_fls64(width);
	u64 lo = n * NFSK_E_FX62;
	u64 hi = nfsk_mul_hi64(n, NFSK_E_FX62);
	u64 q;
	bool rem;

	if (s >= 64) {
		q = hi >> (s - 64);
		rem = lo || (hi & ((1ULL << (s - 64)) - 1));
	} else {
		q = (hi << (64 - s)) | (lo >> s);
		rem = lo & ((1ULL << s) - 1);
	}
	return q + rem;
}
