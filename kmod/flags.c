// SPDX-License-Identifier: GPL-2.0
/*
 * Window flags with the namespace's thresholds; the judging itself is the
 * core's (kmod/core/flags.c). ROUTE_FLAP is raised by routes.c when a
 * prefix crosses into suppression.
 */
#include "nfsketch.h"

/*
 * @win is reserved in the ring but not committed: the series read back are
 * the previous windows only.
 */
void nfsk_detect_window(struct nfsk_net *nn, struct nfsk_window *win)
{
	const struct nfsk_config *cfg = &nn->cfg;
	struct nfsk_hist_buf *hb = nn->hist;
	struct nfsk_flags_cfg fc = {
		.k_sigma_milli		= cfg->k_sigma_milli,
		.density_w		= cfg->density_w,
		.density_k		= cfg->density_k,
		.min_history		= cfg->min_history,
		.hh_permille		= cfg->hh_permille,
		.min_entropy_delta	= cfg->min_entropy_delta,
		.min_packets		= cfg->min_packets,
		.min_bytes		= cfg->min_bytes,
		.min_route_events	= cfg->min_route_events,
		.drift_w		= cfg->drift_w,
		.drift_slope_permille	= cfg->drift_slope_permille,
	};

	lockdep_assert_held(&nn->lock);
	nfsk_flags_eval(&fc, &hb->ring, win, hb->series, hb->scratch, hb->len,
			nn->detect);
	nn->alerts += hweight32(win->flags);
}
