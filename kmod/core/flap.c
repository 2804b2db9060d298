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
 * The entries live in the caller's store (flap.h): here is only what one
 * entry does. An entry is created by the first event that costs something
 * (a DEL or REPLACE of a prefix without one), so every flapping prefix has
 * its history, however many flap; the store's ceiling and memory are the
 * only bounds, and a refusal is counted (`refused`). A history that decayed
 * below reuse / 2 while not suppressed is released (RFC 2439): the next
 * event starts from zero whether the store freed the entry or not, so the
 * penalties do not depend on when (or whether) a store sweeps.
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

void nfsk_flap_clear(struct nfsk_flap_table *t)
{
	t->suppressed = 0;
	t->events = 0;
	t->inserted = 0;
	t->forgotten = 0;
	t->refused = 0;
	t->suppress_crossings = 0;
}

void nfsk_flap_init(struct nfsk_flap_table *t, const struct nfsk_flap_cfg *cfg,
		    const struct nfsk_flap_store_ops *ops, void *store)
{
	t->cfg = *cfg;
	t->ops = ops;
	t->store = store;
	nfsk_flap_clear(t);
}

/* The key with host bits and padding cleared: compared field by field. */
void nfsk_flap_key_norm(struct nfsk_flap_key *k, const struct nfsk_flap_key *in)
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

/* Penalty below reuse / 2, not suppressed: the history may be released. */
static bool forgettable(const struct nfsk_flap_table *t,
			const struct nfsk_flap_entry *e, u32 fx)
{
	return !(e->state & NFSK_FLAP_S_SUPPRESSED) &&
	       fx < (t->cfg.reuse << FX) / 2;
}

static void set_suppressed(struct nfsk_flap_table *t,
			   struct nfsk_flap_entry *e, bool on)
{
	if (on) {
		e->state |= NFSK_FLAP_S_SUPPRESSED;
		t->suppressed++;
	} else {
		e->state &= ~NFSK_FLAP_S_SUPPRESSED;
		t->suppressed--;
	}
	if (t->ops->suppressed)
		t->ops->suppressed(t->store, e, on);
}

/* A suppression that decayed below reuse ends when the entry is looked at. */
static void reuse_check(struct nfsk_flap_table *t, struct nfsk_flap_entry *e,
			u32 fx)
{
	if ((e->state & NFSK_FLAP_S_SUPPRESSED) && !still_suppressed(t, e, fx))
		set_suppressed(t, e, false);
}

static u32 event_inc(const struct nfsk_flap_cfg *cfg, enum nfsk_flap_event ev)
{
	switch (ev) {
	case NFSK_FLAP_DEL:
		return cfg->penalty_withdraw;
	case NFSK_FLAP_REPLACE:
		return cfg->penalty_change;
	default:
		return 0;
	}
}

u32 nfsk_flap_event(struct nfsk_flap_table *t, const struct nfsk_flap_key *key,
		    enum nfsk_flap_event ev, u64 now,
		    struct nfsk_flap_verdict *v)
{
	u32 inc = event_inc(&t->cfg, ev), fx = 0;
	struct nfsk_flap_verdict dummy;
	struct nfsk_flap_entry *e;
	struct nfsk_flap_key k;

	if (!v)
		v = &dummy;
	memset(v, 0, sizeof(*v));
	t->events++;
	nfsk_flap_key_norm(&k, key);
	/* an ADD of a prefix without a history costs nothing: no entry */
	e = t->ops->get(t->store, &k, inc != 0);
	if (!e) {
		if (inc)
			t->refused++;
		return 0;
	}
	if (!(e->state & NFSK_FLAP_S_USED)) {
		e->state = NFSK_FLAP_S_USED;
		t->inserted++;
	} else {
		fx = cur_fx(t, e, now);
		reuse_check(t, e, fx);
		if (forgettable(t, e, fx)) {
			/* as if the store had freed it: start afresh */
			e->state = NFSK_FLAP_S_USED;
			e->flaps = 0;
			e->events = 0;
			fx = 0;
			t->forgotten++;
			v->forgot = 1;
		}
	}
	if (ev == NFSK_FLAP_ADD) {
		if (e->state & NFSK_FLAP_S_WITHDRAWN)
			inc = t->cfg.penalty_readvertise;
		e->state &= ~NFSK_FLAP_S_WITHDRAWN;
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
		set_suppressed(t, e, true);
		t->suppress_crossings++;
		v->crossed = 1;
	}
	v->penalty = fx >> FX;
	v->tracked = 1;
	v->suppressed = !!(e->state & NFSK_FLAP_S_SUPPRESSED);
	return v->penalty;
}

bool nfsk_flap_entry_sweep(struct nfsk_flap_table *t,
			   struct nfsk_flap_entry *e, u64 now)
{
	u32 fx = cur_fx(t, e, now);

	reuse_check(t, e, fx);
	if (!forgettable(t, e, fx))
		return false;
	t->forgotten++;
	return true;
}

void nfsk_flap_entry_info(const struct nfsk_flap_table *t,
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

	nfsk_flap_key_norm(&k, key);
	e = t->ops->get(t->store, &k, false);
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

	nfsk_flap_key_norm(&k, key);
	e = t->ops->get(t->store, &k, false);
	if (!e)
		return false;
	nfsk_flap_entry_info(t, e, now, out);
	return true;
}
