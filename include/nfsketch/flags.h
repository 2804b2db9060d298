/* SPDX-License-Identifier: GPL-2.0 */
/*
 * flags.h - a closed window's flags: the detectors over every series of the
 * history plus the heavy-hitter test. Shared by the kernel's window close
 * and the offline replay, so both flag the same windows.
 */
#ifndef _NFSKETCH_FLAGS_H
#define _NFSKETCH_FLAGS_H

#include <nfsketch/compat.h>
#include <nfsketch/detect.h>
#include <nfsketch/window.h>

struct nfsk_flags_cfg {
	u32	k_sigma_milli;
	u32	density_w;
	u32	density_k;
	u32	min_history;
	u32	hh_permille;
	u32	min_entropy_delta;	/* milli-bits */
	u64	min_packets;		/* VOLUME_SPIKE on packets */
	u64	min_bytes;		/* VOLUME_SPIKE on bytes, HEAVY_HITTER */
	u64	min_route_events;	/* ROUTE_CHURN */
	u32	drift_w;		/* 0: no drift detector */
	u32	drift_slope_permille;
};

void nfsk_flags_cfg_default(struct nfsk_flags_cfg *c);

/*
 * Set win->flags (the detector and heavy-hitter bits; ROUTE_FLAP is the
 * caller's) and win->score[] by judging @win against the records of @h,
 * which must not contain @win yet. @series and @scratch hold @buf_len u64
 * each (the history length is enough). @res[NFSK_SERIES_MAX] receives each
 * series' verdict. Returns the flags raised.
 */
u32 nfsk_flags_eval(const struct nfsk_flags_cfg *c,
		    const struct nfsk_history *h, struct nfsk_window *win,
		    u64 *series, u64 *scratch, u32 buf_len,
		    struct nfsk_detect_result *res);

#endif /* _NFSKETCH_FLAGS_H */
