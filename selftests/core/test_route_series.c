// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the per-protocol and per-table route series
 * (kmod/core/route_series.c) and their judgment through nfsk_flags_eval().
 * Oracle: slot numbers and counts written out by hand from the events fed;
 * verdicts known by construction (a storm of 60 events in a series whose
 * history is 0..6 per window; a series that never moves).
 */
#include <stdlib.h>
#include <string.h>
#include "kselftest_harness.h"
#include "series.h"
#include <nfsketch/flags.h>
#include <nfsketch/route_series.h>

#define HLEN	64
#define RTPROT_KERNEL	2
#define RTPROT_BOOT	3
#define RTPROT_STATIC	4
#define RTPROT_BGP	186
#define RTPROT_OSPF	188
#define MAIN		254U

TEST(slots_first_come_rest_other)
{
	struct nfsk_rs_state st;
	struct nfsk_rs_window w;
	u32 i;

	nfsk_rs_init(&st);
	/* ten protocols 10..19, protocol 10 + i sending i + 1 events */
	for (i = 0; i < 10; i++) {
		u32 n;

		for (n = 0; n <= i; n++)
			nfsk_rs_event(&st, 10 + i, MAIN);
	}
	EXPECT_EQ(NFSK_RS_SLOTS, st.used[NFSK_RS_PROTOCOL]);
	EXPECT_EQ(1, st.used[NFSK_RS_TABLE]);
	for (i = 0; i < NFSK_RS_SLOTS; i++) {
		EXPECT_EQ(10 + i, st.id[NFSK_RS_PROTOCOL][i]);
		EXPECT_EQ(i, nfsk_rs_slot(&st, NFSK_RS_PROTOCOL, 10 + i));
		EXPECT_EQ(i + 1, st.window[NFSK_RS_PROTOCOL][i]);
	}
	/* protocols 18 and 19: 9 + 10 events in "other", none lost */
	EXPECT_EQ((u32)NFSK_RS_OTHER, nfsk_rs_slot(&st, NFSK_RS_PROTOCOL, 18));
	EXPECT_EQ(19U, st.window[NFSK_RS_PROTOCOL][NFSK_RS_OTHER]);
	EXPECT_EQ(55U, st.window[NFSK_RS_TABLE][0]);
	EXPECT_EQ(0U, st.window[NFSK_RS_TABLE][NFSK_RS_OTHER]);

	nfsk_rs_window_take(&st, &w);
	EXPECT_EQ(19U, w.events[NFSK_RS_PROTOCOL][NFSK_RS_OTHER]);
	EXPECT_EQ(3U, w.events[NFSK_RS_PROTOCOL][2]);
	EXPECT_EQ(MAIN, w.id[NFSK_RS_TABLE][0]);
	EXPECT_EQ(0U, st.window[NFSK_RS_PROTOCOL][2]);
	/* totals stay; slots stay */
	EXPECT_EQ(19U, st.total[NFSK_RS_PROTOCOL][NFSK_RS_OTHER]);
	nfsk_rs_event(&st, 12, 7);
	EXPECT_EQ(4U, st.total[NFSK_RS_PROTOCOL][2]);
	EXPECT_EQ(1U, st.window[NFSK_RS_PROTOCOL][2]);
	EXPECT_EQ(7U, st.id[NFSK_RS_TABLE][1]);
}

struct rig {
	struct nfsk_flags_cfg	c;
	struct nfsk_history	h;
	struct nfsk_window	rec[HLEN];
	struct nfsk_window	win;
	u64			series[HLEN], scratch[HLEN];
	struct nfsk_detect_result res[NFSK_SERIES_MAX];
	struct nfsk_rs_state	st;
	struct nfsk_test_rng	rng;
	u64			id;
};

static void rig_init(struct rig *r, u32 seed)
{
	memset(r, 0, sizeof(*r));
	nfsk_flags_cfg_default(&r->c);
	r->c.density_w = HLEN;
	nfsk_history_init(&r->h, r->rec, HLEN);
	nfsk_rs_init(&r->st);
	nfsk_test_rng_seed(&r->rng, seed);
}

static void feed(struct rig *r, u32 proto, u32 table, u32 n)
{
	while (n--)
		nfsk_rs_event(&r->st, proto, table);
}

/* Close a window: the aggregate route series is the sum of all events. */
static struct nfsk_window *rig_close(struct rig *r)
{
	struct nfsk_window *w = &r->win;
	u32 i, sum = 0;

	memset(w, 0, sizeof(*w));
	w->id = ++r->id;
	nfsk_rs_window_take(&r->st, &w->rs);
	for (i = 0; i < NFSK_RS_ALL; i++)
		sum += w->rs.events[NFSK_RS_PROTOCOL][i];
	w->route_add[0] = sum;
	nfsk_flags_eval(&r->c, &r->h, w, r->series, r->scratch, HLEN, r->res);
	nfsk_history_push(&r->h, w);
	return w;
}

