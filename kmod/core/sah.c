// SPDX-License-Identifier: GPL-2.0
/*
 * Sample-and-Hold (Estan & Varghese, SIGCOMM 2002).
 *
 * A Count-Min sketch estimates any flow it is asked about but cannot list
 * the heavy flows. Sample-and-Hold finds them: each byte is sampled with
 * probability p; once a flow is sampled it is held in a table and every
 * later byte and packet of it is counted exactly, there only: the bank's
 * Count-Min does not see it again (bank.c, query.c). A flow of f bytes is
 * missed with probability (1 - p)^f ~ e^(-f*p), so big flows are held
 * early and small ones rarely take a slot.
 *
 * The table is bounded and set-associative: sets of 8 ways, whose 64-bit
 * tags (the flow hash itself) fill one cache line, so a lookup reads one
 * line and a hit writes one more (the counters); the keys sit in a third
 * array only read at fold time. A keyed 64-bit tag stands for the key: a
 * false match needs two live flows of one set to agree on 64 keyed bits.
 * A sampled flow that finds its set full is counted in "full" and dropped;
 * nothing is evicted, so held counts stay exact from admission on.
 * A flow whose packet would wrap a cell of the bank's narrow Count-Min is
 * held without sampling (nfsk_sah_hold(), the overflow rule of lcms.c).
 *
 * Bytes are sampled as a Poisson process of rate p per byte: a packet of s
 * bytes is sampled with probability 1 - e^(-s*p), independently of every
 * other packet, which differs from the exact 1 - (1 - p)^s by less than
 * p/(2e), negligible for the p in use (p <= 2^-8). Rather than draw a
 * random number per missed packet, the table draws the gap to the next
 * sampled byte once: E ~ Exp(1), in units of 1/p bytes (32.32 fixed
 * point), from which each missed packet subtracts s*p. The packet whose
 * s*p reaches what is left of E is sampled, and a fresh E is drawn from
 * the end of that packet. The exponential is memoryless, so this is the
 * same process as an independent draw per packet (checked against
 * e^(-f*p) in selftests/core/test_sah.c), and since the gap is kept in
 * units of 1/p, a new p takes effect at once with no rescaling. Held
 * flows' packets neither consume nor need the gap.
 *
 * E = -ln(U) = ln 2 * -log2(U) for U uniform in (0, 1] on 32 bits, with
 * log2 from nfsk_log2_fx() (Q16, error < 1.1e-5): E is exact to ~1e-5,
 * and its tail is cut at 32 ln 2 = 22.2, i.e. at probability 2^-32.
 *
 * Between windows p adapts to the load: a table over 90 % full halves p,
 * one under 50 % doubles it up to a ceiling.
 */
#include <nfsketch/sah.h>
#include <nfsketch/entropy.h>

/* ln 2 * 2^32, rounded */
#define NFSK_LN2_FX32	2977044472ULL

void nfsk_prng_seed(struct nfsk_prng *r, u64 seed)
{
	/* splitmix64 finaliser spreads small seeds over all bits */
	seed += 0x9e3779b97f4a7c15ULL;
	seed = (seed ^ (seed >> 30)) * 0xbf58476d1ce4e5b9ULL;
	seed = (seed ^ (seed >> 27)) * 0x94d049bb133111ebULL;
	seed ^= seed >> 31;
	r->s = seed ? seed : 0x9e3779b97f4a7c15ULL;
}

bool nfsk_sah_geom_ok(u32 entries)
{
	return nfsk_is_pow2(entries) && entries >= NFSK_SAH_MIN_ENTRIES &&
	       entries <= NFSK_SAH_MAX_ENTRIES;
}

