// SPDX-License-Identifier: GPL-2.0
/*
 * Route anomalies beyond counts, from the fib notifier: the glue between
 * routes.c's classified events and the core's rules (kmod/core/route_anom.c:
 * ROUTE_WITHDRAW_BURST, DEFAULT_ROUTE_LOST; kmod/core/more_spec.c:
 * ROUTE_MORE_SPECIFIC, judged against route_set.c's present prefixes) and
 * the alerts they raise.
 *
 * routes.c calls nfsk_anom_route() for every notification, under
 * nfsk_routes->lock (BH, atomic notifier chain: nothing here sleeps), with
 * what the classifier made of it; the alert goes out after the lock is
 * dropped, through the events queue like every other alert.
 */
#include <net/ip_fib.h>
#include <net/ip6_fib.h>
#include <net/nexthop.h>
#include <uapi/linux/nfsketch.h>
#include "nfsketch.h"

/* The first next hop of an IPv4 route (a nexthop object's too). */
void nfsk_anom_nh_v4(struct nfsk_anom_nh *nh, struct fib_info *fi)
{
	struct fib_nh_common *nhc;

	memset(nh, 0, sizeof(*nh));
	if (!fi)
		return;
	nh->nexthops = min_t(unsigned int, fib_info_num_path(fi), U16_MAX);
	nhc = fib_info_nhc(fi, 0);
	if (!nhc)
		return;
	if (nhc->nhc_dev)
		nh->oif = nhc->nhc_dev->ifindex;
	if (nhc->nhc_gw_family == AF_INET)
		memcpy(&nh->gw[12], &nhc->nhc_gw.ipv4, 4);
	else if (nhc->nhc_gw_family == AF_INET6)
		memcpy(nh->gw, &nhc->nhc_gw.ipv6, 16);
}

/* The first next hop of an IPv6 route and its siblings' count. */
void nfsk_anom_nh_v6(struct nfsk_anom_nh *nh, struct fib6_info *rt,
		     u32 nsiblings)
{
	struct fib6_nh *f6nh;

	memset(nh, 0, sizeof(*nh));
	nh->nexthops = min_t(u32, nsiblings + 1, U16_MAX);
	f6nh = rt->nh ? nexthop_fib6_nh(rt->nh) : rt->fib6_nh;
	if (!f6nh)
		return;
	if (f6nh->fib_nh_dev)
		nh->oif = f6nh->fib_nh_dev->ifindex;
	if (f6nh->fib_nh_gw_family == AF_INET6)
		memcpy(nh->gw, &f6nh->fib_nh_gw6, 16);
}

/*
 * An APPEND, or a DEL the classifier made a REPLACE, notifies one IPv6
 * sibling: the next hop notified is not the route's first.
 */
bool nfsk_anom_sibling_only(enum nfsk_rc_fib fib,
			    const struct nfsk_rc_verdict *v)
{
	return fib == NFSK_RC_FIB_APPEND ||
	       (fib == NFSK_RC_FIB_DEL && v->event == NFSK_RC_REPLACE);
}

/* ROUTE_MORE_SPECIFIC of a due ADD of @k: its longest cover in the set. */
static void nfsk_anom_more_specific(struct nfsk_routes *r,
				    const struct nfsk_flap_key *k,
				    const struct nfsk_ra_route *rt,
				    struct nfsk_ra_verdict *av)
{
	struct nfsk_ms_hop hop = {
		.nh_fp		= nfsk_ms_nh_fp(rt->oif, rt->gw),
		.protocol	= rt->protocol,
	};
	struct nfsk_ms_cover c;

	if (!nfsk_ra_more_specific_due(&r->anom, rt))
		return;
	nfsk_route_set_cover(&r->set, k, &hop, &c);
	nfsk_ra_more_specific(&r->anom, &c, av);
}

