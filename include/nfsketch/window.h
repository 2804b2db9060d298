/* SPDX-License-Identifier: GPL-2.0 */
/*
 * window.h - the closed-window record, the fold of per-CPU banks into it,
 * and the history ring the detectors read.
 */
#ifndef _NFSKETCH_WINDOW_H
#define _NFSKETCH_WINDOW_H

#include <nfsketch/compat.h>
#include <nfsketch/series.h>
#include <nfsketch/flow.h>
#include <nfsketch/cms.h>
#include <nfsketch/bank.h>
#include <nfsketch/route_series.h>

struct nfsk_flow_stat {
	struct nfsk_flow_key	key;
	u64			hash;
	u64			bytes;	/* held: exact since admission */
	u64			packets;
	struct nfsk_cms_est	est;	/* window CMS: >= truth */
};

struct nfsk_sah_stats {
	u64	hits;
	u64	misses;
	u64	admitted;
	u64	full;
	u64	forced;	/* held by the overflow rule (lcms.c) */
	u32	held;		/* entries in use, all banks */
	u32	flows;		/* distinct held flows after merging */
	u32	capacity;	/* entries, all banks */
	u32	occupancy_permille; /* of the fullest bank */
	u32	p_fx;		/* p used in this window */
	u32	p_next_fx;	/* p the adaptation picks for the next */
	u32	lost;		/* flows the fold could not merge (none) */
};

struct nfsk_window {
	/* set by the caller */
	u64			id;
	u64			start_ns;
	u64			length_ns;
	u64			start_real_ns;	/* CLOCK_REALTIME, 0: unknown */
	/* filled by nfsk_fold_*() */
	u64			packets;
	u64			bytes;
	u64			truncated;
	u64			proto[NFSK_PROTO_MAX];
	u64			family[NFSK_FAM_MAX];
	u32			src_entropy;	/* milli-bits */
	u32			dst_entropy;
	u32			ntop;
	u32			cms_check_fail;	/* held > CMS: must stay 0 */
	u64			lcms_spill;	/* light packets spilled (lcms.c) */
	struct nfsk_flow_stat	top[NFSK_TOPK_MAX];	/* by bytes, desc */
	struct nfsk_sah_stats	sah;
	/* filled by the kernel glue and the detectors */
	u32			route_add[NFSK_FAM_MAX];
	u32			route_del[NFSK_FAM_MAX];
	u32			route_replace[NFSK_FAM_MAX];
	u32			routes[NFSK_FAM_MAX];	/* table size at close */
	struct nfsk_rs_window	rs;	/* per protocol and table */
	u32			flags;		/* NFSKETCH_FLAG_* */
	s64			score[NFSK_SERIES_MAX];
};

/* Slot of the fold's flow merge table. */
struct nfsk_fold_slot {
	u64				hash;	/* 0 = empty */
	u64				bytes;
	u64				packets;
	const struct nfsk_flow_key	*key;
};

/* State of one fold; small, lives on the caller's stack. */
struct nfsk_fold {
	struct nfsk_window	*win;
	struct nfsk_cms		*wcms;
	const struct nfsk_geom	*g;
	struct nfsk_hsum	src;
	struct nfsk_hsum	dst;
	struct nfsk_fold_slot	*slots;
	u32			slot_mask;
	u32			slot_shift;
	u32			max_held;
	bool			first;
};

u64 nfsk_fold_scratch_size(const struct nfsk_geom *g, u32 nbanks);

/*
 * Fold: begin (zeroes *win except id/start/length, clears wcms, which the
 * caller initialised with the geometry's depth and width), then one
 * nfsk_fold_bank() per bank (at most nbanks), then nfsk_fold_end().
 * scratch: nfsk_fold_scratch_size(g, nbanks) bytes, 8-byte aligned.
 * The banks must stay unchanged until nfsk_fold_end() returns.
 */
void nfsk_fold_begin(struct nfsk_fold *f, struct nfsk_window *win,
		     struct nfsk_cms *wcms, const struct nfsk_geom *g,
		     u32 nbanks, void *scratch);
void nfsk_fold_bank(struct nfsk_fold *f, const struct nfsk_bank *b);
void nfsk_fold_end(struct nfsk_fold *f);

/*
 * Packets of one address (by its nfsk_addr_hash()) in the source (@dst
 * false) or destination histogram merged by the last fold that used
 * @scratch. Never below the truth; above it by the other addresses sharing
 * its bucket, at most nfsk_cms_bound(packets, hist_buckets) with
 * probability 1 - 1/e (a Count-Min sketch of depth one).
 */
u64 nfsk_fold_addr_packets(const struct nfsk_geom *g, const void *scratch,
			   u64 addr_hash, bool dst);

/*
 * The merge table of held flows of the last fold that used @scratch (with
 * the same @g and @nbanks): for nfsk_window_query(), <nfsketch/query.h>.
 */
const struct nfsk_fold_slot *nfsk_fold_held(const struct nfsk_geom *g,
					    u32 nbanks, const void *scratch,
					    u32 *nslots);

void nfsk_window_fold(struct nfsk_window *win, struct nfsk_cms *wcms,
		      const struct nfsk_bank *const *banks, u32 nbanks,
		      const struct nfsk_geom *g, void *scratch);

u64 nfsk_window_series(const struct nfsk_window *win, enum nfsk_series s);

/* Ring of the last len closed windows, in caller-provided records. */
struct nfsk_history {
	struct nfsk_window	*rec;
	u32			len;
	u32			head;	/* next slot to write */
	u32			count;
};

void nfsk_history_init(struct nfsk_history *h, struct nfsk_window *rec,
		       u32 len);
void nfsk_history_reset(struct nfsk_history *h);
/*
 * Slot for the next record, to fold into in place (a record is too big for
 * a kernel stack). It drops the oldest record if the ring is full; the new
 * one becomes visible at nfsk_history_commit().
 */
struct nfsk_window *nfsk_history_reserve(struct nfsk_history *h);
void nfsk_history_commit(struct nfsk_history *h);
void nfsk_history_push(struct nfsk_history *h, const struct nfsk_window *w);
/* i = 0 is the most recent; NULL past the end. */
const struct nfsk_window *nfsk_history_get(const struct nfsk_history *h,
					   u32 i);

static inline u32 nfsk_history_count(const struct nfsk_history *h)
{
	return h->count;
}

/* The last min(n, count) values of a series, oldest first; returns count. */
u32 nfsk_history_series(const struct nfsk_history *h, enum nfsk_series s,
			u64 *out, u32 n);

#endif /* _NFSKETCH_WINDOW_H */
