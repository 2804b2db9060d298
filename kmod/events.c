// SPDX-License-Identifier: GPL-2.0
/*
 * Events to the "events" multicast group: WINDOW_NTF for every closed
 * window, ALERT_NTF for every flag raised, ROUTE_NTF for every route event.
 *
 * Producers (the window work, the fib notifier in atomic context) only
 * enqueue a small record into the core's paced queue (kmod/core/pace.c)
 * under a BH spinlock and kick the sender: they never build a message,
 * never allocate, never block. Nothing is queued while no one listens.
 * The sender work drains the queue at the token bucket's rate, builds each
 * message with GFP_KERNEL and multicasts it in the namespace; -ENOBUFS
 * (a listener with NETLINK_BROADCAST_ERROR could not take it) halves the
 * rate. Above the high watermark route events are only counted and go out
 * as one ROUTE_NTF summary; every drop and coalesce is counted in
 * STATS_GET.
 *
 * A prefix's own ROUTE_FLAP alert has a ring of its own, NFSK_FLAP_RING
 * entries (every flapping prefix has its history, flap_store.c, so any
 * number may cross at once): a flap storm names every prefix the ring can
 * hold, at the paced rate, and is never dropped for want of room among the
 * other alerts. A crossing
 * that still finds no room is counted (STATS flap-unnamed) and the window
 * that closes next sends one ROUTE_FLAP summary alert with the count
 * (ALERT UNNAMED): those prefixes are in `routes --suppressed`.
 */
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include "nfsketch.h"

static void nfsk_events_kick(struct nfsk_events *ev, unsigned long delay)
{
	queue_delayed_work(system_power_efficient_wq, &ev->work, delay);
}

static void nfsk_events_enqueue(struct nfsk_events *ev, u32 type,
				const void *rec, u32 len)
{
	spin_lock_bh(&ev->lock);
	nfsk_pace_enqueue(&ev->q, type, rec, len, ktime_get_ns());
	spin_unlock_bh(&ev->lock);
	nfsk_events_kick(ev, 0);
}

void nfsk_events_route(struct nfsk_events *ev, const struct nfsk_route_rec *rec)
{
	if (!nfsk_genl_has_listeners(ev->net))
		return;
	nfsk_events_enqueue(ev, NFSK_PACE_ROUTE, rec, sizeof(*rec));
}

/* An alert built by its producer (anomalies.c), queued as it is. */
void nfsk_events_alert(struct nfsk_events *ev, const struct nfsk_alert_rec *a)
{
	if (!nfsk_genl_has_listeners(ev->net))
		return;
	nfsk_events_enqueue(ev, NFSK_PACE_ALERT, a, sizeof(*a));
}

/*
 * A prefix crossed into suppression: its own ROUTE_FLAP alert, now, in the
 * window that is open. VALUE is its penalty, BASELINE the threshold.
 */
void nfsk_events_route_flap(struct nfsk_events *ev, u64 window_id,
			    const struct nfsk_route_rec *rec, u32 suppress)
{
	struct nfsk_alert_rec a;

	if (!nfsk_genl_has_listeners(ev->net))
		return;
	memset(&a, 0, sizeof(a));
	a.window_id = window_id;
	a.flag = NFSKETCH_FLAG_ROUTE_FLAP;
	a.series = NFSK_SERIES_ROUTE_EVENTS;
	a.kind = NFSK_ALERT_ROUTE;
	a.route = *rec;
	a.value = rec->penalty;
	a.baseline = suppress;
	nfsk_events_enqueue(ev, NFSK_PACE_FLAP, &a, sizeof(a));
}

static void nfsk_alert_init(struct nfsk_alert_rec *a,
			    const struct nfsk_window *win, u32 flag, u32 series,
			    u32 kind)
{
	memset(a, 0, sizeof(*a));
	a->window_id = win->id;
	a->start_real_ns = win->start_real_ns;
	a->flag = flag;
	a->series = series;
	a->kind = kind;
}

