// SPDX-License-Identifier: GPL-2.0
/*
 * The bank's narrow light Count-Min (lcms.c): a wrap is undone exactly
 * (plain update) or never written (conservative update), the overflow
 * rule holds the flow in Sample-and-Hold or spills, the fold widens narrow
 * cells of several CPUs without loss, and no point query falls below the
 * exact count of packets and bytes sent. The conservative update's answer
 * lies between the exact count and the plain update's on the same stream.
 */
#include <stdlib.h>
#include "kselftest_harness.h"
#include <nfsketch/window.h>
#include <nfsketch/query.h>
#include "zipf.h"

#define NBANK	2

struct rig {
	struct nfsk_geom	g;
	struct nfsk_bank	bank[NBANK];
	void			*mem[NBANK];
	struct nfsk_cms		wcms;
	void			*scratch;
	struct nfsk_window	win;
	struct nfsk_hash_key	hk;
};

/*
 * p = 0: nothing is sampled, every flow stays light until the rule acts.
 * cu: the light Count-Min's conservative update, else the plain one.
 */
static void rig_init_p(struct rig *r, u32 depth, u32 width, u32 entries,
		       bool cu, u32 p_fx)
{
	u32 i;

	nfsk_geom_default(&r->g);
	r->g.cms_depth = depth;
	r->g.cms_width = width;
	r->g.sah_entries = entries;
	r->g.sah_p_fx = p_fx;
	r->g.cms_conservative = cu;
	for (i = 0; i < NBANK; i++) {
		r->mem[i] = aligned_alloc(64, nfsk_bank_size(&r->g));
		nfsk_bank_init(&r->bank[i], &r->g, 10 + i, r->mem[i]);
	}
	nfsk_cms_init(&r->wcms, depth, width, false,
		      malloc(nfsk_cms_size(depth, width)));
	r->scratch = malloc(nfsk_fold_scratch_size(&r->g, NBANK));
	trace_hash_key(&r->hk, 5);
}

static void rig_init(struct rig *r, u32 depth, u32 width, u32 entries,
		     bool cu)
{
	rig_init_p(r, depth, width, entries, cu, 0);
}

static void rig_fold(struct rig *r, struct nfsk_cms_est *est,
		     const struct nfsk_flow_key *k, u32 n)
{
	const struct nfsk_bank *banks[NBANK] = { &r->bank[0], &r->bank[1] };
	const struct nfsk_fold_slot *held;
	u32 nslots, i;

	nfsk_window_fold(&r->win, &r->wcms, banks, NBANK, &r->g, r->scratch);
	held = nfsk_fold_held(&r->g, NBANK, r->scratch, &nslots);
	for (i = 0; i < n; i++)
		nfsk_window_query(&r->wcms, held, nslots,
				  nfsk_flow_hash(&r->hk, &k[i]), &est[i]);
}

static void rig_free(struct rig *r)
{
	u32 i;

	for (i = 0; i < NBANK; i++)
		free(r->mem[i]);
	free(r->wcms.bytes);
	free(r->scratch);
}

static void key(struct nfsk_flow_key *k, u32 i)
{
	u8 a[4] = { 10, 0, (u8)(i >> 8), (u8)i }, b[4] = { 10, 1, 0, 1 };

	nfsk_flow_key_v4(k, a, b, 17, (u16)(1000 + i), 53);
}

/*
 * Every row of the window sketch sums to its total: nothing lost, no wrap.
 * Under the conservative update a row sums to at most the total (a cell
 * is raised only to the flow's minimum): cu asks for that.
 */
static bool rows_sum_to_total(const struct nfsk_cms *c, bool cu)
{
	u32 r, j;

	for (r = 0; r < c->depth; r++) {
		u64 p = 0, b = 0;

		for (j = 0; j < c->width; j++) {
			p += nfsk_cms_row_packets(c, r)[j];
			b += nfsk_cms_row_bytes(c, r)[j];
		}
		if (cu ? p > c->total_packets || b > c->total_bytes :
			 p != c->total_packets || b != c->total_bytes)
			return false;
	}
	return true;
}

