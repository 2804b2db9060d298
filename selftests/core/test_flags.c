// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of a window's flags (kmod/core/flags.c) over synthetic window
 * records whose expected verdicts are known by construction: a sustained
 * step is flagged in every one of its windows (flagged windows do not teach
 * the baseline), a lasting change becomes the new normal once it fills half
 * of the history, an elephant that is always there is not a heavy hitter,
 * and a new one is, for as long as it lasts.
 */
#include <stdlib.h>
#include <string.h>
#include "kselftest_harness.h"
#include "series.h"
#include <nfsketch/flags.h>

#define HLEN	128

struct frig {
	struct nfsk_flags_cfg	c;
	struct nfsk_history	h;
	struct nfsk_window	rec[HLEN];
	struct nfsk_window	win;
	u64			series[HLEN], scratch[HLEN];
	struct nfsk_detect_result res[NFSK_SERIES_MAX];
	struct nfsk_test_rng	rng;
	u64			id;
};

static void frig_init(struct frig *f, u32 seed)
{
	memset(f, 0, sizeof(*f));
	nfsk_flags_cfg_default(&f->c);
	f->c.density_w = HLEN;
	nfsk_history_init(&f->h, f->rec, HLEN);
	nfsk_test_rng_seed(&f->rng, seed);
}

/* A window of ~@pkts packets (+-3 %), 700 B each, entropies 8000 mbit
 * (+-50), top flow @top_hash with @top_permille of the bytes. */
static u32 frig_close(struct frig *f, u64 pkts, u64 top_hash, u32 top_permille)
{
	struct nfsk_window *w = &f->win;
	u64 noise = nfsk_test_rng_u64(&f->rng) % 61;

	memset(w, 0, sizeof(*w));
	w->id = ++f->id;
	w->packets = pkts * (970 + noise) / 1000;
	w->bytes = w->packets * 700;
	w->src_entropy = 7950 + nfsk_test_rng_u64(&f->rng) % 101;
	w->dst_entropy = 7950 + nfsk_test_rng_u64(&f->rng) % 101;
	if (top_hash) {
		w->ntop = 1;
		w->top[0].hash = top_hash;
		w->top[0].bytes = w->bytes * top_permille / 1000;
	}
	nfsk_flags_eval(&f->c, &f->h, w, f->series, f->scratch, HLEN, f->res);
	nfsk_history_push(&f->h, w);
	return w->flags;
}

TEST(sustained_step_flagged_throughout)
{
	static struct frig f;
	int i, flagged = 0;

	frig_init(&f, 1);
	for (i = 0; i < 60; i++)
		ASSERT_EQ(0U, frig_close(&f, 100000, 0, 0) & NFSK_FLAG_VOLUME_SPIKE);
	/* 40 windows at 3x: under half of the 100-window history */
	for (i = 0; i < 40; i++)
		flagged += !!(frig_close(&f, 300000, 0, 0) & NFSK_FLAG_VOLUME_SPIKE);
	EXPECT_EQ(40, flagged);
	/* back to normal: not flagged, the baseline was not taught 3x */
	for (i = 0; i < 20; i++)
		EXPECT_EQ(0U, frig_close(&f, 100000, 0, 0) & NFSK_FLAG_VOLUME_SPIKE);
}

TEST(lasting_change_becomes_new_normal)
{
	static struct frig f;
	int i, last = -1;

	frig_init(&f, 2);
	for (i = 0; i < 40; i++)
		frig_close(&f, 100000, 0, 0);
	for (i = 0; i < 3 * HLEN; i++)
		if (frig_close(&f, 300000, 0, 0) & NFSK_FLAG_VOLUME_SPIKE)
			last = i;
	/* flagged until the flagged windows are half of the history */
	EXPECT_GE(last, 20);
	EXPECT_LT(last, HLEN);
}

TEST(resident_elephant_is_not_heavy_hitter)
{
	static struct frig f;
	int i;

	frig_init(&f, 3);
	/* 15 % of the bytes from the first window on: above hh_permille */
	for (i = 0; i < 200; i++)
		EXPECT_EQ(0U, frig_close(&f, 100000, 0xe1e, 150) & NFSK_FLAG_HEAVY_HITTER);
}

TEST(new_heavy_hitter_flagged_while_it_lasts)
{
	static struct frig f;
	int i, flagged = 0;

	frig_init(&f, 4);
	for (i = 0; i < 60; i++)
		frig_close(&f, 100000, 0xe1e, 80);
	for (i = 0; i < 20; i++)
		flagged += !!(frig_close(&f, 100000, 0xbad, 250) & NFSK_FLAG_HEAVY_HITTER);
	EXPECT_EQ(20, flagged);
	for (i = 0; i < 10; i++)
		EXPECT_EQ(0U, frig_close(&f, 100000, 0xe1e, 80) & NFSK_FLAG_HEAVY_HITTER);
}

TEST(no_heavy_hitter_during_warmup)
{
	static struct frig f;
	u32 i;

	frig_init(&f, 5);
	for (i = 0; i < f.c.min_history; i++)
		EXPECT_EQ(0U, frig_close(&f, 100000, 0xbad, 900) & NFSK_FLAG_HEAVY_HITTER);
}

TEST(ramp_flagged_by_drift_not_slow_cycle)
{
	static struct frig f;
	int i, flagged = 0, cycle = 0, drift = 0;

	frig_init(&f, 6);
	/* a slow cycle: +-20 % over 400 windows, at most 0.31 % per window */
	for (i = 0; i < 400; i++)
		cycle += !!(frig_close(&f, 100000 + 20000 *
				       (i < 200 ? i - 100 : 300 - i) / 100, 0, 0) &
			    NFSK_FLAG_VOLUME_SPIKE);
	EXPECT_EQ(0, cycle);
	/* then a ramp of 2 % of the level per window for 60 windows: the
	 * drift detector needs a few windows of slope, then holds */
	for (i = 0; i < 60; i++) {
		u32 fl = frig_close(&f, 80000 + 1600 * i, 0, 0);

		if (i >= 15)
			EXPECT_TRUE(!!(fl & NFSK_FLAG_VOLUME_SPIKE));
		flagged += !!(fl & NFSK_FLAG_VOLUME_SPIKE);
		drift += !!(f.res[NFSK_SERIES_PACKETS].hits &
			    NFSK_DETECT_HIT_DRIFT);
	}
	EXPECT_GE(flagged, 45);
	EXPECT_GE(drift, 40);
}

TEST(step_from_idle_is_not_a_ramp)
{
	static struct frig f;
	int i, flagged = 0;

	frig_init(&f, 7);
	for (i = 0; i < 30; i++)
		frig_close(&f, 0, 0, 0);
	/* traffic starts: the first windows may flag, but once 10 steady
	 * windows are in the history, the step inside the drift span is not
	 * a ramp */
	for (i = 0; i < 60; i++) {
		u32 fl = frig_close(&f, 100000, 0, 0);

		if (i >= 10)
			flagged += !!(fl & NFSK_FLAG_VOLUME_SPIKE);
	}
	EXPECT_EQ(0, flagged);
}

TEST_HARNESS_MAIN
