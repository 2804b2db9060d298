// SPDX-License-Identifier: GPL-2.0
/*
 * The set of present routes of a namespace: one entry per prefix (family,
 * table, prefix length, address: struct nfsk_flap_key) in its tables, with
 * the nexthops of its first route, a fingerprint of its first next hop and
 * its protocol. It tells the route classifier (kmod/core/route_class.c)
 * whether a notified prefix is already there, so add vs replace and the
 * table sizes stay exact for a full Internet table, where the bounded flap
 * table holds only the flapping few; and it answers ROUTE_MORE_SPECIFIC's
 * "which present shorter prefix covers this one" (nfsk_route_set_cover():
 * one exact lookup per shorter length present, counted per family in
 * s->plens, see kmod/core/more_spec.c).
 *
 * The kernel's rhashtable, entries from one module-wide kmem_cache:
 *  - inserts come from the fib notifier, an atomic chain (IPv6 holds a
 *    table spinlock, the registration replay the RCU read lock for the
 *    whole dump): entries are allocated with GFP_NOWAIT (no dip into the
 *    reserves packets need: a failure is counted, see below) from a cache
 *    charged to the memory cgroup (SLAB_ACCOUNT), and rhashtable
 *    grows its bucket array in its own worker (process context), or with
 *    GFP_ATOMIC (nested tables) when an insert finds it over full;
 *  - an insert that fails is never silent: at the ceiling route_track_max
 *    (`full`) or out of memory (`nomem`). The prefix then has no entry;
 *    while the classifier's table sizes exceed the set's entries (such
 *    prefixes still present: `untracked`), a prefix missing from the set is
 *    "unknown", classified from the notification alone, rather than
 *    "absent", and the sizes may be approximate;
 *  - a removed entry is freed after an RCU grace period (call_rcu):
 *    rhashtable's lookups walk its chains under RCU; module exit waits for
 *    those callbacks (rcu_barrier()) before destroying the cache;
 *  - the replay's flush (inconsistent dump, process context, notifier
 *    unregistered) swaps in a new empty table and destroys the old one
 *    outside the lock; netns exit destroys the table after the notifier is
 *    gone (rhashtable_free_and_destroy() cancels its worker).
 *
 * Locking: every call but init, swap-out and destroy is made under
 * nfsk_routes->lock (routes.c, a BH spinlock), which serialises all the
 * changes of the set and its counters; rhashtable's own bucket locks
 * serialise it against its resize worker.
 */
#include <linux/rcupdate.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include "nfsketch.h"

struct nfsk_route_entry {
	struct rhash_head	node;
	struct nfsk_flap_key	key;
	u16			nexthops;
	u8			protocol;
	u32			nh_fp;	/* in the padding: 56 bytes on 64-bit */
	struct rcu_head		rcu;
};

static struct kmem_cache *nfsk_route_cache __read_mostly;

static const struct rhashtable_params nfsk_route_params = {
	.head_offset		= offsetof(struct nfsk_route_entry, node),
	.key_offset		= offsetof(struct nfsk_route_entry, key),
	.key_len		= sizeof(struct nfsk_flap_key),
	.automatic_shrinking	= true,
};

int nfsk_route_cache_init(void)
{
	/* the memory per route the README states, on 64-bit */
	BUILD_BUG_ON(IS_ENABLED(CONFIG_64BIT) &&
		     sizeof(struct nfsk_route_entry) != 56);
	nfsk_route_cache = KMEM_CACHE(nfsk_route_entry, SLAB_ACCOUNT);
	return nfsk_route_cache ? 0 : -ENOMEM;
}

void nfsk_route_cache_exit(void)
{
	/* entries removed by call_rcu() must be back before the cache goes */
	rcu_barrier();
	kmem_cache_destroy(nfsk_route_cache);
}

static u32 nfsk_route_entry_bytes(void)
{
	return kmem_cache_size(nfsk_route_cache);
}

static void nfsk_route_entry_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(nfsk_route_cache,
			container_of(head, struct nfsk_route_entry, rcu));
}

