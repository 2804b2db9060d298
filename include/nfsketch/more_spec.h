/* SPDX-License-Identifier: GPL-2.0 */
/*
 * more_spec.h - ROUTE_MORE_SPECIFIC: a new prefix inside a present shorter
 * one (same family, same table) whose route goes elsewhere: another first
 * next hop (gateway or device) or another protocol. The typical operation
 * mistake and hijack pattern: a /25 appears under a /24.
 *
 * The rule:
 *  - judged at a prefix's ADD only (a new prefix, not a replace, not the
 *    registration replay): a shorter prefix that comes after its
 *    more-specifics, or a more-specific whose next hop changes later, is
 *    not judged;
 *  - the cover is the longest present prefix of the same family and table
 *    that contains the new one, lengths 1 to plen - 1: a /0, the default
 *    route, never covers (it contains every prefix: each new route would
 *    flag); a cover in another table does not count;
 *  - only that longest cover is compared: a /25 under a /24 with its own
 *    next hop is judged against the /24, not against a /16 above it;
 *  - next hops are compared by a 32-bit fingerprint of the first next hop
 *    (device and gateway, nfsk_ms_nh_fp()): the caller's set of present
 *    routes keeps 4 bytes, not 20, per route. Two next hops with the same
 *    fingerprint (a chance of 2^-32) are taken as equal: no flag.
 *
 * The caller owns the set of present routes: it answers "is this exact
 * prefix present, and with what" (nfsk_ms_find_fn) and keeps, per family,
 * how many prefixes of each length are present (struct nfsk_ms_plens), so
 * only lengths that exist are probed: at most 31 probes for IPv4 and 127
 * for IPv6, as many as there are distinct shorter lengths in the tables.
 * Pure logic, no allocation; not thread-safe (the caller serialises).
 */
#ifndef _NFSKETCH_MORE_SPEC_H
#define _NFSKETCH_MORE_SPEC_H

#include <nfsketch/compat.h>
#include <nfsketch/flap.h>
#include <nfsketch/flow.h>
#include <nfsketch/series.h>

/* ROUTE_MORE_SPECIFIC: how the new route differs (the alert's REASON). */
enum nfsk_ms_reason {
	NFSK_MS_NEXTHOP		= NFSKETCH_DEFAULT_NEXTHOP,
	NFSK_MS_PROTOCOL	= NFSKETCH_DEFAULT_PROTOCOL,
};

/* Present prefixes per length: [0] IPv4 (0..32), [1] IPv6 (0..128). */
struct nfsk_ms_plens {
	u32	n[2][129];
};

/* What the check needs of a present route. */
struct nfsk_ms_hop {
	u32	nh_fp;		/* nfsk_ms_nh_fp() of its first next hop */
	u8	protocol;	/* RTPROT_* */
};

/* The cover that made a flag. */
struct nfsk_ms_cover {
	u8	addr[16];	/* as in struct nfsk_flap_key */
	u8	plen;
	u8	protocol;
	u16	pad;
	u32	reason;		/* NFSK_MS_* bits; 0: no flag */
};

/* Is exactly @k present? If so, fill @hop. */
typedef bool (*nfsk_ms_find_fn)(void *ctx, const struct nfsk_flap_key *k,
				struct nfsk_ms_hop *hop);

/* A prefix @k (struct nfsk_flap_key: family, plen) came or went. */
void nfsk_ms_plen_add(struct nfsk_ms_plens *p, const struct nfsk_flap_key *k);
void nfsk_ms_plen_del(struct nfsk_ms_plens *p, const struct nfsk_flap_key *k);

/* Fingerprint of a first next hop: device @oif, gateway @gw (0 if none). */
u32 nfsk_ms_nh_fp(u32 oif, const u8 gw[16]);

/*
 * Judge the new prefix @k whose route is @hop: the reason bits of the flag
 * (0: none) and, when flagged, the cover in @c.
 */
u32 nfsk_ms_judge(const struct nfsk_ms_plens *p, const struct nfsk_flap_key *k,
		  const struct nfsk_ms_hop *hop, nfsk_ms_find_fn find,
		  void *ctx, struct nfsk_ms_cover *c);

#endif /* _NFSKETCH_MORE_SPEC_H */
