// SPDX-License-Identifier: GPL-2.0
/*
 * bgp_in.c - BGP sessions of a capture (bgp_in.h): kmod/bgp.c's
 * nfsk_bgp_packet() and nfsk_bgp_close_window() over captured frames. The
 * segment's length is the kernel's: the IP packet's length (rp_parse()'s
 * skb->len) minus the transport offset and the TCP header.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nfsketch/flow.h>
#include <nfsketch/series.h>
#include <nfsketch/tunables.h>
#include "bgp_in.h"

int bi_open(struct bgp_in *b, const u32 *vals)
{
	u32 n = vals[NFSK_T_bgp_sessions] / NFSK_BGP_WAYS;

	memset(b, 0, sizeof(*b));
	b->nbuckets = n ? n : 1;
	b->bkt = calloc(b->nbuckets, sizeof(*b->bkt));
	if (!b->bkt) {
		fprintf(stderr, "nfsketch: replay: out of memory\n");
		return -1;
	}
	/* kmod/bgp.c's nfsk_bgp_set_cfg() */
	b->cfg.hold_ns = (u64)vals[NFSK_T_bgp_hold_ms] * 1000000;
	b->cfg.silence_permille = vals[NFSK_T_bgp_silence_permille];
	b->cfg.retrans_min = vals[NFSK_T_bgp_retrans_min];
	return 0;
}

void bi_free(struct bgp_in *b)
{
	free(b->bkt);
	b->bkt = NULL;
}

void bi_frame(struct bgp_in *b, const struct rp_result *res, u64 ts_ns)
{
	const struct nfsk_flow_key *key = &res->key;
	struct nfsk_bgp_seg seg;
	const u8 *th;
	u32 doff;

	/* the hook's one compare, then kmod/bgp.c's checks */
	if (!nfsk_bgp_ports(key->sport, key->dport) ||
	    key->proto != NFSK_IPPROTO_TCP || !res->l4off)
		return;
	if (res->l3avail < res->l4off || res->l3avail - res->l4off < 20) {
		b->cut++;	/* the kernel would have read it */
		return;
	}
	th = res->l3 + res->l4off;
	doff = th[12] >> 4;
	if (doff < 5 || res->l4off + doff * 4 > res->len)
		return;
	nfsk_bgp_seg_init(&seg, key, th, res->len - res->l4off - doff * 4,
			  ts_ns);
	/* the payload's captured bytes, for an OPEN (kmod/bgp.c reads 24) */
	if (res->l3avail > res->l4off + doff * 4) {
		seg.head = th + doff * 4;
		seg.head_len = res->l3avail - res->l4off - doff * 4;
	}
	b->segments++;
	if (!nfsk_bgp_segment(&b->bkt[nfsk_bgp_bucket_of(&seg, b->nbuckets)],
			      &b->cfg, &seg))
		b->untracked++;
}

u32 bi_close_window(struct bgp_in *b, u64 now_ns)
{
	struct nfsk_bgp_verdict v;
	u32 flags = 0, i, w;

	for (i = 0; i < b->nbuckets; i++) {
		for (w = 0; w < NFSK_BGP_WAYS; w++) {
			struct nfsk_bgp_sess *s = &b->bkt[i].s[w];
			struct bi_reason *r;

			if (!nfsk_bgp_close(s, &b->cfg, now_ns, &v))
				continue;
			flags |= NFSK_FLAG_BGP_SESSION;
			b->raised++;
			if (b->nreasons == BI_REASONS_MAX) {
				b->reasons_dropped++;
				continue;
			}
			r = &b->reasons[b->nreasons++];
			r->sess = *s;
			r->v = v;
		}
	}
	return flags;
}

void bi_reasons_reset(struct bgp_in *b)
{
	b->nreasons = 0;
	b->reasons_dropped = 0;
}

const char *bi_reason_name(u32 bit)
{
	switch (bit) {
	case NFSK_BGP_RETRANS:
		return "retrans";
	case NFSK_BGP_RESET:
		return "reset";
	case NFSK_BGP_CLOSED:
		return "closed";
	default:
		return "silent";
	}
}
