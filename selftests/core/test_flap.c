// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of route flap damping (kmod/core/flap.c) over the replay's
 * store (userspace/replay/flap_hash.c). Oracles: pow() in double for the
 * decay, a floating-point model of RFC 2439 (penalty, ceiling, suppress /
 * reuse hysteresis, release below reuse / 2) run side by side, and the
 * closed form of n withdraws for a large flapping set.
 */
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include "kselftest_harness.h"
#include "series.h"

#include <nfsketch/flap.h>
#include "flap_hash.h"

#define SEC	1000000000ULL
#define HL	(15 * 60 * SEC)
#define FXONE	(1U << NFSK_FLAP_FRAC_BITS)

/* Stated accuracy of the decay: 3e-5 relative plus one fixed-point unit. */
#define REL_TOL	3e-5

struct tab {
	struct nfsk_flap_table t;
	struct nfsk_flap_cfg cfg;
	struct flap_hash h;
};

static void tab_init_cfg(struct tab *tb, u32 max)
{
	flap_hash_init(&tb->h, max);
	nfsk_flap_init(&tb->t, &tb->cfg, &flap_hash_ops, &tb->h);
}

static void tab_init(struct tab *tb, u32 max)
{
	nfsk_flap_cfg_default(&tb->cfg);
	tab_init_cfg(tb, max);
}

static void tab_free(struct tab *tb)
{
	flap_hash_destroy(&tb->h);
}

/* The suppressed count after a sweep at @now (the kernel's window close). */
static u32 swept_suppressed(struct tab *tb, u64 now)
{
	flap_hash_sweep(&tb->h, &tb->t, now);
	return tb->t.suppressed;
}

static struct nfsk_flap_key key4(u32 a, u8 plen, u32 table)
{
	struct nfsk_flap_key k;

	memset(&k, 0, sizeof(k));
	k.family = 2;
	k.plen = plen;
	k.table = table;
	k.addr[0] = a >> 24;
	k.addr[1] = a >> 16;
	k.addr[2] = a >> 8;
	k.addr[3] = a;
	return k;
}

TEST(cfg)
{
	struct nfsk_flap_cfg c;

	nfsk_flap_cfg_default(&c);
	EXPECT_TRUE(nfsk_flap_cfg_ok(&c));
	EXPECT_EQ(2000U, c.suppress);
	EXPECT_EQ(750U, c.reuse);
	c.reuse = c.suppress;
	EXPECT_FALSE(nfsk_flap_cfg_ok(&c));
	nfsk_flap_cfg_default(&c);
	c.half_life_ns = 0;
	EXPECT_FALSE(nfsk_flap_cfg_ok(&c));
	nfsk_flap_cfg_default(&c);
	c.ceiling = NFSK_FLAP_PENALTY_MAX + 1;
	EXPECT_FALSE(nfsk_flap_cfg_ok(&c));
}

TEST(decay_vs_pow)
{
	static const u64 hls[] = { 1000000ULL, SEC, HL, 86400 * SEC,
				   1ULL << 52, ~0ULL >> 1 };
	struct nfsk_test_rng rng;
	double exact, err, worst = 0;
	unsigned int i, hi;
	u64 dt, h;
	u32 p, got;

	nfsk_test_rng_seed(&rng, 11);
	for (hi = 0; hi < ARRAY_SIZE(hls); hi++) {
		h = hls[hi];
		for (i = 0; i < 100000; i++) {
			p = 1 + nfsk_test_rng_u64(&rng) % (NFSK_FLAP_PENALTY_MAX *
							   FXONE * 2);
			exact = nfsk_test_rng_unit(&rng) * 34 * (double)h;
			dt = exact >= 1.8e19 ? ~0ULL : (u64)exact;
			if (i < 1000)
				dt = i;	/* tiny steps */
			got = nfsk_flap_decay(p, dt, h);
			exact = p * pow(2.0, -(double)dt / (double)h);
			err = fabs(got - exact);
			ASSERT_LE(err, exact * REL_TOL + 1)
				TH_LOG("p %u dt %llu h %llu: %u vs %.3f", p,
				       (unsigned long long)dt,
				       (unsigned long long)h, got, exact);
			if (exact > 1e6 && err / exact > worst)
				worst = err / exact;
		}
	}
	TH_LOG("worst relative error %.2e (bound %.0e)", worst, REL_TOL);
	/* exactly a half per whole half-life */
	for (i = 0; i < 20; i++)
		ASSERT_EQ((1000U * FXONE) >> i,
			  nfsk_flap_decay(1000 * FXONE, i * HL, HL));
	ASSERT_EQ(0U, nfsk_flap_decay(~0U, 32 * HL, HL));
	ASSERT_EQ(12345U, nfsk_flap_decay(12345, 0, HL));
}

