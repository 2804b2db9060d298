/* SPDX-License-Identifier: GPL-2.0 */
/*
 * flap.h - route flap damping penalties (RFC 2439), one entry per prefix.
 *
 * One entry per (family, prefix, prefix length, table). Events that count:
 *   DEL      a withdraw: +penalty_withdraw (1000), counted as a flap;
 *   REPLACE  an attribute change (new next hop...): +penalty_change (500);
 *   ADD      a re-advertisement after a withdraw: +penalty_readvertise (0,
 *            the withdraw already counted the flap); an ADD of a prefix
 *            without an entry makes none (the initial table is no churn).
 * The penalty decays exponentially with half-life half_life_ns; a prefix is
 * suppressed when its penalty exceeds `suppress` and stays so until it
 * decays below `reuse`; it never exceeds `ceiling`. An entry that is not
 * suppressed and has decayed below reuse / 2 is forgotten (RFC 2439's
 * release of a history): its next event starts from zero, as a new entry
 * does, so a store may free such entries whenever it likes (its sweep)
 * without changing any penalty.
 *
 * The math on one entry lives here once; the entries live in a store of
 * the caller's (struct nfsk_flap_store_ops): the kernel's rhashtable
 * (kmod/flap_store.c), or the portable growable hash of flap_hash.h (the
 * replay, the unit tests). A table (struct nfsk_flap_table) is the
 * settings and counters over one store.
 *
 * Time is passed in (ns, monotonic). Not thread-safe: the caller serialises
 * every call on a table and its store (the kernel holds its routes lock).
 */
#ifndef _NFSKETCH_FLAP_H
#define _NFSKETCH_FLAP_H

#include <nfsketch/compat.h>

#define NFSK_FLAP_FRAC_BITS	10		/* penalty fixed point */
#define NFSK_FLAP_PENALTY_MAX	1048576U	/* 2^20: bounds every threshold */
#define NFSK_FLAP_HALF_LIFE_MIN	1000000ULL	/* 1 ms */

/* Same values as enum nfsketch_route_event in the UAPI. */
enum nfsk_flap_event {
	NFSK_FLAP_ADD,
	NFSK_FLAP_DEL,
	NFSK_FLAP_REPLACE,
};

struct nfsk_flap_key {
	u8	addr[16];	/* IPv4 in the first 4 bytes */
	u32	table;
	u8	family;		/* AF_INET, AF_INET6 */
	u8	plen;		/* host bits beyond plen are ignored */
	u8	pad[2];		/* ignored */
};

struct nfsk_flap_cfg {
	u64	half_life_ns;		/* default 15 min */
	u32	suppress;		/* default 2000 */
	u32	reuse;			/* default 750 */
	u32	ceiling;		/* default 12000 = reuse * 2^(60/15) */
	u32	penalty_withdraw;	/* default 1000 */
	u32	penalty_change;		/* default 500 */
	u32	penalty_readvertise;	/* default 0 */
};

/* Entry state bits. */
enum nfsk_flap_state {
	NFSK_FLAP_S_USED	= 1U << 0,
	NFSK_FLAP_S_SUPPRESSED	= 1U << 1,
	NFSK_FLAP_S_WITHDRAWN	= 1U << 2,
};

struct nfsk_flap_entry {
	struct nfsk_flap_key	key;
	u64	stamp_ns;		/* time penalty_fx was computed */
	u32	penalty_fx;		/* penalty << FRAC_BITS at stamp_ns */
	u32	flaps;			/* withdraws seen */
	u32	events;			/* all events seen */
	u8	state;			/* NFSK_FLAP_S_* */
	u8	protocol;		/* the route's RTPROT_*, caller's */
	u16	nexthops;		/* of its first route, caller's */
};

/*
 * Where a table keeps its entries. get(): @k's entry (key normalised);
 * with @create, a new zeroed entry holding @k when there is none, NULL
 * when the store refuses it (at its ceiling, out of memory: the store
 * counts why; the table counts it as refused). suppressed(): the entry's
 * SUPPRESSED bit was just set (@on) or cleared; may be NULL.
 */
