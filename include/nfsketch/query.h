/* SPDX-License-Identifier: GPL-2.0 */
/*
 * query.h - point query of a folded window: the held part of a flow,
 * exact, plus the Count-Min estimate of its light part.
 */
#ifndef _NFSKETCH_QUERY_H
#define _NFSKETCH_QUERY_H

#include <nfsketch/compat.h>
#include <nfsketch/cms.h>

struct nfsk_fold_slot;

/*
 * @wcms: the window CMS of a fold (light cells plus every held entry, so
 * its rows are the sketch of the whole stream); @held, @nslots: the fold's
 * merge table of held flows (nfsk_fold_held()). est->packets/bytes are
 * never below the truth; est - truth <= err_* = ceil(e * N_light / w) with
 * probability >= 1 - e^-d, N_light = total - held.
 */
void nfsk_window_query(const struct nfsk_cms *wcms,
		       const struct nfsk_fold_slot *held, u32 nslots,
		       u64 hash, struct nfsk_cms_est *est);

#endif /* _NFSKETCH_QUERY_H */