TEST(halves_per_half_life_in_store)
{
	struct nfsk_flap_info info;
	struct nfsk_flap_key k = key4(0x0a000000, 8, 254);
	struct tab tb;
	unsigned int i;

	tab_init(&tb, 64);
	EXPECT_EQ(1000U, nfsk_flap_event(&tb.t, &k, NFSK_FLAP_DEL, 0, NULL));
	for (i = 0; i < 10; i++) {
		ASSERT_TRUE(nfsk_flap_lookup(&tb.t, &k, i * HL, &info));
		EXPECT_EQ((1000U * FXONE) >> i, info.penalty_fx);
	}
	/* reads do not change the stored penalty: same answer again */
	ASSERT_TRUE(nfsk_flap_lookup(&tb.t, &k, 3 * HL / 2, &info));
	EXPECT_LE(fabs(info.penalty_fx - 1000.0 * FXONE * pow(2, -1.5)),
		  1000.0 * FXONE * REL_TOL + 1);
	/* time going backwards is treated as no time passing */
	ASSERT_TRUE(nfsk_flap_lookup(&tb.t, &k, 0, &info));
	EXPECT_EQ(1000U, info.penalty);
	tab_free(&tb);
}

TEST(suppress_reuse_hysteresis)
{
	struct nfsk_flap_key k = key4(0xc0a80100, 24, 254);
	struct nfsk_flap_verdict v;
	struct nfsk_flap_info info;
	struct tab tb;
	u64 t = 0;

	tab_init(&tb, 64);
	/* withdraw, re-add, withdraw: ~2000, not above the threshold */
	nfsk_flap_event(&tb.t, &k, NFSK_FLAP_DEL, t, &v);
	EXPECT_FALSE(v.crossed);
	nfsk_flap_event(&tb.t, &k, NFSK_FLAP_ADD, t += SEC, &v);
	EXPECT_EQ(1U, v.tracked);
	nfsk_flap_event(&tb.t, &k, NFSK_FLAP_DEL, t += SEC, &v);
	EXPECT_FALSE(v.crossed);
	EXPECT_FALSE(v.suppressed);
	EXPECT_LT(v.penalty, 2000U);
	EXPECT_GT(v.penalty, 1995U);
	/* the third flap crosses */
	nfsk_flap_event(&tb.t, &k, NFSK_FLAP_ADD, t += SEC, &v);
	nfsk_flap_event(&tb.t, &k, NFSK_FLAP_DEL, t += SEC, &v);
	EXPECT_TRUE(v.crossed);
	EXPECT_TRUE(v.suppressed);
	EXPECT_EQ(1U, swept_suppressed(&tb, t));
	EXPECT_EQ(1U, tb.t.suppress_crossings);
	/* ~3000 decays to 750 after 2 half-lives: suppressed until then */
	ASSERT_TRUE(nfsk_flap_lookup(&tb.t, &k, t + 3 * HL / 2, &info));
	EXPECT_LT(info.penalty, 2000U);		/* below suppress ... */
	EXPECT_TRUE(info.suppressed);		/* ... but above reuse */
	EXPECT_EQ(3U, info.flaps);
	EXPECT_TRUE(info.withdrawn);
	ASSERT_TRUE(nfsk_flap_lookup(&tb.t, &k, t + 19 * HL / 10, &info));
	EXPECT_TRUE(info.suppressed);
	ASSERT_TRUE(nfsk_flap_lookup(&tb.t, &k, t + 21 * HL / 10, &info));
	EXPECT_FALSE(info.suppressed);
	EXPECT_LT(info.penalty, 750U);
	EXPECT_EQ(1U, tb.t.suppressed);		/* not swept yet */
	EXPECT_EQ(0U, swept_suppressed(&tb, t + 21 * HL / 10));
	/* re-add then two more flaps: ~700 + 1000 + 1000 - decay > 2000 */
	t += 21 * HL / 10;
	nfsk_flap_event(&tb.t, &k, NFSK_FLAP_ADD, t, &v);
	nfsk_flap_event(&tb.t, &k, NFSK_FLAP_DEL, t += SEC, &v);
	EXPECT_FALSE(v.suppressed);		/* ~1700 < 2000 */
	nfsk_flap_event(&tb.t, &k, NFSK_FLAP_ADD, t += SEC, &v);
	nfsk_flap_event(&tb.t, &k, NFSK_FLAP_DEL, t += SEC, &v);
	EXPECT_TRUE(v.crossed);
	EXPECT_EQ(2U, tb.t.suppress_crossings);
	tab_free(&tb);
}