struct nfsk_flap_store_ops {
	struct nfsk_flap_entry *(*get)(void *store,
				       const struct nfsk_flap_key *k,
				       bool create);
	void (*suppressed)(void *store, struct nfsk_flap_entry *e, bool on);
};

struct nfsk_flap_table {
	struct nfsk_flap_cfg	cfg;
	const struct nfsk_flap_store_ops *ops;
	void	*store;
	u32	suppressed;		/* entries with SUPPRESSED set */
	u64	events;			/* events passed in */
	u64	inserted;		/* new entries */
	u64	forgotten;		/* histories released (reuse / 2) */
	u64	refused;		/* events not tracked: store refused */
	u64	suppress_crossings;	/* times a prefix became suppressed */
};

/* What one lookup or iteration step reports, decayed to `now`. */
struct nfsk_flap_info {
	struct nfsk_flap_key	key;
	u32	penalty;		/* integer penalty */
	u32	penalty_fx;		/* penalty << FRAC_BITS */
	u32	flaps;
	u32	events;
	u8	suppressed;
	u8	withdrawn;
	u8	protocol;
	u8	pad;
	u16	nexthops;
	u16	pad2;
	u64	stamp_ns;		/* time of its last event */
};

/* What one event did. */
struct nfsk_flap_verdict {
	u32	penalty;		/* after the event */
	u8	tracked;		/* the prefix has an entry */
	u8	suppressed;		/* suppressed after the event */
	u8	crossed;		/* became suppressed by this event */
	u8	forgot;			/* its history was released first */
};

void nfsk_flap_cfg_default(struct nfsk_flap_cfg *cfg);
/* reuse < suppress <= ceiling <= PENALTY_MAX, half-life >= 1 ms. */
bool nfsk_flap_cfg_ok(const struct nfsk_flap_cfg *cfg);
/* cfg must pass nfsk_flap_cfg_ok(); entries live in @store. */
void nfsk_flap_init(struct nfsk_flap_table *t, const struct nfsk_flap_cfg *cfg,
		    const struct nfsk_flap_store_ops *ops, void *store);
/* Zeroes the counters (the caller empties its store). */
void nfsk_flap_clear(struct nfsk_flap_table *t);
/* Host bits beyond plen and the padding cleared: the store's key. */
void nfsk_flap_key_norm(struct nfsk_flap_key *k, const struct nfsk_flap_key *in);

/*
 * Apply one route event at @now; returns the new penalty. @v may be NULL.
 * A DEL or REPLACE of a prefix without an entry makes one.
 */
u32 nfsk_flap_event(struct nfsk_flap_table *t, const struct nfsk_flap_key *key,
		    enum nfsk_flap_event ev, u64 now,
		    struct nfsk_flap_verdict *v);
/* The prefix's state at @now, if it has an entry. Changes nothing. */
bool nfsk_flap_lookup(const struct nfsk_flap_table *t,
		      const struct nfsk_flap_key *key, u64 now,
		      struct nfsk_flap_info *out);
/* Store the caller's route attributes with a tracked prefix (no-op if not). */
void nfsk_flap_set_route(struct nfsk_flap_table *t,
			 const struct nfsk_flap_key *key, u8 protocol,
			 u16 nexthops);

/* One entry, for a store's iteration and sweep. */
void nfsk_flap_entry_info(const struct nfsk_flap_table *t,
			  const struct nfsk_flap_entry *e, u64 now,
			  struct nfsk_flap_info *out);
/*
 * A store's sweep, on each entry: clears a suppression that decayed below
 * reuse (counted, ops->suppressed told); true when the entry may be freed
 * (not suppressed, below reuse / 2: forgotten, counted).
 */
bool nfsk_flap_entry_sweep(struct nfsk_flap_table *t,
			   struct nfsk_flap_entry *e, u64 now);

/* Nanoseconds from @now until a penalty of @penalty_fx decays below reuse. */
u64 nfsk_flap_reuse_in(const struct nfsk_flap_table *t, u32 penalty_fx);

/* penalty_fx * 2^(-dt / half_life); exposed for tests. */
u32 nfsk_flap_decay(u32 penalty_fx, u64 dt_ns, u64 half_life_ns);

#endif /* _NFSKETCH_FLAP_H */
