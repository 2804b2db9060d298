// SPDX-License-Identifier: GPL-2.0
/*
 * flap.c - route flap damping (RFC 2439) on a bounded per-prefix table.
 *
 * A prefix that keeps being withdrawn and re-added is a flapping route. RFC
 * 2439 gives every prefix a "figure of merit": each flap adds a fixed
 * penalty, the penalty decays exponentially (half-life), and a prefix whose
 * penalty exceeds a suppress threshold is flagged until it has decayed below
 * a lower reuse threshold (hysteresis, so a prefix does not toggle at the
 * threshold). A ceiling bounds the penalty so that even a long flap storm
 * is forgiven within a bounded time. nfsketch only observes: "suppressed"
 * raises the ROUTE_FLAP flag, it never hides a route.
 *
 * Decay is lazy: an entry stores its penalty at the time of its last event
 * and the decay 2^(-dt/h) is computed from the elapsed time whenever the
 * entry is read or changed, so an idle entry costs nothing and the result
 * does not depend on how often it is read (reads never write the penalty
 * back, which would accumulate rounding). In integer math: whole half-lives
 * are a right shift; the remaining fraction of a half-life, quantised to
 * 1/65536, indexes a 65-entry table of 2^(-i/64) in Q31 with linear
 * interpolation. Error: interpolation <= (1/64)^2 / 8 * ln(2)^2 = 1.5e-5,
 * fraction quantisation <= ln(2) / 65536 = 1.1e-5, so the decayed penalty
 * is within 3e-5 relative plus one fixed-point unit (2^-10) of exact.
 *
 * The table is set-associative (8 ways, sets chosen by a keyed hash of the
 * prefix): a bounded number of probes, no allocation. A new prefix whose set
 * is full takes the way with the lowest current penalty (withdrawn before
 * present on a tie, then the stalest), but only if that penalty is below
 * half of what the new event adds (i.e. it decayed for more than a
 * half-life since an equal event): a prefix with that much history keeps
 * its way, and the new event goes untracked (`refused`).
 * Why not "lowest penalty" alone, nor LRU: with more prefixes flapping in
 * the same order than the table holds, both always evict the prefix that
 * flaps next (it is the stalest and the most decayed), so no prefix keeps
 * its history (measured, selftests/core/test_flap.c: 2,000 prefixes x 3
 * flaps in 1,024 entries kept 1 %); refusing newcomers keeps the incumbents
 * whole until their history decays below half a withdraw.
 * A prefix still suppressed is never evicted, whatever the thresholds (a
 * reuse threshold below half a withdraw would otherwise allow it): so the
 * prefixes suppressed at once, and the ROUTE_FLAP alerts outstanding at
 * once, are bounded by the table's entries (the events queue's flap ring
 * is sized to it).
 * Replacing an entry whose penalty had decayed to zero is free, any other
 * replacement is counted as an eviction.
 */
#include <nfsketch/flap.h>

#define FX		NFSK_FLAP_FRAC_BITS
#define Q31		31
#define FRAC_Q		16			/* fraction of a half-life */
#define TAB_BITS	6			/* 64 table steps */

/* 2^(-i/64) in Q31, i = 0..64. */
static const u32 exp2_neg_tab[65] = {
	2147483648, 2124350982, 2101467502, 2078830522, 2056437387, 2034285470,
	2012372174, 1990694927, 1969251188, 1948038440, 1927054196, 1906295993,
	1885761398, 1865448001, 1845353420, 1825475297, 1805811301, 1786359126,
	1767116489, 1748081133, 1729250827, 1710623359, 1692196547, 1673968228,
	1655936265, 1638098541, 1620452965, 1602997467, 1585730000, 1568648537,
	1551751076, 1535035634, 1518500250, 1502142985, 1485961921, 1469955159,
	1454120821, 1438457051, 1422962010, 1407633882, 1392470869, 1377471191,
	1362633090, 1347954824, 1333434672, 1319070932, 1304861917, 1290805962,
	1276901417, 1263146652, 1249540052, 1236080024, 1222764986, 1209593378,
	1196563654, 1183674286, 1170923762, 1158310587, 1145833280, 1133490379,
	1121280436, 1109202018, 1097253708, 1085434106, 1073741824,
};