u64 nfsk_sah_size(u32 entries)
{
	/*
	 * + 1 counter: the sink that misses add to (nfsk_sah_update()); the
	 * total stays a multiple of 64 like the tables alone, as callers of
	 * aligned_alloc() need.
	 */
	u64 n = (u64)entries * (sizeof(u64) + sizeof(struct nfsk_sah_ctr) +
				sizeof(struct nfsk_flow_key)) +
		sizeof(struct nfsk_sah_ctr);

	return (n + 63) & ~63ULL;
}

void nfsk_sah_init(struct nfsk_sah *t, u32 entries, u32 p_fx, u64 seed,
		   void *mem)
{
	t->entries = entries;
	t->set_mask = entries / NFSK_SAH_WAYS - 1;
	t->tags = mem;
	t->ctr = (struct nfsk_sah_ctr *)(t->tags + entries);
	t->keys = (struct nfsk_flow_key *)(t->ctr + entries + 1);
	t->p_fx = p_fx;
	nfsk_prng_seed(&t->prng, seed);
	t->left = nfsk_sah_exp_fx(t);
	memset(t->keys, 0, (u64)entries * sizeof(*t->keys));
	nfsk_sah_clear(t);
}

void nfsk_sah_clear(struct nfsk_sah *t)
{
	memset(t->tags, 0, (u64)t->entries * sizeof(*t->tags));
	memset(t->ctr, 0, ((u64)t->entries + 1) * sizeof(*t->ctr));
	t->held = 0;
	t->hits = 0;
	t->misses = 0;
	t->admitted = 0;
	t->full = 0;
	t->forced = 0;
}

u64 nfsk_sah_exp_fx(struct nfsk_sah *t)
{
	/* U = (u + 1) / 2^32 in (0, 1]; -log2(U) in Q16, then times ln 2 */
	u64 l = (32U << NFSK_LOG2_FRAC_BITS) -
		nfsk_log2_fx((u64)nfsk_prng_u32(&t->prng) + 1);
	u64 e = (l * NFSK_LN2_FX32) >> NFSK_LOG2_FRAC_BITS;

	/* >= 1 keeps "x < left" true for a hit's x = 0 */
	return e ? e : 1;
}

/* A free way of the set: the flow's entry, starting with this packet. */
static bool nfsk_sah_install(struct nfsk_sah *t, u32 base, u64 hash,
			     const struct nfsk_flow_key *key, u32 len)
{
	u32 empty = nfsk_sah_match(t->tags + base, 0), w;

	if (nfsk_unlikely(!empty))
		return false;
	w = base + __builtin_ctz(empty);
	t->tags[w] = hash;
	t->ctr[w].bytes = len;
	t->ctr[w].packets = 1;
	t->keys[w] = *key;
	t->held++;
	return true;
}

bool nfsk_sah_sample(struct nfsk_sah *t, u32 base, u64 hash,
		     const struct nfsk_flow_key *key, u32 len)
{
	/* memoryless: the next gap starts afresh at the end of this packet */
	t->left = nfsk_sah_exp_fx(t);
	t->misses--;	/* the fast path counted it as a miss */
	if (!nfsk_sah_install(t, base, hash, key, len)) {
		t->full++;
		return false;
	}
	t->admitted++;
	return true;
}

bool nfsk_sah_hold(struct nfsk_sah *t, u64 hash,
		   const struct nfsk_flow_key *key, u32 len)
{
	u32 base = (u32)(hash & t->set_mask) * NFSK_SAH_WAYS;

	if (!nfsk_sah_install(t, base, hash, key, len))
		return false;
	t->misses--;	/* the fast path counted it as a miss */
	t->forced++;
	return true;
}

u32 nfsk_sah_adapt(u32 p_fx, u32 held, u32 capacity, u32 p_max_fx)
{
	if ((u64)held * 10 > (u64)capacity * 9)
		return p_fx > 1 ? p_fx >> 1 : 1;
	if ((u64)held * 2 < capacity) {
		u64 p = (u64)p_fx * 2;

		if (!p)
			p = 1;
		return p > p_max_fx ? p_max_fx : (u32)p;
	}
	return p_fx;
}
