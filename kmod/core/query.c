// SPDX-License-Identifier: GPL-2.0
/*
 * Point query of a folded window.
 *
 * A bank counts a packet of a flow its Sample-and-Hold table holds in that
 * entry only, and every other packet in its Count-Min sketch (bank.c): the
 * sketch keeps the light mass, so its error e*N/w is paid on the light N,
 * not on the heavy flows' bytes too. The fold (window.c) sums the banks'
 * light sketches, merges the held entries of all CPUs by flow hash (a flow
 * held on one CPU and not on another has its bytes there in that CPU's
 * sketch: nothing is lost or counted twice), and then adds each held
 * flow's exact counts into its d cells, so the window's rows are the
 * sketch of the whole stream, cell for cell what a single Count-Min fed
 * every packet would hold (dumps and the replay rely on it), unless light
 * packets spilled (lcms.c): then every cell also holds the spill.
 *
 * A query takes the flow's d cells, subtracts from each the held flows
 * that map to it (what is left is the light cell), and answers
 *     held(f) + min over rows of light cells,
 * never below the truth: the held part is exact since admission, and the
 * light cells hold at least the flow's light packets. The light stream is
 * a Count-Min on its own, with N_light = total - held, hence the bound.
 *
 * A held flow the fold could not merge (sah.lost, never with the announced
 * number of banks) stays in the cells: an overestimate, never an under.
 *
 * The scan over the merge table costs slots x d per query: a netlink
 * request or one of the top-K at window close, never a packet.
 */
#include <nfsketch/query.h>
#include <nfsketch/window.h>

void nfsk_window_query(const struct nfsk_cms *wcms,
		       const struct nfsk_fold_slot *held, u32 nslots,
		       u64 hash, struct nfsk_cms_est *est)
{
	/* u32 like the cells: modulo 2^32 the subtraction is exact */
	u32 lp[NFSK_CMS_MAX_DEPTH];
	u64 lb[NFSK_CMS_MAX_DEPTH];
	u32 col[NFSK_CMS_MAX_DEPTH];
	u64 hp = 0, hb = 0, minp = ~0ULL, minb = ~0ULL;
	u32 d = wcms->depth, i, s;

	for (i = 0; i < d; i++) {
		col[i] = nfsk_cms_col(wcms, hash, i);
		lp[i] = nfsk_cms_row_packets(wcms, i)[col[i]];
		lb[i] = nfsk_cms_row_bytes(wcms, i)[col[i]];
	}
	for (s = 0; s < nslots; s++) {
		const struct nfsk_fold_slot *h = &held[s];

		if (!h->hash)
			continue;
		if (h->hash == hash) {
			hp += h->packets;
			hb += h->bytes;
		}
		for (i = 0; i < d; i++)
			if (nfsk_cms_col(wcms, h->hash, i) == col[i]) {
				lp[i] -= (u32)h->packets;
				lb[i] -= h->bytes;
			}
	}
	for (i = 0; i < d; i++) {
		if (lp[i] < minp)
			minp = lp[i];
		if (lb[i] < minb)
			minb = lb[i];
	}
	est->packets = hp + minp;
	est->bytes = hb + minb;
	est->err_packets = nfsk_cms_bound(wcms->total_packets -
					  wcms->held_packets, wcms->width);
	est->err_bytes = nfsk_cms_bound(wcms->total_bytes - wcms->held_bytes,
					wcms->width);
}
