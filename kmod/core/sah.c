// SPDX-License-Identifier: GPL-2.0
/*
 * Sample-and-Hold (Estan & Varghese, SIGCOMM 2002).
 *
 * A Count-Min sketch estimates any flow it is asked about but cannot list
 * the heavy flows. Sample-and-Hold finds them: each byte is sampled with
 * probability p; once a flow is sampled it is held in a table and every
 * later byte and packet of it is counted exactly. A flow of f bytes is
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
 *
 * A packet of s bytes is admitted with probability 1 - (1 - p)^s. It is
 * computed as g(x) = 1 - e^(-x), x = s*p, written as x * r(x) with
 * r(x) = (1 - e^(-x)) / x, a smooth function tabulated on [0, 8) in steps
 * of 1/16 and interpolated linearly (relative error < 1e-3 for small x, where
 * it matters); x >= 8 is admitted outright. The absolute error against
 * 1 - e^(-x) is 8.3e-5 below the cut-off and 3.4e-4 (e^-8) above it, and
 * 1 - e^(-x) differs from 1 - (1-p)^s by less than p/(2e), negligible for
 * the p in use (p <= 2^-8). Checked in selftests/core/test_sah.c.
 *
 * Between windows p adapts to the load: a table over 90 % full halves p,
 * one under 50 % doubles it up to a ceiling.
 */
#include <nfsketch/sah.h>

#define NFSK_R_STEP_SHIFT	28	/* x step 1/16 in 32.32 fixed point */
#define NFSK_R_STEPS		128	/* table covers x in [0, 8) */

/* r(i/16) * 2^31 for i = 0..128 */
static const u32 nfsk_r_tab[NFSK_R_STEPS + 1] = {
	2147483648U, 2081751310U, 2018687842U, 1958171589U, 1900086805U,
	1844323354U, 1790776428U, 1739346275U, 1689937949U, 1642461065U,
	1596829573U, 1552961537U, 1510778934U, 1470207453U, 1431176317U,
	1393618099U, 1357468564U, 1322666502U, 1289153585U, 1256874223U,
	1225775425U, 1195806678U, 1166919819U, 1139068920U, 1112210185U,
	1086301838U, 1061304028U, 1037178736U, 1013889683U, 991402251U,
	969683394U, 948701572U, 928426670U, 908829935U, 889883907U,
	871562359U, 853840239U, 836693610U, 820099601U, 804036356U,
	788482982U, 773419508U, 758826840U, 744686717U, 730981677U,
	717695015U, 704810752U, 692313595U, 680188911U, 668422694U,
	657001536U, 645912600U, 635143591U, 624682736U, 614518755U,
	604640843U, 595038646U, 585702239U, 576622110U, 567789138U,
	559194580U, 550830047U, 542687496U, 534759208U, 527037778U,
	519516099U, 512187347U, 505044975U, 498082692U, 491294458U,
	484674473U, 478217162U, 471917169U, 465769347U, 459768748U,
	453910615U, 448190373U, 442603624U, 437146135U, 431813834U,
	426602803U, 421509272U, 416529608U, 411660319U, 406898036U,
	402239518U, 397681642U, 393221398U, 388855886U, 384582310U,
	380397976U, 376300283U, 372286727U, 368354888U, 364502435U,
	360727117U, 357026761U, 353399270U, 349842620U, 346354854U,
	342934085U, 339578487U, 336286298U, 333055815U, 329885390U,
	326773432U, 323718401U, 320718809U, 317773215U, 314880227U,
	312038496U, 309246717U, 306503628U, 303808006U, 301158666U,
	298554463U, 295994284U, 293477054U, 291001731U, 288567302U,
	286172788U, 283817239U, 281499734U, 279219379U, 276975308U,
	274766679U, 272592676U, 270452508U, 268345406U,
};

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
	return (u64)entries * (sizeof(u64) + sizeof(struct nfsk_sah_ctr) +
			       sizeof(struct nfsk_flow_key));
}

void nfsk_sah_init(struct nfsk_sah *t, u32 entries, u32 p_fx, u64 seed,
		   void *mem)
{
	t->entries = entries;
	t->set_mask = entries / NFSK_SAH_WAYS - 1;
	t->tags = mem;
	t->ctr = (struct nfsk_sah_ctr *)(t->tags + entries);
	t->keys = (struct nfsk_flow_key *)(t->ctr + entries);
	t->p_fx = p_fx;
	nfsk_prng_seed(&t->prng, seed);
	memset(t->keys, 0, (u64)entries * sizeof(*t->keys));
	nfsk_sah_clear(t);
}

void nfsk_sah_clear(struct nfsk_sah *t)
{
	memset(t->tags, 0, (u64)t->entries * sizeof(*t->tags));
	memset(t->ctr, 0, (u64)t->entries * sizeof(*t->ctr));
	t->held = 0;
	t->hits = 0;
	t->misses = 0;
	t->admitted = 0;
	t->full = 0;
}

u32 nfsk_sah_admit_fx(u32 p_fx, u32 len)
{
	u64 x = (u64)len * p_fx;	/* s*p in 32.32 fixed point */
	u64 i, f, g;
	u32 r;

	if (x >= ((u64)NFSK_R_STEPS << NFSK_R_STEP_SHIFT))
		return ~0U;
	i = x >> NFSK_R_STEP_SHIFT;
	f = x & ((1ULL << NFSK_R_STEP_SHIFT) - 1);
	r = nfsk_r_tab[i] - (u32)(((u64)(nfsk_r_tab[i] - nfsk_r_tab[i + 1]) *
				   f) >> NFSK_R_STEP_SHIFT);
	g = nfsk_mul_hi64(x, (u64)r << 33);	/* x * r / 2^31 */
	return g > ~0U ? ~0U : (u32)g;
}

void nfsk_sah_miss(struct nfsk_sah *t, u32 base, u64 hash,
		   const struct nfsk_flow_key *key, u32 len)
{
	u32 empty, w;

	if (nfsk_prng_u32(&t->prng) >= nfsk_sah_admit_fx(t->p_fx, len)) {
		t->misses++;
		return;
	}
	empty = nfsk_sah_match(t->tags + base, 0);
	if (nfsk_unlikely(!empty)) {
		t->full++;
		return;
	}
	w = base + __builtin_ctz(empty);
	t->tags[w] = hash;
	t->ctr[w].bytes = len;
	t->ctr[w].packets = 1;
	t->keys[w] = *key;
	t->held++;
	t->admitted++;
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
