// SPDX-License-Identifier: GPL-2.0
/*
 * close.c - the window-close sequence (include/nfsketch/close.h).
 *
 * The kernel's window work and the offline replay both close a window with
 * this one function, so that the replay flags exactly the windows the
 * module flags: the order matters, since the detectors read the route
 * counts the caller adds after the fold, and judge the new record against
 * the history before it joins it (nfsk_flags_eval() wants it reserved but
 * not committed). The banks are zeroed only after the whole fold, because
 * the top flows' keys point into them until nfsk_fold_end() returns.
 */
#include <nfsketch/close.h>
#include <nfsketch/tunables.h>

void nfsk_close_flags_cfg(struct nfsk_flags_cfg *fc, const u32 *vals)
{
	fc->k_sigma_milli = vals[NFSK_T_k_sigma_milli];
	fc->density_w = vals[NFSK_T_density_w];
	fc->density_k = vals[NFSK_T_density_k];
	fc->min_history = vals[NFSK_T_min_history];
	fc->hh_permille = vals[NFSK_T_hh_permille];
	fc->min_entropy_delta = vals[NFSK_T_min_entropy_delta];
	fc->min_packets = vals[NFSK_T_min_packets];
	fc->min_bytes = vals[NFSK_T_min_bytes];
	fc->min_route_events = vals[NFSK_T_min_route_events];
	fc->drift_w = vals[NFSK_T_drift_w];
	fc->drift_slope_permille = vals[NFSK_T_drift_slope_permille];
}

const struct nfsk_window *nfsk_window_close(const struct nfsk_close *c,
					    u64 id, u64 start_ns,
					    u64 length_ns)
{
	const struct nfsk_close_ops *ops = c->ops;
	struct nfsk_window *win;
	struct nfsk_fold fold;
	struct nfsk_bank *b;
	u32 i;

	win = nfsk_history_reserve(c->hist);
	win->id = id;
	win->start_ns = start_ns;
	win->length_ns = length_ns;

	nfsk_fold_begin(&fold, win, c->wcms, c->g, c->max_banks,
			c->fold_scratch);
	for (i = 0; i < c->nbanks; i++) {
		b = ops->bank(c->arg, i);
		if (b)
			nfsk_fold_bank(&fold, b);
	}
	nfsk_fold_end(&fold);

	if (ops->annotate)
		ops->annotate(c->arg, win);
	nfsk_flags_eval(c->fc, c->hist, win, c->series, c->dscratch,
			c->buf_len, c->res);
	nfsk_history_commit(c->hist);

	for (i = 0; i < c->nbanks; i++) {
		b = ops->bank(c->arg, i);
		if (!b)
			continue;
		nfsk_bank_clear(b);
		nfsk_bank_set_p(b, win->sah.p_next_fx);
	}

	if (ops->closed)
		ops->closed(c->arg, win);
	return win;
}