TEST(wrap_is_refused_and_undone)
{
	struct nfsk_lcms c;
	void *m = malloc(nfsk_lcms_size(3, 64));
	u64 h = 0x9e3779b97f4a7c15ULL, other = 0x123456789abcdef1ULL;
	u32 i, r;

	ASSERT_EQ(3 * 64 * 6UL, nfsk_lcms_size(3, 64));
	nfsk_lcms_init(&c, 3, 64, false, m);
	for (i = 0; i < 65535; i++)
		ASSERT_TRUE(nfsk_lcms_update(&c, h, 1));
	ASSERT_TRUE(nfsk_lcms_update(&c, other, 7));
	/* the 65536th packet of a cell would wrap its 16 bits */
	ASSERT_FALSE(nfsk_lcms_update(&c, h, 1));
	ASSERT_EQ(65536UL, c.total_packets);
	for (r = 0; r < 3; r++) {
		u32 col = r * 64 + (u32)((h + r * nfsk_cms_h2(h)) >> c.shift);

		ASSERT_GE(c.packets[col], 65535U);
		ASSERT_GE(c.bytes[col], 65535U);
	}
	/* bytes: 2^32 in one cell would wrap */
	nfsk_lcms_clear(&c);
	ASSERT_TRUE(nfsk_lcms_update(&c, h, 0x80000000U));
	ASSERT_TRUE(nfsk_lcms_update(&c, h, 0x7fffffffU));
	ASSERT_FALSE(nfsk_lcms_update(&c, h, 1));
	ASSERT_EQ(0xffffffffUL, c.total_bytes);
	for (r = 0; r < 3; r++) {
		u32 col = r * 64 + (u32)((h + r * nfsk_cms_h2(h)) >> c.shift);

		ASSERT_EQ(2U, c.packets[col]);
		ASSERT_EQ(0xffffffffU, c.bytes[col]);
	}
	free(m);
}

/*
 * A flow of 100000 packets never sampled (p = 0): its cells fill at 65535,
 * then the rule holds it. Another flow sends 60000 packets on each of two
 * CPUs: the fold's widened cells hold 120000, past 16 bits, exactly.
 */
static void overflow_holds_flow_and_fold_widens(struct __test_metadata *_metadata,
						bool cu)
{
	struct nfsk_flow_key k[2];
	struct nfsk_cms_est est[2];
	struct rig r;
	u32 i;

	rig_init(&r, 2, 1024, 64, cu);
	key(&k[0], 1);
	key(&k[1], 2);
	for (i = 0; i < 100000; i++)
		nfsk_bank_update(&r.bank[0], &r.hk, &k[0], 100);
	ASSERT_EQ(1UL, r.bank[0].sah.forced);
	ASSERT_EQ(1U, r.bank[0].sah.held);
	ASSERT_EQ(0UL, r.bank[0].lcms.spill_packets);
	ASSERT_EQ(65535UL, r.bank[0].lcms.total_packets);
	for (i = 0; i < 120000; i++)
		nfsk_bank_update(&r.bank[i & 1], &r.hk, &k[1], 64);
	ASSERT_EQ(1UL, r.bank[0].sah.forced);
	ASSERT_EQ(0UL, r.bank[1].sah.forced);
	rig_fold(&r, est, k, 2);
	ASSERT_EQ(1UL, r.win.sah.forced);
	ASSERT_TRUE(rows_sum_to_total(&r.wcms, cu));
	ASSERT_EQ(r.win.packets, r.wcms.total_packets);
	/* two flows alone in the sketch: with 1024 columns, exact */
	ASSERT_EQ(100000UL, est[0].packets);
	ASSERT_EQ(10000000UL, est[0].bytes);
	ASSERT_EQ(120000UL, est[1].packets);
	ASSERT_EQ(120000UL * 64, est[1].bytes);
	rig_free(&r);
}

TEST(overflow_holds_flow_and_fold_widens_plain)
{
	overflow_holds_flow_and_fold_widens(_metadata, false);
}

TEST(overflow_holds_flow_and_fold_widens_cu)
{
	overflow_holds_flow_and_fold_widens(_metadata, true);
}

/*
 * One Sample-and-Hold set (8 ways), 12 flows of 65600 packets each: 8 are
 * held by the rule, the others' packets past their cells' 65535 spill.
 * Every query stays at or above the exact count, and within the bound.
 */
