// SPDX-License-Identifier: GPL-2.0
/*
 * Sample-and-Hold: the sampling gap against Exp(1), the per-packet sampling
 * probability against 1 - e^(-s*p), empirical miss rate of f-byte flows
 * against e^(-f*p), every flow above 1 % of the bytes held with a count never above the truth, the
 * table bound, and the direction of the adaptation of p.
 */
#include <stdlib.h>
#include <math.h>
#include "kselftest_harness.h"
#include <nfsketch/sah.h>
#include <nfsketch/siphash.h>
#include "zipf.h"

static void *sah_new(struct nfsk_sah *t, u32 entries, u32 p_fx, u64 seed)
{
	void *m = aligned_alloc(64, nfsk_sah_size(entries));

	nfsk_sah_init(t, entries, p_fx, seed, m);
	return m;
}

/* The gap draw: Exp(1) in 32.32, checked by its moments and quantiles. */
TEST(exp_gap_distribution)
{
	static const double q[] = { 0.01, 0.1, 0.5, 1, 2, 4, 8 };
	const u32 n = 2000000;
	struct nfsk_sah t;
	void *m = sah_new(&t, 8, 1U << 16, 11);
	double sum = 0, sum2 = 0, cnt[ARRAY_SIZE(q)] = { 0 };
	u32 i, j;

	for (i = 0; i < n; i++) {
		u64 e = nfsk_sah_exp_fx(&t);
		double x = e / 4294967296.0;

		ASSERT_GE(e, 1UL);
		ASSERT_LT(x, 22.2);
		sum += x;
		sum2 += x * x;
		for (j = 0; j < ARRAY_SIZE(q); j++)
			cnt[j] += x > q[j];
	}
	TH_LOG("mean %.4f, variance %.4f", sum / n, sum2 / n - sum * sum / n / n);
	ASSERT_LT(fabs(sum / n - 1), 5 / sqrt(n));
	ASSERT_LT(fabs(sum2 / n - sum * sum / n / n - 1), 0.01);
	for (j = 0; j < ARRAY_SIZE(q); j++) {
		double want = exp(-q[j]);

		ASSERT_LT(fabs(cnt[j] / n - want),
			  5 * sqrt(want * (1 - want) / n) + 1e-6)
			TH_LOG("P(E > %g) = %.5f, e^-x %.5f", q[j], cnt[j] / n,
			       want);
	}
	free(m);
}

/*
 * Per packet: a packet of s bytes not held is sampled with probability
 * 1 - e^(-s*p), whatever the sizes before it. Packets of one flow per
 * size, never installed (p tiny against the set being full): counted
 * through "full" by a table whose only set is full.
 */
TEST(packet_sampling_probability)
{
	static const u32 lens[] = { 64, 576, 1500, 9000 };
	static const double sp[] = { 0.01, 0.1, 0.5, 2 };
	struct nfsk_flow_key k;
	struct nfsk_sah t;
	void *m = sah_new(&t, 8, 0, 12);
	const u32 n = 400000;
	u32 i, j, w;

	nfsk_flow_key_zero(&k);
	for (w = 0; w < 8; w++)
		t.tags[w] = 1000 + w;	/* the only set is full */
	for (i = 0; i < ARRAY_SIZE(sp); i++)
		for (j = 0; j < ARRAY_SIZE(lens); j++) {
			double want, got;
			u32 k2;

			t.p_fx = (u32)(sp[i] / lens[j] * 4294967296.0);
			want = 1 - exp(-(double)lens[j] * t.p_fx / 4294967296.0);
			t.full = 0;
			/* other sizes interleaved: the gap must not carry bias */
			for (k2 = 0; k2 < n; k2++) {
				nfsk_sah_update(&t, 7, &k, lens[j]);
				if (k2 & 1) {
					u32 p = t.p_fx;
					u64 f = t.full;

					t.p_fx = p / 3;
					nfsk_sah_update(&t, 7, &k, 40);
					t.p_fx = p;
					t.full = f;
				}
			}
			got = (double)t.full / n;
			ASSERT_LT(fabs(got - want),
				  5 * sqrt(want * (1 - want) / n) + 1e-4)
				TH_LOG("s %u s*p %.2f: sampled %.5f, 1-e^-sp %.5f",
				       lens[j], sp[i], got, want);
		}
	ASSERT_EQ(0U, t.held);
	free(m);
}

