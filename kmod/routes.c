// SPDX-License-Identifier: GPL-2.0
/*
 * Route changes of a namespace, from its fib notifier.
 *
 * register_fib_notifier() first replays the existing tables through the same
 * callback: those entries are the baseline table size, not churn. If the
 * replay was inconsistent (the table changed meanwhile) the flush callback
 * zeroes the baseline and the core replays again.
 *
 * What a notification means for its prefix (add, delete, replace; a
 * nexthop coming or going is a replace) and the per-family table sizes are
 * the core's (kmod/core/route_class.c), and so is the whole order of a
 * notification through the core, anomalies and flap penalty included
 * (nfsk_route_event(), kmod/core/route_event.c: the replay runs the same);
 * this file maps the notifier's events onto it and emits what it returns.
 * What the core needs to know of a prefix (present, nexthops of the first
 * route) and its protocol come from the set of present routes
 * (route_set.c, every prefix up to route_track_max); the RFC 2439
 * penalties live in the flap store (flap_store.c, every prefix with a
 * history up to flap_track_max), whose released histories the window close
 * frees (nfsk_routes_sweep()). A prefix the set could not hold is
 * classified from the notification alone.
 *
 * A prefix whose penalty crosses the suppress threshold raises its own
 * ROUTE_FLAP alert at once (paced and counted by the events queue), with
 * the route's protocol; `routes --suppressed` lists those still suppressed.
 *
 * Notifications come from an atomic notifier chain (IPv6 even under a
 * table spinlock): nothing here sleeps, and the state, the set's included,
 * is guarded by nfsk_routes->lock, taken with bottom halves disabled. The
 * flush alone empties the set outside the lock: it runs in process context
 * with this notifier unregistered.
 */
#include <linux/ktime.h>
#include <linux/slab.h>
#include <net/fib_notifier.h>
#include <net/ip_fib.h>
#include <net/ip6_fib.h>
#include <uapi/linux/nfsketch.h>
#include "nfsketch.h"

static void nfsk_flap_key_of(struct nfsk_flap_key *k, u8 family,
			     const u8 *dst, u8 dst_len, u32 table)
{
	memset(k, 0, sizeof(*k));
	if (family == NFSK_AF_INET)
		memcpy(k->addr, dst + 12, 4);
	else
		memcpy(k->addr, dst, 16);
	k->family = family;
	k->plen = dst_len;
	k->table = table;
}

/* ROUTE_MORE_SPECIFIC's covers: the set of present routes. */
static u32 nfsk_routes_cover(void *set, const struct nfsk_flap_key *k,
			     const struct nfsk_ms_hop *hop,
			     struct nfsk_ms_cover *c)
{
	return nfsk_route_set_cover(set, k, hop, c);
}

static void nfsk_routes_record(struct nfsk_routes *r, u8 family,
			       const u8 *dst, u8 dst_len, u32 table,
			       u8 protocol, enum nfsk_rc_fib fib, u32 nsiblings,
			       const struct nfsk_anom_nh *nh)
{
	struct nfsk_route_entry *held;
	struct nfsk_route_verdict rv;
	struct nfsk_route_rec *rec, copy;
	struct nfsk_route_ev e = {
		.now_ns		= ktime_get_ns(),
		.nsiblings	= nsiblings,
		.oif		= nh->oif,
		.nexthops	= nh->nexthops,
		.fib		= fib,
		.protocol	= protocol,
	};
	u64 window_id;
	u32 suppress;

	memcpy(e.gw, nh->gw, sizeof(e.gw));
	nfsk_flap_key_of(&e.key, family, dst, dst_len, table);
	spin_lock_bh(&r->lock);
	e.baseline = r->replaying;
	held = nfsk_route_set_find(&r->set, &e.key, &r->core.tab, &e.prior);
	e.held = !!held;
	e.held_protocol = held ? nfsk_route_entry_protocol(held) : 0;
	nfsk_route_event(&r->core, &e, nfsk_routes_cover, &r->set, &rv);
	nfsk_route_set_store(&r->set, held, &e.key, &rv.rc.next, protocol,
			     rv.sibling_only ? NULL : &rv.nh_fp);
	if (!rv.rc.report)
		goto unlock;

	rec = &r->log[r->log_next];
	rec->time_ns = e.now_ns;
	rec->time_real_ns = ktime_get_real_ns();
	memcpy(rec->dst, dst, sizeof(rec->dst));
	rec->table = table;
	rec->penalty = rv.flap.penalty;
	rec->family = family;
	rec->dst_len = dst_len;
	rec->event = rv.rc.event;
	rec->protocol = protocol;
	rec->seq = ++r->log_seq;
	r->log_next = (r->log_next + 1) & (NFSK_ROUTE_LOG_LEN - 1);
	copy = *rec;
	window_id = r->window_id;
	suppress = r->core.flap.cfg.suppress;
	spin_unlock_bh(&r->lock);
	nfsk_events_route(r->events, &copy);
	if (rv.emit & NFSK_FLAG_ROUTE_FLAP)
		nfsk_events_route_flap(r->events, window_id, &copy, suppress);
	if (rv.ra.flags)
		nfsk_anom_alert(r->events, window_id, &copy, &rv.ra);
	return;
unlock:
	spin_unlock_bh(&r->lock);
}

