// SPDX-License-Identifier: GPL-2.0
/*
 * flags.c - turn a closed window into flags.
 *
 * Every series (packets, bytes, source and destination entropy, route
 * events) is judged by the two detectors of detect.c against the same
 * series over the history, each with its own minimum alert size, so that a
 * quiet link never alerts on noise. HEAVY_HITTER is raised when the window's
 * top flow carries more than hh_permille of the window's bytes, and only in
 * windows of at least min_bytes: on an idle link one flow is always "all".
 */
#include <nfsketch/flags.h>

void nfsk_flags_cfg_default(struct nfsk_flags_cfg *c)
{
	c->k_sigma_milli = 2000;
	c->density_w = 360;
	c->density_k = 5;
	c->min_history = 12;
	c->hh_permille = 100;
	c->min_entropy_delta = 500;
	c->min_packets = 10000;
	c->min_bytes = 10000000;
	c->min_route_events = 10;
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

u32 nfsk_flags_eval(const struct nfsk_flags_cfg *c,
		    const struct nfsk_history *h, struct nfsk_window *win,
		    u64 *series, u64 *scratch, u32 buf_len,
		    struct nfsk_detect_result *res)
{
	u32 flags = 0;
	unsigned int s;

	for (s = 0; s < NFSK_SERIES_MAX; s++) {
		struct nfsk_detect_cfg dc;
		u32 n;

		nfsk_flags_detect_cfg(&dc, s, c);
		n = nfsk_history_series(h, s, series, buf_len);
		if (nfsk_detect_eval(&dc, series, n, nfsk_window_series(win, s),
				     scratch, buf_len, &res[s]))
			flags |= nfsk_detect_series_flag(s);
		win->score[s] = res[s].score;
	}

	if (win->ntop && win->bytes >= c->min_bytes &&
	    nfsk_detect_heavy_hitter(win->top[0].bytes, win->bytes,
				     c->hh_permille))
		flags |= NFSK_FLAG_HEAVY_HITTER;

	win->flags |= flags;
	return flags;
}