u32 nfsk_flap_decay(u32 penalty_fx, u64 dt_ns, u64 half_life_ns)
{
	u64 q, rem, f, a, b, t, factor;
	u32 i, sh;

	if (!dt_ns || !penalty_fx)
		return penalty_fx;
	if (!half_life_ns)
		return 0;
	q = nfsk_div_u64(dt_ns, half_life_ns);
	if (q >= 32)
		return 0;
	rem = dt_ns - q * half_life_ns;
	/* rem < half-life; keep rem << FRAC_Q within 64 bits */
	sh = nfsk_fls64(half_life_ns);
	if (sh > 63 - FRAC_Q) {
		sh -= 63 - FRAC_Q;
		rem >>= sh;
		half_life_ns >>= sh;
	}
	f = nfsk_div_u64(rem << FRAC_Q, half_life_ns);	/* < 2^16 */
	i = (u32)(f >> (FRAC_Q - TAB_BITS));
	t = f & ((1U << (FRAC_Q - TAB_BITS)) - 1);
	a = exp2_neg_tab[i];
	b = exp2_neg_tab[i + 1];
	factor = a - (((a - b) * t) >> (FRAC_Q - TAB_BITS));
	/* penalty_fx < 2^32, factor <= 2^31: the product fits in 64 bits */
	return (u32)(((u64)penalty_fx * factor) >> (Q31 + q));
}

void nfsk_flap_cfg_default(struct nfsk_flap_cfg *cfg)
{
	cfg->half_life_ns = 15ULL * 60 * 1000000000ULL;
	cfg->suppress = 2000;
	cfg->reuse = 750;
	cfg->ceiling = 12000;
	cfg->penalty_withdraw = 1000;
	cfg->penalty_change = 500;
	cfg->penalty_readvertise = 0;
}

bool nfsk_flap_cfg_ok(const struct nfsk_flap_cfg *cfg)
{
	return cfg->half_life_ns >= NFSK_FLAP_HALF_LIFE_MIN &&
	       cfg->reuse < cfg->suppress && cfg->suppress <= cfg->ceiling &&
	       cfg->ceiling <= NFSK_FLAP_PENALTY_MAX &&
	       cfg->penalty_withdraw <= NFSK_FLAP_PENALTY_MAX &&
	       cfg->penalty_change <= NFSK_FLAP_PENALTY_MAX &&
	       cfg->penalty_readvertise <= NFSK_FLAP_PENALTY_MAX;
}

bool nfsk_flap_geom_ok(u32 entries)
{
	return nfsk_is_pow2(entries) && entries >= NFSK_FLAP_MIN_ENTRIES &&
	       entries <= NFSK_FLAP_MAX_ENTRIES;
}

u64 nfsk_flap_size(u32 entries)
{
	return (u64)entries * sizeof(struct nfsk_flap_entry);
}

void nfsk_flap_clear(struct nfsk_flap_table *t)
{
	memset(t->slot, 0, nfsk_flap_size(t->entries));
	t->used = 0;
	t->suppressed = 0;
	t->events = 0;
	t->untracked = 0;
	t->inserted = 0;
	t->evictions = 0;
	t->refused = 0;
	t->suppress_crossings = 0;
}

void nfsk_flap_init(struct nfsk_flap_table *t, const struct nfsk_flap_cfg *cfg,
		    u32 entries, u64 seed, void *mem)
{
	t->cfg = *cfg;
	t->slot = mem;
	t->entries = entries;
	t->set_mask = entries / NFSK_FLAP_WAYS - 1;
	t->seed = seed;
	nfsk_flap_clear(t);
}

/* The key with host bits and padding cleared: compared field by field. */
static void key_norm(struct nfsk_flap_key *k, const struct nfsk_flap_key *in)
{
	u32 plen = in->plen > 128 ? 128 : in->plen;
	u32 i;

	*k = *in;
	k->pad[0] = 0;
	k->pad[1] = 0;
	for (i = 0; i < 16; i++) {
		if (plen >= 8 * (i + 1))
			continue;
		if (plen <= 8 * i)
			k->addr[i] = 0;
		else
			k->addr[i] &= (u8)(0xff00 >> (plen - 8 * i));
	}
}

static bool key_eq(const struct nfsk_flap_key *a, const struct nfsk_flap_key *b)
{
	return a->family == b->family && a->plen == b->plen &&
	       a->table == b->table && !memcmp(a->addr, b->addr, 16);
}

