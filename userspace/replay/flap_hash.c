// SPDX-License-Identifier: GPL-2.0
/*
 * flap_hash.c - the replay's store of flap entries: see flap_hash.h.
 * Keys are normalised by the core (nfsk_flap_key_norm()): compared whole.
 */
#include <stdlib.h>
#include <string.h>
#include "flap_hash.h"

#define FH_MIN_BUCKETS	64

struct flap_hnode {
	struct flap_hnode	*next;
	struct nfsk_flap_entry	e;
};

static u32 fh_hash(const struct nfsk_flap_key *k)
{
	const u8 *p = (const u8 *)k;
	u64 h = 0xcbf29ce484222325ULL;	/* FNV-1a */
	size_t i;

	for (i = 0; i < sizeof(*k); i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return (u32)(h ^ (h >> 32));
}

int flap_hash_init(struct flap_hash *h, u32 max)
{
	memset(h, 0, sizeof(*h));
	h->max = max;
	h->nbuckets = FH_MIN_BUCKETS;
	h->bucket = calloc(h->nbuckets, sizeof(*h->bucket));
	return h->bucket ? 0 : -1;
}

void flap_hash_destroy(struct flap_hash *h)
{
	struct flap_hnode *n, *next;
	u32 i;

	for (i = 0; h->bucket && i < h->nbuckets; i++)
		for (n = h->bucket[i]; n; n = next) {
			next = n->next;
			free(n);
		}
	free(h->bucket);
	h->bucket = NULL;
	h->count = 0;
}

/* Twice the buckets once there are more entries than buckets. */
static void fh_grow(struct flap_hash *h)
{
	u32 nb = h->nbuckets * 2, i;
	struct flap_hnode **b, *n, *next;

	if (!nb)
		return;
	b = calloc(nb, sizeof(*b));
	if (!b)
		return;	/* longer chains, still correct */
	for (i = 0; i < h->nbuckets; i++)
		for (n = h->bucket[i]; n; n = next) {
			u32 j = fh_hash(&n->e.key) & (nb - 1);

			next = n->next;
			n->next = b[j];
			b[j] = n;
		}
	free(h->bucket);
	h->bucket = b;
	h->nbuckets = nb;
}

static struct nfsk_flap_entry *fh_get(void *store,
				      const struct nfsk_flap_key *k,
				      bool create)
{
	struct flap_hash *h = store;
	u32 i = fh_hash(k) & (h->nbuckets - 1);
	struct flap_hnode *n;

	for (n = h->bucket[i]; n; n = n->next)
		if (!memcmp(&n->e.key, k, sizeof(*k)))
			return &n->e;
	if (!create)
		return NULL;
	if (h->count >= h->max) {
		h->full++;
		return NULL;
	}
	n = calloc(1, sizeof(*n));
	if (!n) {
		h->nomem++;
		return NULL;
	}
	n->e.key = *k;
	n->next = h->bucket[i];
	h->bucket[i] = n;
	h->count++;
	if (h->count > h->nbuckets)
		fh_grow(h);
	return &n->e;
}

const struct nfsk_flap_store_ops flap_hash_ops = {
	.get	= fh_get,
};

u32 flap_hash_sweep(struct flap_hash *h, struct nfsk_flap_table *t, u64 now)
{
	struct flap_hnode **pp, *n;
	u32 i, freed = 0;

	for (i = 0; i < h->nbuckets; i++) {
		pp = &h->bucket[i];
		while ((n = *pp)) {
			if (nfsk_flap_entry_sweep(t, &n->e, now)) {
				*pp = n->next;
				free(n);
				h->count--;
				freed++;
			} else {
				pp = &n->next;
			}
		}
	}
	return freed;
}

u64 flap_hash_bytes(const struct flap_hash *h)
{
	return (u64)h->count * sizeof(struct flap_hnode) +
	       (u64)h->nbuckets * sizeof(*h->bucket);
}
