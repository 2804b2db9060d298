// SPDX-License-Identifier: GPL-2.0
/*
 * Fixed-point log2 and entropy against the same computed in double, and
 * the error the bucketed address histogram makes on Zipf traces.
 */
#include <stdlib.h>
#include <string.h>
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

/* the window's estimate: banks of ncpu CPUs folded, as window.c does */
struct est_rig {
	struct nfsk_hist	h[4];
	void			*hm[4];
	struct nfsk_hsum	s;
	void			*sm;
	u32			ncpu;
};

static void rig_init(struct est_rig *r, u32 ncpu)
{
	struct nfsk_geom g;
	u32 k;

	nfsk_geom_default(&g);
	r->ncpu = ncpu;
	for (k = 0; k < ncpu; k++) {
		r->hm[k] = malloc(nfsk_hist_size(g.hist_buckets, g.hist_sample));
		nfsk_hist_init(&r->h[k], g.hist_buckets, g.hist_sample, r->hm[k]);
	}
	r->sm = malloc(nfsk_hsum_size(g.hist_buckets, g.hist_sample));
	nfsk_hsum_init(&r->s, g.hist_buckets, g.hist_sample, r->sm);
}

static void rig_fold(struct est_rig *r)
{
	u32 k;

	nfsk_hsum_init(&r->s, r->h[0].buckets, r->h[0].tsize, r->sm);
	for (k = 0; k < r->ncpu; k++)
		nfsk_hsum_add(&r->s, &r->h[k]);
}

static void rig_free(struct est_rig *r)
{
	u32 k;

	for (k = 0; k < r->ncpu; k++)
		free(r->hm[k]);
	free(r->sm);
}

