/* SPDX-License-Identifier: GPL-2.0 */
/*
 * route_event.h - one route notification through the core, in the one
 * order the kernel (kmod/routes.c) and `nfsketch replay --routes`
 * (userspace/replay/route_in.c) both follow:
 *
 *   1. classification and table accounting (route_class.h), from what the
 *      caller's set of present routes holds of the prefix;
 *   2. the anomaly rules (route_anom.h): withdraw burst, default route
 *      lost, and, when the caller can look up covers, more-specific;
 *   3. the RFC 2439 flap penalty at the event's time (flap.h), and the
 *      route's protocol and nexthops recorded with it;
 *   4. what to emit: nothing unless the event is reported (rc.report);
 *      then the route event itself, ROUTE_FLAP when its penalty crossed
 *      the suppress threshold (counted for the window's flag) and the
 *      anomaly flags raised (out->emit), and the event counted in its
 *      protocol's and table's series (route_series.h), which the window
 *      close takes for the detectors to judge one by one.
 *
 * The caller looks the prefix up in its set before (the prior), stores
 * out->rc.next in it after (the set is the caller's: an rhashtable in the
 * kernel, tsearch(3) in the replay) and emits. Pure logic, no allocation;
 * not thread-safe (the kernel calls it under its routes lock).
 */
#ifndef _NFSKETCH_ROUTE_EVENT_H
#define _NFSKETCH_ROUTE_EVENT_H

#include <nfsketch/compat.h>
#include <nfsketch/flap.h>
#include <nfsketch/more_spec.h>
#include <nfsketch/route_anom.h>
#include <nfsketch/route_class.h>
#include <nfsketch/route_series.h>
#include <nfsketch/window.h>

/* The route state of one namespace the core works on; the caller's. */
struct nfsk_route_core {
	struct nfsk_rc_tables	tab;	/* sizes, this window's events */
	struct nfsk_flap_table	flap;	/* penalties of flapping prefixes */
	struct nfsk_ra_state	anom;	/* bursts, default routes */
	struct nfsk_rs_state	rs;	/* per protocol and table */
	u32			flap_crossed;	/* into suppression, this window */
};

/* One notification, as the caller maps it. */
struct nfsk_route_ev {
	struct nfsk_flap_key	key;	/* family, table, prefix */
	u64	now_ns;		/* the flap penalties' clock */
	u32	nsiblings;	/* IPv6: other nexthops notified; IPv4: 0 */
	u32	oif;		/* first next hop notified: device */
	u8	gw[16];		/* and gateway (IPv4 mapped), zero if none */
	u16	nexthops;	/* IPv4: the alias's paths (IPv6: counted) */
	u8	fib;		/* enum nfsk_rc_fib */
	u8	protocol;	/* RTPROT_* of the route notified */
	u8	baseline;	/* the registration replay: the existing table */
	/* what the caller's set holds of the prefix */
	u8	held;		/* the set has it, with held_protocol */
	u8	held_protocol;
	u8	pad;
	struct nfsk_rc_prefix	prior;	/* nfsk_route_prior() */
};

/*
 * ROUTE_MORE_SPECIFIC's cover lookup in the caller's set of present routes
 * (nfsk_ms_judge() over it): the reason bits, the cover in @c.
 */
typedef u32 (*nfsk_route_cover_fn)(void *ctx, const struct nfsk_flap_key *k,
				   const struct nfsk_ms_hop *hop,
				   struct nfsk_ms_cover *c);

struct nfsk_route_verdict {
	struct nfsk_rc_verdict		rc;	/* store rc.next in the set */
	struct nfsk_ra_verdict		ra;
	struct nfsk_flap_verdict	flap;
	u32	emit;		/* alerts to send (rc.report only):
				 * NFSK_FLAG_ROUTE_FLAP, the anomaly flags
				 */
	u32	nh_fp;		/* nfsk_ms_nh_fp() of the next hop notified */
	u8	sibling_only;	/* it is not the route's first: keep the old */
};

/*
 * Run one notification @e through the core (the order above). @cover may
 * be NULL: ROUTE_MORE_SPECIFIC is then not judged.
 */
void nfsk_route_event(struct nfsk_route_core *c, const struct nfsk_route_ev *e,
		      nfsk_route_cover_fn cover, void *ctx,
		      struct nfsk_route_verdict *out);

/*
 * Window close: its route counts, table sizes, route flags and the
 * protocol and table series (win->rs) into @win.
 */
void nfsk_route_close_window(struct nfsk_route_core *c,
			     struct nfsk_window *win);

/* Flap settings from the tunables (half-life in ms). */
void nfsk_route_flap_cfg(struct nfsk_flap_cfg *fc, u32 half_life_ms,
			 u32 suppress, u32 reuse);

#endif /* _NFSKETCH_ROUTE_EVENT_H */
