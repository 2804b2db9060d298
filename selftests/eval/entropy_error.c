// SPDX-License-Identifier: GPL-2.0
/*
 * entropy_error.c - how far the window's bucketed address entropy (the
 * core's nfsk_entropy_mbits() over a histogram of B buckets chosen by the
 * top bits of a hash, as the fold computes it) is from the exact Shannon
 * entropy of the addresses, for n distinct addresses with Zipf(s) or
 * uniform packet counts. The exact value is computed in double here, from
 * the same counts. Run by make eval; prints a Markdown table.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nfsketch/entropy.h>

static u64 mix(u64 x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

int main(void)
{
	static const u32 ns[] = { 1000, 10000, 100000, 1000000 };
	static const double ss[] = { 0, 0.6, 1.0, 1.4 };	/* 0: uniform */
	static const u32 bs[] = { 1024, 65536 };
	u64 *c = malloc(1000000 * sizeof(u64));
	u64 *hist = malloc(65536 * sizeof(u64));
	unsigned int a, b, k;

	printf("| distinct addresses | distribution | exact H, bits |");
	for (k = 0; k < 2; k++)
		printf(" %u buckets: H, error |", bs[k]);
	printf("\n|---|---|---|---|---|\n");
	for (a = 0; a < 4; a++) {
		for (b = 0; b < 4; b++) {
			u32 n = ns[a], i;
			double tot = 0, h = 0;

			/* counts: 1 packet for the rarest address, Zipf above */
			for (i = 0; i < n; i++) {
				c[i] = ss[b] == 0 ? 4 :
				       (u64)llround(pow((double)n / (i + 1), ss[b]));
				tot += c[i];
			}
			for (i = 0; i < n; i++)
				h -= c[i] / tot * log2(c[i] / tot);
			if (ss[b] == 0)
				printf("| %u | uniform | %.3f |", n, h);
			else
				printf("| %u | Zipf %.1f | %.3f |", n, ss[b], h);
			for (k = 0; k < 2; k++) {
				u32 shift = 64 - (u32)log2(bs[k]), e;

				memset(hist, 0, bs[k] * sizeof(u64));
				for (i = 0; i < n; i++)
					hist[mix(i) >> shift] += c[i];
				e = nfsk_entropy_mbits(hist, bs[k]);
				printf(" %.3f, %+.1f %% |", e / 1000.0,
				       100.0 * (e / 1000.0 - h) / h);
			}
			printf("\n");
		}
	}
	free(c);
	free(hist);
	return 0;
}
