// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the detectors (kmod/core/detect.c). Oracles: mean and sigma
 * in long double, percentiles by qsort, heavy hitter in 128-bit integers,
 * and seeded synthetic series with injected spikes, drops and drifts whose
 * expected verdicts are known by construction.
 */
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include "kselftest_harness.h"
#include "series.h"

#include <nfsketch/detect.h>

#define HIST	360

typedef unsigned __int128 u128;

static u64 scratch[NFSK_DETECT_N_MAX];

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * Judge every window t of v[0..len-1] against the HIST windows before it,
 * as the kernel does at window close; flags[t] = verdict.
 */
static void run_series(const struct nfsk_detect_cfg *cfg, const u64 *v,
		       unsigned int len, unsigned char *flags)
{
	struct nfsk_detect_result res;
	unsigned int t, n;

	for (t = 0; t < len; t++) {
		n = t < HIST ? t : HIST;
		flags[t] = nfsk_detect_eval(cfg, v + t - n, n, v[t], scratch,
					    NFSK_DETECT_N_MAX, &res);
	}
}

TEST(isqrt_exact)
{
	struct nfsk_test_rng rng;
	u64 x, r;
	int i;

	nfsk_test_rng_seed(&rng, 1);
	ASSERT_EQ(0ULL, nfsk_isqrt64(0));
	ASSERT_EQ(1ULL, nfsk_isqrt64(3));
	ASSERT_EQ(2ULL, nfsk_isqrt64(4));
	ASSERT_EQ(0xFFFFFFFFULL, nfsk_isqrt64(~0ULL));
	for (i = 0; i < 200000; i++) {
		x = nfsk_test_rng_u64(&rng) >> (i % 64);
		r = nfsk_isqrt64(x);
		/* r^2 <= x < (r+1)^2, in 128 bits */
		ASSERT_TRUE((u128)r * r <= x);
		ASSERT_TRUE((u128)(r + 1) * (r + 1) > x);
	}
}

TEST(percentile_vs_qsort)
{
	static u64 a[5000], b[5000];
	struct nfsk_test_rng rng;
	unsigned int n, trial, p;
	u64 want, rank;

	nfsk_test_rng_seed(&rng, 2);
	for (trial = 0; trial < 300; trial++) {
		n = 1 + nfsk_test_rng_u64(&rng) % 4096;
		for (unsigned int i = 0; i < n; i++) {
			/* few distinct values in some trials: ties */
			a[i] = nfsk_test_rng_u64(&rng) >> (trial % 3 ? 20 : 60);
		}
		memcpy(b, a, n * sizeof(u64));
		qsort(b, n, sizeof(u64), cmp_u64);
		for (p = 0; p <= 100; p += (trial % 10) + 1) {
			memcpy(scratch, a, n * sizeof(u64));
			rank = (u64)ceil((double)p * n / 100.0 - 1e-9);
			if (rank < 1)
				rank = 1;
			want = b[rank - 1];
			ASSERT_EQ(want, nfsk_detect_percentile(scratch, n, p));
			/* and the sort itself is a permutation, ascending */
			ASSERT_EQ(0, memcmp(scratch, b, n * sizeof(u64)));
		}
	}
}