/*
 * The crossings the flap ring had no room for since the last summary: one
 * ROUTE_FLAP alert of this window carrying their count. If it finds no
 * room either, the count waits for the next window.
 */
static void nfsk_events_flap_summary(struct nfsk_net *nn,
				     const struct nfsk_window *win)
{
	struct nfsk_events *ev = nn->events;
	struct nfsk_alert_rec a;
	u64 n;

	spin_lock_bh(&ev->lock);
	n = nfsk_pace_flap_pending(&ev->q);
	if (n) {
		nfsk_alert_init(&a, win, NFSKETCH_FLAG_ROUTE_FLAP,
				NFSK_SERIES_ROUTE_EVENTS, NFSK_ALERT_UNNAMED);
		a.value = n;
		a.baseline = nn->cfg.flap_suppress;
		if (nfsk_pace_enqueue(&ev->q, NFSK_PACE_ALERT, &a, sizeof(a),
				      ktime_get_ns()) == NFSK_PACE_QUEUED)
			nfsk_pace_flap_summarized(&ev->q, n);
	}
	spin_unlock_bh(&ev->lock);
	if (n)
		nfsk_events_kick(ev, 0);
}

/* ROUTE_CHURN of each protocol's or table's route events, by name. */
static void nfsk_events_route_series(struct nfsk_events *ev,
				     const struct nfsk_window *win)
{
	const struct nfsk_rs_window *rw = &win->rs;
	struct nfsk_alert_rec a;
	unsigned int k, s;

	for (k = 0; k < NFSK_RS_KINDS; k++)
		for (s = 0; s < NFSK_RS_ALL; s++) {
			if (!(rw->flagged[k] & (1U << s)))
				continue;
			nfsk_alert_init(&a, win, NFSKETCH_FLAG_ROUTE_CHURN,
					NFSK_SERIES_ROUTE_EVENTS,
					NFSK_ALERT_RSERIES);
			a.value = rw->events[k][s];
			a.baseline = div_u64(rw->mean_milli[k][s], 1000);
			a.score = rw->score[k][s];
			a.rs.kind = k;
			a.rs.other = s == NFSK_RS_OTHER;
			a.rs.id = a.rs.other ? 0 : rw->id[k][s];
			nfsk_events_enqueue(ev, NFSK_PACE_ALERT, &a, sizeof(a));
		}
}

/* Called by the window work for the record it just committed. */
void nfsk_events_window_closed(struct nfsk_net *nn, const struct nfsk_window *win)
{
	struct nfsk_events *ev = nn->events;
	struct nfsk_alert_rec a;
	unsigned int s;

	lockdep_assert_held(&nn->lock);
	if (!nfsk_genl_has_listeners(nn->net))
		return;

	nfsk_events_enqueue(ev, NFSK_PACE_WINDOW, &win->id, sizeof(win->id));

	for (s = 0; s < NFSK_SERIES_MAX; s++) {
		const struct nfsk_detect_result *res = &nn->detect[s];

		if (!res->flagged)
			continue;
		nfsk_alert_init(&a, win, nfsk_detect_series_flag(s), s,
				NFSK_ALERT_SERIES);
		a.value = res->value;
		a.baseline = div_u64(res->mean_milli, 1000);
		a.score = res->score;
		nfsk_events_enqueue(ev, NFSK_PACE_ALERT, &a, sizeof(a));
	}
	nfsk_events_route_series(ev, win);
	if (win->flags & NFSKETCH_FLAG_HEAVY_HITTER) {
		nfsk_alert_init(&a, win, NFSKETCH_FLAG_HEAVY_HITTER,
				NFSK_SERIES_BYTES, NFSK_ALERT_FLOW);
		a.value = win->top[0].bytes;
		a.baseline = win->bytes;
		a.flow.key = win->top[0].key;
		a.flow.bytes = win->top[0].bytes;
		a.flow.packets = win->top[0].packets;
		nfsk_events_enqueue(ev, NFSK_PACE_ALERT, &a, sizeof(a));
	}
	/* ROUTE_FLAP: one alert per prefix, sent as it crossed (routes.c) */
	nfsk_events_flap_summary(nn, win);
}

