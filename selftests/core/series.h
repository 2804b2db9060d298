/* SPDX-License-Identifier: GPL-2.0 */
/*
 * series.h - seeded synthetic series for the detector, flap and pacing
 * tests: a small xorshift64* generator and Gaussian noise (Box-Muller).
 * Test-only: uses libc and libm freely.
 */
#ifndef _NFSK_TEST_SERIES_H
#define _NFSK_TEST_SERIES_H

#include <math.h>
#include <stdint.h>

struct nfsk_test_rng {
	uint64_t s;
};

static inline void nfsk_test_rng_seed(struct nfsk_test_rng *r, uint64_t seed)
{
	r->s = seed * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL;
	if (!r->s)
		r->s = 1;
}

static inline uint64_t nfsk_test_rng_u64(struct nfsk_test_rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545F4914F6CDD1DULL;
}

/* Uniform in (0, 1). */
static inline double nfsk_test_rng_unit(struct nfsk_test_rng *r)
{
	return ((nfsk_test_rng_u64(r) >> 11) + 0.5) / 9007199254740992.0;
}

/* Standard normal. */
static inline double nfsk_test_rng_gauss(struct nfsk_test_rng *r)
{
	double u = nfsk_test_rng_unit(r), v = nfsk_test_rng_unit(r);

	return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

/* max(0, round(mean + sd * N(0, 1))) as a u64 series value. */
static inline uint64_t nfsk_test_noisy(struct nfsk_test_rng *r, double mean,
				       double sd)
{
	double x = mean + sd * nfsk_test_rng_gauss(r);

	return x < 0 ? 0 : (uint64_t)llround(x);
}

#endif /* _NFSK_TEST_SERIES_H */
