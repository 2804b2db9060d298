/* SPDX-License-Identifier: GPL-2.0 */
/*
 * route_series.h - route events per routing protocol and per table: the
 * sub-series the detectors judge each on its own (ROUTE_CHURN of bgp while
 * kernel and static routes stay quiet).
 *
 * Bounded: per kind (protocol, table) NFSK_RS_SLOTS named slots, given to
 * the first distinct ids seen, in order, and kept for the life of the
 * state; events of any further id go to the kind's "other" slot (index
 * NFSK_RS_SLOTS), which is a series of its own, counted and judged like
 * the others, never dropped. A slot's id never changes, so the value of
 * slot i in every window of the history is that id's series (0 in windows
 * before it got the slot: it had no events then).
 *
 * Pure logic, no locking: the caller serialises (the kernel under
 * nfsk_routes->lock and the window close under nn->lock, the replay alone).
 */
#ifndef _NFSKETCH_ROUTE_SERIES_H
#define _NFSKETCH_ROUTE_SERIES_H

#include <nfsketch/compat.h>
#include <uapi/linux/nfsketch.h>

#define NFSK_RS_SLOTS	NFSKETCH_RSERIES_SLOTS	/* named slots per kind */
#define NFSK_RS_OTHER	NFSK_RS_SLOTS		/* the slot of the rest */
#define NFSK_RS_ALL	(NFSK_RS_SLOTS + 1)	/* series per kind */

/* Same values as enum nfsketch_rseries_kind in the UAPI. */
enum nfsk_rs_kind {
	NFSK_RS_PROTOCOL	= NFSKETCH_RSERIES_PROTOCOL,	/* RTPROT_* */
	NFSK_RS_TABLE		= NFSKETCH_RSERIES_TABLE,	/* table id */
	NFSK_RS_KINDS		= __NFSKETCH_RSERIES_MAX,
};

/* The live state: slot ids, this window's and all-time counts. */
struct nfsk_rs_state {
	u32	id[NFSK_RS_KINDS][NFSK_RS_SLOTS];
	u8	used[NFSK_RS_KINDS];		/* slots given, in order */
	u32	window[NFSK_RS_KINDS][NFSK_RS_ALL];	/* this window */
	u64	total[NFSK_RS_KINDS][NFSK_RS_ALL];	/* since init */
};

/* What a closed window holds of them (part of struct nfsk_window). */
struct nfsk_rs_window {
	u32	id[NFSK_RS_KINDS][NFSK_RS_SLOTS];
	u8	used[NFSK_RS_KINDS];
	u32	events[NFSK_RS_KINDS][NFSK_RS_ALL];
	u32	flagged[NFSK_RS_KINDS];		/* bit i: slot i ROUTE_CHURN */
	s64	score[NFSK_RS_KINDS][NFSK_RS_ALL];	/* as the series' */
	u64	mean_milli[NFSK_RS_KINDS][NFSK_RS_ALL];	/* baseline x 1000 */
};

void nfsk_rs_init(struct nfsk_rs_state *st);

/* The slot of @id in @kind, giving it a free one; NFSK_RS_OTHER if full. */
u32 nfsk_rs_slot(struct nfsk_rs_state *st, enum nfsk_rs_kind kind, u32 id);

/* One reported route event of @protocol in @table. */
void nfsk_rs_event(struct nfsk_rs_state *st, u32 protocol, u32 table);

/* Window close: the window's counts and slots into @w, then restart. */
void nfsk_rs_window_take(struct nfsk_rs_state *st, struct nfsk_rs_window *w);

struct nfsk_detect_cfg;
struct nfsk_history;
struct nfsk_window;

/*
 * Judge every slot of @win (kind, slot in use or OTHER) against the same
 * slot over @h (which must not contain @win yet) with @dc, the
 * ROUTE_EVENTS series' configuration. A flagged window of a slot is left
 * out of that slot's baseline while such windows are fewer than half of
 * the history (as flags.c does for the whole series). Sets
 * win->rs.flagged, score and mean_milli; @series and @scratch hold
 * @buf_len u64. Returns NFSK_FLAG_ROUTE_CHURN if any slot was flagged.
 */
u32 nfsk_rs_eval(const struct nfsk_detect_cfg *dc,
		 const struct nfsk_history *h, struct nfsk_window *win,
		 u64 *series, u64 *scratch, u32 buf_len);

#endif /* _NFSKETCH_ROUTE_SERIES_H */