/* Build and multicast one event; 0 if there was nothing to send. */
static int nfsk_events_send(struct nfsk_net *nn, const struct nfsk_pace_event *e)
{
	const struct nfsk_window *win = NULL;
	struct sk_buff *msg;
	size_t size;
	void *hdr;
	u8 cmd;
	int err;

	switch (e->type) {
	case NFSK_PACE_WINDOW:
		cmd = NFSKETCH_CMD_WINDOW_NTF;
		size = nfsk_window_size();
		break;
	case NFSK_PACE_ALERT:
	case NFSK_PACE_FLAP:
		cmd = NFSKETCH_CMD_ALERT_NTF;
		size = nfsk_alert_size();
		break;
	case NFSK_PACE_ROUTE:
		cmd = NFSKETCH_CMD_ROUTE_NTF;
		size = nfsk_route_size();
		break;
	case NFSK_PACE_ROUTE_SUMMARY:
		cmd = NFSKETCH_CMD_ROUTE_NTF;
		size = nfsk_route_summary_size();
		break;
	default:
		return 0;
	}

	msg = genlmsg_new(size, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = nfsk_genl_put_ntf(msg, cmd);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free;
	}

	switch (e->type) {
	case NFSK_PACE_WINDOW: {
		u64 id;
		u32 i;

		memcpy(&id, e->payload.bytes, sizeof(id));
		mutex_lock(&nn->lock);
		for (i = 0; (win = nfsk_history_get(&nn->hist->ring, i)); i++)
			if (win->id <= id)
				break;
		err = win && win->id == id ? nfsk_window_put(msg, win, false) : -ENOENT;
		mutex_unlock(&nn->lock);
		break;
	}
	case NFSK_PACE_ALERT:
	case NFSK_PACE_FLAP:
		err = nfsk_alert_put(msg, (const void *)e->payload.bytes);
		break;
	case NFSK_PACE_ROUTE:
		err = nfsk_route_put(msg, NFSKETCH_A_ROUTE,
				     (const void *)e->payload.bytes);
		break;
	default:
		err = nfsk_route_summary_put(msg, e->time_ns, e->coalesced);
		break;
	}
	WARN_ONCE(err == -EMSGSIZE, "nfsketch cmd %u: message of %zu too small\n",
		  cmd, size);
	if (err)
		goto err_free;
	nfsk_msg_check_size(msg, size, cmd);
	return nfsk_genl_multicast(nn->net, msg, hdr);

err_free:
	nlmsg_free(msg);
	/* a window that left the ring while queued: nothing to tell */
	return err == -ENOENT ? 0 : err;
}

#define NFSK_EVENTS_BUDGET	64	/* per work run, then yield */

static void nfsk_events_work(struct work_struct *work)
{
	struct nfsk_events *ev = container_of(to_delayed_work(work),
					      struct nfsk_events, work);
	struct nfsk_net *nn = nfsk_pernet(ev->net);
	struct nfsk_pace_event *e = &ev->out;
	unsigned int budget = NFSK_EVENTS_BUDGET;
	u64 next = 0;
	bool got;
	int err;

	do {
		spin_lock_bh(&ev->lock);
		got = nfsk_pace_dequeue(&ev->q, ktime_get_ns(), e);
		if (!got)
			next = nfsk_pace_next_ns(&ev->q, ktime_get_ns());
		spin_unlock_bh(&ev->lock);
		if (!got)
			break;

		err = nfsk_events_send(nn, e);
		if (err == -ENOBUFS) {
			spin_lock_bh(&ev->lock);
			nfsk_pace_backpressure(&ev->q, ktime_get_ns());
			spin_unlock_bh(&ev->lock);
		} else if (err && err != -ESRCH) {
			/*
			 * not built (no memory, or a size underestimate) or not
			 * delivered for another reason: the event is lost, count it
			 */
			spin_lock_bh(&ev->lock);
			nfsk_pace_send_failed(&ev->q, e->type);
			spin_unlock_bh(&ev->lock);
		}
	} while (--budget);

	if (got)
		nfsk_events_kick(ev, 1);
	else if (next != U64_MAX)
		nfsk_events_kick(ev, nsecs_to_jiffies(next) + 1);
}

