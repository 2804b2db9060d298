// SPDX-License-Identifier: GPL-2.0
/*
 * Count-Min against an exact per-flow count on a seeded Zipf trace:
 * never an underestimate, at least (1 - e^-d) of the flows within
 * e*N/w, merges equal to the sketch of the concatenated stream, and the
 * integer bound equal to ceil(e*N/w).
 */
#include <stdlib.h>
#include <math.h>
#include "kselftest_harness.h"
#include <nfsketch/cms.h>
#include <nfsketch/siphash.h>
#include "zipf.h"

#define NPKTS	(1U << 20)
#define NFLOWS	100000U

struct exact {
	u64 *pkts;
	u64 *bytes;
	u64 *hash;
};

static void exact_count(const struct trace *t, const struct nfsk_hash_key *hk,
			struct exact *e)
{
	u32 i;

	e->pkts = calloc(t->nflows, 8);
	e->bytes = calloc(t->nflows, 8);
	e->hash = malloc(t->nflows * 8);
	for (i = 0; i < t->nflows; i++)
		e->hash[i] = nfsk_flow_hash(hk, &t->keys[i]);
	for (i = 0; i < t->npkts; i++) {
		e->pkts[t->flow[i]]++;
		e->bytes[t->flow[i]] += t->len[i];
	}
}

static void exact_free(struct exact *e)
{
	free(e->pkts);
	free(e->bytes);
	free(e->hash);
}

static void check_sketch(struct __test_metadata *_metadata,
			 const struct nfsk_cms *c, const struct trace *t,
			 const struct exact *e, double *frac_out,
			 double *mean_err)
{
	u32 i, within = 0, seen = 0;
	double delta = exp(-(double)c->depth), err = 0;

	for (i = 0; i < t->nflows; i++) {
		struct nfsk_cms_est est;

		if (!e->pkts[i])
			continue;
		seen++;
		nfsk_cms_query(c, e->hash[i], &est);
		ASSERT_GE(est.packets, e->pkts[i]) TH_LOG("flow %u", i);
		ASSERT_GE(est.bytes, e->bytes[i]) TH_LOG("flow %u", i);
		if (est.packets - e->pkts[i] <= est.err_packets &&
		    est.bytes - e->bytes[i] <= est.err_bytes)
			within++;
		err += est.packets - e->pkts[i];
	}
	*frac_out = (double)within / seen;
	*mean_err = err / seen;
	ASSERT_GE(*frac_out, 1.0 - delta);
	ASSERT_GE(seen, 50000U);
}

TEST(zipf_never_under_and_within_bound)
{
	struct nfsk_hash_key hk;
	struct nfsk_cms c, cu;
	struct trace t;
	struct exact e;
	void *m1, *m2;
	double frac, ferr, frac_cu, ferr_cu;
	u32 i;

	trace_make(&t, NPKTS, NFLOWS, 1.0, 11);
	trace_hash_key(&hk, 3);
	exact_count(&t, &hk, &e);
	m1 = malloc(nfsk_cms_size(4, 2048));
	m2 = malloc(nfsk_cms_size(4, 2048));
	nfsk_cms_init(&c, 4, 2048, false, m1);
	nfsk_cms_init(&cu, 4, 2048, true, m2);
	for (i = 0; i < t.npkts; i++) {
		u64 h = e.hash[t.flow[i]];

		nfsk_cms_update(&c, h, t.len[i]);
		nfsk_cms_update(&cu, h, t.len[i]);
	}
	ASSERT_EQ(t.npkts, c.total_packets);
	check_sketch(_metadata, &c, &t, &e, &frac, &ferr);
	check_sketch(_metadata, &cu, &t, &e, &frac_cu, &ferr_cu);
	TH_LOG("d=4 w=2048: %.4f of flows within e*N/w (need %.4f), mean packet overestimate %.1f; conservative: %.4f, %.1f",
	       frac, 1 - exp(-4), ferr, frac_cu, ferr_cu);
	ASSERT_LE(ferr_cu, ferr);
	free(m1);
	free(m2);
	exact_free(&e);
	trace_free(&t);
}

