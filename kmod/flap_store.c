// SPDX-License-Identifier: GPL-2.0
/*
 * The store of a namespace's RFC 2439 flap histories: one entry per prefix
 * with a penalty (struct nfsk_flap_entry, kmod/core/flap.c does the math),
 * made by the first withdraw or change of the prefix, so every flapping
 * prefix keeps its history, however many flap at once (a session loss
 * withdraws the whole table).
 *
 * The kernel's rhashtable, entries from one module-wide kmem_cache, as the
 * set of present routes (route_set.c, whose header says why):
 *  - entries are made from the fib notifier (atomic): GFP_NOWAIT from a
 *    cache charged to the memory cgroup (SLAB_ACCOUNT); one that cannot be
 *    made is counted, never silent: at the ceiling flap_track_max (`full`)
 *    or out of memory (`nomem`); the core counts both as flap_refused;
 *  - entries (112 bytes) and the bucket array (rht_mem.c) are counted in
 *    mem_bytes;
 *  - an entry the core releases (not suppressed, penalty below reuse / 2:
 *    nfsk_flap_entry_sweep()) is freed by the sweep at window close
 *    (process context, at most NFSK_FLAP_SWEEP entries a window in chunks
 *    under the lock, each entry in turn: the round list `all`), after an
 *    RCU grace period (call_rcu; module exit's rcu_barrier() waits for
 *    them). Freeing changes no penalty (flap.h), so memory returns as
 *    histories decay;
 *  - the suppressed entries are also on a list in the order they crossed,
 *    each with a sequence number: `routes --suppressed` dumps resume after
 *    the last number sent (a hint keeps resuming O(1)); a prefix reused and
 *    suppressed again is listed again, with its new number.
 *
 * Locking: every call but init and destroy is made under nfsk_routes->lock
 * (routes.c, a BH spinlock); destroy runs after the notifier is gone.
 */
#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include "nfsketch.h"

struct nfsk_flap_node {
	struct rhash_head	node;
	struct nfsk_flap_entry	e;
	struct list_head	all;	/* the sweep's round */
	struct list_head	sup;	/* suppressed, in crossing order */
	u64			sup_seq;
	struct rcu_head		rcu;
};

static struct kmem_cache *nfsk_flap_cache __read_mostly;

static const struct rhashtable_params nfsk_flap_params = {
	.head_offset		= offsetof(struct nfsk_flap_node, node),
	.key_offset		= offsetof(struct nfsk_flap_node, e.key),
	.key_len		= sizeof(struct nfsk_flap_key),
	.automatic_shrinking	= true,
};

int nfsk_flap_cache_init(void)
{
	/* the memory per flapping prefix the README states, on 64-bit */
	BUILD_BUG_ON(IS_ENABLED(CONFIG_64BIT) &&
		     sizeof(struct nfsk_flap_node) != 112);
	nfsk_flap_cache = KMEM_CACHE(nfsk_flap_node, SLAB_ACCOUNT);
	return nfsk_flap_cache ? 0 : -ENOMEM;
}

void nfsk_flap_cache_exit(void)
{
	rcu_barrier();	/* call_rcu() frees first */
	kmem_cache_destroy(nfsk_flap_cache);
}

static u32 nfsk_flap_node_bytes(void)
{
	return kmem_cache_size(nfsk_flap_cache);
}

static void nfsk_flap_node_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(nfsk_flap_cache,
			container_of(head, struct nfsk_flap_node, rcu));
}

/* rhashtable_free_and_destroy(): no reader left, free at once. */
static void nfsk_flap_node_free(void *ptr, void *arg)
{
	kmem_cache_free(nfsk_flap_cache, ptr);
	atomic64_sub(nfsk_flap_node_bytes(), &nfsk_mem_bytes);
}

/* A new flap_track_max: applies to the next entry. Under routes' lock. */
void nfsk_flap_store_set_max(struct nfsk_flap_store *st, u32 max)
{
	st->max = max;
}

/* Process context. */
int nfsk_flap_store_init(struct nfsk_flap_store *st, u32 max)
{
	memset(st, 0, sizeof(*st));
	st->max = max;
	INIT_LIST_HEAD(&st->all);
	INIT_LIST_HEAD(&st->sup);
	st->ht = kzalloc(sizeof(*st->ht), GFP_KERNEL_ACCOUNT);
	if (!st->ht)
		return -ENOMEM;
	if (rhashtable_init(st->ht, &nfsk_flap_params)) {
		kfree(st->ht);
		st->ht = NULL;
		return -ENOMEM;
	}
	/* counted from the start, not at the first sweep (before = after) */
	nfsk_rht_mem_note(&st->buckets, st->ht);
	return 0;
}

/* Process context, after the notifier is unregistered and a grace period. */
void nfsk_flap_store_destroy(struct nfsk_flap_store *st)
{
	if (!st->ht)
		return;
	nfsk_rht_mem_drop(&st->buckets);
	rhashtable_free_and_destroy(st->ht, nfsk_flap_node_free, NULL);
	kfree(st->ht);
	st->ht = NULL;
	INIT_LIST_HEAD(&st->all);
	INIT_LIST_HEAD(&st->sup);
	st->hint = NULL;
	WRITE_ONCE(st->entries, 0);
}

