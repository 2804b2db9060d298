/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bgp_in.h - BGP session health in `nfsketch replay`: the TCP segments on
 * port 179 of the capture fed into the core's session table
 * (kmod/core/bgp.c) as kmod/bgp.c feeds it from the hooks, and the same
 * verdict at every window close (BGP_SESSION).
 */
#ifndef _NFSK_REPLAY_BGP_IN_H
#define _NFSK_REPLAY_BGP_IN_H

#include <nfsketch/bgp.h>
#include "pcap_parse.h"

/* One session that raised BGP_SESSION at a window close. */
struct bi_reason {
	struct nfsk_bgp_sess	sess;	/* as it was judged */
	struct nfsk_bgp_verdict	v;
};

#define BI_REASONS_MAX	16

struct bgp_in {
	struct nfsk_bgp_cfg	cfg;
	struct nfsk_bgp_bucket	*bkt;
	u32			nbuckets;	/* power of two */
	u64			segments;	/* accounted, all time */
	u64			cut;		/* header not in the capture */
	u64			untracked;	/* bucket full */
	u64			raised;		/* sessions flagged, all time */
	/* the window just closed */
	struct bi_reason	reasons[BI_REASONS_MAX];
	u32			nreasons;
	u32			reasons_dropped;
};

/* With the tunable values @vals (enum nfsk_tunable_id). 0, or -1 (stderr). */
int bi_open(struct bgp_in *b, const u32 *vals);
void bi_free(struct bgp_in *b);
/* A frame the hooks would see (RP_IP) at @ts_ns: account it if it is a
 * TCP segment on port 179.
 */
void bi_frame(struct bgp_in *b, const struct rp_result *res, u64 ts_ns);
/* Window close at @now_ns: judge every session; the flags raised. */
u32 bi_close_window(struct bgp_in *b, u64 now_ns);
void bi_reasons_reset(struct bgp_in *b);
/* "retrans", "reset", "closed", "silent" for one reason bit. */
const char *bi_reason_name(u32 bit);

#endif /* _NFSK_REPLAY_BGP_IN_H */