TEST(ceiling_and_event_kinds)
{
	struct nfsk_flap_key k = key4(0x0a000000, 16, 254);
	struct nfsk_flap_key o = key4(0x0b000000, 16, 254);
	struct nfsk_flap_key m = key4(0x0a00ffff, 16, 254);	/* host bits */
	struct nfsk_flap_key d = key4(0x0a000000, 16, 100);	/* table */
	struct nfsk_flap_verdict v;
	struct nfsk_flap_info info;
	struct tab tb;
	int i;

	tab_init(&tb, 64);
	/* an add of a prefix without history is the table, not churn */
	EXPECT_EQ(0U, nfsk_flap_event(&tb.t, &o, NFSK_FLAP_ADD, 0, &v));
	EXPECT_FALSE(v.tracked);
	EXPECT_FALSE(nfsk_flap_lookup(&tb.t, &o, 0, &info));
	EXPECT_EQ(0U, tb.h.count);
	EXPECT_EQ(0U, (unsigned int)tb.t.refused);
	/* attribute change: +500; re-add after withdraw: +0 */
	EXPECT_EQ(500U, nfsk_flap_event(&tb.t, &o, NFSK_FLAP_REPLACE, 0, &v));
	EXPECT_EQ(1500U, nfsk_flap_event(&tb.t, &o, NFSK_FLAP_DEL, 0, &v));
	EXPECT_EQ(1500U, nfsk_flap_event(&tb.t, &o, NFSK_FLAP_ADD, 0, &v));
	EXPECT_EQ(1500U, nfsk_flap_event(&tb.t, &o, NFSK_FLAP_ADD, 0, &v));
	/* host bits ignored; the table id is part of the key */
	nfsk_flap_event(&tb.t, &k, NFSK_FLAP_DEL, 0, &v);
	ASSERT_TRUE(nfsk_flap_lookup(&tb.t, &m, 0, &info));
	EXPECT_EQ(1000U, info.penalty);
	EXPECT_EQ(0, memcmp(info.key.addr, k.addr, 16));
	EXPECT_FALSE(nfsk_flap_lookup(&tb.t, &d, 0, &info));
	/* ceiling */
	for (i = 0; i < 100; i++)
		nfsk_flap_event(&tb.t, &k, NFSK_FLAP_DEL, i * SEC, &v);
	EXPECT_EQ(tb.cfg.ceiling, v.penalty);
	ASSERT_TRUE(nfsk_flap_lookup(&tb.t, &k, 99 * SEC, &info));
	EXPECT_EQ(101U, info.flaps);
	EXPECT_EQ(101U, info.events);
	tab_free(&tb);
}

/* The store's ceiling: a refusal is counted, the entries held keep theirs. */
TEST(store_ceiling_counted)
{
	enum { MAX = 64, N = 2000 };
	struct nfsk_flap_key k;
	struct nfsk_flap_verdict v;
	struct nfsk_flap_info info;
	unsigned int i, tracked = 0;
	struct tab tb;

	tab_init(&tb, MAX);
	for (i = 0; i < N; i++) {
		k = key4(0x0a000000 + (i << 8), 24, 254);
		nfsk_flap_event(&tb.t, &k, NFSK_FLAP_DEL, 10 + i, &v);
		tracked += v.tracked;
	}
	EXPECT_EQ((u32)MAX, tb.h.count);
	EXPECT_EQ((u32)MAX, tracked);
	EXPECT_EQ(N - MAX, (int)tb.t.refused);
	EXPECT_EQ(N - MAX, (int)tb.h.full);
	EXPECT_EQ((u64)MAX, tb.t.inserted);
	k = key4(0x0a000000, 24, 254);
	ASSERT_TRUE(nfsk_flap_lookup(&tb.t, &k, 10, &info));
	EXPECT_EQ(1000U, info.penalty);
	/* an ADD never makes an entry, so it is never refused */
	k = key4(0x0b000000, 24, 254);
	nfsk_flap_event(&tb.t, &k, NFSK_FLAP_ADD, 10, &v);
	EXPECT_EQ(N - MAX, (int)tb.t.refused);
	tab_free(&tb);
}