int nfsk_events_init(struct nfsk_net *nn, const struct nfsk_config *cfg)
{
	struct nfsk_events *ev;
	struct nfsk_pace_cfg pc;

	BUILD_BUG_ON(sizeof(struct nfsk_alert_rec) > NFSK_PACE_PAYLOAD);
	BUILD_BUG_ON(sizeof(struct nfsk_route_rec) > NFSK_PACE_PAYLOAD);

	ev = kzalloc(sizeof(*ev), GFP_KERNEL_ACCOUNT);
	if (!ev)
		return -ENOMEM;
	nfsk_pace_cfg_default(&pc);
	pc.rate = cfg->event_rate;
	pc.flap_cap = NFSK_FLAP_RING;
	ev->mem = kvzalloc(nfsk_pace_size(&pc), GFP_KERNEL_ACCOUNT);
	if (!ev->mem) {
		kfree(ev);
		return -ENOMEM;
	}
	nfsk_pace_init(&ev->q, &pc, ev->mem);
	ev->mem_bytes = sizeof(*ev) + nfsk_pace_size(&pc);
	atomic64_add(ev->mem_bytes, &nfsk_mem_bytes);
	spin_lock_init(&ev->lock);
	INIT_DELAYED_WORK(&ev->work, nfsk_events_work);
	ev->net = nn->net;
	nn->events = ev;
	return 0;
}

/* New rate: takes effect for the tokens earned from now on. */
void nfsk_events_configure(struct nfsk_events *ev, const struct nfsk_config *cfg)
{
	spin_lock_bh(&ev->lock);
	ev->q.cfg.rate = cfg->event_rate;
	ev->q.rate_milli = (u64)cfg->event_rate * 1000;
	spin_unlock_bh(&ev->lock);
}

/* Producers are gone (hooks, fib notifier, window work): stop the sender. */
void nfsk_events_exit(struct nfsk_net *nn)
{
	struct nfsk_events *ev = nn->events;

	if (!ev)
		return;
	cancel_delayed_work_sync(&ev->work);
	atomic64_sub(ev->mem_bytes, &nfsk_mem_bytes);
	kvfree(ev->mem);
	kfree(ev);
	nn->events = NULL;
}

void nfsk_events_counts(struct nfsk_events *ev, struct nfsk_events_counts *c)
{
	unsigned int t;

	memset(c, 0, sizeof(*c));
	spin_lock_bh(&ev->lock);
	for (t = 0; t < NFSK_PACE_TYPES; t++) {
		c->sent += ev->q.sent[t] - ev->q.failed[t];
		c->dropped += ev->q.dropped[t] + ev->q.failed[t];
	}
	c->coalesced = ev->q.coalesced;
	c->alerts_dropped = ev->q.dropped[NFSK_PACE_ALERT] +
			    ev->q.failed[NFSK_PACE_ALERT] +
			    ev->q.dropped[NFSK_PACE_FLAP] +
			    ev->q.failed[NFSK_PACE_FLAP];
	c->flap_unnamed = ev->q.flap_unnamed;
	spin_unlock_bh(&ev->lock);
}

u64 nfsk_events_mem_bytes(const struct nfsk_events *ev)
{
	return ev->mem_bytes;
}