/* n flows of f bytes each, packets of 100 bytes, interleaved round-robin */
static double miss_rate(u32 n, u32 f, u32 p_fx, u64 seed)
{
	struct nfsk_sah t;
	struct nfsk_hash_key hk;
	struct nfsk_flow_key k;
	void *m = sah_new(&t, 1U << 17, p_fx, seed);
	u8 s[4] = { 10, 0, 0, 0 }, d[4] = { 10, 1, 0, 0 };
	u32 i, b, held = 0;
	u64 *h = malloc(n * 8);

	trace_hash_key(&hk, seed);
	for (i = 0; i < n; i++) {
		s[2] = (u8)(i >> 8);
		s[3] = (u8)i;
		nfsk_flow_key_v4(&k, s, d, 6, (u16)(i >> 16), 80);
		h[i] = nfsk_flow_hash(&hk, &k);
	}
	for (b = 0; b < f; b += 100)
		for (i = 0; i < n; i++) {
			s[3] = (u8)i;
			nfsk_sah_update(&t, h[i], &k, 100);
		}
	held = t.held;
	free(m);
	free(h);
	return 1.0 - (double)held / n;
}

TEST(miss_rate_matches_theory)
{
	static const double fp[] = { 0.25, 0.5, 1.0, 2.0, 3.0 };
	const u32 n = 20000, f = 10000;
	u32 i;

	for (i = 0; i < ARRAY_SIZE(fp); i++) {
		u32 p_fx = (u32)(fp[i] / f * 4294967296.0);
		double want = exp(-fp[i]);
		double got = miss_rate(n, f, p_fx, 100 + i);
		double tol = 5 * sqrt(want * (1 - want) / n) + 1e-3;

		TH_LOG("f*p = %.2f: miss rate %.4f, e^-fp %.4f, tolerance %.4f",
		       fp[i], got, want, tol);
		ASSERT_LT(fabs(got - want), tol);
	}
}

TEST(heavy_flows_held_exact_below_truth)
{
	struct nfsk_hash_key hk;
	struct nfsk_sah t;
	struct trace tr;
	u64 *bytes, *pkts, *hash, total = 0;
	void *m;
	u32 i, heavy = 0;

	trace_make(&tr, 1U << 20, 100000, 1.1, 21);
	trace_hash_key(&hk, 22);
	bytes = calloc(tr.nflows, 8);
	pkts = calloc(tr.nflows, 8);
	hash = malloc(tr.nflows * 8);
	for (i = 0; i < tr.nflows; i++)
		hash[i] = nfsk_flow_hash(&hk, &tr.keys[i]);
	m = sah_new(&t, 8192, 1U << 14, 23);	/* p = 2^-18 */
	for (i = 0; i < tr.npkts; i++) {
		u32 fl = tr.flow[i];

		bytes[fl] += tr.len[i];
		pkts[fl]++;
		total += tr.len[i];
		nfsk_sah_update(&t, hash[fl], &tr.keys[fl], tr.len[i]);
	}
	ASSERT_EQ(tr.npkts, t.hits + t.misses + t.admitted + t.full);
	ASSERT_LE(t.held, t.entries);
	for (i = 0; i < t.entries; i++) {
		u32 fl;

		if (!nfsk_sah_held(&t, i))
			continue;
		/* find the flow by key (tags are hashes: check both) */
		for (fl = 0; fl < tr.nflows; fl++)
			if (hash[fl] == t.tags[i])
				break;
		ASSERT_LT(fl, tr.nflows);
		ASSERT_TRUE(nfsk_flow_key_eq(&tr.keys[fl], &t.keys[i]));
		ASSERT_LE(t.ctr[i].bytes, bytes[fl]);
		ASSERT_LE(t.ctr[i].packets, pkts[fl]);
		if (bytes[fl] * 100 > total) {
			heavy++;
			/* missed bytes before admission: e^-10 tail */
			ASSERT_GE(t.ctr[i].bytes + 10 * (1 << 18), bytes[fl]);
		}
	}
	for (i = 0, total /= 100; i < tr.nflows; i++)
		if (bytes[i] > total)
			heavy--;
	TH_LOG("held %u of %u, hits %lu misses %lu admitted %lu full %lu",
	       t.held, t.entries, t.hits, t.misses, t.admitted, t.full);
	ASSERT_EQ(0U, heavy);	/* every flow above 1 % was found held */
	free(bytes);
	free(pkts);
	free(hash);
	free(m);
	trace_free(&tr);
}

