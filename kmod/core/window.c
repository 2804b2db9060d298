// SPDX-License-Identifier: GPL-2.0
/*
 * Window fold and history.
 *
 * At window close every CPU's bank of the old epoch is folded into one
 * record: totals and protocol/family counts are summed exactly, the CMS
 * rows are added cell by cell into the window CMS, widened from the banks'
 * narrow cells (Count-Min is linear, so the sum of per-CPU sketches is the
 * sketch of the whole stream; lcms.c: the overflow rule), the
 * histograms are added before the entropy is taken (entropy is not
 * additive), and the Sample-and-Hold entries of all banks are merged by
 * flow hash (a flow that moved between CPUs is held in several banks) before
 * the top-K by bytes is chosen, and added into the window CMS (a bank's CMS
 * has only its light packets: query.c). Each top flow is checked against
 * the window CMS: its held counts can never exceed the CMS estimate, a
 * violation means a bug or a tag collision and is counted in
 * cms_check_fail.
 *
 * The merge table is open addressing in caller-provided scratch, sized
 * for twice the entries of all banks, so it never fills and the fold needs
 * no allocation and no large stack frame.
 *
 * The history is a ring of records the caller allocates; detectors read
 * one series at a time out of it.
 */
#include <nfsketch/window.h>
#include <nfsketch/query.h>

static u64 nfsk_fold_slots(const struct nfsk_geom *g, u32 nbanks)
{
	u64 n = 2 * (u64)(nbanks ? nbanks : 1) * g->sah_entries;

	/* power of two >= n; n >= 16 since sah_entries >= 8 */
	return nfsk_is_pow2(n) ? n : 2ULL << nfsk_fls64(n);
}

u64 nfsk_fold_scratch_size(const struct nfsk_geom *g, u32 nbanks)
{
	return nfsk_fold_slots(g, nbanks) * sizeof(struct nfsk_fold_slot) +
	       2 * nfsk_hsum_size(g->hist_buckets, g->hist_sample);
}

void nfsk_fold_begin(struct nfsk_fold *f, struct nfsk_window *win,
		     struct nfsk_cms *wcms, const struct nfsk_geom *g,
		     u32 nbanks, void *scratch)
{
	u64 id = win->id, start = win->start_ns, length = win->length_ns;
	u64 start_real = win->start_real_ns;
	u64 nslots = nfsk_fold_slots(g, nbanks);

	memset(win, 0, sizeof(*win));
	win->id = id;
	win->start_ns = start;
	win->length_ns = length;
	win->start_real_ns = start_real;
	nfsk_cms_clear(wcms);

	f->win = win;
	f->wcms = wcms;
	f->g = g;
	nfsk_hsum_init(&f->src, g->hist_buckets, g->hist_sample, scratch);
	scratch = (u8 *)scratch + nfsk_hsum_size(g->hist_buckets,
						  g->hist_sample);
	nfsk_hsum_init(&f->dst, g->hist_buckets, g->hist_sample, scratch);
	scratch = (u8 *)scratch + nfsk_hsum_size(g->hist_buckets,
						  g->hist_sample);
	f->slots = scratch;
	f->slot_mask = (u32)(nslots - 1);
	f->slot_shift = 64 - nfsk_fls64(nslots);
	f->max_held = 0;
	f->first = true;
	memset(f->slots, 0, nslots * sizeof(struct nfsk_fold_slot));
}

static void nfsk_fold_flow(struct nfsk_fold *f, u64 hash,
			   const struct nfsk_sah_ctr *c,
			   const struct nfsk_flow_key *key)
{
	u32 i = (u32)(hash >> f->slot_shift);
	u32 n;

	for (n = 0; n <= f->slot_mask; n++, i = (i + 1) & f->slot_mask) {
		struct nfsk_fold_slot *s = &f->slots[i];

		if (s->hash == hash) {
			s->bytes += c->bytes;
			s->packets += c->packets;
			return;
		}
		if (!s->hash) {
			s->hash = hash;
			s->bytes = c->bytes;
			s->packets = c->packets;
			s->key = key;
			f->win->sah.flows++;
			return;
		}
	}
	f->win->sah.lost++;	/* only if more banks than announced */
}

