/* SPDX-License-Identifier: GPL-2.0 */
/*
 * entropy.h - per-window Shannon entropy of source and destination
 * addresses, integer only: a hashed histogram whose collision loss is
 * measured on a sample of its buckets counted exactly.
 *
 * Estimator (this project's; a stratified-sampling correction of the
 * bucketed estimate, in the spirit of the bucket-sampling entropy sketches
 * of Lall et al., SIGMETRICS 2006):
 *
 * Every address hashes (keyed, nfsk_addr_hash()) to one of B buckets by
 * the hash's top bits. The buckets below a bound s (s = B at the start of
 * a window) are "sampled": their addresses are counted one by one in a
 * table of T slots keyed by the hash's top 32 bits; every other bucket
 * keeps only its packet count. When the table is half full, s halves and
 * the addresses of the buckets it drops are added to their bucket counts,
 * so the table holds at most T/2 addresses and s ends near
 * B * T / (2 * distinct addresses). The window fold merges the CPUs'
 * tables under the smallest s of any CPU.
 *
 * With counts c_b per bucket, N = sum c_b and f(x) = x log2 x:
 *	H = log2 N - (1/N) * sum_b S_b,	S_b = sum_{a in b} f(c_a)
 * S_b is exact for a sampled bucket. For the others S_b = f(c_b) - L_b,
 * where the collision loss L_b is estimated from the sampled buckets of
 * the same size class (floor(log2 c_b)): buckets are exchangeable under a
 * random hash, so the loss per packet of a class is estimated without
 * bias by its sampled buckets' (a ratio estimator). A class with no
 * sampled bucket (heavy buckets, rare) is modelled as one address plus the
 * sampled buckets' mean content m with its mean loss l:
 *	L_b = l + f(c_b) - f(c_b - m) - f(m)	(c_b > m), else l * c_b / m.
 * While distinct addresses <= T/2 on every CPU the result is exact.
 *
 * Memory (defaults B = 4096, T = 4096): per CPU, bank and address side
 * 4 * B + 8 * T bytes (48 KiB; a bank's two sides 96 KiB where the former
 * 1024-bucket histograms took 8 KiB); the fold 16 * B + 16 * T + 1.5 KiB
 * per side.
 * Cost per address and packet: one compare on the bucket, then either the
 * bucket's counter or the address's home slot (one cache line either
 * way); probing, a new address and a halving (O(T), at most log2 B times
 * a window) are out of line. make bench-callgrind: 267 -> 287 instructions
 * per packet for the whole nfsk_bank_update().
 *
 * Error against the exact Shannon entropy, on the grid of
 * selftests/core/test_entropy.c (1k, 10k, 100k, 1M distinct addresses x
 * uniform, Zipf 0.6/1.0/1.4, heavy + uniform mixes; two CPUs): worst
 * 2.9 %, RMS 0.5 % over 16 hash keys (the test runs 3 and asserts the
 * stated bound, NFSK_ENTROPY_ERR_PERMILLE = 5 %); exact (the integer
 * result of the exact counts) up to T/2 distinct addresses. The estimate leaves
 * that bound only past about B * T / 2 = 8 M distinct addresses on one
 * CPU, where the sample empties and it is the plain bucketed entropy
 * again (capped near log2 B = 12 bits).
 */
#ifndef _NFSKETCH_ENTROPY_H
#define _NFSKETCH_ENTROPY_H

#include <nfsketch/compat.h>

#define NFSK_LOG2_FRAC_BITS	16	/* nfsk_log2_fx() is Q16 */
#define NFSK_HIST_MIN_BUCKETS	16
#define NFSK_HIST_MAX_BUCKETS	1048576U	/* 2^20: key holds the bucket */
#define NFSK_HIST_MIN_SAMPLE	16
#define NFSK_HIST_MAX_SAMPLE	65536U
/* stated bound on |estimate - exact| / exact, per mille (see above) */
#define NFSK_ENTROPY_ERR_PERMILLE	50