static enum nfsk_rc_fib nfsk_rc_fib_of(unsigned long event)
{
	switch (event) {
	case FIB_EVENT_ENTRY_APPEND:
		return NFSK_RC_FIB_APPEND;
	case FIB_EVENT_ENTRY_DEL:
		return NFSK_RC_FIB_DEL;
	default:	/* REPLACE, and ENTRY_ADD of older kernels */
		return NFSK_RC_FIB_REPLACE;
	}
}

/* IPv4 notifies the prefix's first alias; a multipath route is one alias. */
static void nfsk_routes_ipv4(struct nfsk_routes *r, unsigned long event,
			     const struct fib_entry_notifier_info *info)
{
	__be32 dst = htonl(info->dst);
	u8 addr[16] = { [10] = 0xff, [11] = 0xff };
	struct nfsk_anom_nh nh;

	memcpy(&addr[12], &dst, sizeof(dst));
	nfsk_anom_nh_v4(&nh, info->fi);
	nfsk_routes_record(r, NFSK_AF_INET, addr, info->dst_len,
			   info->tb_id, info->fi ? info->fi->fib_protocol : 0,
			   nfsk_rc_fib_of(event), 0, &nh);
}

/* IPv6 notifies the node's first route and its ECMP siblings (nsiblings). */
static void nfsk_routes_ipv6(struct nfsk_routes *r, unsigned long event,
			     const struct fib6_entry_notifier_info *info)
{
	struct fib6_info *rt = info->rt;
	u32 nsiblings = info->nsiblings;
	struct nfsk_anom_nh nh;

	/* a single REPLACE of a route that has siblings */
	if (event == FIB_EVENT_ENTRY_REPLACE && !nsiblings)
		nsiblings = READ_ONCE(rt->fib6_nsiblings);
	nfsk_anom_nh_v6(&nh, rt, nsiblings);
	nfsk_routes_record(r, NFSK_AF_INET6, rt->fib6_dst.addr.s6_addr,
			   rt->fib6_dst.plen,
			   rt->fib6_table ? rt->fib6_table->tb6_id : 0,
			   rt->fib6_protocol, nfsk_rc_fib_of(event), nsiblings,
			   &nh);
}

static int nfsk_fib_event(struct notifier_block *nb, unsigned long event,
			  void *ptr)
{
	struct nfsk_routes *r = container_of(nb, struct nfsk_routes, nb);
	struct fib_notifier_info *info = ptr;

	switch (event) {
	case FIB_EVENT_ENTRY_ADD:
	case FIB_EVENT_ENTRY_REPLACE:
	case FIB_EVENT_ENTRY_APPEND:
	case FIB_EVENT_ENTRY_DEL:
		break;
	default:
		return NOTIFY_DONE;
	}

	if (info->family == AF_INET)
		nfsk_routes_ipv4(r, event, ptr);
	else if (info->family == AF_INET6)
		nfsk_routes_ipv6(r, event, ptr);
	return NOTIFY_DONE;
}