TEST(merge_equals_concatenation)
{
	struct nfsk_hash_key hk;
	struct nfsk_cms a, b, all;
	struct trace t;
	void *ma, *mb, *mall;
	u64 cells = 3ULL * 1024;
	u32 i;

	trace_make(&t, 200000, 20000, 1.1, 12);
	trace_hash_key(&hk, 4);
	ma = malloc(nfsk_cms_size(3, 1024));
	mb = malloc(nfsk_cms_size(3, 1024));
	mall = malloc(nfsk_cms_size(3, 1024));
	nfsk_cms_init(&a, 3, 1024, false, ma);
	nfsk_cms_init(&b, 3, 1024, false, mb);
	nfsk_cms_init(&all, 3, 1024, false, mall);
	for (i = 0; i < t.npkts; i++) {
		u64 h = nfsk_flow_hash(&hk, &t.keys[t.flow[i]]);

		nfsk_cms_update(i & 1 ? &a : &b, h, t.len[i]);
		nfsk_cms_update(&all, h, t.len[i]);
	}
	ASSERT_TRUE(nfsk_cms_merge(&a, &b));
	ASSERT_EQ(0, memcmp(a.packets, all.packets, cells * 4));
	ASSERT_EQ(0, memcmp(a.bytes, all.bytes, cells * 8));
	ASSERT_EQ(all.total_bytes, a.total_bytes);
	ASSERT_EQ(all.total_packets, a.total_packets);
	/* geometry mismatch is refused */
	nfsk_cms_init(&b, 2, 1024, false, mb);
	ASSERT_FALSE(nfsk_cms_merge(&a, &b));
	nfsk_cms_clear(&a);
	for (i = 0; i < cells; i++)
		ASSERT_EQ(0U, a.packets[i]);
	free(ma);
	free(mb);
	free(mall);
	trace_free(&t);
}

TEST(rows_and_columns)
{
	struct nfsk_cms c;
	void *m = malloc(nfsk_cms_size(8, 16));
	u64 h = 0x0123456789abcdefULL;
	u32 r, sum = 0;

	ASSERT_TRUE(nfsk_cms_geom_ok(8, 16));
	ASSERT_FALSE(nfsk_cms_geom_ok(9, 16));
	ASSERT_FALSE(nfsk_cms_geom_ok(4, 1000));
	nfsk_cms_init(&c, 8, 16, false, m);
	nfsk_cms_update(&c, h, 100);
	for (r = 0; r < 8; r++) {
		u32 col = nfsk_cms_col(&c, h, r);

		ASSERT_LT(col, 16U);
		ASSERT_EQ(1U, nfsk_cms_row_packets(&c, r)[col]);
		ASSERT_EQ(100U, nfsk_cms_row_bytes(&c, r)[col]);
		for (u32 j = 0; j < 16; j++)
			sum += nfsk_cms_row_packets(&c, r)[j];
	}
	ASSERT_EQ(8U, sum);
	free(m);
}

TEST(bound_is_exact_ceiling)
{
	static const u32 widths[] = { 16, 2048, 1U << 20, 1U << 24 };
	u64 s = 1;
	u32 i, j;

	ASSERT_EQ(0UL, nfsk_cms_bound(0, 2048));
	ASSERT_EQ(1UL, nfsk_cms_bound(1, 2048));
	ASSERT_EQ(2UL, nfsk_cms_bound(7, 16));	/* 1.189 */
	ASSERT_EQ(1328UL, nfsk_cms_bound(1000000, 2048)); /* 1327.28 */
	for (j = 0; j < 4; j++) {
		for (i = 0; i < 100000; i++) {
			u64 n = trace_rand(&s) >> (i % 64);
			u64 b = nfsk_cms_bound(n, widths[j]);
			/* exact rational check: b-1 < e*n/w <= b, e ~ 2.718281828459045235 */
			long double en = (long double)n * 2.718281828459045235360L /
					 widths[j];

			ASSERT_TRUE((long double)b >= en * (1 - 1e-18L));
			ASSERT_TRUE((long double)b < en + 1 + en * 1e-18L);
		}
	}
}

TEST_HARNESS_MAIN