static void nfsk_flap_node_remove(struct nfsk_flap_store *st,
				  struct nfsk_flap_node *n)
{
	rhashtable_remove_fast(st->ht, &n->node, nfsk_flap_params);
	list_del(&n->all);
	if (!list_empty(&n->sup))
		list_del_init(&n->sup);
	if (st->hint == n)
		st->hint = NULL;
	WRITE_ONCE(st->entries, st->entries - 1);
	atomic64_sub(nfsk_flap_node_bytes(), &nfsk_mem_bytes);
	call_rcu(&n->rcu, nfsk_flap_node_free_rcu);
}

/* Under the lock: every entry goes (the replay's flush, forget). */
void nfsk_flap_store_clear(struct nfsk_flap_store *st)
{
	struct nfsk_flap_node *n, *tmp;

	list_for_each_entry_safe(n, tmp, &st->all, all)
		nfsk_flap_node_remove(st, n);
	st->sup_seq = 0;
	nfsk_rht_mem_note(&st->buckets, st->ht);
}

static struct nfsk_flap_entry *nfsk_flap_store_get(void *store,
						   const struct nfsk_flap_key *k,
						   bool create)
{
	struct nfsk_flap_store *st = store;
	struct nfsk_flap_node *n;

	if (!st->ht)
		return NULL;
	n = rhashtable_lookup_fast(st->ht, k, nfsk_flap_params);
	if (n || !create)
		return n ? &n->e : NULL;
	if (st->entries >= st->max) {
		st->full++;
		return NULL;
	}
	n = kmem_cache_zalloc(nfsk_flap_cache, GFP_NOWAIT | __GFP_NOWARN);
	if (!n) {
		st->nomem++;
		return NULL;
	}
	n->e.key = *k;
	INIT_LIST_HEAD(&n->sup);
	/* -ENOMEM (bucket table), -E2BIG, -EBUSY: not stored, counted */
	if (rhashtable_insert_fast(st->ht, &n->node, nfsk_flap_params)) {
		kmem_cache_free(nfsk_flap_cache, n);
		st->nomem++;
		return NULL;
	}
	list_add_tail(&n->all, &st->all);
	WRITE_ONCE(st->entries, st->entries + 1);
	atomic64_add(nfsk_flap_node_bytes(), &nfsk_mem_bytes);
	nfsk_rht_mem_note(&st->buckets, st->ht);
	return &n->e;
}

static void nfsk_flap_store_suppressed(void *store, struct nfsk_flap_entry *e,
				       bool on)
{
	struct nfsk_flap_node *n = container_of(e, struct nfsk_flap_node, e);
	struct nfsk_flap_store *st = store;

	if (on) {
		n->sup_seq = ++st->sup_seq;
		list_add_tail(&n->sup, &st->sup);
		return;
	}
	if (st->hint == n)
		st->hint = NULL;
	list_del_init(&n->sup);
}

const struct nfsk_flap_store_ops nfsk_flap_store_ops = {
	.get		= nfsk_flap_store_get,
	.suppressed	= nfsk_flap_store_suppressed,
};

/*
 * Look at the next @budget entries of the round (never one twice): end the
 * suppressions that decayed, free the released histories. Returns how many
 * were looked at (fewer than @budget: the round is done).
 */
u32 nfsk_flap_store_sweep(struct nfsk_flap_store *st,
			  struct nfsk_flap_table *t, u64 now, u32 budget)
{
	struct nfsk_flap_node *n;
	u32 i;

	if (budget > st->entries)
		budget = st->entries;
	for (i = 0; i < budget; i++) {
		n = list_first_entry(&st->all, struct nfsk_flap_node, all);
		if (nfsk_flap_entry_sweep(t, &n->e, now))
			nfsk_flap_node_remove(st, n);
		else
			list_move_tail(&n->all, &st->all);
	}
	nfsk_rht_mem_note(&st->buckets, st->ht);
	return budget;
}

/*
 * The next prefix still suppressed at @now that crossed after sequence
 * number *@after; *@after moves to it. Resumable across dump calls.
 */
bool nfsk_flap_store_suppressed_next(struct nfsk_flap_store *st,
				     const struct nfsk_flap_table *t,
				     u64 *after, u64 now,
				     struct nfsk_flap_info *info)
{
	struct list_head *pos = st->sup.next;
	struct nfsk_flap_node *n;

	/* resume at the hint: the last sent, or the one that did not fit */
	if (st->hint && st->hint->sup_seq == *after) {
		pos = st->hint->sup.next;
	} else if (st->hint && st->hint->sup_seq > *after) {
		struct list_head *prev = st->hint->sup.prev;

		if (prev == &st->sup ||
		    list_entry(prev, struct nfsk_flap_node, sup)->sup_seq <= *after)
			pos = &st->hint->sup;
	}
	for (; pos != &st->sup; pos = pos->next) {
		n = list_entry(pos, struct nfsk_flap_node, sup);
		if (n->sup_seq <= *after)
			continue;
		nfsk_flap_entry_info(t, &n->e, now, info);
		if (!info->suppressed)	/* decayed, not swept yet */
			continue;
		*after = n->sup_seq;
		st->hint = n;
		return true;
	}
	return false;
}

/* Under the lock, at STATS_GET: the bucket array as it is now. */
void nfsk_flap_store_note_mem(struct nfsk_flap_store *st)
{
	nfsk_rht_mem_note(&st->buckets, st->ht);
}

u64 nfsk_flap_store_mem_bytes(const struct nfsk_flap_store *st)
{
	return (u64)READ_ONCE(st->entries) * nfsk_flap_node_bytes() +
	       nfsk_rht_mem_bytes(&st->buckets);
}
