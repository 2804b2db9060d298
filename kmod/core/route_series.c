// SPDX-License-Identifier: GPL-2.0
/*
 * route_series.c - route events per protocol and per table, each a series
 * the detectors judge on its own (include/nfsketch/route_series.h).
 *
 * Why slots and not a map: the window record is fixed-size (the history is
 * an array of them) and a namespace runs a handful of routing protocols and
 * tables; the first NFSK_RS_SLOTS of each kind get their own series, the
 * rest share "other", whose events are still counted and judged.
 */
#include <nfsketch/detect.h>
#include <nfsketch/route_series.h>
#include <nfsketch/window.h>

void nfsk_rs_init(struct nfsk_rs_state *st)
{
	memset(st, 0, sizeof(*st));
}

u32 nfsk_rs_slot(struct nfsk_rs_state *st, enum nfsk_rs_kind kind, u32 id)
{
	u32 i;

	if (kind >= NFSK_RS_KINDS)
		return NFSK_RS_OTHER;
	for (i = 0; i < st->used[kind]; i++)
		if (st->id[kind][i] == id)
			return i;
	if (st->used[kind] >= NFSK_RS_SLOTS)
		return NFSK_RS_OTHER;
	st->id[kind][i] = id;
	st->used[kind]++;
	return i;
}

static void nfsk_rs_count(struct nfsk_rs_state *st, enum nfsk_rs_kind kind,
			  u32 id)
{
	u32 s = nfsk_rs_slot(st, kind, id);

	if (st->window[kind][s] != ~0U)
		st->window[kind][s]++;
	st->total[kind][s]++;
}

void nfsk_rs_event(struct nfsk_rs_state *st, u32 protocol, u32 table)
{
	nfsk_rs_count(st, NFSK_RS_PROTOCOL, protocol);
	nfsk_rs_count(st, NFSK_RS_TABLE, table);
}

void nfsk_rs_window_take(struct nfsk_rs_state *st, struct nfsk_rs_window *w)
{
	memset(w, 0, sizeof(*w));
	memcpy(w->id, st->id, sizeof(w->id));
	memcpy(w->used, st->used, sizeof(w->used));
	memcpy(w->events, st->window, sizeof(w->events));
	memset(st->window, 0, sizeof(st->window));
}

/*
 * Slot @s of @kind in the history window @w, for a window whose slot holds
 * @id (@named: a named slot): its value, or false when @w's slot held
 * another id (a state re-initialised since) and says nothing about it.
 */
static bool nfsk_rs_value_of(const struct nfsk_window *w,
			     enum nfsk_rs_kind kind, u32 s, bool named, u32 id,
			     u64 *v)
{
	if (named && s < w->rs.used[kind] && w->rs.id[kind][s] != id)
		return false;
	*v = w->rs.events[kind][s];
	return true;
}

static bool nfsk_rs_leave_out(const struct nfsk_history *h,
			      enum nfsk_rs_kind kind, u32 s)
{
	u32 count = nfsk_history_count(h), i, flagged = 0;

	for (i = 0; i < count; i++)
		if (nfsk_history_get(h, i)->rs.flagged[kind] & (1U << s))
			flagged++;
	return flagged && 2 * flagged < count;
}

/* The newest (at most @n) values of the slot, oldest first. */
static u32 nfsk_rs_baseline(const struct nfsk_history *h,
			    const struct nfsk_window *win,
			    enum nfsk_rs_kind kind, u32 s, bool skip,
			    u64 *out, u32 n)
{
	u32 count = nfsk_history_count(h), i, k = n;
	bool named = s < NFSK_RS_SLOTS;
	u32 id = named ? win->rs.id[kind][s] : 0;

	for (i = 0; i < count && k > 0; i++) {
		const struct nfsk_window *w = nfsk_history_get(h, i);
		u64 v;

		if (skip && (w->rs.flagged[kind] & (1U << s)))
			continue;
		if (nfsk_rs_value_of(w, kind, s, named, id, &v))
			out[--k] = v;
	}
	if (k)
		memmove(out, out + k, (n - k) * sizeof(*out));
	return n - k;
}

u32 nfsk_rs_eval(const struct nfsk_detect_cfg *dc,
		 const struct nfsk_history *h, struct nfsk_window *win,
		 u64 *series, u64 *scratch, u32 buf_len)
{
	struct nfsk_detect_result res;
	unsigned int kind;
	u32 flags = 0, s, n;

	for (kind = 0; kind < NFSK_RS_KINDS; kind++) {
		win->rs.flagged[kind] = 0;
		for (s = 0; s < NFSK_RS_ALL; s++) {
			win->rs.score[kind][s] = 0;
			win->rs.mean_milli[kind][s] = 0;
			if (s < NFSK_RS_SLOTS && s >= win->rs.used[kind])
				continue;
			n = nfsk_rs_baseline(h, win, kind, s,
					     nfsk_rs_leave_out(h, kind, s),
					     series, buf_len);
			nfsk_detect_eval(dc, series, n,
					 win->rs.events[kind][s], scratch,
					 buf_len, &res);
			win->rs.score[kind][s] = res.score;
			win->rs.mean_milli[kind][s] = res.mean_milli;
			if (res.flagged) {
				win->rs.flagged[kind] |= 1U << s;
				flags |= NFSK_FLAG_ROUTE_CHURN;
			}
		}
	}
	return flags;
}