/*
 * Judge one classified event of prefix @k; @delta is how it moved the family's table
 * size, @prior_protocol the route's protocol before when @prior_known.
 * An APPEND, or a DEL the classifier made a REPLACE, notifies one IPv6
 * sibling: @nh is that sibling's, the route's first next hop is unchanged
 * and its count is the classifier's. Returns the flags it raised (@av says
 * more).
 */
u32 nfsk_anom_route(struct nfsk_routes *r, const struct nfsk_flap_key *k,
		    enum nfsk_rc_family fam, u8 protocol,
		    const struct nfsk_anom_nh *nh,
		    enum nfsk_rc_fib fib, const struct nfsk_rc_verdict *v,
		    s32 delta, bool prior_known, u8 prior_protocol,
		    struct nfsk_ra_verdict *av)
{
	struct nfsk_ra_route rt = {
		.table		= k->table,
		.family		= fam,
		.plen		= k->plen,
		.protocol	= protocol,
		.event		= v->event,
		.delta		= delta > 0 ? 1 : delta < 0 ? -1 : 0,
		.baseline	= r->replaying,
		.prior_known	= prior_known,
		.prior_protocol	= prior_protocol,
		/* IPv4: the alias's paths; IPv6: the siblings counted */
		.nexthops	= fam == NFSK_RC_V6 ? v->next.nexthops :
						      nh->nexthops,
		.sibling_only	= nfsk_anom_sibling_only(fib, v),
		.oif		= nh->oif,
	};

	lockdep_assert_held(&r->lock);
	memcpy(rt.gw, nh->gw, sizeof(rt.gw));
	nfsk_ra_event(&r->anom, &rt, av);
	nfsk_anom_more_specific(r, k, &rt, av);
	return av->flags;
}

void nfsk_anom_configure(struct nfsk_routes *r, const struct nfsk_config *cfg)
{
	lockdep_assert_held(&r->lock);
	r->anom.cfg.burst_permille = cfg->withdraw_burst_permille;
	r->anom.cfg.burst_min = cfg->withdraw_burst_min;
	r->anom.cfg.more_specific = cfg->more_specific;
}

/* One alert per flag raised, naming the route event that raised it. */
void nfsk_anom_alert(struct nfsk_events *ev, u64 window_id,
		     const struct nfsk_route_rec *rec,
		     const struct nfsk_ra_verdict *av)
{
	struct nfsk_alert_rec a;

	if (!nfsk_genl_has_listeners(ev->net))
		return;
	memset(&a, 0, sizeof(a));
	a.window_id = window_id;
	a.series = NFSK_SERIES_ROUTE_EVENTS;
	a.kind = NFSK_ALERT_ROUTE;
	a.route = *rec;
	if (av->flags & NFSK_FLAG_ROUTE_WITHDRAW_BURST) {
		a.flag = NFSKETCH_FLAG_ROUTE_WITHDRAW_BURST;
		a.value = av->withdrawn;
		a.baseline = av->routes;
		nfsk_events_alert(ev, &a);
	}
	if (av->flags & NFSK_FLAG_DEFAULT_ROUTE_LOST) {
		a.flag = NFSKETCH_FLAG_DEFAULT_ROUTE_LOST;
		a.value = av->old_protocol;
		a.baseline = av->reason & NFSK_RA_WITHDRAWN ? 0 : rec->protocol;
		a.reason = av->reason;
		nfsk_events_alert(ev, &a);
	}
	if (av->flags & NFSK_FLAG_ROUTE_MORE_SPECIFIC) {
		/* the cover's address is the route's cut to cover_len */
		a.flag = NFSKETCH_FLAG_ROUTE_MORE_SPECIFIC;
		a.value = av->cover.protocol;
		a.baseline = rec->protocol;
		a.reason = av->cover.reason;
		a.cover_len = av->cover.plen;
		a.cover_protocol = av->cover.protocol;
		nfsk_events_alert(ev, &a);
	}
}