TEST(mean_sigma_vs_double)
{
	static const double bases[] = { 0.3, 2, 1000, 1e6, 1e9, 1e12, 1.5e13 };
	static const double rel_sd[] = { 0, 1e-3, 0.02, 0.3, 1.0 };
	static const unsigned int ns[] = { 1, 2, 7, 30, 360, 4096 };
	static u64 v[NFSK_DETECT_N_MAX];
	struct nfsk_detect_cfg cfg;
	struct nfsk_detect_result res;
	struct nfsk_test_rng rng;
	unsigned int bi, si, ni, i, n, k;
	long double sum, sq, mean, sd, tol_m, tol_s, range;
	u64 lo, hi;

	nfsk_test_rng_seed(&rng, 3);
	nfsk_detect_cfg_default(&cfg, NFSK_SERIES_PACKETS);
	for (k = 0; k < ARRAY_SIZE(bases) * ARRAY_SIZE(rel_sd) * ARRAY_SIZE(ns);
	     k++) {
		bi = k / (ARRAY_SIZE(rel_sd) * ARRAY_SIZE(ns));
		si = k / ARRAY_SIZE(ns) % ARRAY_SIZE(rel_sd);
		ni = k % ARRAY_SIZE(ns);
		n = ns[ni];
		sum = 0;
		lo = ~0ULL;
		hi = 0;
		for (i = 0; i < n; i++) {
			v[i] = nfsk_test_noisy(&rng, bases[bi],
					       bases[bi] * rel_sd[si] + 0.5);
			/* the documented saturation */
			if (v[i] > NFSK_DETECT_VALUE_MAX)
				v[i] = NFSK_DETECT_VALUE_MAX;
			sum += v[i];
			lo = v[i] < lo ? v[i] : lo;
			hi = v[i] > hi ? v[i] : hi;
		}
		mean = sum / n;
		sq = 0;
		for (i = 0; i < n; i++)
			sq += (v[i] - mean) * (v[i] - mean);
		sd = sqrtl(sq / n);
		range = hi - lo;
		nfsk_detect_eval(&cfg, v, n, v[0], scratch, NFSK_DETECT_N_MAX,
				 &res);
		/*
		 * Stated accuracy: floors in milli-units, and a rescaling
		 * error below 2^-18 of the range (2^-16 unit for small ones).
		 */
		tol_m = 1 + 1000 * range / (1 << 22) + 1000.0 / (1 << 16);
		tol_s = 2 + 1000 * range / (1 << 17) + 1000.0 / (1 << 12);
		EXPECT_LE(fabsl(res.mean_milli - 1000 * mean), tol_m)
			TH_LOG("base %g sd %g n %u: mean %llu want %.3Lf",
			       bases[bi], rel_sd[si], n,
			       (unsigned long long)res.mean_milli, 1000 * mean);
		EXPECT_LE(fabsl(res.sigma_milli - 1000 * sd), tol_s)
			TH_LOG("base %g sd %g n %u: sigma %llu want %.3Lf",
			       bases[bi], rel_sd[si], n,
			       (unsigned long long)res.sigma_milli, 1000 * sd);
		EXPECT_EQ(n, res.history);
	}
}

TEST(mean_sigma_extremes)
{
	static u64 v[NFSK_DETECT_N_MAX];
	struct nfsk_detect_cfg cfg;
	struct nfsk_detect_result res;
	unsigned int i;
	long double sd;

	nfsk_detect_cfg_default(&cfg, NFSK_SERIES_BYTES);
	/* half at 0, half at the maximum: the worst case for overflow */
	for (i = 0; i < NFSK_DETECT_N_MAX; i++)
		v[i] = i & 1 ? ~0ULL : 0;	/* saturated to 2^44 - 1 */
	nfsk_detect_eval(&cfg, v, NFSK_DETECT_N_MAX, 0, scratch, 16, &res);
	sd = (long double)NFSK_DETECT_VALUE_MAX / 2;
	EXPECT_LE(fabsl(res.mean_milli - 1000 * sd), 1000 * sd / (1 << 20));
	EXPECT_LE(fabsl(res.sigma_milli - 1000 * sd), 1000 * sd / (1 << 20));
	EXPECT_EQ(16U, res.window);
	EXPECT_EQ(0ULL, res.p5);
	EXPECT_EQ(NFSK_DETECT_VALUE_MAX, res.p95);
	/* more history than N_MAX: only the newest N_MAX are used */
	nfsk_detect_eval(&cfg, v, 3, 5, scratch, 16, &res);
	EXPECT_EQ(3U, res.history);
}

TEST(score_matches_definition)
{
	static u64 v[HIST];
	struct nfsk_detect_cfg cfg;
	struct nfsk_detect_result res;
	struct nfsk_test_rng rng;
	long double sum = 0, sq = 0, mean, sd, want;
	unsigned int i;

	nfsk_test_rng_seed(&rng, 4);
	nfsk_detect_cfg_default(&cfg, NFSK_SERIES_PACKETS);
	for (i = 0; i < HIST; i++) {
		v[i] = nfsk_test_noisy(&rng, 50000, 1000);
		sum += v[i];
	}
	mean = sum / HIST;
	for (i = 0; i < HIST; i++)
		sq += (v[i] - mean) * (v[i] - mean);
	sd = sqrtl(sq / HIST);
	nfsk_detect_eval(&cfg, v, HIST, 53500, scratch, HIST, &res);
	want = (53500 - mean) / sd * 1000;
	EXPECT_LE(fabsl(res.score - want), 2 + fabsl(want) * 1e-4);
	nfsk_detect_eval(&cfg, v, HIST, 40000, scratch, HIST, &res);
	want = (40000 - mean) / sd * 1000;
	EXPECT_LE(fabsl(res.score - want), 2 + fabsl(want) * 1e-4);
	EXPECT_EQ(-1, res.dir);
	/* constant history: sigma 0, score saturates */
	for (i = 0; i < HIST; i++)
		v[i] = 777;
	nfsk_detect_eval(&cfg, v, HIST, 778, scratch, HIST, &res);
	EXPECT_EQ(0ULL, res.sigma_milli);
	EXPECT_EQ(NFSK_DETECT_SCORE_MAX, res.score);
	nfsk_detect_eval(&cfg, v, HIST, 777, scratch, HIST, &res);
	EXPECT_EQ(0, res.score);
	EXPECT_EQ(0, res.hits);
}

