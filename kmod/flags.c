// SPDX-License-Identifier: GPL-2.0
/*
 * Window flags: run the core's detectors (kmod/core/detect.c) over the
 * history for every series, and the heavy-hitter test over the top flow,
 * with the namespace's thresholds. ROUTE_FLAP is raised by routes.c when a
 * prefix crosses into suppression.
 */
#include "nfsketch.h"

static void nfsk_detect_cfg_of(struct nfsk_detect_cfg *dc,
			       enum nfsk_series s,
			       const struct nfsk_config *cfg)
{
	nfsk_detect_cfg_default(dc, s);
	dc->k_sigma_milli = cfg->k_sigma_milli;
	dc->density_w = cfg->density_w;
	dc->density_k = cfg->density_k;
	dc->min_history = cfg->min_history;
	switch (s) {
	case NFSK_SERIES_PACKETS:
		dc->min_value = cfg->min_packets;
		break;
	case NFSK_SERIES_BYTES:
		dc->min_value = cfg->min_bytes;
		break;
	case NFSK_SERIES_SRC_ENTROPY:
	case NFSK_SERIES_DST_ENTROPY:
		dc->min_delta = cfg->min_entropy_delta;
		break;
	case NFSK_SERIES_ROUTE_EVENTS:
		dc->min_value = cfg->min_route_events;
		break;
	default:
		break;
	}
}

/*
 * @win is reserved in the ring but not committed: the series read back are
 * the previous windows only.
 */
void nfsk_detect_window(struct nfsk_net *nn, struct nfsk_window *win)
{
	struct nfsk_hist_buf *hb = nn->hist;
	unsigned int s;

	lockdep_assert_held(&nn->lock);
	for (s = 0; s < NFSK_SERIES_MAX; s++) {
		struct nfsk_detect_result *res = &nn->detect[s];
		struct nfsk_detect_cfg dc;
		u32 n;

		nfsk_detect_cfg_of(&dc, s, &nn->cfg);
		n = nfsk_history_series(&hb->ring, s, hb->series, hb->len);
		if (nfsk_detect_eval(&dc, hb->series, n,
				     nfsk_window_series(win, s), hb->scratch,
				     hb->len, res))
			win->flags |= nfsk_detect_series_flag(s);
		win->score[s] = res->score;
	}

	if (win->ntop && win->bytes >= nn->cfg.min_bytes &&
	    nfsk_detect_heavy_hitter(win->top[0].bytes, win->bytes,
				     nn->cfg.hh_permille))
		win->flags |= NFSKETCH_FLAG_HEAVY_HITTER;

	if (win->flags)
		nn->alerts += hweight32(win->flags);
}