TEST(table_bound_and_full)
{
	struct nfsk_hash_key hk;
	struct nfsk_flow_key k;
	struct nfsk_sah t;
	u8 s[4] = { 10, 0, 0, 0 }, d[4] = { 10, 1, 0, 0 };
	void *m = sah_new(&t, 64, ~0U, 5);	/* p ~ 1: admit every flow */
	u32 i, w, set;

	trace_hash_key(&hk, 6);
	for (i = 0; i < 10000; i++) {
		s[2] = (u8)(i >> 8);
		s[3] = (u8)i;
		nfsk_flow_key_v4(&k, s, d, 17, 1, 2);
		nfsk_sah_update(&t, nfsk_flow_hash(&hk, &k), &k, 1500);
		ASSERT_LE(t.held, 64U);
	}
	ASSERT_EQ(64U, t.held);
	ASSERT_EQ(64UL, t.admitted);
	ASSERT_EQ(10000UL - 64, t.full);
	for (set = 0; set < 8; set++)
		for (w = 0; w < 8; w++)
			ASSERT_EQ(set, (u32)(t.tags[set * 8 + w] & 7));
	nfsk_sah_clear(&t);
	ASSERT_EQ(0U, t.held);
	ASSERT_EQ(0UL, t.full);
	free(m);
}

TEST(adaptation_direction)
{
	struct nfsk_hash_key hk;
	struct nfsk_flow_key k;
	struct nfsk_sah t;
	u8 s[4] = { 10, 0, 0, 0 }, d[4] = { 10, 1, 0, 0 };
	u32 p = 1U << 24, pmax = 1U << 24, win, i, prev;
	void *m = sah_new(&t, 1024, p, 7);

	ASSERT_EQ(500U, nfsk_sah_adapt(1000, 950, 1000, 4000));
	ASSERT_EQ(2000U, nfsk_sah_adapt(1000, 400, 1000, 4000));
	ASSERT_EQ(1500U, nfsk_sah_adapt(1000, 400, 1000, 1500));
	ASSERT_EQ(1000U, nfsk_sah_adapt(1000, 700, 1000, 4000));
	ASSERT_EQ(1U, nfsk_sah_adapt(1, 1000, 1000, 4000));
	ASSERT_EQ(1U, nfsk_sah_adapt(0, 0, 1000, 4000));

	/* heavy load: 50k distinct 1500 B flows per window fill the table */
	trace_hash_key(&hk, 8);
	for (win = 0; win < 12; win++) {
		nfsk_sah_clear(&t);
		t.p_fx = p;
		for (i = 0; i < 50000; i++) {
			s[1] = (u8)win;
			s[2] = (u8)(i >> 8);
			s[3] = (u8)i;
			nfsk_flow_key_v4(&k, s, d, 6, (u16)(i >> 16), 443);
			nfsk_sah_update(&t, nfsk_flow_hash(&hk, &k), &k, 1500);
		}
		prev = p;
		p = nfsk_sah_adapt(p, t.held, t.entries, pmax);
		TH_LOG("window %u: p 2^-%.1f held %u full %lu", win,
		       32 - log2(prev), t.held, t.full);
		if (t.held * 10 > t.entries * 9) {
			ASSERT_LT(p, prev);
		} else if (t.held * 2 < t.entries) {
			ASSERT_GE(p, prev);
		}
	}
	/* it settles between the watermarks */
	ASSERT_LE(t.held * 10, t.entries * 9);
	ASSERT_LT(p, pmax);
	/* light load: p climbs back to the ceiling */
	for (win = 0; win < 40; win++)
		p = nfsk_sah_adapt(p, 10, 1024, pmax);
	ASSERT_EQ(pmax, p);
	free(m);
}

TEST(prng_seeded_uniform)
{
	struct nfsk_prng a, b, z;
	double sum = 0;
	u32 i;

	nfsk_prng_seed(&a, 1);
	nfsk_prng_seed(&b, 1);
	nfsk_prng_seed(&z, 0);
	ASSERT_NE(0UL, z.s);
	for (i = 0; i < 1000000; i++) {
		u32 x = nfsk_prng_u32(&a);

		ASSERT_EQ(x, nfsk_prng_u32(&b));
		sum += x / 4294967296.0;
	}
	ASSERT_LT(fabs(sum / 1000000 - 0.5), 0.002);
}

TEST_HARNESS_MAIN
