// SPDX-License-Identifier: GPL-2.0
/*
 * flags.c - turn a closed window into flags.
 *
 * Every series (packets, bytes, source and destination entropy, route
 * events) is judged by the two detectors of detect.c against the same
 * series over the history, each with its own minimum alert size, so that a
 * quiet link never alerts on noise. The entropy of a window with a handful
 * of packets says nothing about the traffic mix (and an idle window's is 0),
 * so entropy is judged only in windows of at least min_packets packets,
 * against the history of such windows. HEAVY_HITTER is raised when the window's
 * top flow carries more than hh_permille of the window's bytes, and only in
 * windows of at least min_bytes: on an idle link one flow is always "all".
 *
 * Flagged windows do not teach the baseline: a window that raised a flag is
 * left out of the history its series (VOLUME_SPIKE: packets and bytes;
 * ENTROPY_SHIFT: both entropies; ROUTE_CHURN: route events) are judged
 * against, so a flag holds for as long as the condition holds instead of
 * the anomaly becoming its own reference after density_k windows. A lasting
 * change must still become the new normal: once flagged windows are half of
 * the busy windows (min_packets or more) or more, all windows count again;
 * so traffic starting on an idle link is flagged a few windows, not held.
 *
 * A heavy hitter must also be new: the flow must not have carried half of
 * hh_permille or more of the bytes in any of the newest min_history windows
 * that were not flagged HEAVY_HITTER themselves (and, as every detector,
 * the history must be min_history windows long). An elephant that is always
 * there (a backup, a CDN fill) is the baseline, not an anomaly.
 *
 * Route events are also judged per routing protocol and per table
 * (route_series.c), each slot against its own history; a flagged slot
 * raises ROUTE_CHURN too (and so leaves the window out of the whole
 * series' baseline, as its own churn does).
 *
 * A slow ramp stays inside mean + k sigma and the density test (each window
 * is close to the one before): the volume series also go to the drift
 * detector (drift.c), which raises VOLUME_SPIKE when the least-squares slope
 * of the newest drift_w windows (consecutive: flagged ones included, a trend
 * has no gaps) and this one is drift_slope_permille of their mean per window
 * or more, at least NFSK_DRIFT_T standard errors from zero (noise on a
 * small series tilts a short fit), and as steep over the newer half of the
 * span (a step, such as traffic starting, tilts the fit but is not a ramp).
 */
#include <nfsketch/drift.h>
#include <nfsketch/flags.h>
#include <nfsketch/route_series.h>
#include <nfsketch/tunables.h>

void nfsk_flags_cfg_default(struct nfsk_flags_cfg *c)
{
#define NFSK_DEF(_name)	nfsk_tunables[NFSK_T_##_name].def
	c->k_sigma_milli = NFSK_DEF(k_sigma_milli);
	c->density_w = NFSK_DEF(density_w);
	c->density_k = NFSK_DEF(density_k);
	c->min_history = NFSK_DEF(min_history);
	c->hh_permille = NFSK_DEF(hh_permille);
	c->min_entropy_delta = NFSK_DEF(min_entropy_delta);
	c->min_packets = NFSK_DEF(min_packets);
	c->min_bytes = NFSK_DEF(min_bytes);
	c->min_route_events = NFSK_DEF(min_route_events);
	c->drift_w = NFSK_DEF(drift_w);
	c->drift_slope_permille = NFSK_DEF(drift_slope_permille);
#undef NFSK_DEF
}

static void nfsk_flags_detect_cfg(struct nfsk_detect_cfg *dc,
				  enum nfsk_series s,
				  const struct nfsk_flags_cfg *c)
{
	nfsk_detect_cfg_default(dc, s);
	dc->k_sigma_milli = c->k_sigma_milli;
	dc->density_w = c->density_w;
	dc->density_k = c->density_k;
	dc->min_history = c->min_history;
	switch (s) {
	case NFSK_SERIES_PACKETS:
		dc->min_value = c->min_packets;
		break;
	case NFSK_SERIES_BYTES:
		dc->min_value = c->min_bytes;
		break;
	case NFSK_SERIES_SRC_ENTROPY:
	case NFSK_SERIES_DST_ENTROPY:
		dc->min_delta = c->min_entropy_delta;
		break;
	case NFSK_SERIES_ROUTE_EVENTS:
		dc->min_value = c->min_route_events;
		break;
	default:
		break;
	}
}

static bool nfsk_is_entropy(enum nfsk_series s)
{
	return s == NFSK_SERIES_SRC_ENTROPY || s == NFSK_SERIES_DST_ENTROPY;
}

/*
 * Leave the windows that raised @flag out of the baseline? Only while they
 * are fewer than half of the busy windows (at least @min_packets): traffic
 * starting on an idle link is a change that has become the new normal, not
 * a flag to hold against the idle windows.
 */
static bool nfsk_flags_leave_out(const struct nfsk_history *h, u32 flag,
				 u64 min_packets)
{
	u32 count = nfsk_history_count(h), i, flagged = 0, busy = 0;

	for (i = 0; i < count; i++) {
		const struct nfsk_window *w = nfsk_history_get(h, i);

		if (w->packets < min_packets)
			continue;
		busy++;
		if (w->flags & flag)
			flagged++;
	}
	return flagged && 2 * flagged < busy;
}