void nfsk_fold_bank(struct nfsk_fold *f, const struct nfsk_bank *b)
{
	struct nfsk_window *win = f->win;
	const struct nfsk_sah *t = &b->sah;
	u32 i;

	win->packets += b->packets;
	win->bytes += b->bytes;
	win->truncated += b->truncated;
	for (i = 0; i < NFSK_PROTO_MAX; i++)
		win->proto[i] += b->proto[i];
	for (i = 0; i < NFSK_FAM_MAX; i++)
		win->family[i] += b->family[i];

	win->sah.hits += t->hits;
	win->sah.misses += t->misses;
	win->sah.admitted += t->admitted;
	win->sah.full += t->full;
	win->sah.forced += t->forced;
	win->sah.held += t->held;
	win->sah.capacity += t->entries;
	if (f->first || t->held > f->max_held)
		f->max_held = t->held;
	if (f->first)
		win->sah.p_fx = t->p_fx;
	f->first = false;

	nfsk_lcms_fold(f->wcms, &b->lcms);
	win->lcms_spill += b->lcms.spill_packets;
	nfsk_hsum_add(&f->src, &b->src);
	nfsk_hsum_add(&f->dst, &b->dst);
	/* held bytes are in no bank's CMS: add them, rows = whole stream */
	for (i = 0; i < t->entries; i++)
		if (t->tags[i]) {
			nfsk_fold_flow(f, t->tags[i], &t->ctr[i], &t->keys[i]);
			nfsk_cms_add(f->wcms, t->tags[i], t->ctr[i].packets,
				     t->ctr[i].bytes);
		}
}

/* a before b in the top-K: more bytes, then more packets, then hash */
static bool nfsk_fold_before(const struct nfsk_fold_slot *a,
			     const struct nfsk_flow_stat *b)
{
	if (a->bytes != b->bytes)
		return a->bytes > b->bytes;
	if (a->packets != b->packets)
		return a->packets > b->packets;
	return a->hash < b->hash;
}

static void nfsk_fold_topk(struct nfsk_fold *f)
{
	struct nfsk_window *win = f->win;
	u32 k = f->g->topk, i, j;

	for (i = 0; i <= f->slot_mask; i++) {
		const struct nfsk_fold_slot *s = &f->slots[i];

		if (!s->hash)
			continue;
		if (win->ntop == k &&
		    (!k || !nfsk_fold_before(s, &win->top[k - 1])))
			continue;
		j = win->ntop < k ? win->ntop++ : k - 1;
		for (; j > 0 && nfsk_fold_before(s, &win->top[j - 1]); j--)
			win->top[j] = win->top[j - 1];
		win->top[j].key = *s->key;
		win->top[j].hash = s->hash;
		win->top[j].bytes = s->bytes;
		win->top[j].packets = s->packets;
	}
	for (i = 0; i < win->ntop; i++) {
		struct nfsk_flow_stat *fs = &win->top[i];
		struct nfsk_cms_est full;

		nfsk_window_query(f->wcms, f->slots, f->slot_mask + 1,
				  fs->hash, &fs->est);
		/* the whole-stream rows hold every held byte */
		nfsk_cms_query(f->wcms, fs->hash, &full);
		if (fs->bytes > full.bytes || fs->packets > full.packets)
			win->cms_check_fail++;
	}
}

void nfsk_fold_end(struct nfsk_fold *f)
{
	struct nfsk_window *win = f->win;
	const struct nfsk_geom *g = f->g;

	win->src_entropy = nfsk_hsum_entropy_mbits(&f->src);
	win->dst_entropy = nfsk_hsum_entropy_mbits(&f->dst);
	nfsk_fold_topk(f);
	win->sah.occupancy_permille =
		(u32)nfsk_div_u64((u64)f->max_held * 1000, g->sah_entries);
	win->sah.p_next_fx = nfsk_sah_adapt(win->sah.p_fx, f->max_held,
					    g->sah_entries, g->sah_p_max_fx);
}