static u32 key_set(const struct nfsk_flap_table *t,
		   const struct nfsk_flap_key *k)
{
	u64 w[3], h = t->seed;
	u32 i;

	memcpy(w, k->addr, 16);
	w[2] = ((u64)k->table << 16) | ((u64)k->family << 8) | k->plen;
	for (i = 0; i < 3; i++) {
		h = (h ^ w[i]) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return (u32)h & t->set_mask;
}

static u32 cur_fx(const struct nfsk_flap_table *t,
		  const struct nfsk_flap_entry *e, u64 now)
{
	u64 dt = now > e->stamp_ns ? now - e->stamp_ns : 0;

	return nfsk_flap_decay(e->penalty_fx, dt, t->cfg.half_life_ns);
}

static bool still_suppressed(const struct nfsk_flap_table *t,
			     const struct nfsk_flap_entry *e, u32 fx)
{
	return (e->state & NFSK_FLAP_S_SUPPRESSED) &&
	       fx >= (t->cfg.reuse << FX);
}

static struct nfsk_flap_entry *find(const struct nfsk_flap_table *t,
				    const struct nfsk_flap_key *k)
{
	struct nfsk_flap_entry *e = t->slot + key_set(t, k) * NFSK_FLAP_WAYS;
	u32 i;

	for (i = 0; i < NFSK_FLAP_WAYS; i++, e++)
		if ((e->state & NFSK_FLAP_S_USED) && key_eq(&e->key, k))
			return e;
	return NULL;
}

static struct nfsk_flap_entry *free_way(const struct nfsk_flap_table *t,
					const struct nfsk_flap_key *k)
{
	struct nfsk_flap_entry *e = t->slot + key_set(t, k) * NFSK_FLAP_WAYS;
	u32 i;

	for (i = 0; i < NFSK_FLAP_WAYS; i++, e++)
		if (!(e->state & NFSK_FLAP_S_USED))
			return e;
	return NULL;
}

/*
 * A slot for a new key whose event adds @inc_fx: a free one, else the
 * lowest current penalty if below half of @inc_fx (ties: withdrawn first,
 * then the stalest); NULL when every way holds more history than that.
 */
static struct nfsk_flap_entry *victim(struct nfsk_flap_table *t,
				      const struct nfsk_flap_key *k, u64 now,
				      u32 inc_fx, bool *evicted)
{
	struct nfsk_flap_entry *e = t->slot + key_set(t, k) * NFSK_FLAP_WAYS;
	struct nfsk_flap_entry *best = NULL;
	u32 i, fx, best_fx = 0;
	bool wd, best_wd = false;

	*evicted = false;
	for (i = 0; i < NFSK_FLAP_WAYS; i++, e++) {
		if (!(e->state & NFSK_FLAP_S_USED))
			return e;
		fx = cur_fx(t, e, now);
		/* a suppressed prefix keeps its way: its alert names it */
		if (still_suppressed(t, e, fx))
			continue;
		wd = !!(e->state & NFSK_FLAP_S_WITHDRAWN);
		if (!best || fx < best_fx ||
		    (fx == best_fx && wd && !best_wd) ||
		    (fx == best_fx && wd == best_wd &&
		     e->stamp_ns < best->stamp_ns)) {
			best = e;
			best_fx = fx;
			best_wd = wd;
		}
	}
	if (!best || (best_fx && best_fx >= inc_fx / 2))
		return NULL;
	if (best->state & NFSK_FLAP_S_SUPPRESSED)
		t->suppressed--;
	t->used--;
	if (best_fx) {
		t->evictions++;
		*evicted = true;
	}
	return best;
}

u32 nfsk_flap_event(struct nfsk_flap_table *t, const struct nfsk_flap_key *key,
		    enum nfsk_flap_event ev, u64 now,
		    struct nfsk_flap_verdict *v)
{
	struct nfsk_flap_verdict dummy;
	struct nfsk_flap_entry *e;
	struct nfsk_flap_key k;
	bool evicted = false;
	u32 inc, fx;

	if (!v)
		v = &dummy;
	memset(v, 0, sizeof(*v));
	t->events++;
	switch (ev) {
	case NFSK_FLAP_DEL:
		inc = t->cfg.penalty_withdraw;
		break;
	case NFSK_FLAP_REPLACE:
		inc = t->cfg.penalty_change;
		break;
	default:
		inc = 0;
		break;
	}
	key_norm(&k, key);
	e = find(t, &k);
	if (e) {
		fx = cur_fx(t, e, now);
		if (!still_suppressed(t, e, fx) &&
		    (e->state & NFSK_FLAP_S_SUPPRESSED)) {
			e->state &= ~NFSK_FLAP_S_SUPPRESSED;
			t->suppressed--;
		}
		if (ev == NFSK_FLAP_ADD) {
			if (e->state & NFSK_FLAP_S_WITHDRAWN)
				inc = t->cfg.penalty_readvertise;
			e->state &= ~NFSK_FLAP_S_WITHDRAWN;
		}
	} else {
		/*
		 * An ADD of an unknown prefix costs nothing, and is kept only
		 * in a free way: then a later REPLACE of it is told from an ADD.
		 * It never displaces a prefix with a history.
		 */
		e = inc ? victim(t, &k, now, inc << FX, &evicted) :
			  free_way(t, &k);
		if (!e) {
			if (inc)
				t->refused++;
			else
				t->untracked++;
			return 0;
		}
		memset(e, 0, sizeof(*e));
		e->key = k;
		e->state = NFSK_FLAP_S_USED;
		t->used++;
		t->inserted++;
		fx = 0;
	}
	if (ev == NFSK_FLAP_DEL) {
		e->state |= NFSK_FLAP_S_WITHDRAWN;
		e->flaps++;
	}
	e->events++;
	fx += inc << FX;
	if (fx > t->cfg.ceiling << FX)
		fx = t->cfg.ceiling << FX;
	e->penalty_fx = fx;
	e->stamp_ns = now;
	if (!(e->state & NFSK_FLAP_S_SUPPRESSED) &&
	    fx > t->cfg.suppress << FX) {
		e->state |= NFSK_FLAP_S_SUPPRESSED;
		t->suppressed++;
		t->suppress_crossings++;
		v->crossed = 1;
	}
	v->penalty = fx >> FX;
	v->tracked = 1;
	v->suppressed = !!(e->state & NFSK_FLAP_S_SUPPRESSED);
	v->evicted = evicted;
	return v->penalty;
}

static void fill_info(const struct nfsk_flap_table *t,
		      const struct nfsk_flap_entry *e, u64 now,
		      struct nfsk_flap_info *out)
{
	u32 fx = cur_fx(t, e, now);

	memset(out, 0, sizeof(*out));
	out->key = e->key;
	out->penalty_fx = fx;
	out->penalty = fx >> FX;
	out->flaps = e->flaps;
	out->events = e->events;
	out->suppressed = still_suppressed(t, e, fx);
	out->withdrawn = !!(e->state & NFSK_FLAP_S_WITHDRAWN);
	out->protocol = e->protocol;
	out->nexthops = e->nexthops;
	out->stamp_ns = e->stamp_ns;
}

void nfsk_flap_set_route(struct nfsk_flap_table *t,
			 const struct nfsk_flap_key *key, u8 protocol,
			 u16 nexthops)
{
	struct nfsk_flap_entry *e;
	struct nfsk_flap_key k;

	key_norm(&k, key);
	e = find(t, &k);
	if (e) {
		e->protocol = protocol;
		e->nexthops = nexthops;
	}
}

/*
 * Decay is monotonic in time: bisect the elapsed time (64 steps at most)
 * for the first nanosecond at which the penalty is below reuse.
 */
u64 nfsk_flap_reuse_in(const struct nfsk_flap_table *t, u32 penalty_fx)
{
	u64 lo = 0, hi, mid, h = t->cfg.half_life_ns;
	u32 reuse_fx = t->cfg.reuse << FX;

	if (penalty_fx < reuse_fx)
		return 0;
	hi = h > (~0ULL >> 6) ? ~0ULL : h * 33;	/* decay() is 0 from 32 h */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (nfsk_flap_decay(penalty_fx, mid, h) < reuse_fx)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

bool nfsk_flap_lookup(const struct nfsk_flap_table *t,
		      const struct nfsk_flap_key *key, u64 now,
		      struct nfsk_flap_info *out)
{
	const struct nfsk_flap_entry *e;
	struct nfsk_flap_key k;

	key_norm(&k, key);
	e = find(t, &k);
	if (!e)
		return false;
	fill_info(t, e, now, out);
	return true;
}

bool nfsk_flap_next(const struct nfsk_flap_table *t, u32 *pos, u64 now,
		    struct nfsk_flap_info *out)
{
	u32 i;

	for (i = *pos; i < t->entries; i++) {
		if (t->slot[i].state & NFSK_FLAP_S_USED) {
			fill_info(t, &t->slot[i], now, out);
			*pos = i + 1;
			return true;
		}
	}
	*pos = t->entries;
	return false;
}

u32 nfsk_flap_suppressed(struct nfsk_flap_table *t, u64 now)
{
	struct nfsk_flap_entry *e;
	u32 i;

	for (i = 0; i < t->entries; i++) {
		e = &t->slot[i];
		if ((e->state & NFSK_FLAP_S_SUPPRESSED) &&
		    !still_suppressed(t, e, cur_fx(t, e, now))) {
			e->state &= ~NFSK_FLAP_S_SUPPRESSED;
			t->suppressed--;
		}
	}
	return t->suppressed;
}