/*
 * A noisy kernel series (around 1000 per window) hides a bgp storm of 60
 * in the aggregate; bgp's own series (0..6) and its table's flag it, the
 * kernel's and main's do not.
 */
TEST(storm_in_one_protocol_flags_its_series_only)
{
	struct rig *r = calloc(1, sizeof(*r));
	struct nfsk_window *w;
	u32 i;

	ASSERT_NE(NULL, r);
	rig_init(r, 7);
	for (i = 0; i < 40; i++) {
		feed(r, RTPROT_KERNEL, MAIN,
		     800 + nfsk_test_rng_u64(&r->rng) % 401);
		feed(r, RTPROT_BGP, 100, nfsk_test_rng_u64(&r->rng) % 7);
		feed(r, RTPROT_STATIC, MAIN, 1);
		w = rig_close(r);
		EXPECT_EQ(0U, w->rs.flagged[NFSK_RS_PROTOCOL]);
		EXPECT_EQ(0U, w->rs.flagged[NFSK_RS_TABLE]);
	}
	feed(r, RTPROT_KERNEL, MAIN, 1000);
	feed(r, RTPROT_BGP, 100, 60);
	feed(r, RTPROT_STATIC, MAIN, 1);
	w = rig_close(r);
	/* the aggregate (1061) is within the kernel's noise */
	EXPECT_FALSE(r->res[NFSK_SERIES_ROUTE_EVENTS].flagged);
	/* slots: kernel 0, bgp 1, static 2; tables main 0, 100 1 */
	EXPECT_EQ(1U << 1, w->rs.flagged[NFSK_RS_PROTOCOL]);
	EXPECT_EQ(1U << 1, w->rs.flagged[NFSK_RS_TABLE]);
	EXPECT_NE(0U, w->flags & NFSK_FLAG_ROUTE_CHURN);
	EXPECT_GT(w->rs.score[NFSK_RS_PROTOCOL][1], 2000);
	EXPECT_LT(w->rs.mean_milli[NFSK_RS_PROTOCOL][1], 7000U);
	/* the storm lasts: still flagged (left out of its own baseline) */
	feed(r, RTPROT_KERNEL, MAIN, 1000);
	feed(r, RTPROT_BGP, 100, 60);
	w = rig_close(r);
	EXPECT_EQ(1U << 1, w->rs.flagged[NFSK_RS_PROTOCOL]);
	free(r);
}

/* A protocol past the slots storms: "other" is flagged, named ones not. */
TEST(storm_in_other_slot_flagged)
{
	struct rig *r = calloc(1, sizeof(*r));
	struct nfsk_window *w;
	u32 i, p;

	ASSERT_NE(NULL, r);
	rig_init(r, 11);
	for (i = 0; i < 30; i++) {
		for (p = 0; p < NFSK_RS_SLOTS; p++)
			feed(r, 20 + p, MAIN, 2 + nfsk_test_rng_u64(&r->rng) % 3);
		feed(r, RTPROT_OSPF, 200, i & 1);
		w = rig_close(r);
		EXPECT_EQ(0U, w->rs.flagged[NFSK_RS_PROTOCOL]);
	}
	for (p = 0; p < NFSK_RS_SLOTS; p++)
		feed(r, 20 + p, MAIN, 3);
	feed(r, RTPROT_OSPF, 200, 50);
	w = rig_close(r);
	EXPECT_EQ(50U, w->rs.events[NFSK_RS_PROTOCOL][NFSK_RS_OTHER]);
	EXPECT_EQ(1U << NFSK_RS_OTHER, w->rs.flagged[NFSK_RS_PROTOCOL]);
	/* table main (slot 0) quiet, table 200 (slot 1) stormed */
	EXPECT_EQ(1U << 1, w->rs.flagged[NFSK_RS_TABLE]);
	free(r);
}

/* A storm one window before the warm-up ends is not judged; after, it is. */
TEST(no_verdict_during_warmup)
{
	struct rig *r = calloc(1, sizeof(*r));
	struct nfsk_window *w;
	u32 i, warm;

	ASSERT_NE(NULL, r);
	for (warm = 0; warm < 2; warm++) {
		rig_init(r, 3);
		for (i = 0; i + 1 + !warm < r->c.min_history + 1; i++) {
			feed(r, RTPROT_BOOT, MAIN, i & 1);
			rig_close(r);
		}
		feed(r, RTPROT_BOOT, MAIN, 500);
		w = rig_close(r);
		EXPECT_EQ(warm, w->rs.flagged[NFSK_RS_PROTOCOL]);
	}
	free(r);
}

TEST_HARNESS_MAIN