void nfsk_window_fold(struct nfsk_window *win, struct nfsk_cms *wcms,
		      const struct nfsk_bank *const *banks, u32 nbanks,
		      const struct nfsk_geom *g, void *scratch)
{
	struct nfsk_fold f;
	u32 i;

	nfsk_fold_begin(&f, win, wcms, g, nbanks, scratch);
	for (i = 0; i < nbanks; i++)
		nfsk_fold_bank(&f, banks[i]);
	nfsk_fold_end(&f);
}

const struct nfsk_fold_slot *nfsk_fold_held(const struct nfsk_geom *g,
					    u32 nbanks, const void *scratch,
					    u32 *nslots)
{
	*nslots = (u32)nfsk_fold_slots(g, nbanks);
	return (const struct nfsk_fold_slot *)((const u8 *)scratch + 2 *
		nfsk_hsum_size(g->hist_buckets, g->hist_sample));
}

u64 nfsk_fold_addr_packets(const struct nfsk_geom *g, const void *scratch,
			   u64 addr_hash, bool dst)
{
	const u8 *p = scratch;

	if (dst)
		p += nfsk_hsum_size(g->hist_buckets, g->hist_sample);
	/* an nfsk_hsum's bucket counts come first in its area */
	return ((const u64 *)p)[addr_hash >> (64 - nfsk_fls64(g->hist_buckets))];
}

u64 nfsk_window_series(const struct nfsk_window *win, enum nfsk_series s)
{
	u32 i;
	u64 v = 0;

	switch (s) {
	case NFSK_SERIES_PACKETS:
		return win->packets;
	case NFSK_SERIES_BYTES:
		return win->bytes;
	case NFSK_SERIES_SRC_ENTROPY:
		return win->src_entropy;
	case NFSK_SERIES_DST_ENTROPY:
		return win->dst_entropy;
	case NFSK_SERIES_ROUTE_EVENTS:
		for (i = 0; i < NFSK_FAM_MAX; i++)
			v += (u64)win->route_add[i] + win->route_del[i] +
			     win->route_replace[i];
		return v;
	default:
		return 0;
	}
}

void nfsk_history_init(struct nfsk_history *h, struct nfsk_window *rec,
		       u32 len)
{
	h->rec = rec;
	h->len = len;
	nfsk_history_reset(h);
}

void nfsk_history_reset(struct nfsk_history *h)
{
	h->head = 0;
	h->count = 0;
}

struct nfsk_window *nfsk_history_reserve(struct nfsk_history *h)
{
	if (h->count == h->len)
		h->count--;
	return &h->rec[h->head];
}

void nfsk_history_commit(struct nfsk_history *h)
{
	h->head = h->head + 1 == h->len ? 0 : h->head + 1;
	h->count++;
}

void nfsk_history_push(struct nfsk_history *h, const struct nfsk_window *w)
{
	memcpy(nfsk_history_reserve(h), w, sizeof(*w));
	nfsk_history_commit(h);
}

const struct nfsk_window *nfsk_history_get(const struct nfsk_history *h,
					   u32 i)
{
	u32 idx;

	if (i >= h->count)
		return NULL;
	/* head - 1 - i, wrapped without a modulo */
	idx = h->head >= i + 1 ? h->head - 1 - i : h->head + h->len - 1 - i;
	return &h->rec[idx];
}

u32 nfsk_history_series(const struct nfsk_history *h, enum nfsk_series s,
			u64 *out, u32 n)
{
	u32 m = n < h->count ? n : h->count;
	u32 i;

	for (i = 0; i < m; i++)
		out[m - 1 - i] = nfsk_window_series(nfsk_history_get(h, i), s);
	return m;
}