/* rhashtable_free_and_destroy(): no reader left, free at once. */
static void nfsk_route_entry_free(void *ptr, void *arg)
{
	kmem_cache_free(nfsk_route_cache, ptr);
	atomic64_sub(nfsk_route_entry_bytes(), &nfsk_mem_bytes);
}

static struct rhashtable *nfsk_route_ht_new(void)
{
	struct rhashtable *ht = kzalloc(sizeof(*ht), GFP_KERNEL_ACCOUNT);

	if (ht && rhashtable_init(ht, &nfsk_route_params)) {
		kfree(ht);
		ht = NULL;
	}
	return ht;
}

static void nfsk_route_ht_free(struct rhashtable *ht)
{
	if (!ht)
		return;
	rhashtable_free_and_destroy(ht, nfsk_route_entry_free, NULL);
	kfree(ht);
}

/* Process context. A set whose table cannot be made tracks nothing. */
int nfsk_route_set_init(struct nfsk_route_set *s, u32 max)
{
	memset(s, 0, sizeof(*s));
	s->max = max;
	s->ht = nfsk_route_ht_new();
	if (!s->ht)
		return -ENOMEM;
	nfsk_rht_mem_note(&s->buckets, s->ht);
	return 0;
}

/* A new route_track_max: applies to the next insert. Under routes' lock. */
void nfsk_route_set_set_max(struct nfsk_route_set *s, u32 max)
{
	s->max = max;
}

/* Process context, no notification running (after unregister). */
void nfsk_route_set_destroy(struct nfsk_route_set *s)
{
	nfsk_rht_mem_drop(&s->buckets);
	nfsk_route_ht_free(s->ht);
	s->ht = NULL;
	WRITE_ONCE(s->entries, 0);
	memset(&s->plens, 0, sizeof(s->plens));
}

/*
 * The flush: under the lock, swap @fresh (from nfsk_route_ht_new(), may be
 * NULL) in, zero the counts of the table's contents and return the old
 * table for nfsk_route_set_free_table() after the lock is dropped.
 */
struct rhashtable *nfsk_route_set_swap(struct nfsk_route_set *s,
				       struct rhashtable *fresh)
{
	struct rhashtable *old = s->ht;

	nfsk_rht_mem_drop(&s->buckets);
	s->ht = fresh;
	nfsk_rht_mem_note(&s->buckets, s->ht);
	WRITE_ONCE(s->entries, 0);
	memset(&s->plens, 0, sizeof(s->plens));
	return old;
}

struct rhashtable *nfsk_route_set_new_table(void)
{
	return nfsk_route_ht_new();
}

void nfsk_route_set_free_table(struct rhashtable *ht)
{
	nfsk_route_ht_free(ht);
}

/*
 * What the set knows of @k, for the classifier: present with its
 * nexthops, absent, or unknown while the classifier's sizes count prefixes
 * the set could not hold (see nfsk_route_prior()). Returns the entry, to be
 * handed to nfsk_route_set_store(), or NULL.
 */
struct nfsk_route_entry *nfsk_route_set_find(struct nfsk_route_set *s,
					     const struct nfsk_flap_key *k,
					     const struct nfsk_rc_tables *tab,
					     struct nfsk_rc_prefix *prior)
{
	struct nfsk_route_entry *e = NULL;

	if (s->ht)
		e = rhashtable_lookup_fast(s->ht, k, nfsk_route_params);
	nfsk_route_prior(prior, e, e ? e->nexthops : 0,
			 nfsk_route_untracked(tab, s->entries));
	return e;
}

