// SPDX-License-Identifier: GPL-2.0
/*
 * The bucket array of an rhashtable (the route set, the flap store) in
 * nfsketch's memory counts, like the entries. rhashtable grows and shrinks
 * it in its own worker, telling no one: the owner takes its size again
 * whenever its table changes and at each STATS_GET, under the owner's lock
 * (so the table is not swapped meanwhile), and the change is folded into
 * the module's total. Between two looks (a resize pending, or a table
 * being replaced by one) the count is the array last seen.
 */
#include <linux/rhashtable.h>
#include "nfsketch.h"

void nfsk_rht_mem_note(struct nfsk_rht_mem *m, struct rhashtable *ht)
{
	u64 bytes = 0;

	if (ht) {
		const struct bucket_table *tbl;

		rcu_read_lock();
		tbl = rcu_dereference(ht->tbl);
		bytes = (u64)tbl->size * sizeof(tbl->buckets[0]);
		rcu_read_unlock();
	}
	/* most changes leave the array as it was: no write to the total */
	if (bytes == m->bucket_bytes)
		return;
	atomic64_add((s64)(bytes - m->bucket_bytes), &nfsk_mem_bytes);
	WRITE_ONCE(m->bucket_bytes, bytes);
}

/* The table goes: its bucket array leaves the counts. */
void nfsk_rht_mem_drop(struct nfsk_rht_mem *m)
{
	atomic64_sub(m->bucket_bytes, &nfsk_mem_bytes);
	WRITE_ONCE(m->bucket_bytes, 0);
}

/* No lock needed (a snapshot). */
u64 nfsk_rht_mem_bytes(const struct nfsk_rht_mem *m)
{
	return READ_ONCE(m->bucket_bytes);
}