static void full_set_spills(struct __test_metadata *_metadata, u32 depth,
			    bool cu)
{
	struct nfsk_flow_key k[12];
	struct nfsk_cms_est est[12];
	struct rig r;
	u64 spill;
	u32 i, j;

	rig_init(&r, depth, 4096, 8, cu);
	for (i = 0; i < 12; i++)
		key(&k[i], 100 + i);
	for (i = 0; i < 12; i++)
		for (j = 0; j < 65600; j++)
			nfsk_bank_update(&r.bank[1], &r.hk, &k[i], 1000);
	spill = r.bank[1].lcms.spill_packets;
	TH_LOG("forced %lu, spilled %lu packets", r.bank[1].sah.forced, spill);
	ASSERT_EQ(8UL, r.bank[1].sah.forced);
	ASSERT_GT(spill, 0UL);
	ASSERT_EQ(spill * 1000, r.bank[1].lcms.spill_bytes);
	rig_fold(&r, est, k, 12);
	/* what STATS exports (lcms_forced, lcms_spilled), per window */
	ASSERT_EQ(8UL, r.win.sah.forced);
	ASSERT_EQ(spill, r.win.lcms_spill);
	ASSERT_TRUE(rows_sum_to_total(&r.wcms, cu));
	for (i = 0; i < 12; i++) {
		ASSERT_GE(est[i].packets, 65600UL) TH_LOG("flow %u", i);
		ASSERT_GE(est[i].bytes, 65600000UL) TH_LOG("flow %u", i);
		ASSERT_LE(est[i].packets - 65600, est[i].err_packets);
		ASSERT_LE(est[i].bytes - 65600000, est[i].err_bytes);
	}
	rig_free(&r);
}

TEST(full_set_spills_and_queries_stay_above_truth)
{
	full_set_spills(_metadata, 1, false);
}

/* two rows: the conservative update's minimum decides the wrap */
TEST(full_set_spills_and_queries_stay_above_truth_cu)
{
	full_set_spills(_metadata, 2, true);
}

/*
 * A spill past 2^32 packets in one window (every cell receives all of it)
 * saturates the window's u32 packet cells: a wrap would answer below the
 * truth. The spill is set directly: 2^32 packets do not fit a test's time.
 */
TEST(spill_past_u32_saturates)
{
	struct nfsk_flow_key k[1];
	struct nfsk_cms_est est[1];
	struct rig r;
	u32 j;

	rig_init(&r, 2, 64, 8, true);
	key(&k[0], 7);
	for (j = 0; j < 100; j++)
		nfsk_bank_update(&r.bank[0], &r.hk, &k[0], 100);
	r.bank[1].lcms.spill_packets = (1ULL << 32) + 5;
	rig_fold(&r, est, k, 1);
	for (j = 0; j < 2 * 64; j++)
		ASSERT_EQ(0xffffffffU, r.wcms.packets[j]) TH_LOG("cell %u", j);
	ASSERT_GE(est[0].packets, 100UL);
	rig_free(&r);
}

/*
 * Conservative update: a refused packet (its minimum cell at the top)
 * leaves every cell as it was, and a cell above the minimum is not raised.
 */
TEST(cu_wrap_writes_nothing)
{
	struct nfsk_lcms c;
	void *m = malloc(nfsk_lcms_size(3, 64));
	void *snap = malloc(nfsk_lcms_size(3, 64));
	u64 h = 0x9e3779b97f4a7c15ULL;
	u32 i, r, col[3];

	nfsk_lcms_init(&c, 3, 64, true, m);
	for (r = 0; r < 3; r++)
		col[r] = r * 64 + (u32)((h + r * nfsk_cms_h2(h)) >> c.shift);
	/* row 0's cell above the others: the update raises only the rest */
	c.packets[col[0]] = 1000;
	c.bytes[col[0]] = 50000;
	for (i = 0; i < 10; i++)
		ASSERT_TRUE(nfsk_lcms_update(&c, h, 100));
	ASSERT_EQ(1000U, c.packets[col[0]]);
	ASSERT_EQ(50000U, c.bytes[col[0]]);
	ASSERT_EQ(10U, c.packets[col[1]]);
	ASSERT_EQ(1000U, c.bytes[col[2]]);
	/* packets: every cell at 65535, the next packet is refused */
	for (r = 0; r < 3; r++)
		c.packets[col[r]] = 0xffff;
	memcpy(snap, m, nfsk_lcms_size(3, 64));
	ASSERT_FALSE(nfsk_lcms_update(&c, h, 1));
	ASSERT_EQ(0, memcmp(snap, m, nfsk_lcms_size(3, 64)));
	ASSERT_EQ(10UL, c.total_packets);
	/* one cell below the top: accepted, and only that cell moves */
	c.packets[col[2]] = 0xfffe;
	ASSERT_TRUE(nfsk_lcms_update(&c, h, 1));
	for (r = 0; r < 3; r++)
		ASSERT_EQ(0xffffU, c.packets[col[r]]);
	/* bytes: the minimum plus the packet past 2^32 - 1 */
	nfsk_lcms_clear(&c);
	ASSERT_TRUE(nfsk_lcms_update(&c, h, 0xfffffff0U));
	c.bytes[col[1]] = 0xffffffffU;
	memcpy(snap, m, nfsk_lcms_size(3, 64));
	ASSERT_FALSE(nfsk_lcms_update(&c, h, 0x10));
	ASSERT_EQ(0, memcmp(snap, m, nfsk_lcms_size(3, 64)));
	ASSERT_TRUE(nfsk_lcms_update(&c, h, 0xf));
	for (r = 0; r < 3; r++)
		ASSERT_EQ(0xffffffffU, c.bytes[col[r]]);
	free(snap);
	free(m);
}