/* Injected spikes of random height are all flagged; nothing else is. */
TEST(spikes_recall_and_false_positives)
{
	enum { LEN = 1000, NSPIKE = 20 };
	static u64 v[LEN];
	static unsigned char flags[LEN], spike[LEN];
	struct nfsk_detect_cfg cfg;
	struct nfsk_test_rng rng;
	unsigned int t, i, hits = 0, fp = 0;

	nfsk_test_rng_seed(&rng, 5);
	nfsk_detect_cfg_default(&cfg, NFSK_SERIES_PACKETS);
	for (t = 0; t < LEN; t++)
		v[t] = nfsk_test_noisy(&rng, 1e6, 2e4);	/* 2 % noise */
	memset(spike, 0, sizeof(spike));
	for (i = 0; i < NSPIKE; i++) {
		t = 40 + i * 48;
		spike[t] = 1;
		v[t] = (u64)(v[t] * (1.3 + 0.7 * nfsk_test_rng_unit(&rng)));
	}
	/* drops are not spikes for a volume series */
	for (i = 0; i < 10; i++)
		v[60 + i * 90] /= 3;
	run_series(&cfg, v, LEN, flags);
	for (t = 0; t < LEN; t++) {
		if (spike[t])
			hits += flags[t];
		else
			fp += flags[t];
	}
	EXPECT_EQ((unsigned int)NSPIKE, hits);
	EXPECT_LE(fp, 2U) TH_LOG("%u false positives", fp);
}

/* A long steady series and a slow drift raise (almost) nothing. */
TEST(steady_and_drift_false_positives)
{
	enum { LEN = 1000 };
	static u64 v[LEN];
	static unsigned char flags[LEN];
	struct nfsk_detect_cfg cfg;
	struct nfsk_test_rng rng;
	unsigned int t, fp, seed, sigma_only;
	struct nfsk_detect_result res;

	nfsk_detect_cfg_default(&cfg, NFSK_SERIES_PACKETS);
	for (seed = 0; seed < 3; seed++) {
		nfsk_test_rng_seed(&rng, 100 + seed);
		for (t = 0; t < LEN; t++)
			v[t] = nfsk_test_noisy(&rng, 2e6, 5e4);
		run_series(&cfg, v, LEN, flags);
		for (fp = 0, t = 0; t < LEN; t++)
			fp += flags[t];
		EXPECT_LE(fp, 2U) TH_LOG("steady seed %u: %u flags", seed, fp);

		/* +20 % over the series: sigma alone fires, density not */
		sigma_only = 0;
		for (t = 0; t < LEN; t++)
			v[t] = nfsk_test_noisy(&rng, 2e6 * (1 + 0.2 * t / LEN),
					       5e4);
		run_series(&cfg, v, LEN, flags);
		for (fp = 0, t = 0; t < LEN; t++) {
			fp += flags[t];
			if (t >= HIST) {
				nfsk_detect_eval(&cfg, v + t - HIST, HIST, v[t],
						 scratch, HIST, &res);
				sigma_only += res.hits == NFSK_DETECT_HIT_SIGMA;
			}
		}
		EXPECT_LE(fp, 2U) TH_LOG("drift seed %u: %u flags", seed, fp);
		/* the drift does fool sigma alone: density is what helps */
		EXPECT_GT(sigma_only, 20U);
	}
}

TEST(no_flag_during_warmup)
{
	static u64 v[HIST + 1];
	struct nfsk_detect_cfg cfg;
	struct nfsk_detect_result res;
	unsigned int n;

	nfsk_detect_cfg_default(&cfg, NFSK_SERIES_PACKETS);
	for (n = 0; n <= HIST; n++)
		v[n] = 100000 + (n % 7) * 100;
	for (n = 0; n < cfg.min_history; n++) {
		EXPECT_FALSE(nfsk_detect_eval(&cfg, v, n, 10000000, scratch,
					      HIST, &res));
		EXPECT_FALSE(res.warm);
	}
	EXPECT_TRUE(nfsk_detect_eval(&cfg, v, cfg.min_history, 10000000,
				     scratch, HIST, &res));
	EXPECT_TRUE(res.warm);
	EXPECT_EQ(NFSK_DETECT_HIT_SIGMA | NFSK_DETECT_HIT_DENSITY, res.hits);
}