/* The replay was inconsistent and is about to be redone: drop its counts. */
static void nfsk_fib_flush(struct notifier_block *nb)
{
	struct nfsk_routes *r = container_of(nb, struct nfsk_routes, nb);
	struct rhashtable *fresh = nfsk_route_set_new_table(), *old;

	spin_lock_bh(&r->lock);
	nfsk_route_tables_reset(&r->core.tab);
	nfsk_routes_forget_all(r);
	old = nfsk_route_set_swap(&r->set, fresh);
	spin_unlock_bh(&r->lock);
	nfsk_route_set_free_table(old);
}

int nfsk_routes_register(struct nfsk_net *nn)
{
	struct nfsk_routes *r = nn->routes;
	int err;

	r->nb.notifier_call = nfsk_fib_event;
	spin_lock_bh(&r->lock);
	r->replaying = true;
	spin_unlock_bh(&r->lock);

	err = register_fib_notifier(nn->net, &r->nb, nfsk_fib_flush, NULL);

	spin_lock_bh(&r->lock);
	r->replaying = false;
	spin_unlock_bh(&r->lock);
	return err;
}

void nfsk_routes_unregister(struct nfsk_net *nn)
{
	unregister_fib_notifier(nn->net, &nn->routes->nb);
}

/* Move this window's route event counts into @win; called at window close. */
void nfsk_routes_close_window(struct nfsk_routes *r, struct nfsk_window *win)
{
	spin_lock_bh(&r->lock);
	nfsk_route_close_window(&r->core, win);
	r->window_id = win->id + 1;	/* the window that opens now */
	spin_unlock_bh(&r->lock);
}

/* Routes in the namespace's tables: [0] IPv4, [1] IPv6. */
void nfsk_routes_table_size(struct nfsk_routes *r, u32 size[2])
{
	spin_lock_bh(&r->lock);
	size[NFSK_FAM_V4] = r->core.tab.size[NFSK_RC_V4];
	size[NFSK_FAM_V6] = r->core.tab.size[NFSK_RC_V6];
	spin_unlock_bh(&r->lock);
}

/* The flap and route set counters, for STATS_GET. */
void nfsk_routes_flap_stats(struct nfsk_routes *r, struct nfsk_route_stats *st)
{
	spin_lock_bh(&r->lock);
	st->flap_evictions = 0;	/* an entry with a history is never evicted */
	st->flap_refused = r->core.flap.refused;
	st->flap_crossings = r->core.flap.suppress_crossings;
	st->nexthop_changes = r->core.tab.nexthop_changes;
	st->suppressed = r->core.flap.suppressed;	/* as of the last sweep */
	nfsk_route_set_stats(&r->set, st);
	nfsk_flap_store_note_mem(&r->flap);
	st->track_untracked = nfsk_route_untracked(&r->core.tab, r->set.entries);
	st->series = r->core.rs;
	spin_unlock_bh(&r->lock);
}

/*
 * Window close, process context: the flap store's sweep, in chunks under
 * the lock, at most NFSK_FLAP_SWEEP entries (the round resumes next time).
 */
void nfsk_routes_sweep(struct nfsk_routes *r)
{
	u32 left = NFSK_FLAP_SWEEP, n, seen;
	u64 now = ktime_get_ns();

	while (left) {
		n = min_t(u32, left, NFSK_FLAP_SWEEP_CHUNK);
		spin_lock_bh(&r->lock);
		seen = nfsk_flap_store_sweep(&r->flap, &r->core.flap, now, n);
		spin_unlock_bh(&r->lock);
		if (seen < n)
			break;
		left -= n;
		cond_resched();
	}
}

/*
 * The next suppressed prefix that crossed after sequence number *pos, with
 * its penalty and the time until it is reused; false at the end. Resumable.
 */
bool nfsk_routes_suppressed_next(struct nfsk_routes *r, u64 *pos,
				 struct nfsk_route_rec *rec, u64 *reuse_ns)
{
	struct nfsk_flap_info info;
	u64 now = ktime_get_ns();
	bool found;