/*
 * The same Zipf stream (5000 flows over two CPUs, Sample-and-Hold
 * sampling on) into a plain and a conservative light Count-Min with 256
 * columns, so that cells are shared: for every flow, exact count <= CU
 * answer <= plain answer (Estan & Varghese: CU <= CM cell for cell, and
 * the sum over CPUs keeps both sides), and CU within the plain bound
 * e*N/w (same N). The exact counts are the oracle, counted here.
 */
TEST(cu_between_truth_and_plain)
{
	struct rig plain, cu;
	struct nfsk_cms_est *ep, *ec;
	struct trace t;
	u64 *tp, *tb, sum_p = 0, sum_c = 0, cells;
	u64 rs = 9;
	u32 i, over = 0;

	trace_make(&t, 300000, 5000, 1.1, 3);
	rig_init_p(&plain, 2, 256, 64, false, 1U << 16);
	rig_init_p(&cu, 2, 256, 64, true, 1U << 16);
	tp = calloc(t.nflows, sizeof(*tp));
	tb = calloc(t.nflows, sizeof(*tb));
	ep = calloc(t.nflows, sizeof(*ep));
	ec = calloc(t.nflows, sizeof(*ec));
	for (i = 0; i < t.npkts; i++) {
		u32 f = t.flow[i], cpu = trace_rand(&rs) & 1;

		nfsk_bank_update(&plain.bank[cpu], &plain.hk, &t.keys[f],
				 t.len[i]);
		nfsk_bank_update(&cu.bank[cpu], &cu.hk, &t.keys[f], t.len[i]);
		tp[f]++;
		tb[f] += t.len[i];
	}
	rig_fold(&plain, ep, t.keys, t.nflows);
	rig_fold(&cu, ec, t.keys, t.nflows);
	/* same stream, same sampling: the same held flows and totals */
	ASSERT_EQ(plain.wcms.total_packets, cu.wcms.total_packets);
	ASSERT_EQ(plain.wcms.held_packets, cu.wcms.held_packets);
	ASSERT_GT(cu.wcms.held_packets, 0UL);
	ASSERT_EQ(0UL, cu.bank[0].lcms.spill_packets + cu.bank[1].lcms.spill_packets);
	cells = (u64)cu.wcms.depth * cu.wcms.width;
	for (i = 0; i < cells; i++) {
		ASSERT_LE(cu.wcms.packets[i], plain.wcms.packets[i]);
		ASSERT_LE(cu.wcms.bytes[i], plain.wcms.bytes[i]);
	}
	for (i = 0; i < t.nflows; i++) {
		if (!tp[i])
			continue;
		ASSERT_GE(ec[i].packets, tp[i]) TH_LOG("flow %u", i);
		ASSERT_GE(ec[i].bytes, tb[i]) TH_LOG("flow %u", i);
		ASSERT_LE(ec[i].packets, ep[i].packets) TH_LOG("flow %u", i);
		ASSERT_LE(ec[i].bytes, ep[i].bytes) TH_LOG("flow %u", i);
		ASSERT_EQ(ep[i].err_packets, ec[i].err_packets);
		over += ec[i].packets - tp[i] > ec[i].err_packets;
		sum_p += ep[i].packets - tp[i];
		sum_c += ec[i].packets - tp[i];
	}
	TH_LOG("overestimate, packets summed over flows: plain %lu, CU %lu; CU past e*N/w: %u flows",
	       sum_p, sum_c, over);
	/* e*N/w holds per flow with probability 1 - e^-d = 86 % */
	ASSERT_LE(over * 100, t.nflows * 14);
	/* the test has teeth only if CU changes something */
	ASSERT_LT(sum_c, sum_p);
	free(tp);
	free(tb);
	free(ep);
	free(ec);
	trace_free(&t);
	rig_free(&plain);
	rig_free(&cu);
}

TEST_HARNESS_MAIN
