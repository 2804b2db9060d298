// SPDX-License-Identifier: GPL-2.0
/*
 * Route changes of a namespace, from its fib notifier.
 *
 * register_fib_notifier() first replays the existing tables through the same
 * callback: those entries are the baseline table size, not churn. If the
 * replay was inconsistent (the table changed meanwhile) the flush callback
 * zeroes the baseline and the core replays again.
 *
 * Both IPv4 and IPv6 report an added route and a replaced one alike as
 * FIB_EVENT_ENTRY_REPLACE; which of the two it was is told by whether the
 * prefix is currently present in the bounded flap table. A prefix the table
 * does not know (it was evicted, or never seen) counts as an add.
 *
 * Notifications come from an atomic notifier chain (IPv6 even under a
 * table spinlock): nothing here sleeps, and the state is guarded by
 * nfsk_routes->lock, taken with bottom halves disabled.
 */
#include <linux/ktime.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <net/fib_notifier.h>
#include <net/ip_fib.h>
#include <net/ip6_fib.h>
#include <uapi/linux/nfsketch.h>
#include "nfsketch.h"

static void nfsk_routes_record(struct nfsk_routes *r, u8 family,
			       const u8 *dst, u8 dst_len, u32 table,
			       u8 protocol, enum fib_event_type fib_event)
{
	unsigned int fi = family == NFSK_AF_INET ? 0 : 1;
	struct nfsk_route_rec *rec, copy;
	u8 event;
	u32 penalty;
	u64 now = ktime_get_ns();

	spin_lock_bh(&r->lock);
	if (r->replaying) {
		if (fib_event != FIB_EVENT_ENTRY_DEL) {
			r->table_size[fi]++;
			nfsk_routes_track(r, family, dst, dst_len, table,
					  NFSKETCH_ROUTE_ADD, now, true);
		}
		goto unlock;
	}

	if (fib_event == FIB_EVENT_ENTRY_DEL) {
		event = NFSKETCH_ROUTE_DEL;
		if (r->table_size[fi])
			r->table_size[fi]--;
	} else if (nfsk_routes_present(r, family, dst, dst_len, table)) {
		event = NFSKETCH_ROUTE_REPLACE;
	} else {
		event = NFSKETCH_ROUTE_ADD;
		r->table_size[fi]++;
	}
	penalty = nfsk_routes_track(r, family, dst, dst_len, table, event, now,
				    false);
	r->window_events[fi][event]++;
	r->total_events++;

	rec = &r->log[r->log_next];
	rec->time_ns = now;
	rec->time_real_ns = ktime_get_real_ns();
	memcpy(rec->dst, dst, sizeof(rec->dst));
	rec->table = table;
	rec->penalty = penalty;
	rec->family = family;
	rec->dst_len = dst_len;
	rec->event = event;
	rec->protocol = protocol;
	rec->seq = ++r->log_seq;
	r->log_next = (r->log_next + 1) & (NFSK_ROUTE_LOG_LEN - 1);
	copy = *rec;
	spin_unlock_bh(&r->lock);
	nfsk_events_route(r->events, &copy);
	return;
unlock:
	spin_unlock_bh(&r->lock);
}

static void nfsk_routes_ipv4(struct nfsk_routes *r, unsigned long event,
			     const struct fib_entry_notifier_info *info)
{
	__be32 dst = htonl(info->dst);
	u8 addr[16] = { [10] = 0xff, [11] = 0xff };

	memcpy(&addr[12], &dst, sizeof(dst));
	nfsk_routes_record(r, NFSK_AF_INET, addr, info->dst_len,
			   info->tb_id, info->fi ? info->fi->fib_protocol : 0,
			   event);
}

static void nfsk_routes_ipv6(struct nfsk_routes *r, unsigned long event,
			     const struct fib6_entry_notifier_info *info)
{
	const struct fib6_info *rt = info->rt;

	nfsk_routes_record(r, NFSK_AF_INET6, rt->fib6_dst.addr.s6_addr,
			   rt->fib6_dst.plen,
			   rt->fib6_table ? rt->fib6_table->tb6_id : 0,
			   rt->fib6_protocol, event);
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

	spin_lock_bh(&r->lock);
	r->table_size[0] = 0;
	r->table_size[1] = 0;
	nfsk_routes_forget_all(r);
	spin_unlock_bh(&r->lock);
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
	win->route_add[0] = r->window_events[0][NFSKETCH_ROUTE_ADD];
	win->route_del[0] = r->window_events[0][NFSKETCH_ROUTE_DEL];
	win->route_replace[0] = r->window_events[0][NFSKETCH_ROUTE_REPLACE];
	win->route_add[1] = r->window_events[1][NFSKETCH_ROUTE_ADD];
	win->route_del[1] = r->window_events[1][NFSKETCH_ROUTE_DEL];
	win->route_replace[1] = r->window_events[1][NFSKETCH_ROUTE_REPLACE];
	win->routes[0] = r->table_size[0];
	win->routes[1] = r->table_size[1];
	if (r->flap_crossed)
		win->flags |= NFSKETCH_FLAG_ROUTE_FLAP;
	r->flap_crossed = 0;
	memset(r->window_events, 0, sizeof(r->window_events));
	spin_unlock_bh(&r->lock);
}

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