/*
 * Below reuse / 2 and not suppressed a history is released: the next event
 * starts from zero whether the sweep freed the entry or not, so freeing
 * changes no penalty; memory returns.
 */
TEST(release_below_half_reuse)
{
	struct nfsk_flap_key k = key4(0xc0000200, 24, 254);
	struct nfsk_flap_verdict v1, v2;
	struct tab a, b;
	u64 t;

	tab_init(&a, 1000);
	tab_init(&b, 1000);
	nfsk_flap_event(&a.t, &k, NFSK_FLAP_DEL, 0, NULL);
	nfsk_flap_event(&b.t, &k, NFSK_FLAP_DEL, 0, NULL);
	/* 1000 -> 500 after one half-life: above 375, kept by the sweep */
	EXPECT_EQ(0U, flap_hash_sweep(&a.h, &a.t, HL));
	EXPECT_EQ(1U, a.h.count);
	/* 1000 -> 250 after two: released, freed in a, left in b */
	t = 2 * HL;
	EXPECT_EQ(1U, flap_hash_sweep(&a.h, &a.t, t));
	EXPECT_EQ(0U, a.h.count);
	EXPECT_EQ(1U, b.h.count);
	nfsk_flap_event(&a.t, &k, NFSK_FLAP_DEL, t + SEC, &v1);
	nfsk_flap_event(&b.t, &k, NFSK_FLAP_DEL, t + SEC, &v2);
	EXPECT_EQ(1000U, v1.penalty);
	EXPECT_EQ(v1.penalty, v2.penalty);
	EXPECT_TRUE(v2.forgot);
	EXPECT_EQ(1U, (unsigned int)b.t.forgotten);
	/* a suppressed entry is never freed, even long after */
	nfsk_flap_event(&a.t, &k, NFSK_FLAP_DEL, t + 2 * SEC, NULL);
	nfsk_flap_event(&a.t, &k, NFSK_FLAP_DEL, t + 3 * SEC, &v1);
	EXPECT_TRUE(v1.suppressed);
	EXPECT_EQ(0U, flap_hash_sweep(&a.h, &a.t, t + 3 * SEC + HL));
	EXPECT_EQ(1U, a.t.suppressed);
	/* 3000 -> 375 (< 750, < 375 + 1 unit) after three half-lives */
	EXPECT_EQ(1U, flap_hash_sweep(&a.h, &a.t, t + 3 * SEC + 3 * HL + SEC));
	EXPECT_EQ(0U, a.t.suppressed);
	EXPECT_EQ(0U, a.h.count);
	tab_free(&a);
	tab_free(&b);
}

/*
 * A flapping set far larger than any bounded table: N prefixes, each
 * withdrawn and re-added three times in the same order, 1 us apart, with a
 * sweep every 10,000 events (the window close). Every prefix keeps its
 * history; each penalty is checked against the closed form
 * sum_j 1000 * 2^(-(now - t_j) / h) of its own three withdraw times.
 */
