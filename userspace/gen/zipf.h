/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zipf.h - seeded synthetic traces for the benchmark and the core tests
 * (a generator, not a test fixture: libc and libm, never in the module).
 *
 * Flow ranks follow a Zipf law (rank r drawn with probability ~ r^-s) by
 * inverse CDF; each rank maps to a fixed flow key whose source and
 * destination come from smaller host pools, so the address distributions
 * are skewed too. Packet sizes: 40 % 64 B, 15 % 576 B, 45 % 1500 B.
 * Everything is a pure function of the seed.
 */
#ifndef _NFSK_GEN_ZIPF_H
#define _NFSK_GEN_ZIPF_H

#include <stdlib.h>
#include <math.h>
#include <nfsketch/flow.h>
#include <nfsketch/siphash.h>

#define TRACE_SRC_HOSTS		20011
#define TRACE_DST_HOSTS		4999

struct trace {
	u32			npkts;
	u32			nflows;
	u32			*flow;	/* [npkts] flow index (rank - 1) */
	u16			*len;	/* [npkts] bytes */
	struct nfsk_flow_key	*keys;	/* [nflows] */
	u32			*src_host; /* [nflows] source host id */
	u32			*dst_host;
};

static inline u64 trace_mix(u64 x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static inline u64 trace_rand(u64 *s)
{
	*s += 0x9e3779b97f4a7c15ULL;
	return trace_mix(*s);
}

static inline double trace_unif(u64 *s)
{
	return (trace_rand(s) >> 11) * (1.0 / 9007199254740992.0);
}

static inline void trace_host_addr(u32 host, int v6, u64 seed, u8 *a16)
{
	u64 h = trace_mix(seed ^ ((u64)host << 1) ^ (u64)v6);

	memset(a16, 0, 16);
	if (v6) {
		u64 h2 = trace_mix(h);

		a16[0] = 0x20;
		a16[1] = 0x01;
		a16[2] = 0x0d;
		a16[3] = 0xb8;
		memcpy(a16 + 8, &h2, 8);
	} else {
		a16[0] = 10;
		a16[1] = (u8)(host >> 16);
		a16[2] = (u8)(host >> 8);
		a16[3] = (u8)host;
	}
}

static inline void trace_key(struct trace *t, u32 i, u64 seed)
{
	u64 h = trace_mix(seed ^ 0x5bd1e995ULL ^ ((u64)i << 20));
	int v6 = (h & 7) == 0;
	u8 proto = (h >> 8) % 10 < 7 ? 6 : (h >> 8) % 10 < 9 ? 17 :
		   (v6 ? 58 : 1);
	u32 sh = (u32)((h >> 16) % TRACE_SRC_HOSTS);
	u32 dh = (u32)((h >> 40) % TRACE_DST_HOSTS);
	u8 s[16], d[16];

	t->src_host[i] = sh * 2 + v6;
	t->dst_host[i] = dh * 2 + v6;
	trace_host_addr(sh, v6, seed, s);
	trace_host_addr(dh + 1000000, v6, seed, d);
	if (v6)
		nfsk_flow_key_v6(&t->keys[i], s, d, proto, (u16)(h >> 24),
				 (u16)(h >> 48));
	else
		nfsk_flow_key_v4(&t->keys[i], s, d, proto, (u16)(h >> 24),
				 (u16)(h >> 48));
}

static inline void trace_make(struct trace *t, u32 npkts, u32 nflows,
			      double s, u64 seed)
{
	double *cdf = malloc(sizeof(double) * nflows);
	double acc = 0;
	u64 rs = seed;
	u32 i;

	t->npkts = npkts;
	t->nflows = nflows;
	t->flow = malloc(sizeof(u32) * npkts);
	t->len = malloc(sizeof(u16) * npkts);
	t->keys = calloc(nflows, sizeof(*t->keys));
	t->src_host = malloc(sizeof(u32) * nflows);
	t->dst_host = malloc(sizeof(u32) * nflows);
	for (i = 0; i < nflows; i++) {
		acc += pow(i + 1, -s);
		cdf[i] = acc;
		trace_key(t, i, seed);
	}
	for (i = 0; i < nflows; i++)
		cdf[i] /= acc;
	for (i = 0; i < npkts; i++) {
		double u = trace_unif(&rs);
		u32 lo = 0, hi = nflows - 1;
		u64 r;

		while (lo < hi) {
			u32 mid = (lo + hi) / 2;

			if (cdf[mid] < u)
				lo = mid + 1;
			else
				hi = mid;
		}
		t->flow[i] = lo;
		r = trace_rand(&rs) % 100;
		t->len[i] = r < 40 ? 64 : r < 55 ? 576 : 1500;
	}
	free(cdf);
}

static inline void trace_free(struct trace *t)
{
	free(t->flow);
	free(t->len);
	free(t->keys);
	free(t->src_host);
	free(t->dst_host);
}

/* A hash key from a seed, as the kernel would from get_random_bytes(). */
static inline void trace_hash_key(struct nfsk_hash_key *hk, u64 seed)
{
	hk->k0 = trace_mix(seed);
	hk->k1 = trace_mix(seed + 1);
	nfsk_hash_key_expand(hk);
}

#endif /* _NFSK_GEN_ZIPF_H */
