// SPDX-License-Identifier: GPL-2.0
/*
 * The window-close sequence (kmod/core/close.c) the kernel and the replay
 * share: every bank folded (totals against the exact counts fed), the
 * caller's annotation seen by the detectors, the record judged before it
 * joins the history and handed over only once committed, the banks zeroed
 * with the next sampling probability; a spike in packets and route events
 * after a steady history flagged, the steady windows not.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include "kselftest_harness.h"
#include <nfsketch/close.h>

#define NB	3U	/* bank slots; slot 1 is a hole (a CPU not possible) */
#define HLEN	32U

struct rig {
	struct nfsk_geom		g;
	struct nfsk_bank		bank[NB];
	void				*mem[NB];
	struct nfsk_cms			wcms;
	void				*wmem;
	void				*scratch;
	struct nfsk_window		rec[HLEN];
	struct nfsk_history		hist;
	struct nfsk_flags_cfg		fc;
	u64				series[HLEN], dscratch[HLEN];
	struct nfsk_detect_result	res[NFSK_SERIES_MAX];
	struct nfsk_close		close;
	/* what the callbacks saw */
	u32				route_add;	/* annotation to make */
	u32				asked[NB];
	u64				annotate_packets;
	u32				annotate_count;	/* history at annotate */
	u32				closed_count;	/* history at closed */
	const struct nfsk_window	*closed_win;
	u32				closed_flags;
	int				order;		/* 1 annotate, 2 closed */
	int				bad_order;
};

static struct nfsk_bank *rig_bank(void *arg, u32 i)
{
	struct rig *r = arg;

	r->asked[i]++;
	return i == 1 ? NULL : &r->bank[i];
}

static void rig_annotate(void *arg, struct nfsk_window *win)
{
	struct rig *r = arg;

	if (r->order != 0)
		r->bad_order++;
	r->order = 1;
	r->annotate_packets = win->packets;
	r->annotate_count = nfsk_history_count(&r->hist);
	win->route_add[0] = r->route_add;
}

static void rig_closed(void *arg, const struct nfsk_window *win)
{
	struct rig *r = arg;

	if (r->order != 1)
		r->bad_order++;
	r->order = 2;
	r->closed_count = nfsk_history_count(&r->hist);
	r->closed_win = win;
	r->closed_flags = win->flags;
}

static const struct nfsk_close_ops rig_ops = {
	.bank		= rig_bank,
	.annotate	= rig_annotate,
	.closed		= rig_closed,
};

static void rig_init(struct rig *r)
{
	u32 i;

	memset(r, 0, sizeof(*r));
	nfsk_geom_default(&r->g);
	for (i = 0; i < NB; i++) {
		r->mem[i] = aligned_alloc(64, nfsk_bank_size(&r->g));
		nfsk_bank_init(&r->bank[i], &r->g, 7 + i, r->mem[i]);
	}
	r->wmem = malloc(nfsk_cms_size(r->g.cms_depth, r->g.cms_width));
	nfsk_cms_init(&r->wcms, r->g.cms_depth, r->g.cms_width, false, r->wmem);
	/* two banks exist: the exact scratch size, ASan sees an overrun */
	r->scratch = malloc(nfsk_fold_scratch_size(&r->g, NB - 1));
	nfsk_history_init(&r->hist, r->rec, HLEN);
	nfsk_flags_cfg_default(&r->fc);
	r->fc.min_packets = 1;
	r->fc.min_bytes = 1;
	r->close = (struct nfsk_close){
		.hist = &r->hist, .wcms = &r->wcms, .g = &r->g,
		.fold_scratch = r->scratch, .nbanks = NB, .max_banks = NB - 1,
		.fc = &r->fc, .series = r->series, .dscratch = r->dscratch,
		.buf_len = HLEN, .res = r->res, .ops = &rig_ops, .arg = r,
	};
}

static void rig_free(struct rig *r)
{
	u32 i;

	for (i = 0; i < NB; i++)
		free(r->mem[i]);
	free(r->wmem);
	free(r->scratch);
}

/* @n packets of 100 bytes over 64 flows, alternating banks 0 and 2. */
static void rig_feed(struct rig *r, const struct nfsk_hash_key *hk, u32 n)
{
	struct nfsk_flow_key k;
	u8 s[4] = { 10, 0, 0, 1 }, d[4] = { 10, 0, 0, 2 };
	u32 i;

	for (i = 0; i < n; i++) {
		s[3] = (u8)(i % 64);
		nfsk_flow_key_v4(&k, s, d, 17, htons(1000 + i % 64), htons(53));
		nfsk_bank_update(&r->bank[(i & 1) * 2], hk, &k, 100);
	}
}

