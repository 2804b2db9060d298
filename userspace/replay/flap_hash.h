/* SPDX-License-Identifier: GPL-2.0 */
/*
 * flap_hash.h - the replay's store of flap entries (flap.h): a chained hash
 * that doubles its buckets as it fills, so every flapping prefix has an
 * entry (up to @max, flap_track_max as in the kernel's store; a refusal is
 * counted). The kernel keeps the same entries in an rhashtable
 * (kmod/flap_store.c); both free what nfsk_flap_entry_sweep() allows at
 * window close, which changes no penalty.
 */
#ifndef _NFSK_FLAP_HASH_H
#define _NFSK_FLAP_HASH_H

#include <nfsketch/flap.h>

struct flap_hnode;

struct flap_hash {
	struct flap_hnode	**bucket;
	u32	nbuckets;	/* a power of two */
	u32	count;
	u32	max;		/* ceiling of entries */
	u64	full;		/* refused at max */
	u64	nomem;		/* refused: malloc failed */
};

extern const struct nfsk_flap_store_ops flap_hash_ops;

int flap_hash_init(struct flap_hash *h, u32 max);
void flap_hash_destroy(struct flap_hash *h);
/* Sweep every entry (nfsk_flap_entry_sweep()); returns how many freed. */
u32 flap_hash_sweep(struct flap_hash *h, struct nfsk_flap_table *t, u64 now);
/* Bytes held: entries and buckets. */
u64 flap_hash_bytes(const struct flap_hash *h);

#endif /* _NFSK_FLAP_HASH_H */