static u64 mix64(u64 x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

enum mixes { UNIFORM, ZIPF06, ZIPF10, ZIPF14, HEAVY8_U1, HEAVY2_U4, NMIX };
static const char *const mix_name[NMIX] = {
	"uniform (4 each)", "Zipf 0.6", "Zipf 1.0", "Zipf 1.4",
	"8 heavy (1/2) + uniform 1", "2 heavy (1/3) + uniform 4",
};

static u32 mix_count(enum mixes m, u32 i, u32 n)
{
	static const double s[] = { 0, 0.6, 1.0, 1.4 };

	switch (m) {
	case UNIFORM:
		return 4;
	case HEAVY8_U1:	/* 8 sources with as many packets as the rest */
		return i < 8 ? n / 8 : 1;
	case HEAVY2_U4:
		return i < 2 ? n : 4;
	default:	/* Zipf: the rarest address 1 packet */
		return (u32)llround(pow((double)n / (i + 1), s[m]));
	}
}

/*
 * The stated bound of entropy.h against exact Shannon entropy, computed
 * here in double from the generated counts, over the grid of distinct
 * addresses x mixes, three hash keys, each address's packets split over
 * two CPUs. Counts go in per address (nfsk_hist_add_n): the estimate
 * depends on the set of (address, packets), not on packet order.
 */
TEST(estimate_within_bound_on_grid)
{
	static const u32 ns[] = { 1000, 10000, 100000, 1000000 };
	u32 *c = malloc(1000000 * sizeof(u32));
	double worst = 0, bound = NFSK_ENTROPY_ERR_PERMILLE / 1000.0;
	struct est_rig r;
	u32 a, m, key, i, k;

	rig_init(&r, 2);
	TH_LOG("| distinct | mix | exact H, bits | estimate (key 1) | error (worst of 3 keys) |");
	for (a = 0; a < ARRAY_SIZE(ns); a++) {
		for (m = 0; m < NMIX; m++) {
			double tot = 0, h = 0, est1 = 0, werr = 0;
			u32 n = ns[a];

			for (i = 0; i < n; i++) {
				c[i] = mix_count(m, i, n);
				tot += c[i];
			}
			for (i = 0; i < n; i++)
				h -= c[i] / tot * log2(c[i] / tot);
			for (key = 1; key <= 3; key++) {
				double e, err;

				for (k = 0; k < r.ncpu; k++)
					nfsk_hist_clear(&r.h[k]);
				for (i = 0; i < n; i++) {
					u64 hs = mix64((u64)key << 40 | i);

					nfsk_hist_add_n(&r.h[0], hs, c[i] / 2);
					nfsk_hist_add_n(&r.h[1], hs, c[i] - c[i] / 2);
				}
				rig_fold(&r);
				e = nfsk_hsum_entropy_mbits(&r.s) / 1000.0;
				err = (e - h) / h;
				if (key == 1)
					est1 = e;
				if (fabs(err) > fabs(werr))
					werr = err;
			}
			TH_LOG("| %u | %s | %.3f | %.3f | %+.2f %% |", n,
			       mix_name[m], h, est1, 100 * werr);
			if (fabs(werr) > worst)
				worst = fabs(werr);
			EXPECT_LE(fabs(werr), bound)
				TH_LOG("n %u %s: error %+.2f %% over the bound",
				       n, mix_name[m], 100 * werr);
		}
	}
	TH_LOG("worst |error| %.2f %% (bound %.1f %%)", 100 * worst,
	       100 * bound);
	rig_free(&r);
	free(c);
}

/* Up to tsize/2 distinct addresses every bucket is sampled: exact. */
TEST(exact_while_table_holds_all)
{
	static u64 c[2048];
	struct est_rig r;
	u64 s = 5;
	u32 i, j, n;

	rig_init(&r, 3);
	for (n = 1; n <= 2048; n *= 2) {
		for (i = 0; i < r.ncpu; i++)
			nfsk_hist_clear(&r.h[i]);
		for (i = 0; i < n; i++) {
			c[i] = 1 + trace_rand(&s) % 1000;
			for (j = 0; j < c[i]; j++)
				nfsk_hist_add(&r.h[(i + j) % r.ncpu],
					      mix64(i + 77));
		}
		rig_fold(&r);
		ASSERT_EQ(r.s.buckets, r.s.nsampled);
		/* the same integer arithmetic on the exact counts */
		ASSERT_EQ(nfsk_entropy_mbits(c, n),
			  nfsk_hsum_entropy_mbits(&r.s));
	}
	rig_free(&r);
}

/*
 * Halving the sampled buckets moves addresses from the table into bucket
 * counts: no packet is lost or counted twice, and every address's bucket
 * holds at least its packets (the query's guarantee), on 1 to 4 CPUs.
 */
TEST(halving_keeps_every_packet)
{
	u32 n = 300000, i, k, ncpu;
	u64 *want = calloc(4096, sizeof(u64));
	struct est_rig r;

	for (ncpu = 1; ncpu <= 4; ncpu++) {
		u64 total = 0, got = 0;

		rig_init(&r, ncpu);
		memset(want, 0, 4096 * sizeof(u64));
		for (i = 0; i < n; i++) {
			u64 h = mix64(i * 31 + ncpu);
			u32 p = 1 + i % 5;

			for (k = 0; k < p; k++)
				nfsk_hist_add(&r.h[(i + k) % ncpu], h);
			want[h >> r.s.shift] += p;
			total += p;
		}
		for (k = 0; k < ncpu; k++)
			ASSERT_LE(r.h[k].used, r.h[k].tsize / 2);
		rig_fold(&r);
		ASSERT_LE(r.s.used, r.s.tsize / 2);
		ASSERT_LT(r.s.nsampled, r.s.buckets);
		for (i = 0; i < r.s.buckets; i++) {
			ASSERT_EQ(want[i], r.s.c[i]);
			got += r.s.c[i];
		}
		ASSERT_EQ(total, got);
		/* the table's sampled buckets hold exactly their packets */
		memset(want, 0, 4096 * sizeof(u64));
		for (i = 0; i < r.s.tsize; i++)
			if (r.s.t[i].key)
				want[(u32)r.s.t[i].key >> (r.s.shift - 32)] +=
					r.s.t[i].packets;
		for (i = 0; i < r.s.buckets; i++)
			ASSERT_EQ(i < r.s.nsampled ? r.s.c[i] : 0, want[i]);
		rig_free(&r);
	}
	free(want);
}

/* Per packet, through nfsk_addr_hash() and nfsk_hist_add(), as the bank. */
TEST(estimate_on_zipf_trace)
{
	static const double skews[] = { 0.6, 1.0, 1.4 };
	double bound = NFSK_ENTROPY_ERR_PERMILLE / 1000.0;
	struct nfsk_hash_key hk;
	struct est_rig src, dst;
	u32 k, i;

	trace_hash_key(&hk, 31);
	rig_init(&src, 2);
	rig_init(&dst, 2);
	for (k = 0; k < ARRAY_SIZE(skews); k++) {
		struct trace t;
		double hs, hd, es, ed;

		trace_make(&t, 1U << 19, 100000, skews[k], 40 + k);
		for (i = 0; i < 2; i++) {
			nfsk_hist_clear(&src.h[i]);
			nfsk_hist_clear(&dst.h[i]);
		}
		for (i = 0; i < t.npkts; i++) {
			const struct nfsk_flow_key *fk = &t.keys[t.flow[i]];

			nfsk_hist_add(&src.h[i & 1], nfsk_addr_hash(&hk, fk->saddr));
			nfsk_hist_add(&dst.h[i & 1], nfsk_addr_hash(&hk, fk->daddr));
		}
		rig_fold(&src);
		rig_fold(&dst);
		hs = exact_entropy_of(t.src_host, &t, 2 * TRACE_SRC_HOSTS);
		hd = exact_entropy_of(t.dst_host, &t, 2 * TRACE_DST_HOSTS);
		es = nfsk_hsum_entropy_mbits(&src.s) / 1000.0;
		ed = nfsk_hsum_entropy_mbits(&dst.s) / 1000.0;
		TH_LOG("zipf s=%.1f: src exact %.3f estimate %.3f (%+.2f %%), dst exact %.3f estimate %.3f (%+.2f %%)",
		       skews[k], hs, es, 100 * (es - hs) / hs, hd, ed,
		       100 * (ed - hd) / hd);
		ASSERT_LE(fabs(es - hs), bound * hs);
		ASSERT_LE(fabs(ed - hd), bound * hd);
		trace_free(&t);
	}
	rig_free(&src);
	rig_free(&dst);
}

TEST_HARNESS_MAIN
