// SPDX-License-Identifier: GPL-2.0
/*
 * Route anomalies beyond counts, from the fib notifier: the glue between
 * the core's rules (kmod/core/route_anom.c: ROUTE_WITHDRAW_BURST,
 * DEFAULT_ROUTE_LOST; kmod/core/more_spec.c: ROUTE_MORE_SPECIFIC, judged
 * against route_set.c's present prefixes), which routes.c runs through
 * nfsk_route_event() (kmod/core/route_event.c) for every notification,
 * and the kernel: the notified next hop, the settings, the alerts raised.
 *
 * Everything but the alert runs under nfsk_routes->lock (BH, atomic
 * notifier chain: nothing here sleeps); the alert goes out after the lock
 * is dropped, through the events queue like every other alert.
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

void nfsk_anom_configure(struct nfsk_routes *r, const struct nfsk_config *cfg)
{
	lockdep_assert_held(&r->lock);
	r->core.anom.cfg.burst_permille = cfg->withdraw_burst_permille;
	r->core.anom.cfg.burst_min = cfg->withdraw_burst_min;
	r->core.anom.cfg.more_specific = cfg->more_specific;
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
