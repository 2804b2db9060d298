// SPDX-License-Identifier: GPL-2.0
/*
 * Fixed-point log2 and entropy against the same computed in double, and
 * the error the bucketed address histogram makes on Zipf traces.
 */
#include <stdlib.h>
#include <math.h>
#include "kselftest_harness.h"
#include <nfsketch/entropy.h>
#include <nfsketch/bank.h>
#include "zipf.h"

static double log2_err(u64 x)
{
	return fabs(nfsk_log2_fx(x) / 65536.0 - log2((double)x));
}

TEST(log2_error_bound)
{
	double worst = 0, e;
	u64 s = 3, x;
	u32 i;

	ASSERT_EQ(0U, nfsk_log2_fx(1));
	ASSERT_EQ(65536U, nfsk_log2_fx(2));
	ASSERT_EQ(10U << 16, nfsk_log2_fx(1024));
	ASSERT_EQ(63U << 16, nfsk_log2_fx(1ULL << 63));
	for (x = 1; x <= (1 << 22); x++) {
		e = log2_err(x);
		if (e > worst)
			worst = e;
	}
	for (i = 0; i < 2000000; i++) {
		x = trace_rand(&s) >> (i % 63);
		if (!x)
			continue;
		e = log2_err(x);
		if (e > worst)
			worst = e;
	}
	TH_LOG("max |log2_fx - log2| = %.3e bits", worst);
	ASSERT_LT(worst, 1.1e-5);
}

static double entropy_double(const u64 *c, u32 n)
{
	double tot = 0, h = 0;
	u32 i;

	for (i = 0; i < n; i++)
		tot += c[i];
	for (i = 0; i < n; i++)
		if (c[i])
			h -= c[i] / tot * log2(c[i] / tot);
	return h;
}

TEST(entropy_vs_double)
{
	static u64 c[4096];
	u64 s = 17;
	u32 i, k, n;
	double worst = 0;

	ASSERT_EQ(0U, nfsk_entropy_mbits(c, 16));	/* empty */
	c[3] = 12345;
	ASSERT_EQ(0U, nfsk_entropy_mbits(c, 16));	/* one address */
	c[7] = 12345;
	ASSERT_EQ(1000U, nfsk_entropy_mbits(c, 16));	/* two, equal */
	for (k = 0; k < 300; k++) {
		n = 16U << (k % 9);
		for (i = 0; i < n; i++) {
			switch (k % 3) {
			case 0:	/* near uniform */
				c[i] = 1000 + trace_rand(&s) % 100;
				break;
			case 1:	/* Zipf-like */
				c[i] = (u64)(1e7 / pow(i + 1, 0.8 + k % 7 * 0.1));
				break;
			default: /* sparse and spiky */
				c[i] = trace_rand(&s) % 8 ? 0 :
				       trace_rand(&s) >> (8 + trace_rand(&s) % 56);
			}
		}
		{
			double want = entropy_double(c, n) * 1000;
			double got = nfsk_entropy_mbits(c, n);
			double err = fabs(got - want);

			if (err > worst)
				worst = err;
			ASSERT_LE(err, fmax(want * 0.01, 1.0))
				TH_LOG("case %u: got %.0f want %.3f", k, got, want);
		}
	}
	TH_LOG("max |H_fx - H| = %.3f milli-bits", worst);
}

static double exact_entropy_of(const u32 *host, const struct trace *t,
			       u32 nhosts)
{
	u64 *c = calloc(nhosts, 8);
	double h;
	u32 i;

	for (i = 0; i < t->npkts; i++)
		c[host[t->flow[i]]]++;
	h = entropy_double(c, nhosts);
	free(c);
	return h;
}

TEST(bucketed_estimate_on_zipf)
{
	static const double skews[] = { 0.6, 1.0, 1.4 };
	struct nfsk_hash_key hk;
	struct nfsk_hist src, dst;
	u32 *ms = malloc(nfsk_hist_size(1024));
	u32 *md = malloc(nfsk_hist_size(1024));
	u32 k, i;

	trace_hash_key(&hk, 31);
	for (k = 0; k < ARRAY_SIZE(skews); k++) {
		struct trace t;
		double hs, hd, es, ed;

		trace_make(&t, 1U << 19, 100000, skews[k], 40 + k);
		nfsk_hist_init(&src, 1024, ms);
		nfsk_hist_init(&dst, 1024, md);
		for (i = 0; i < t.npkts; i++) {
			const struct nfsk_flow_key *fk = &t.keys[t.flow[i]];

			nfsk_hist_add(&src, nfsk_addr_hash(&hk, fk->saddr));
			nfsk_hist_add(&dst, nfsk_addr_hash(&hk, fk->daddr));
		}
		hs = exact_entropy_of(t.src_host, &t, 2 * TRACE_SRC_HOSTS);
		hd = exact_entropy_of(t.dst_host, &t, 2 * TRACE_DST_HOSTS);
		es = nfsk_hist_entropy_mbits(&src) / 1000.0;
		ed = nfsk_hist_entropy_mbits(&dst) / 1000.0;
		TH_LOG("zipf s=%.1f: src exact %.3f bucketed %.3f (%+.1f %%), dst exact %.3f bucketed %.3f (%+.1f %%)",
		       skews[k], hs, es, 100 * (es - hs) / hs, hd, ed,
		       100 * (ed - hd) / hd);
		/* merging buckets never raises entropy; 1024 buckets cap it */
		ASSERT_LE(es, hs + 0.001);
		ASSERT_LE(ed, hd + 0.001);
		ASSERT_LE(es, 10.001);
		/* the loss is bounded: near min(H, log2 B) */
		ASSERT_GE(es, fmin(hs, 10) * 0.75);
		ASSERT_GE(ed, fmin(hd, 10) * 0.75);
		trace_free(&t);
	}
	free(ms);
	free(md);
}

TEST_HARNESS_MAIN
