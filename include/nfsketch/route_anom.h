/* SPDX-License-Identifier: GPL-2.0 */
/*
 * route_anom.h - route anomalies beyond counts, judged per route event:
 *
 * ROUTE_WITHDRAW_BURST  a session loss: in one window more than
 *   burst_permille of a group's routes withdrawn, and at least burst_min
 *   of them (so a three-route table does not trip). A group is a (family,
 *   table, protocol): a BGP session's routes are its protocol's in its
 *   table. Its routes are those present at the window's start plus those
 *   added during it, so a route added and withdrawn in the window counts
 *   once on each side. Raised once per group per window, at the
 *   withdrawal that crosses the share.
 * ROUTE_MORE_SPECIFIC  a new prefix inside a present shorter one going
 *   elsewhere (more_spec.h has the rule): the caller asks
 *   nfsk_ra_more_specific_due() whether an event is judged, judges it
 *   against its set of present routes (nfsk_ms_judge()) and hands the
 *   verdict to nfsk_ra_more_specific(), which raises the flag.
 * DEFAULT_ROUTE_LOST  the default route (prefix length 0) of a (family,
 *   table) is withdrawn, or replaced by one with another first next hop
 *   (gateway, device or nexthop count) or another protocol.
 *
 * The caller classifies each notification first (route_class.h) and
 * passes what it became (add, delete, replace) and how the family's table
 * size moved, so the groups' sizes add up to the table sizes (up to the
 * protocol of a replaced route the caller no longer knows, which stays in
 * its old group). Bounded state: NFSK_RA_GROUPS groups and NFSK_RA_DEFAULTS
 * default routes; an event of a group or default that finds no slot is not
 * judged and is counted (untracked). Pure logic, no allocation, integers
 * only; not thread-safe (the caller serialises, the kernel under its
 * routes lock).
 */
#ifndef _NFSKETCH_ROUTE_ANOM_H
#define _NFSKETCH_ROUTE_ANOM_H

#include <nfsketch/compat.h>
#include <nfsketch/series.h>
#include <nfsketch/more_spec.h>

#define NFSK_RA_GROUPS		64
#define NFSK_RA_DEFAULTS	16

/* DEFAULT_ROUTE_LOST: what changed (bits of the alert's REASON). */
enum nfsk_ra_reason {
	NFSK_RA_WITHDRAWN	= NFSKETCH_DEFAULT_WITHDRAWN,
	NFSK_RA_NEXTHOP		= NFSKETCH_DEFAULT_NEXTHOP,
	NFSK_RA_PROTOCOL	= NFSKETCH_DEFAULT_PROTOCOL,
};

struct nfsk_ra_cfg {
	u32	burst_permille;	/* share of a group's routes, per mille */
	u32	burst_min;	/* fewest withdrawals that make a burst */
	u32	more_specific;	/* 1: ROUTE_MORE_SPECIFIC judged */
};

/* One classified route event. */
struct nfsk_ra_route {
	u32	table;
	u8	family;		/* enum nfsk_rc_family */
	u8	plen;
	u8	protocol;	/* RTPROT_* of the route notified */
	u8	event;		/* enum nfsk_rc_event, as classified */
	s8	delta;		/* the family's table size moved by this */
	u8	baseline;	/* the registration replay: no verdicts */
	u8	prior_known;	/* prior_protocol is the route's before */
	u8	prior_protocol;
	u16	nexthops;	/* of the route, all its siblings */
	u8	sibling_only;	/* an IPv6 sibling appended or deleted: oif
				 * and gw are that sibling's, not the first
				 * next hop's; only nexthops is compared
				 */
	u8	pad;
	u32	oif;		/* first next hop's device, 0 if none */
	u8	gw[16];		/* first next hop's gateway, zero if none */
};

struct nfsk_ra_group {
	u32	table;
	u8	family;
	u8	protocol;
	u8	used;
	u8	flagged;	/* WITHDRAW_BURST raised this window */
	u32	size;		/* routes present now */
	u32	start;		/* present at the window's start */
	u32	added;		/* this window */
	u32	withdrawn;	/* this window */
};

struct nfsk_ra_default {
	u32	table;
	u8	family;
	u8	used;
	u8	present;
	u8	protocol;
	u16	nexthops;
	u16	pad;
	u32	oif;
	u8	gw[16];
};

struct nfsk_ra_state {
	struct nfsk_ra_cfg	cfg;
	struct nfsk_ra_group	grp[NFSK_RA_GROUPS];
	struct nfsk_ra_default	def[NFSK_RA_DEFAULTS];
	u32	last;		/* group of the last event: tried first */
	u32	window_flags;	/* raised in the open window */
	u64	untracked;	/* events of a group or default with no slot */
	u64	bursts;		/* WITHDRAW_BURSTs raised, all time */
	u64	defaults_lost;	/* DEFAULT_ROUTE_LOSTs raised, all time */
	u64	more_specifics;	/* ROUTE_MORE_SPECIFICs raised, all time */
};

/* What one event raised; flags 0 when nothing. */
struct nfsk_ra_verdict {
	u32	flags;		/* NFSK_FLAG_ROUTE_WITHDRAW_BURST, ..._LOST,
				 * ..._MORE_SPECIFIC
				 */
	u32	withdrawn;	/* burst: the group's withdrawals this window */
	u32	routes;		/* burst: its start + added this window */
	u32	reason;		/* default lost: NFSK_RA_* bits */
	u8	old_protocol;	/* default lost: the protocol it had */
	u8	pad[3];
	struct nfsk_ms_cover cover;	/* more specific: its cover, reason */
};

void nfsk_ra_cfg_default(struct nfsk_ra_cfg *cfg);
void nfsk_ra_init(struct nfsk_ra_state *s, const struct nfsk_ra_cfg *cfg);
/* The registration replay is redone: forget every group and default. */
void nfsk_ra_reset(struct nfsk_ra_state *s);
/* Judge one classified event; @v may be NULL. Returns v->flags. */
u32 nfsk_ra_event(struct nfsk_ra_state *s, const struct nfsk_ra_route *rt,
		  struct nfsk_ra_verdict *v);
/* Is @rt judged for ROUTE_MORE_SPECIFIC (on, an ADD, not the replay)? */
bool nfsk_ra_more_specific_due(const struct nfsk_ra_state *s,
			       const struct nfsk_ra_route *rt);
/* nfsk_ms_judge()'s verdict @c on a due event: flag it in @v if it says so. */
u32 nfsk_ra_more_specific(struct nfsk_ra_state *s,
			  const struct nfsk_ms_cover *c,
			  struct nfsk_ra_verdict *v);
/* Window close: the flags raised in it; the next window starts. */
u32 nfsk_ra_window_close(struct nfsk_ra_state *s);

#endif /* _NFSKETCH_ROUTE_ANOM_H */