static const struct nfsk_window *rig_close(struct rig *r, u64 id)
{
	r->order = 0;
	return nfsk_window_close(&r->close, id, id * 1000, 1000);
}

TEST(sequence_and_flags)
{
	struct nfsk_hash_key hk = { .k0 = 1, .k1 = 2 };
	const struct nfsk_window *w;
	struct rig r;
	u64 sum = 0;
	u32 i, n;

	nfsk_hash_key_expand(&hk);
	rig_init(&r);
	for (i = 1; i <= 20; i++) {
		n = 1000 + (i % 5) * 20;	/* steady, a little noise */
		r.route_add = i % 3;
		rig_feed(&r, &hk, n);
		w = rig_close(&r, i);
		ASSERT_EQ(0, r.bad_order);
		ASSERT_EQ(2, r.order);
		/* folded before the annotation, every bank but the hole */
		EXPECT_EQ(n, r.annotate_packets);
		EXPECT_EQ((u64)n * 100, w->bytes);
		/* judged before it joined, handed over once committed */
		EXPECT_EQ(i - 1, r.annotate_count);
		EXPECT_EQ(i, r.closed_count);
		EXPECT_EQ(w, nfsk_history_get(&r.hist, 0));
		EXPECT_EQ(w, r.closed_win);
		EXPECT_EQ(i, w->id);
		EXPECT_EQ(i * 1000, w->start_ns);
		EXPECT_EQ(1000U, w->length_ns);
		EXPECT_EQ(r.route_add, w->route_add[0]);
		EXPECT_EQ(i - 1, r.res[NFSK_SERIES_PACKETS].history);
		sum += n;
		/* asked to fold and to zero each slot, once each */
		EXPECT_EQ(2 * i, r.asked[0]);
		EXPECT_EQ(2 * i, r.asked[1]);
		EXPECT_EQ(2 * i, r.asked[2]);
		/* the banks are zeroed with the next window's p */
		EXPECT_EQ(0U, r.bank[0].packets);
		EXPECT_EQ(0U, r.bank[2].packets);
		EXPECT_EQ(w->sah.p_next_fx, r.bank[0].sah.p_fx);
		EXPECT_EQ(w->sah.p_next_fx, r.bank[2].sah.p_fx);
		/* 64 equal flows: no heavy hitter, a steady series: no flag */
		EXPECT_EQ(0U, w->flags & (NFSK_FLAG_VOLUME_SPIKE |
					 NFSK_FLAG_ROUTE_CHURN |
					 NFSK_FLAG_HEAVY_HITTER));
	}

	/* ten times the packets and 50 route events (the annotation) */
	r.route_add = 50;
	rig_feed(&r, &hk, 10000);
	w = rig_close(&r, 21);
	EXPECT_EQ(10000U, w->packets);
	/* judged against the 20 windows before it, not itself */
	EXPECT_EQ(20U, r.res[NFSK_SERIES_PACKETS].history);
	EXPECT_EQ(sum * 1000 / 20, r.res[NFSK_SERIES_PACKETS].mean_milli);
	EXPECT_NE(0U, w->flags & NFSK_FLAG_VOLUME_SPIKE);
	EXPECT_NE(0U, w->flags & NFSK_FLAG_ROUTE_CHURN);
	EXPECT_EQ(w->flags, r.closed_flags);
	EXPECT_GT(w->score[NFSK_SERIES_PACKETS], 3000);
	EXPECT_TRUE(r.res[NFSK_SERIES_PACKETS].flagged);
	rig_free(&r);
}

TEST(ops_optional_and_ring_wraps)
{
	static const struct nfsk_close_ops bank_only = { .bank = rig_bank };
	struct nfsk_hash_key hk = { .k0 = 3, .k1 = 4 };
	const struct nfsk_window *w;
	struct rig r;
	u32 i;

	nfsk_hash_key_expand(&hk);
	rig_init(&r);
	r.close.ops = &bank_only;
	for (i = 1; i <= HLEN + 5; i++) {
		rig_feed(&r, &hk, i);
		w = rig_close(&r, i);
		EXPECT_EQ(i, w->packets);
	}
	EXPECT_EQ(HLEN, nfsk_history_count(&r.hist));
	EXPECT_EQ(HLEN + 5, nfsk_history_get(&r.hist, 0)->id);
	EXPECT_EQ(6U, nfsk_history_get(&r.hist, HLEN - 1)->id);
	EXPECT_EQ(0, r.order);	/* no annotate, no closed */
	rig_free(&r);
}

TEST_HARNESS_MAIN