static bool nfsk_route_set_insert(struct nfsk_route_set *s,
				  const struct nfsk_flap_key *k,
				  u16 nexthops, u8 protocol, u32 nh_fp)
{
	struct nfsk_route_entry *e;

	if (s->entries >= s->max) {
		s->full++;
		return false;
	}
	e = s->ht ? kmem_cache_alloc(nfsk_route_cache,
				     GFP_NOWAIT | __GFP_NOWARN) : NULL;
	if (!e) {
		s->nomem++;
		return false;
	}
	e->key = *k;
	e->nexthops = nexthops;
	e->protocol = protocol;
	e->nh_fp = nh_fp;
	/* -ENOMEM (bucket table), -E2BIG, -EBUSY: not stored, counted */
	if (rhashtable_insert_fast(s->ht, &e->node, nfsk_route_params)) {
		kmem_cache_free(nfsk_route_cache, e);
		s->nomem++;
		return false;
	}
	WRITE_ONCE(s->entries, s->entries + 1);
	nfsk_ms_plen_add(&s->plens, k);
	atomic64_add(nfsk_route_entry_bytes(), &nfsk_mem_bytes);
	nfsk_rht_mem_note(&s->buckets, s->ht);
	return true;
}

/* The protocol of a route nfsk_route_set_find() returned. */
u8 nfsk_route_entry_protocol(const struct nfsk_route_entry *e)
{
	return e->protocol;
}

/*
 * Store the classifier's verdict on @k; @e from nfsk_route_set_find().
 * @nh_fp is the first next hop's fingerprint, NULL when the notification
 * named another next hop than the first (an IPv6 sibling): kept.
 */
void nfsk_route_set_store(struct nfsk_route_set *s,
			  struct nfsk_route_entry *e,
			  const struct nfsk_flap_key *k,
			  const struct nfsk_rc_prefix *next, u8 protocol,
			  const u32 *nh_fp)
{
	if (e && next->present) {
		e->nexthops = next->nexthops;
		e->protocol = protocol;
		if (nh_fp)
			e->nh_fp = *nh_fp;
		return;
	}
	if (e) {
		rhashtable_remove_fast(s->ht, &e->node, nfsk_route_params);
		WRITE_ONCE(s->entries, s->entries - 1);
		nfsk_ms_plen_del(&s->plens, k);
		atomic64_sub(nfsk_route_entry_bytes(), &nfsk_mem_bytes);
		call_rcu(&e->rcu, nfsk_route_entry_free_rcu);
		nfsk_rht_mem_note(&s->buckets, s->ht);
		return;
	}
	if (next->present)
		nfsk_route_set_insert(s, k, next->nexthops, protocol,
				      nh_fp ? *nh_fp : 0);
}

static bool nfsk_route_set_find_hop(void *ctx, const struct nfsk_flap_key *k,
				    struct nfsk_ms_hop *hop)
{
	struct nfsk_route_set *s = ctx;
	struct nfsk_route_entry *e;

	e = rhashtable_lookup_fast(s->ht, k, nfsk_route_params);
	if (!e)
		return false;
	hop->nh_fp = e->nh_fp;
	hop->protocol = e->protocol;
	return true;
}

/*
 * ROUTE_MORE_SPECIFIC: judge the new prefix @k whose route is @hop against
 * the present shorter prefixes (kmod/core/more_spec.c); the reason bits,
 * the cover in @c. Atomic context: exact lookups only, nothing allocated.
 * A cover the set could not hold (full, no memory) is not seen.
 */
u32 nfsk_route_set_cover(struct nfsk_route_set *s,
			 const struct nfsk_flap_key *k,
			 const struct nfsk_ms_hop *hop,
			 struct nfsk_ms_cover *c)
{
	if (!s->ht) {
		memset(c, 0, sizeof(*c));
		return 0;
	}
	return nfsk_ms_judge(&s->plens, k, hop, nfsk_route_set_find_hop, s, c);
}

/* Entries, bytes (entries and buckets) and the refusals, for STATS_GET. */
void nfsk_route_set_stats(struct nfsk_route_set *s,
			  struct nfsk_route_stats *st)
{
	nfsk_rht_mem_note(&s->buckets, s->ht);
	st->track_entries = s->entries;
	st->track_bytes = nfsk_route_set_mem_bytes(s);
	st->track_full = s->full;
	st->track_nomem = s->nomem;
}

/* Entries and bucket array; no lock needed (a snapshot). */
u64 nfsk_route_set_mem_bytes(const struct nfsk_route_set *s)
{
	return (u64)READ_ONCE(s->entries) * nfsk_route_entry_bytes() +
	       nfsk_rht_mem_bytes(&s->buckets);
}