TEST(no_flag_under_min_size)
{
	static u64 v[HIST];
	struct nfsk_detect_cfg cfg;
	struct nfsk_detect_result res;
	struct nfsk_test_rng rng;
	unsigned int i;

	nfsk_test_rng_seed(&rng, 6);
	nfsk_detect_cfg_default(&cfg, NFSK_SERIES_PACKETS);
	for (i = 0; i < HIST; i++)
		v[i] = nfsk_test_noisy(&rng, 100, 5);
	/* 10x spike, but 1000 packets < min_value 10000 */
	EXPECT_FALSE(nfsk_detect_eval(&cfg, v, HIST, 1000, scratch, HIST,
				      &res));
	EXPECT_EQ(NFSK_DETECT_HIT_SIGMA | NFSK_DETECT_HIT_DENSITY, res.hits);
	cfg.min_value = 0;
	EXPECT_TRUE(nfsk_detect_eval(&cfg, v, HIST, 1000, scratch, HIST,
				     &res));
	cfg.min_delta = 901;	/* |1000 - ~100| < 901 */
	EXPECT_FALSE(nfsk_detect_eval(&cfg, v, HIST, 1000, scratch, HIST,
				      &res));

	/* route events: mostly 0..2 per window, 8 is unusual but small */
	nfsk_detect_cfg_default(&cfg, NFSK_SERIES_ROUTE_EVENTS);
	for (i = 0; i < HIST; i++)
		v[i] = nfsk_test_rng_u64(&rng) % 3;
	EXPECT_FALSE(nfsk_detect_eval(&cfg, v, HIST, 8, scratch, HIST, &res));
	EXPECT_EQ(NFSK_DETECT_HIT_SIGMA | NFSK_DETECT_HIT_DENSITY, res.hits);
	EXPECT_TRUE(nfsk_detect_eval(&cfg, v, HIST, 40, scratch, HIST, &res));
}

TEST(entropy_drop_is_shift)
{
	static u64 v[HIST];
	struct nfsk_detect_cfg cfg, pk;
	struct nfsk_detect_result res;
	struct nfsk_test_rng rng;
	unsigned int i;

	nfsk_test_rng_seed(&rng, 7);
	nfsk_detect_cfg_default(&cfg, NFSK_SERIES_DST_ENTROPY);
	nfsk_detect_cfg_default(&pk, NFSK_SERIES_PACKETS);
	pk.min_value = 0;
	EXPECT_EQ((u32)NFSK_FLAG_ENTROPY_SHIFT,
		  nfsk_detect_series_flag(NFSK_SERIES_DST_ENTROPY));
	for (i = 0; i < HIST; i++)
		v[i] = nfsk_test_noisy(&rng, 12000, 150);	/* milli-bits */
	/* a flood to one victim: destination entropy collapses */
	EXPECT_TRUE(nfsk_detect_eval(&cfg, v, HIST, 3000, scratch, HIST,
				     &res));
	EXPECT_EQ(-1, res.dir);
	EXPECT_LT(res.score, -2000);
	/* the same drop on a volume series is not a spike */
	EXPECT_FALSE(nfsk_detect_eval(&pk, v, HIST, 3000, scratch, HIST,
				      &res));
	/* spoofed sources: entropy up */
	EXPECT_TRUE(nfsk_detect_eval(&cfg, v, HIST, 16000, scratch, HIST,
				     &res));
	EXPECT_EQ(1, res.dir);
	/* normal value: nothing */
	EXPECT_FALSE(nfsk_detect_eval(&cfg, v, HIST, 12100, scratch, HIST,
				      &res));
	EXPECT_EQ(0, res.hits);
	/* 3 sigma but under min_delta (set to 500 milli-bits here) */
	cfg.min_delta = 500;
	EXPECT_FALSE(nfsk_detect_eval(&cfg, v, HIST, 12450, scratch, HIST,
				      &res));
}

