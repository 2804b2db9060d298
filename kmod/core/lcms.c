// SPDX-License-Identifier: GPL-2.0
/*
 * Light Count-Min sketch of a per-CPU bank, in narrow cells.
 *
 * A bank's Count-Min sees only the packets its Sample-and-Hold table does
 * not hold (bank.c), so what it counts is the light mass: few packets per
 * cell. Its cells are 16-bit packets and 32-bit bytes, 6 bytes against the
 * window sketch's 12, so the same bank memory holds twice the cells, and
 * the error e*N/w halves (ElasticSketch's light part, with counters wide
 * enough for bytes).
 *
 * Overflow rule. A packet whose update would wrap one of its d cells
 * (65536 light packets, or 4 GiB of light bytes, in one cell of one CPU in
 * one window) is taken back out of all d cells (nfsk_lcms_undo(): the
 * subtraction is exact modulo 2^16 / 2^32) and its flow is held in its
 * Sample-and-Hold set at once, counted exactly there from that packet on
 * (sah.forced). If the set is full, the packet is spilled: counted in
 * spill_*, and the fold adds the spill to every cell of every row of the
 * window's sketch (and w times to its total). So no cell ever wraps, no
 * point query falls below the truth (a flow's spilled packets are at most
 * the spill its cells received) and the bound, computed from the row total,
 * grows by e times the spill, at least the spill itself. A spill needs a
 * flow of 65536 packets in one window that Sample-and-Hold could not hold;
 * selftests/core/test_lcms.c drives both halves of the rule.
 *
 * Saturation regime (not fixed, stated): a narrow cell holds 65535 light
 * packets of one CPU in one window, so an average cell fills at about
 * 65535 x w light packets per CPU per window: 5.4e8 at w = 8192, i.e.
 * ~54 Mpps of light traffic per CPU at the default 10-s window, but only
 * ~0.9 Mpps at window_ms = 600000 and ~150 Kpps at the 1-hour maximum (or
 * ~420 Kpps at w = 64 and 10 s). Past that, light packets force holds of
 * small flows, the Sample-and-Hold sets fill and most light traffic
 * spills: every estimate and bound grows by about the spill (still
 * honest, no longer useful). Long windows on busy links want a wider
 * cms_width or a shorter window_ms.
 *
 * Fold. Cells are widened as they are summed (window CMS: u32 packets,
 * u64 bytes), so n CPUs' narrow cells sum exactly: each adds < 2^16
 * packets. With the plain update and without spill, the window's sketch
 * is the whole stream's, cell for cell (what the replay and the merge of
 * dumps rely on); a spill adds the same amount to every cell.
 *
 * Conservative update (Estan & Varghese 2002, "minimal increment";
 * nfsk_lcms_update_cu(), geom.cms_conservative, off in the module): each
 * of the d cells is raised only up to min(d cells) + the packet, packets
 * and bytes each on their own. Why the fold, the query and the bound stay
 * right:
 *  - On one CPU every cell of a flow stays >= that flow's count: an
 *    update sets each of its cells to at least min + 1 >= count + 1, and
 *    cells never decrease. The fold sums cells, so a summed cell is >= the
 *    sum over CPUs of the flow's per-CPU counts, its whole light count:
 *    no query falls below the truth (the held part and spill as above).
 *  - Cell for cell, CU <= plain on the same stream (induction: min + 1 <=
 *    plain cell + 1, the plain cell after the packet); sums keep the
 *    order. So est - truth under CU <= under plain, for the same hashes,
 *    and ceil(e*N/w) with probability >= 1 - e^-d still holds: N is the
 *    same (total_* counts every packet either way).
 *  - Overflow: the raised minimum can wrap only when all d cells are at
 *    the top (a cell never exceeds 0xffff / 0xffffffff and the max of the
 *    cell and min + 1 stays below), known before any store: the packet is
 *    refused with nothing written, no undo. The rest of the rule (forced
 *    hold, spill) is the same.
 *  - What it breaks: the window's sketch is no longer linear. The sum of
 *    per-CPU CU cells is not the CU sketch of the whole stream (it depends
 *    on how packets split over CPUs and on their order), and a row sums to
 *    at most its total, not to it. The replay (one bank) then equals the
 *    kernel only with one CPU, and nfsketch merge's check that rows sum
 *    alike, and its "sum of dumps = one router that saw both", fail: so
 *    the module keeps the plain update. docs/design.md section 3 has the
 *    measured gain (all-flow error 27.2 -> 18.8, heavy 0.011 -> 0.003,
 *    +4 % instructions a packet).
 */
#include <nfsketch/lcms.h>

u64 nfsk_lcms_size(u32 depth, u32 width)
{
	return (u64)depth * width * NFSK_LCMS_CELL;
}

void nfsk_lcms_init(struct nfsk_lcms *c, u32 depth, u32 width,
		    bool conservative, void *mem)
{
	u64 cells = (u64)depth * width;

	c->depth = depth;
	c->width = width;
	c->shift = 64 - nfsk_fls64(width);
	c->conservative = conservative;
	/* bytes first: mem is 4-aligned and the u16 array needs less */
	c->bytes = mem;
	c->packets = (u16 *)(c->bytes + cells);
	nfsk_lcms_clear(c);
}

void nfsk_lcms_clear(struct nfsk_lcms *c)
{
	u64 cells = (u64)c->depth * c->width;

	memset(c->bytes, 0, cells * sizeof(u32));
	memset(c->packets, 0, cells * sizeof(u16));
	c->total_packets = 0;
	c->total_bytes = 0;
	c->spill_packets = 0;
	c->spill_bytes = 0;
}

void nfsk_lcms_undo(struct nfsk_lcms *c, u64 hash, u32 len)
{
	u64 h2 = nfsk_cms_h2(hash);
	u64 g = hash;
	u32 i, base;

	for (i = 0, base = 0; i < c->depth; i++, base += c->width) {
		u32 col = base + (u32)(g >> c->shift);

		c->packets[col]--;
		c->bytes[col] -= len;
		g += h2;
	}
}

/*
 * The window's u32 packet cells saturate instead of wrapping: every cell
 * receives the whole spill, so a spill past 2^32 packets in one window
 * (over an hour of >1.2 Mpps spilled) would otherwise wrap every cell at
 * once and answer below the truth. A saturated cell answers U32_MAX.
 */
static u32 nfsk_lcms_add_sat(u32 cell, u64 add)
{
	u64 v = cell + add;

	return v > 0xffffffffULL ? 0xffffffffU : (u32)v;
}

bool nfsk_lcms_fold(struct nfsk_cms *dst, const struct nfsk_lcms *src)
{
	u64 cells = (u64)dst->depth * dst->width;
	u64 sp = src->spill_packets;
	u64 sb = src->spill_bytes;
	u64 i;

	if (dst->depth != src->depth || dst->width != src->width)
		return false;
	for (i = 0; i < cells; i++) {
		dst->packets[i] = nfsk_lcms_add_sat(dst->packets[i],
						    (u64)src->packets[i] + sp);
		dst->bytes[i] += src->bytes[i] + sb;
	}
	dst->total_packets += src->total_packets +
			      src->spill_packets * dst->width;
	dst->total_bytes += src->total_bytes + src->spill_bytes * dst->width;
	return true;
}
