/* SPDX-License-Identifier: GPL-2.0 */
/*
 * close.h - the window-close sequence, one function for the kernel's
 * window work and the offline replay: fold every bank into a new history
 * record, let the caller add what the core does not see (route counts),
 * judge the record against the history (detectors and flags), commit it,
 * zero the banks for their next turn, and hand the record to the caller
 * (alerts, printing).
 */
#ifndef _NFSKETCH_CLOSE_H
#define _NFSKETCH_CLOSE_H

#include <nfsketch/compat.h>
#include <nfsketch/detect.h>
#include <nfsketch/flags.h>
#include <nfsketch/window.h>

/* The caller's part of a close; @arg is nfsk_close.arg. */
struct nfsk_close_ops {
	/*
	 * Bank @i (0 <= i < nfsk_close.nbanks) of the closing window, NULL
	 * if there is none at @i (a CPU that is not possible). Called twice
	 * per bank, to fold and to zero it; may sleep (the kernel yields the
	 * CPU between banks).
	 */
	struct nfsk_bank *(*bank)(void *arg, u32 i);
	/* Folded, not judged yet: fill route counts, ROUTE_FLAP; may be NULL. */
	void (*annotate)(void *arg, struct nfsk_window *win);
	/* Judged and committed (the newest record of the ring); may be NULL. */
	void (*closed)(void *arg, const struct nfsk_window *win);
};

/* What a close works on; all of it owned and locked by the caller. */
struct nfsk_close {
	struct nfsk_history		*hist;
	struct nfsk_cms			*wcms;	/* the window CMS, refilled */
	const struct nfsk_geom		*g;
	void				*fold_scratch; /* nfsk_fold_scratch_size(g, max_banks) */
	u32				nbanks;	/* bank indexes to ask for */
	u32				max_banks; /* banks that exist, <= nbanks */
	const struct nfsk_flags_cfg	*fc;
	u64				*series; /* buf_len u64 each */
	u64				*dscratch;
	u32				buf_len;
	struct nfsk_detect_result	*res;	/* [NFSK_SERIES_MAX] */
	const struct nfsk_close_ops	*ops;
	void				*arg;
};

/*
 * The detectors' thresholds out of tunable values indexed by enum
 * nfsk_tunable_id (the module's configuration, the replay's options).
 */
void nfsk_close_flags_cfg(struct nfsk_flags_cfg *fc, const u32 *vals);

/*
 * Close the window @id that started at @start_ns and lasted @length_ns:
 * fold -> annotate -> flags -> commit -> zero the banks (with the next
 * window's sampling probability) -> closed. Returns the committed record.
 * Pure over what @c points to: the caller holds whatever lock guards it.
 */
const struct nfsk_window *nfsk_window_close(const struct nfsk_close *c,
					    u64 id, u64 start_ns,
					    u64 length_ns);

#endif /* _NFSKETCH_CLOSE_H */