/* Is the prefix known to be in the table now (added, not withdrawn)? */
bool nfsk_routes_present(struct nfsk_routes *r, u8 family, const u8 *dst,
			 u8 dst_len, u32 table)
{
	struct nfsk_flap_info info;
	struct nfsk_flap_key k;

	nfsk_flap_key_of(&k, family, dst, dst_len, table);
	return nfsk_flap_lookup(&r->flap, &k, ktime_get_ns(), &info) &&
	       !info.withdrawn;
}

/* Feed one event to the flap table; returns the prefix's penalty. */
u32 nfsk_routes_track(struct nfsk_routes *r, u8 family, const u8 *dst,
		      u8 dst_len, u32 table, u8 event, u64 now, bool baseline)
{
	struct nfsk_flap_verdict v;
	struct nfsk_flap_key k;

	lockdep_assert_held(&r->lock);
	nfsk_flap_key_of(&k, family, dst, dst_len, table);
	nfsk_flap_event(&r->flap, &k, event, now, &v);
	if (v.crossed && !baseline) {
		struct nfsk_route_rec *last = &r->flap_last;

		r->flap_crossed++;
		memset(last, 0, sizeof(*last));
		last->time_ns = now;
		last->time_real_ns = ktime_get_real_ns();
		memcpy(last->dst, dst, sizeof(last->dst));
		last->table = table;
		last->penalty = v.penalty;
		last->family = family;
		last->dst_len = dst_len;
		last->event = event;
	}
	return v.penalty;
}

/* Routes in the namespace's tables: [0] IPv4, [1] IPv6. */
void nfsk_routes_table_size(struct nfsk_routes *r, u32 size[2])
{
	spin_lock_bh(&r->lock);
	size[NFSK_FAM_V4] = r->table_size[NFSK_FAM_V4];
	size[NFSK_FAM_V6] = r->table_size[NFSK_FAM_V6];
	spin_unlock_bh(&r->lock);
}

/* The last prefix that crossed into suppression (ROUTE_FLAP alerts). */
void nfsk_routes_flap_last(struct nfsk_routes *r, struct nfsk_route_rec *rec)
{
	spin_lock_bh(&r->lock);
	*rec = r->flap_last;
	spin_unlock_bh(&r->lock);
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
	nfsk_flap_clear(&r->flap);
}

static void nfsk_flap_cfg_of(struct nfsk_flap_cfg *fc,
			     const struct nfsk_config *cfg)
{
	nfsk_flap_cfg_default(fc);
	fc->half_life_ns = (u64)cfg->flap_half_life_ms * NSEC_PER_MSEC;
	fc->suppress = cfg->flap_suppress;
	fc->reuse = cfg->flap_reuse;
	if (fc->ceiling < fc->suppress)
		fc->ceiling = fc->suppress;
}

int nfsk_routes_init(struct nfsk_routes *r, const struct nfsk_config *cfg)
{
	struct nfsk_flap_cfg fc;

	spin_lock_init(&r->lock);
	nfsk_flap_cfg_of(&fc, cfg);
	if (!nfsk_flap_cfg_ok(&fc))
		return -EINVAL;
	r->flap_mem = kvzalloc(nfsk_flap_size(NFSK_FLAP_ENTRIES),
			       GFP_KERNEL_ACCOUNT);
	if (!r->flap_mem)
		return -ENOMEM;
	nfsk_flap_init(&r->flap, &fc, NFSK_FLAP_ENTRIES, get_random_u64(),
		       r->flap_mem);
	atomic64_add(nfsk_flap_size(NFSK_FLAP_ENTRIES), &nfsk_mem_bytes);
	return 0;
}

/* New thresholds apply to the penalties as they stand. */
int nfsk_routes_configure(struct nfsk_routes *r, const struct nfsk_config *cfg)
{
	struct nfsk_flap_cfg fc;

	nfsk_flap_cfg_of(&fc, cfg);
	if (!nfsk_flap_cfg_ok(&fc))
		return -EINVAL;
	spin_lock_bh(&r->lock);
	r->flap.cfg = fc;
	spin_unlock_bh(&r->lock);
	return 0;
}

u64 nfsk_routes_mem_bytes(const struct nfsk_routes *r)
{
	return sizeof(*r) + nfsk_flap_size(NFSK_FLAP_ENTRIES);
}

void nfsk_routes_free(struct nfsk_routes *r)
{
	if (r->flap_mem)
		atomic64_sub(nfsk_flap_size(NFSK_FLAP_ENTRIES), &nfsk_mem_bytes);
	kvfree(r->flap_mem);
	r->flap_mem = NULL;
}
