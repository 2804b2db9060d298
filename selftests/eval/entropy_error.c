// SPDX-License-Identifier: GPL-2.0
/*
 * entropy_error.c - how far the window's address entropy estimate is from
 * the exact Shannon entropy of the addresses, for n distinct addresses
 * with uniform, Zipf(s) or heavy + uniform packet counts: the estimator of
 * entropy.h at the default geometry (each address's packets split over two
 * CPUs' banks and folded, as window.c does), next to the plain 1024-bucket
 * histogram the core used before. The exact value is computed in double
 * here, from the same counts. Run by make eval; prints a Markdown table.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nfsketch/bank.h>
#include <nfsketch/entropy.h>

static u64 mix(u64 x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static const char *const names[] = {
	"uniform", "Zipf 0.6", "Zipf 1.0", "Zipf 1.4",
	"8 heavy (1/2) + uniform", "2 heavy (1/3) + uniform",
};

static u32 count(u32 m, u32 i, u32 n)
{
	static const double s[] = { 0, 0.6, 1.0, 1.4 };

	switch (m) {
	case 0:
		return 4;
	case 4:
		return i < 8 ? n / 8 : 1;
	case 5:
		return i < 2 ? n : 4;
	default:	/* 1 packet for the rarest address, Zipf above */
		return (u32)llround(pow((double)n / (i + 1), s[m]));
	}
}

int main(void)
{
	static const u32 ns[] = { 1000, 10000, 100000, 1000000 };
	u32 *c = malloc(1000000 * sizeof(u32));
	u64 *old = malloc(1024 * sizeof(u64));
	struct nfsk_hist h[2];
	struct nfsk_hsum s;
	struct nfsk_geom g;
	void *hm[2], *sm;
	unsigned int a, m, k;

	nfsk_geom_default(&g);
	for (k = 0; k < 2; k++) {
		hm[k] = malloc(nfsk_hist_size(g.hist_buckets, g.hist_sample));
		nfsk_hist_init(&h[k], g.hist_buckets, g.hist_sample, hm[k]);
	}
	sm = malloc(nfsk_hsum_size(g.hist_buckets, g.hist_sample));
	printf("| distinct addresses | distribution | exact H, bits | 1024-bucket histogram (before): H, error | estimator (%u buckets, %u-slot sample): H, error |\n",
	       g.hist_buckets, g.hist_sample);
	printf("|---|---|---|---|---|\n");
	for (a = 0; a < 4; a++) {
		for (m = 0; m < ARRAY_SIZE(names); m++) {
			u32 n = ns[a], i, e;
			double tot = 0, hx = 0;

			for (i = 0; i < n; i++) {
				c[i] = count(m, i, n);
				tot += c[i];
			}
			for (i = 0; i < n; i++)
				hx -= c[i] / tot * log2(c[i] / tot);
			printf("| %u | %s | %.3f |", n, names[m], hx);
			memset(old, 0, 1024 * sizeof(u64));
			for (k = 0; k < 2; k++)
				nfsk_hist_clear(&h[k]);
			for (i = 0; i < n; i++) {
				u64 hs = mix(i);

				old[hs >> 54] += c[i];
				nfsk_hist_add_n(&h[0], hs, c[i] / 2);
				nfsk_hist_add_n(&h[1], hs, c[i] - c[i] / 2);
			}
			e = nfsk_entropy_mbits(old, 1024);
			printf(" %.3f, %+.1f %% |", e / 1000.0,
			       100.0 * (e / 1000.0 - hx) / hx);
			nfsk_hsum_init(&s, g.hist_buckets, g.hist_sample, sm);
			nfsk_hsum_add(&s, &h[0]);
			nfsk_hsum_add(&s, &h[1]);
			e = nfsk_hsum_entropy_mbits(&s);
			printf(" %.3f, %+.2f %% |\n", e / 1000.0,
			       100.0 * (e / 1000.0 - hx) / hx);
		}
	}
	for (k = 0; k < 2; k++)
		free(hm[k]);
	free(sm);
	free(old);
	free(c);
	return 0;
}