/* A recurring burst: sigma fires, density does not ("seen it before"). */
TEST(combine_both_or_either)
{
	static u64 v[HIST];
	struct nfsk_detect_cfg cfg;
	struct nfsk_detect_result res;
	struct nfsk_test_rng rng;
	unsigned int i;

	nfsk_test_rng_seed(&rng, 8);
	nfsk_detect_cfg_default(&cfg, NFSK_SERIES_PACKETS);
	for (i = 0; i < HIST; i++)
		v[i] = nfsk_test_noisy(&rng, i % 36 ? 1e6 : 3e6, 2e4);
	EXPECT_FALSE(nfsk_detect_eval(&cfg, v, HIST, 3e6, scratch, HIST,
				      &res));
	EXPECT_EQ(NFSK_DETECT_HIT_SIGMA, res.hits);
	EXPECT_GE(res.neighbours, cfg.density_k);
	cfg.combine = NFSK_COMBINE_EITHER;
	EXPECT_TRUE(nfsk_detect_eval(&cfg, v, HIST, 3e6, scratch, HIST, &res));
	/* a short scratch shrinks the density window */
	nfsk_detect_eval(&cfg, v, HIST, 3e6, scratch, 20, &res);
	EXPECT_EQ(20U, res.window);
	EXPECT_EQ((u32)HIST, res.history);
}

TEST(density_radius_oracle)
{
	static u64 v[HIST], s[HIST];
	struct nfsk_detect_cfg cfg;
	struct nfsk_detect_result res;
	struct nfsk_test_rng rng;
	unsigned int i, trial, w, cnt;
	u64 p5, p95, r, x;

	nfsk_test_rng_seed(&rng, 9);
	nfsk_detect_cfg_default(&cfg, NFSK_SERIES_BYTES);
	for (trial = 0; trial < 200; trial++) {
		cfg.density_w = 10 + nfsk_test_rng_u64(&rng) % 400;
		cfg.radius_factor_milli = nfsk_test_rng_u64(&rng) % 3000;
		for (i = 0; i < HIST; i++)
			v[i] = nfsk_test_noisy(&rng, 1e5, 1e4 * (trial % 5));
		x = nfsk_test_noisy(&rng, 1e5, 3e4);
		w = cfg.density_w < HIST ? cfg.density_w : HIST;
		memcpy(s, v + HIST - w, w * sizeof(u64));
		qsort(s, w, sizeof(u64), cmp_u64);
		p5 = s[(u64)ceil(w * 0.05 - 1e-9) - 1];
		p95 = s[(u64)ceil(w * 0.95 - 1e-9) - 1];
		r = (p95 - p5) * cfg.radius_factor_milli / 1000;
		r = r ? r : 1;
		for (cnt = 0, i = 0; i < w; i++)
			cnt += llabs((long long)(s[i] - x)) <= (long long)r;
		nfsk_detect_eval(&cfg, v, HIST, x, scratch, NFSK_DETECT_N_MAX,
				 &res);
		ASSERT_EQ(w, res.window);
		ASSERT_EQ(p5, res.p5);
		ASSERT_EQ(p95, res.p95);
		ASSERT_EQ(r, res.radius);
		ASSERT_EQ(cnt, res.neighbours);
		ASSERT_EQ(cnt < cfg.density_k,
			  !!(res.hits & NFSK_DETECT_HIT_DENSITY));
	}
}

TEST(heavy_hitter_exact)
{
	struct nfsk_test_rng rng;
	u64 f, w;
	unsigned int hh, i;
	bool want;

	nfsk_test_rng_seed(&rng, 10);
	EXPECT_TRUE(nfsk_detect_heavy_hitter(101, 1000, 100));
	EXPECT_FALSE(nfsk_detect_heavy_hitter(100, 1000, 100));
	EXPECT_FALSE(nfsk_detect_heavy_hitter(0, 0, 0));
	EXPECT_TRUE(nfsk_detect_heavy_hitter(1, 0, 0));
	EXPECT_FALSE(nfsk_detect_heavy_hitter(~0ULL, ~0ULL, 1000));
	EXPECT_TRUE(nfsk_detect_heavy_hitter(~0ULL, ~0ULL, 999));
	for (i = 0; i < 1000000; i++) {
		w = nfsk_test_rng_u64(&rng) >> (nfsk_test_rng_u64(&rng) % 64);
		hh = nfsk_test_rng_u64(&rng) % 1001;
		f = (u64)((long double)w * hh / 1000) +
		    (nfsk_test_rng_u64(&rng) % 5) - 2;
		want = (u128)f * 1000 >
		       (u128)w * hh;
		ASSERT_EQ(want, nfsk_detect_heavy_hitter(f, w, hh))
			TH_LOG("f %llu w %llu hh %u", (unsigned long long)f,
			       (unsigned long long)w, hh);
	}
}

TEST_HARNESS_MAIN