	spin_lock_bh(&r->lock);
	found = nfsk_flap_store_suppressed_next(&r->flap, &r->core.flap, pos,
						now, &info);
	if (found) {
		memset(rec, 0, sizeof(*rec));
		rec->time_ns = info.stamp_ns;
		rec->time_real_ns = info.stamp_ns + ktime_get_real_ns() - now;
		rec->family = info.key.family;
		if (info.key.family == NFSK_AF_INET) {
			rec->dst[10] = 0xff;
			rec->dst[11] = 0xff;
			memcpy(&rec->dst[12], info.key.addr, 4);
		} else {
			memcpy(rec->dst, info.key.addr, 16);
		}
		rec->dst_len = info.key.plen;
		rec->table = info.key.table;
		rec->penalty = info.penalty;
		rec->protocol = info.protocol;
		rec->event = info.withdrawn ? NFSKETCH_ROUTE_DEL :
					      NFSKETCH_ROUTE_ADD;
		*reuse_ns = nfsk_flap_reuse_in(&r->core.flap, info.penalty_fx);
	}
	spin_unlock_bh(&r->lock);
	return found;
}

/*
 * Copy into @rec the oldest record of the route log newer than sequence
 * number @after; false when there is none. ROUTE_GET dumps resume by
 * sequence number, so a record logged between two steps is not repeated.
 */
bool nfsk_routes_log_next(struct nfsk_routes *r, u64 after,
			  struct nfsk_route_rec *rec)
{
	bool found = false;
	u32 i;

	spin_lock_bh(&r->lock);
	/* oldest first: the ring's next slot holds the oldest record */
	for (i = 0; i < NFSK_ROUTE_LOG_LEN; i++) {
		const struct nfsk_route_rec *l;

		l = &r->log[(r->log_next + i) & (NFSK_ROUTE_LOG_LEN - 1)];
		if (l->seq && l->seq > after) {
			*rec = *l;
			found = true;
			break;
		}
	}
	spin_unlock_bh(&r->lock);
	return found;
}

void nfsk_routes_forget_all(struct nfsk_routes *r)
{
	lockdep_assert_held(&r->lock);
	nfsk_flap_store_clear(&r->flap);
	nfsk_flap_clear(&r->core.flap);
	nfsk_ra_reset(&r->core.anom);
}

static void nfsk_flap_cfg_of(struct nfsk_flap_cfg *fc,
			     const struct nfsk_config *cfg)
{
	nfsk_route_flap_cfg(fc, cfg->flap_half_life_ms, cfg->flap_suppress,
			    cfg->flap_reuse);
}

int nfsk_routes_init(struct nfsk_routes *r, const struct nfsk_config *cfg)
{
	struct nfsk_flap_cfg fc;

	spin_lock_init(&r->lock);
	r->window_id = 1;	/* windows.c opens window 1 first */
	spin_lock_bh(&r->lock);
	nfsk_anom_configure(r, cfg);
	spin_unlock_bh(&r->lock);
	nfsk_flap_cfg_of(&fc, cfg);
	if (!nfsk_flap_cfg_ok(&fc))
		return -EINVAL;
	if (nfsk_flap_store_init(&r->flap, cfg->flap_track_max))
		return -ENOMEM;
	nfsk_flap_init(&r->core.flap, &fc, &nfsk_flap_store_ops, &r->flap);
	if (nfsk_route_set_init(&r->set, cfg->route_track_max))
		goto err_flap_store_destroy;
	return 0;

err_flap_store_destroy:
	nfsk_flap_store_destroy(&r->flap);
	return -ENOMEM;
}

/* New thresholds apply to the penalties as they stand. */
int nfsk_routes_configure(struct nfsk_routes *r, const struct nfsk_config *cfg)
{
	struct nfsk_flap_cfg fc;

	nfsk_flap_cfg_of(&fc, cfg);
	if (!nfsk_flap_cfg_ok(&fc))
		return -EINVAL;
	spin_lock_bh(&r->lock);
	r->core.flap.cfg = fc;
	nfsk_route_set_set_max(&r->set, cfg->route_track_max);
	nfsk_flap_store_set_max(&r->flap, cfg->flap_track_max);
	nfsk_anom_configure(r, cfg);
	spin_unlock_bh(&r->lock);
	return 0;
}

u64 nfsk_routes_mem_bytes(const struct nfsk_routes *r)
{
	return sizeof(*r) + nfsk_flap_store_mem_bytes(&r->flap) +
	       nfsk_route_set_mem_bytes(&r->set);
}

/* After the notifier is unregistered and a grace period. */
void nfsk_routes_free(struct nfsk_routes *r)
{
	nfsk_route_set_destroy(&r->set);
	nfsk_flap_store_destroy(&r->flap);
}