TEST(large_flapping_set_exact)
{
	enum { N = 200000, ROUNDS = 3 };
	const u64 step = 1000;	/* ns between events */
	struct nfsk_flap_info info;
	struct nfsk_flap_key k;
	unsigned int i, r, sup = 0;
	double exact, err, worst = 0;
	u64 now = SEC, ev = 0, tw[ROUNDS];
	struct tab tb;

	nfsk_flap_cfg_default(&tb.cfg);
	tb.cfg.half_life_ns = 60 * SEC;	/* decay visible within the run */
	tab_init_cfg(&tb, 16777216);
	for (r = 0; r < ROUNDS; r++)
		for (i = 0; i < N; i++) {
			k = key4(0x0a000000 + (i << 8), 24, 254);
			nfsk_flap_event(&tb.t, &k, NFSK_FLAP_DEL, now, NULL);
			now += step;
			nfsk_flap_event(&tb.t, &k, NFSK_FLAP_ADD, now, NULL);
			now += step;
			if (!(++ev % 10000))
				flap_hash_sweep(&tb.h, &tb.t, now);
		}
	now += 10 * SEC;
	ASSERT_EQ((u32)N, tb.h.count);
	ASSERT_EQ(0U, (unsigned int)tb.t.refused);
	for (i = 0; i < N; i++) {
		k = key4(0x0a000000 + (i << 8), 24, 254);
		ASSERT_TRUE(nfsk_flap_lookup(&tb.t, &k, now, &info));
		exact = 0;
		for (r = 0; r < ROUNDS; r++) {
			tw[r] = SEC + ((u64)r * N + i) * 2 * step;
			exact += 1000.0 * pow(2.0, -(double)(now - tw[r]) /
					      (double)tb.cfg.half_life_ns);
		}
		/* three decays compounded, each 3e-5 + one unit */
		err = fabs(info.penalty_fx / (double)FXONE - exact);
		ASSERT_LE(err, exact * 3 * REL_TOL + 3.0 / FXONE)
			TH_LOG("prefix %u: %.4f vs %.4f", i,
			       info.penalty_fx / (double)FXONE, exact);
		if (err / exact > worst)
			worst = err / exact;
		ASSERT_EQ(3U, info.flaps);
		sup += info.suppressed;
	}
	/* above 2,000 at the third withdraw: all of them (oracle: exact) */
	EXPECT_EQ((u32)N, sup);
	EXPECT_EQ((u64)N, tb.t.suppress_crossings);
	EXPECT_EQ((u32)N, swept_suppressed(&tb, now));
	TH_LOG("%u prefixes x %u flaps: all kept, worst relative error %.2e, "
	       "%llu bytes", N, ROUNDS, worst,
	       (unsigned long long)flap_hash_bytes(&tb.h));
	tab_free(&tb);
}

TEST(reuse_time_and_route_fields)
{
	struct nfsk_flap_key k = key4(0xc6336400, 24, 254);
	struct nfsk_flap_info info;
	struct tab tb;
	u64 t, exact;

	tab_init(&tb, 64);
	nfsk_flap_event(&tb.t, &k, NFSK_FLAP_DEL, SEC, NULL);
	nfsk_flap_event(&tb.t, &k, NFSK_FLAP_ADD, SEC, NULL);
	nfsk_flap_event(&tb.t, &k, NFSK_FLAP_DEL, SEC, NULL);
	nfsk_flap_event(&tb.t, &k, NFSK_FLAP_DEL, SEC, NULL);
	ASSERT_TRUE(nfsk_flap_lookup(&tb.t, &k, SEC, &info));
	EXPECT_EQ(3000U, info.penalty);
	/* 3000 -> 750 is exactly two half-lives */
	t = nfsk_flap_reuse_in(&tb.t, info.penalty_fx);
	exact = 2 * HL;
	EXPECT_LE(t > exact ? t - exact : exact - t, HL / 10000);
	EXPECT_EQ(0ULL, nfsk_flap_reuse_in(&tb.t, 700 << NFSK_FLAP_FRAC_BITS));
	/* decayed by that time it is no longer suppressed, just before it is */
	ASSERT_TRUE(nfsk_flap_lookup(&tb.t, &k, SEC + t, &info));
	EXPECT_FALSE(info.suppressed);
	ASSERT_TRUE(nfsk_flap_lookup(&tb.t, &k, SEC + t - 1, &info));
	EXPECT_TRUE(info.suppressed);
	nfsk_flap_set_route(&tb.t, &k, 12, 3);
	ASSERT_TRUE(nfsk_flap_lookup(&tb.t, &k, SEC, &info));
	EXPECT_EQ(12, info.protocol);
	EXPECT_EQ(3, info.nexthops);
	EXPECT_EQ(SEC, info.stamp_ns);
	tab_free(&tb);
}

