// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the drift detector's slope (kmod/core/drift.c). Oracles:
 * exact lines (slope known by construction) and the least-squares slope in
 * long double on random series, including values near 2^44.
 */
#include <math.h>
#include <stdlib.h>
#include "kselftest_harness.h"
#include "series.h"
#include <nfsketch/drift.h>

static long double slope_ref(const u64 *h, u32 n, u64 value, u32 m)
{
	long double sx = 0, sy = 0, sxy = 0, sxx = 0, y;
	u32 i;

	for (i = 0; i < m; i++) {
		y = i + 1 < m ? (long double)h[n - (m - 1) + i] : (long double)value;
		sx += i;
		sy += y;
		sxy += i * y;
		sxx += (long double)i * i;
	}
	return (m * sxy - sx * sy) / (m * sxx - sx * sx) / (sy / m) * 1000;
}

TEST(line_exact)
{
	u64 h[64];
	u32 i, span;

	/* y = 1000 + 20 i over 20 values: slope 20, mean 1190 -> 16.8 permille */
	for (i = 0; i < 19; i++)
		h[i] = 1000 + 20 * i;
	ASSERT_EQ(16, nfsk_drift_slope_permille(h, 19, 1000 + 20 * 19, 20, &span));
	ASSERT_EQ(20U, span);
	/* falling: the same magnitude, negative */
	for (i = 0; i < 19; i++)
		h[i] = 2000 - 20 * i;
	ASSERT_EQ(-(s32)(20 * 1000 / (2000 - 20 * 9.5)),
		  nfsk_drift_slope_permille(h, 19, 2000 - 20 * 19, 20, &span));
	/* flat and too short */
	for (i = 0; i < 19; i++)
		h[i] = 777;
	ASSERT_EQ(0, nfsk_drift_slope_permille(h, 19, 777, 20, &span));
	ASSERT_EQ(0, nfsk_drift_slope_permille(h, 2, 900, 20, &span));
	ASSERT_EQ(3U, span);
	ASSERT_EQ(0, nfsk_drift_slope_permille(h, 19, 900, 0, &span));
}

TEST(random_vs_long_double)
{
	static u64 h[200];
	struct nfsk_test_rng rng;
	u32 trial, i, n, w, span, m;
	u64 value, scale;
	long double ref;
	s32 got;

	nfsk_test_rng_seed(&rng, 11);
	for (trial = 0; trial < 20000; trial++) {
		n = nfsk_test_rng_u64(&rng) % 200;
		w = nfsk_test_rng_u64(&rng) % 80;
		scale = 1ULL << (nfsk_test_rng_u64(&rng) % 44);
		for (i = 0; i < n; i++)
			h[i] = scale + nfsk_test_rng_u64(&rng) % scale +
			       scale / 64 * i;
		value = scale + nfsk_test_rng_u64(&rng) % scale;
		got = nfsk_drift_slope_permille(h, n, value, w, &span);
		m = w > NFSK_DRIFT_W_MAX ? NFSK_DRIFT_W_MAX : w;
		m = n + 1 < m ? n + 1 : m;
		ASSERT_EQ(m, span);
		if (m < 4)
			continue;
		ref = slope_ref(h, n, value, m);
		/* floored toward zero, and the 2^24 rescaling: < 1 permille */
		ASSERT_LE(fabsl(ref - got), 1.01L);
	}
}

/* The t statistic against long double on lines with Gaussian noise. */
TEST(significance_vs_long_double)
{
	static u64 h[64];
	struct nfsk_test_rng rng;
	u32 trial, i, m = 20, agree = 0, n = 0;

	nfsk_test_rng_seed(&rng, 12);
	for (trial = 0; trial < 5000; trial++) {
		long double sx = 0, sy = 0, sxy = 0, sxx = 0, syy = 0, y[20];
		long double slope, rss, t, noise = 5 + trial % 50;
		double b = (double)(trial % 7);
		bool want, got;

		for (i = 0; i < m; i++) {
			y[i] = 10000 + b * i + noise * nfsk_test_rng_gauss(&rng);
			if (i + 1 < m)
				h[i] = (u64)y[i];
			y[i] = (u64)y[i];
			sx += i;
			sy += y[i];
			sxy += i * y[i];
			sxx += (long double)i * i;
			syy += y[i] * y[i];
		}
		slope = (m * sxy - sx * sy) / (m * sxx - sx * sx);
		rss = (syy - sy * sy / m) - slope * slope * (sxx - sx * sx / m);
		t = fabsl(slope) / sqrtl(rss / (m - 2) / (sxx - sx * sx / m));
		want = t >= NFSK_DRIFT_T;
		got = nfsk_drift_significant(h, m - 1, (u64)y[m - 1], m);
		/* the 2^12 quantisation may flip verdicts within 5 % of T */
		if (fabsl(t - NFSK_DRIFT_T) > 0.05L * NFSK_DRIFT_T) {
			n++;
			agree += want == got;
		}
	}
	EXPECT_EQ(n, agree);
	EXPECT_GT(n, 4000U);
}

TEST_HARNESS_MAIN
