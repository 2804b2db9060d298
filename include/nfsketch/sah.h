/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sah.h - Sample-and-Hold flow table (Estan & Varghese 2002).
 */
#ifndef _NFSKETCH_SAH_H
#define _NFSKETCH_SAH_H

#include <nfsketch/compat.h>
#include <nfsketch/flow.h>

#define NFSK_SAH_WAYS		8
#define NFSK_SAH_MIN_ENTRIES	NFSK_SAH_WAYS
#define NFSK_SAH_MAX_ENTRIES	4194304U	/* 2^22 */

/* xorshift64*: per-CPU, never shared, never 0. */
struct nfsk_prng {
	u64	s;
};

void nfsk_prng_seed(struct nfsk_prng *r, u64 seed);

static inline u32 nfsk_prng_u32(struct nfsk_prng *r)
{
	u64 x = r->s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	r->s = x;
	return (u32)((x * 0x2545f4914f6cdd1dULL) >> 32);
}

struct nfsk_sah_ctr {
	u64	bytes;
	u64	packets;
};

struct nfsk_sah {
	u64			*tags;	/* [entries]: flow hash, 0 = empty */
	struct nfsk_sah_ctr	*ctr;	/* [entries + 1]: the last is a sink */
	struct nfsk_flow_key	*keys;	/* [entries] */
	u32			entries;
	u32			set_mask;
	u32			held;
	u32			p_fx;	/* byte sampling p * 2^32 */
	/*
	 * Exp(1) in 32.32 fixed point, >= 1: what is left of the gap to the
	 * next sampled byte, in units of 1/p bytes (see sah.c).
	 */
	u64			left;
	u64			hits;	/* packets of held flows */
	u64			misses;	/* not held, not sampled */
	u64			admitted; /* sampled and installed */
	u64			full;	/* sampled, set full: dropped */
	u64			forced;	/* held by the overflow rule (lcms.c) */
	struct nfsk_prng	prng;
};

bool nfsk_sah_geom_ok(u32 entries);
/* Bytes of table memory for this many entries (no struct). */
u64 nfsk_sah_size(u32 entries);
/* mem: nfsk_sah_size() bytes, 64-byte aligned so a set's tags are a line. */
void nfsk_sah_init(struct nfsk_sah *t, u32 entries, u32 p_fx, u64 seed,
		   void *mem);
/* Empties the table and zeroes its counters; keeps p and the PRNG. */
void nfsk_sah_clear(struct nfsk_sah *t);
/*
 * Slow half of nfsk_sah_update(): a sampled byte; install (true: the packet
 * is the entry's first) or count full.
 */
bool nfsk_sah_sample(struct nfsk_sah *t, u32 base, u64 hash,
		     const struct nfsk_flow_key *key, u32 len);
/*
 * Hold a flow now, without sampling, from this packet on (which the fast
 * path counted as a miss): the overflow rule of lcms.c. False: set full.
 */
bool nfsk_sah_hold(struct nfsk_sah *t, u64 hash,
		   const struct nfsk_flow_key *key, u32 len);
/* Exp(1) in 32.32 fixed point, >= 1, from the table's PRNG. */
u64 nfsk_sah_exp_fx(struct nfsk_sah *t);
/* Next window's p: halve above 90 % occupancy, double below 50 %. */
u32 nfsk_sah_adapt(u32 p_fx, u32 held, u32 capacity, u32 p_max_fx);

/* Bit w set where tags[w] == v: eight compares, no branch. */
static inline u32 nfsk_sah_match(const u64 *tags, u64 v)
{
	return (u32)(tags[0] == v) | (u32)(tags[1] == v) << 1 |
	       (u32)(tags[2] == v) << 2 | (u32)(tags[3] == v) << 3 |
	       (u32)(tags[4] == v) << 4 | (u32)(tags[5] == v) << 5 |
	       (u32)(tags[6] == v) << 6 | (u32)(tags[7] == v) << 7;
}

/*
 * Per packet: one line of tags compared without branches. A hit adds to
 * the flow's exact counters; a miss adds to a sink instead (whether a
 * packet hits is data-dependent, a branch on it would be mispredicted on a
 * third of the packets) and spends len * p of the sampling gap. Only when
 * the gap is used up, once per 1/p missed bytes, does a byte get sampled.
 *
 * Returns 1 when the packet is counted in an entry (a hit, or the first
 * packet of a flow just installed), 0 when it is not: the caller counts
 * exactly those in its Count-Min sketch (bank.c).
 */
static inline u32 nfsk_sah_update(struct nfsk_sah *t, u64 hash,
				  const struct nfsk_flow_key *key, u32 len)
{
	u32 base = (u32)(hash & t->set_mask) * NFSK_SAH_WAYS;
	/* way of the hit, or 8 on a miss: bit 8 keeps ctz defined */
	u32 w = __builtin_ctz(nfsk_sah_match(t->tags + base, hash) | 0x100);
	u32 miss = w >> 3;
	/* a miss adds to ctr[entries], the sink, by arithmetic, not a branch */
	struct nfsk_sah_ctr *c =
		&t->ctr[base + w + ((t->entries - base - NFSK_SAH_WAYS) & -miss)];
	u64 x = ((u64)len * t->p_fx) & -(u64)miss;	/* len * p, 32.32 */

	c->bytes += len;
	c->packets++;
	t->hits += miss ^ 1;
	t->misses += miss;
	if (nfsk_unlikely(x >= t->left))
		return nfsk_sah_sample(t, base, hash, key, len);
	t->left -= x;	/* x < left: stays >= 1 */
	return miss ^ 1;
}

static inline bool nfsk_sah_held(const struct nfsk_sah *t, u32 i)
{
	return t->tags[i] != 0;
}

#endif /* _NFSKETCH_SAH_H */