/* Random event streams vs a floating-point RFC 2439 model. */
TEST(random_streams_vs_model)
{
	enum { NP = 24, STEPS = 20000 };
	struct model {
		double p;
		u64 t;
		int sup, wd, live;
	} md[NP];
	struct nfsk_flap_key keys[NP];
	struct nfsk_flap_verdict v;
	struct nfsk_flap_info info;
	struct nfsk_test_rng rng;
	unsigned int i, s, ev, checked = 0, forgot = 0;
	double p, inc, tol;
	struct tab tb;
	u64 t = 0;

	nfsk_test_rng_seed(&rng, 12);
	tab_init(&tb, 4096);
	memset(md, 0, sizeof(md));
	for (i = 0; i < NP; i++) {
		memset(&keys[i], 0, sizeof(keys[i]));
		keys[i].family = 10;
		keys[i].plen = 64;
		keys[i].addr[0] = 0x20;
		keys[i].addr[1] = 0x01;
		keys[i].addr[7] = i;
	}
	for (s = 0; s < STEPS; s++) {
		/* bursty: mostly seconds apart, sometimes hours */
		t += nfsk_test_rng_u64(&rng) % 8 ? nfsk_test_rng_u64(&rng) %
			(60 * SEC) : nfsk_test_rng_u64(&rng) % (3 * HL);
		i = nfsk_test_rng_u64(&rng) % NP;
		ev = nfsk_test_rng_u64(&rng) % 3;
		/* model */
		p = md[i].live ? md[i].p * pow(2, -(double)(t - md[i].t) / HL)
			       : 0;
		if (md[i].sup && p < tb.cfg.reuse)
			md[i].sup = 0;
		inc = ev == NFSK_FLAP_DEL ? 1000 :
		      ev == NFSK_FLAP_REPLACE ? 500 : 0;
		if (ev == NFSK_FLAP_ADD && !md[i].live) {
			/* an add without history costs nothing, makes nothing */
			ASSERT_EQ(0U, nfsk_flap_event(&tb.t, &keys[i], ev, t, &v));
			ASSERT_FALSE(v.tracked);
			continue;
		}
		nfsk_flap_event(&tb.t, &keys[i], ev, t, &v);
		/* released below reuse / 2 (resync within the tolerance) */
		tol = md[i].p * 1e-3 + 2;
		if (md[i].live && !md[i].sup &&
		    fabs(p - tb.cfg.reuse / 2.0) > tol)
			ASSERT_EQ(p < tb.cfg.reuse / 2.0, v.forgot)
				TH_LOG("step %u prefix %u: %.3f", s, i, p);
		if (v.forgot) {
			p = 0;
			md[i].wd = 0;
			forgot++;
		}
		if (ev == NFSK_FLAP_ADD)
			md[i].wd = 0;
		if (ev == NFSK_FLAP_DEL)
			md[i].wd = 1;
		p += inc;
		if (p > tb.cfg.ceiling)
			p = tb.cfg.ceiling;
		md[i].p = p;
		md[i].t = t;
		md[i].live = 1;
		/* the table's error compounds once per event: be generous */
		tol = p * 1e-3 + 2;
		ASSERT_LE(fabs(v.penalty - p), tol)
			TH_LOG("step %u prefix %u: %u vs %.3f", s, i,
			       v.penalty, p);
		if (!md[i].sup && p > tb.cfg.suppress)
			md[i].sup = 1;
		if (fabs(p - tb.cfg.suppress) > tol &&
		    fabs(p - tb.cfg.reuse) > tol) {
			ASSERT_EQ(md[i].sup, v.suppressed);
			checked++;
		} else {
			md[i].sup = v.suppressed;	/* resync at the edge */
		}
		ASSERT_TRUE(nfsk_flap_lookup(&tb.t, &keys[i], t, &info));
		ASSERT_EQ((int)md[i].wd, (int)info.withdrawn);
	}
	EXPECT_EQ(0U, (unsigned int)tb.t.refused);
	EXPECT_GT(forgot, 10U);
	EXPECT_GT(tb.t.suppress_crossings, 10U);
	EXPECT_GT(checked, (unsigned int)STEPS / 2);
	tab_free(&tb);
}

TEST_HARNESS_MAIN