/* One CPU's counts of one address side for one window. */
struct nfsk_hist {
	u32	*c;		/* [buckets] packets of unsampled buckets */
	u64	*t;		/* [tsize] key << 32 | packets, 0 = empty */
	u32	buckets;	/* power of two */
	u32	shift;		/* 64 - log2(buckets): bucket = top bits */
	u32	tmask;		/* tsize - 1, tsize a power of two */
	u32	tsize;
	u32	used;		/* occupied slots, <= tsize / 2 */
	u32	nsampled;	/* buckets [0, nsampled) are in t */
};

/* log2(x) in Q16 for x >= 1 (0 for x = 0); error < 1.1e-5 bits. */
u32 nfsk_log2_fx(u64 x);

bool nfsk_hist_geom_ok(u32 buckets, u32 tsize);
u64 nfsk_hist_size(u32 buckets, u32 tsize);
void nfsk_hist_init(struct nfsk_hist *h, u32 buckets, u32 tsize, void *mem);
void nfsk_hist_clear(struct nfsk_hist *h);
void nfsk_hist_sample(struct nfsk_hist *h, u64 hash, u32 packets);

/*
 * hash: nfsk_addr_hash() of the address; its top bits pick the bucket,
 * bits 32.. the home slot of a sampled address (geometry keeps the two
 * apart). Inline: the bucket, or the address found in its home slot;
 * anything else (probing, a new address, a halving) out of line.
 */
static inline void nfsk_hist_add_n(struct nfsk_hist *h, u64 hash,
				   u32 packets)
{
	u32 b = (u32)(hash >> h->shift), i;
	u64 e;

	if (b >= h->nsampled) {
		h->c[b] += packets;
		return;
	}
	i = (u32)(hash >> 32) & h->tmask;
	e = h->t[i];
	/*
	 * Same key in the top half. An empty slot matches only an address
	 * whose key is 0 (2^-32): it is then inserted here uncounted in
	 * used, which can only let the table run one slot fuller.
	 */
	if (nfsk_likely(!((e ^ hash) >> 32)))
		h->t[i] = e + packets;
	else
		nfsk_hist_sample(h, hash, packets);
}

static inline void nfsk_hist_add(struct nfsk_hist *h, u64 hash)
{
	nfsk_hist_add_n(h, hash, 1);
}

/* The fold's sum of all CPUs' nfsk_hist of one side. */
struct nfsk_hsum_slot {
	u64	key;		/* 1 << 32 | hash >> 32; 0 = empty */
	u64	packets;
};

struct nfsk_hsum {
	u64			*c;	/* [buckets] packets, all buckets */
	u64			*s;	/* [buckets] scratch: exact S_b */
	struct nfsk_hsum_slot	*t;	/* [tsize] */
	u32			buckets;
	u32			shift;
	u32			tsize;	/* the banks' */
	u32			tmask;
	u32			used;
	u32			nsampled;
};

u64 nfsk_hsum_size(u32 buckets, u32 tsize);
/* mem: nfsk_hsum_size() bytes, 8-byte aligned; zeroes it. */
void nfsk_hsum_init(struct nfsk_hsum *s, u32 buckets, u32 tsize, void *mem);
void nfsk_hsum_add(struct nfsk_hsum *s, const struct nfsk_hist *h);
/* Packets of addr_hash's bucket (>= the address's packets). */
u64 nfsk_hsum_bucket(const struct nfsk_hsum *s, u64 addr_hash);
/*
 * The estimate of the window's entropy in milli-bits; writes only the
 * scratch s->s (and the class sums after it).
 */
u32 nfsk_hsum_entropy_mbits(struct nfsk_hsum *s);

/* Entropy in milli-bits of the distribution given by counts (exact). */
u32 nfsk_entropy_mbits(const u64 *counts, u32 n);

#endif /* _NFSKETCH_ENTROPY_H */