/*
 * The newest (at most @n) values of series @s in @h, oldest first: only
 * windows of at least @min_packets packets, and none that raised @skip.
 */
static u32 nfsk_baseline_series(const struct nfsk_history *h,
				enum nfsk_series s, u64 min_packets, u32 skip,
				u64 *out, u32 n)
{
	u32 count = nfsk_history_count(h), i, k = n;

	for (i = 0; i < count && k > 0; i++) {
		const struct nfsk_window *w = nfsk_history_get(h, i);

		if (w->packets >= min_packets && !(w->flags & skip))
			out[--k] = nfsk_window_series(w, s);
	}
	if (k)
		memmove(out, out + k, (n - k) * sizeof(*out));
	return n - k;
}

/* Did the flow @hash carry >= hh_permille / 2 of a recent clean window? */
static bool nfsk_flow_known(const struct nfsk_history *h, u64 hash,
			    u32 hh_permille, u32 windows)
{
	u32 count = nfsk_history_count(h), i, j, seen = 0;

	for (i = 0; i < count && seen < windows; i++) {
		const struct nfsk_window *w = nfsk_history_get(h, i);

		if (w->flags & NFSK_FLAG_HEAVY_HITTER)
			continue;
		seen++;
		for (j = 0; j < w->ntop; j++)
			if (w->top[j].hash == hash &&
			    nfsk_detect_heavy_hitter(2 * w->top[j].bytes,
						     w->bytes, hh_permille))
				return true;
	}
	return false;
}

static bool nfsk_is_volume(enum nfsk_series s)
{
	return s == NFSK_SERIES_PACKETS || s == NFSK_SERIES_BYTES;
}

/*
 * The drift detector on a volume series: a rise of drift_slope_permille of
 * the mean per window or more over the newest drift_w windows and this one,
 * once warm and above the series' minimum alert size.
 */
static void nfsk_flags_drift(const struct nfsk_flags_cfg *c,
			     const struct nfsk_detect_cfg *dc, const u64 *series,
			     u32 n, struct nfsk_detect_result *r)
{
	u32 half;

	r->drift_permille = nfsk_drift_slope_permille(series, n, r->value,
						      c->drift_w,
						      &r->drift_span);
	if (!c->drift_w || !r->warm || r->value < dc->min_value ||
	    r->drift_permille < (s32)c->drift_slope_permille ||
	    !nfsk_drift_significant(series, n, r->value, c->drift_w))
		return;
	/*
	 * A step inside the span tilts the fit too: a ramp rises in its
	 * newer half as well, a step already taken does not.
	 */
	if (nfsk_drift_slope_permille(series, n, r->value, c->drift_w / 2,
				      &half) < (s32)c->drift_slope_permille)
		return;
	r->hits |= NFSK_DETECT_HIT_DRIFT;
	r->flagged = 1;
}

u32 nfsk_flags_eval(const struct nfsk_flags_cfg *c,
		    const struct nfsk_history *h, struct nfsk_window *win,
		    u64 *series, u64 *scratch, u32 buf_len,
		    struct nfsk_detect_result *res)
{
	struct nfsk_detect_cfg rdc;
	u32 flags = 0;
	unsigned int s;

	for (s = 0; s < NFSK_SERIES_MAX; s++) {
		struct nfsk_detect_cfg dc;
		u32 n, flag, skip;

		nfsk_flags_detect_cfg(&dc, s, c);
		memset(&res[s], 0, sizeof(res[s]));
		win->score[s] = 0;
		flag = nfsk_detect_series_flag(s);
		skip = nfsk_flags_leave_out(h, flag, c->min_packets) ? flag : 0;
		if (nfsk_is_entropy(s)) {
			if (win->packets < c->min_packets)
				continue;
			n = nfsk_baseline_series(h, s, c->min_packets, skip,
						 series, buf_len);
		} else {
			n = nfsk_baseline_series(h, s, 0, skip, series,
						 buf_len);
		}
		nfsk_detect_eval(&dc, series, n, nfsk_window_series(win, s),
				 scratch, buf_len, &res[s]);
		if (nfsk_is_volume(s)) {
			/* the trend of consecutive windows, flagged or not */
			n = nfsk_baseline_series(h, s, 0, 0, scratch,
						 buf_len < NFSK_DRIFT_W_MAX ?
						 buf_len : NFSK_DRIFT_W_MAX);
			nfsk_flags_drift(c, &dc, scratch, n, &res[s]);
		}
		if (res[s].flagged)
			flags |= flag;
		win->score[s] = res[s].score;
	}
	/* each protocol's and table's route events on their own */
	nfsk_flags_detect_cfg(&rdc, NFSK_SERIES_ROUTE_EVENTS, c);
	flags |= nfsk_rs_eval(&rdc, h, win, series, scratch, buf_len);

	if (win->ntop && win->bytes >= c->min_bytes &&
	    nfsk_history_count(h) >= c->min_history &&
	    nfsk_detect_heavy_hitter(win->top[0].bytes, win->bytes,
				     c->hh_permille) &&
	    !nfsk_flow_known(h, win->top[0].hash, c->hh_permille,
			     c->min_history))
		flags |= NFSK_FLAG_HEAVY_HITTER;

	win->flags |= flags;
	return flags;
}
