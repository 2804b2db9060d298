// SPDX-License-Identifier: GPL-2.0
/*
 * pace.c - event pacing: a bounded queue drained through a token bucket
 * whose rate falls as the queue fills.
 *
 * The idea comes from Azure's NSG flow-logging VNF: producers must never
 * block (here they run in the window-close work and in the FIB notifier,
 * which may be atomic) and listeners must not be flooded, so events go into
 * a bounded queue and a consumer sends them at a rate r that depends on the
 * queue depth: the full rate r0 while the queue is short, r0/2 once it
 * passes a low watermark, and above a high watermark the bulk of the
 * traffic (individual route events) is no longer queued at all but counted
 * and later sent as one summary. The design's "rate 0 above high" is kept
 * for new route events only: the events already queued keep draining at
 * r0/2, because a FIFO that stops draining above high never gets back
 * below it. Alerts have their own small ring and are always sent first.
 *
 * Back-pressure from the transport (-ENOBUFS: a listener's socket buffer is
 * full) halves r and empties the bucket; r then recovers additively, r0/16
 * per second of elapsed time (AIMD: it takes 8 s from r0/2 back to r0), so
 * a slow listener sees a rate it can follow instead of a burst every time.
 *
 * Arithmetic is exact integers: tokens are counted in pico-tokens and rates
 * in milli-events per second, so a refill is rate * elapsed ns with no
 * rounding; the recovery carries its division remainder between calls, so
 * it does not depend on how often the consumer polls. Every event is
 * accounted for: see the invariants in pace.h.
 */
#include <nfsketch/pace.h>
#include <nfsketch/tunables.h>

#define PT_PER_TOKEN	1000000000000ULL	/* pico-tokens per token */
#define NS_PER_SEC	1000000000ULL
#define RECOVER_DIV	16			/* r0/16 per second */
#define FLOOR_DIV	64			/* r never below r0/64 */
#define RECOVER_NS	(RECOVER_DIV * NS_PER_SEC)

void nfsk_pace_cfg_default(struct nfsk_pace_cfg *cfg)
{
	cfg->rate = nfsk_tunables[NFSK_T_event_rate].def;	/* the table's */
	cfg->burst = 64;
	cfg->low = 64;
	cfg->high = 192;
	cfg->alert_cap = 32;
	cfg->bulk_cap = 256;
	cfg->flap_cap = 0;
}

bool nfsk_pace_cfg_ok(const struct nfsk_pace_cfg *cfg)
{
	return cfg->rate && cfg->rate <= NFSK_PACE_RATE_MAX &&
	       cfg->burst && cfg->burst <= NFSK_PACE_BURST_MAX &&
	       cfg->low && cfg->low < cfg->high &&
	       cfg->high <= cfg->bulk_cap &&
	       cfg->alert_cap && cfg->alert_cap <= NFSK_PACE_CAP_MAX &&
	       cfg->bulk_cap <= NFSK_PACE_CAP_MAX &&
	       cfg->flap_cap <= NFSK_PACE_CAP_MAX;
}

u64 nfsk_pace_size(const struct nfsk_pace_cfg *cfg)
{
	return ((u64)cfg->alert_cap + cfg->bulk_cap + cfg->flap_cap) *
	       sizeof(struct nfsk_pace_event);
}

void nfsk_pace_init(struct nfsk_pace *q, const struct nfsk_pace_cfg *cfg,
		    void *mem)
{
	struct nfsk_pace_event *ev = mem;

	memset(q, 0, sizeof(*q));
	q->cfg = *cfg;
	q->alert.ev = ev;
	q->alert.cap = cfg->alert_cap;
	q->bulk.ev = ev + cfg->alert_cap;
	q->bulk.cap = cfg->bulk_cap;
	q->flap.ev = ev + cfg->alert_cap + cfg->bulk_cap;
	q->flap.cap = cfg->flap_cap;
	q->rate_milli = (u64)cfg->rate * 1000;
}

static struct nfsk_pace_event *ring_push(struct nfsk_pace_ring *r)
{
	u32 i = r->head + r->len;

	if (i >= r->cap)
		i -= r->cap;
	r->len++;
	return &r->ev[i];
}

static struct nfsk_pace_event *ring_pop(struct nfsk_pace_ring *r)
{
	struct nfsk_pace_event *e = &r->ev[r->head];

	if (++r->head == r->cap)
		r->head = 0;
	r->len--;
	return e;
}

static void pend_add(struct nfsk_pace *q, u64 t)
{
	if (!q->pending || t < q->pend_first_ns)
		q->pend_first_ns = t;
	if (!q->pending || t > q->pend_last_ns)
		q->pend_last_ns = t;
	q->pending++;
}

/* Queue the summary once the depth is below high (room is guaranteed). */
static void flush_summary(struct nfsk_pace *q)
{
	struct nfsk_pace_event *e;

	if (!q->pending || nfsk_pace_depth(q) >= q->cfg.high ||
	    q->bulk.len >= q->bulk.cap)
		return;
	e = ring_push(&q->bulk);
	memset(e, 0, sizeof(*e));
	e->type = NFSK_PACE_ROUTE_SUMMARY;
	e->time_ns = q->pend_last_ns;
	e->first_ns = q->pend_first_ns;
	e->coalesced = q->pending;
	q->queued[NFSK_PACE_ROUTE_SUMMARY]++;
	q->summarized += q->pending;
	q->pending = 0;
}

/* Effective rate at the current depth. */
u64 nfsk_pace_rate_milli(const struct nfsk_pace *q)
{
	if (nfsk_pace_depth(q) < q->cfg.low)
		return q->rate_milli;
	return q->rate_milli / 2;
}

static void refill(struct nfsk_pace *q, u64 now)
{
	u64 r0 = (u64)q->cfg.rate * 1000, cap, need, eff, dt, num, inc;

	cap = (u64)q->cfg.burst * PT_PER_TOKEN;
	if (!q->started) {
		q->started = 1;
		q->last_ns = now;
		q->tokens = cap;
		return;
	}
	dt = now > q->last_ns ? now - q->last_ns : 0;
	q->last_ns = now;
	if (!dt)
		return;

	/* tokens at the rate in force since the last call */
	eff = nfsk_pace_rate_milli(q);
	need = cap - q->tokens;
	if (eff && need) {
		/* pico-tokens / (milli-events/s) = ns to fill the bucket */
		if (dt >= nfsk_div_u64(need + eff - 1, eff))
			q->tokens = cap;
		else
			q->tokens += eff * dt;
	}

	/* additive recovery: r0/16 per second, remainder carried */
	if (q->rate_milli < r0) {
		if (dt >= RECOVER_NS) {
			q->rate_milli = r0;
			q->recover_rem = 0;
		} else {
			/* r0 <= 10^9, dt < 1.6 * 10^10: fits in 64 bits */
			num = r0 * dt + q->recover_rem;
			inc = nfsk_div_u64(num, RECOVER_NS);
			q->recover_rem = num - inc * RECOVER_NS;
			q->rate_milli += inc;
			if (q->rate_milli >= r0) {
				q->rate_milli = r0;
				q->recover_rem = 0;
			}
		}
	}
}

/* The newest queued ROUTE event of the bulk ring, or NULL. */
static struct nfsk_pace_event *newest_route(struct nfsk_pace *q)
{
	struct nfsk_pace_ring *r = &q->bulk;
	u32 i, k;

	for (k = r->len; k-- > 0; ) {
		i = r->head + k;
		if (i >= r->cap)
			i -= r->cap;
		if (r->ev[i].type == NFSK_PACE_ROUTE)
			return &r->ev[i];
	}
	return NULL;
}

enum nfsk_pace_result nfsk_pace_enqueue(struct nfsk_pace *q, u32 type,
					const void *payload, u32 len, u64 now)
{
	struct nfsk_pace_event *e = NULL;

	if (type >= NFSK_PACE_ROUTE_SUMMARY)
		return NFSK_PACE_DROPPED;
	/* no flap ring: a prefix's alert is an alert like the others */
	if (type == NFSK_PACE_FLAP && !q->flap.cap)
		type = NFSK_PACE_ALERT;
	q->submitted[type]++;
	if (len > NFSK_PACE_PAYLOAD) {
		q->dropped[type]++;
		return NFSK_PACE_DROPPED;
	}
	flush_summary(q);

	switch (type) {
	case NFSK_PACE_ALERT:
		if (q->alert.len < q->alert.cap) {
			e = ring_push(&q->alert);
		} else if (q->bulk.len < q->bulk.cap) {
			e = ring_push(&q->bulk);
		} else {
			e = newest_route(q);
			if (e) {
				q->displaced++;
				pend_add(q, e->time_ns);
			}
		}
		break;
	case NFSK_PACE_FLAP:
		if (q->flap.len >= q->flap.cap) {
			q->flap_unnamed++;
			q->flap_pending++;
			return NFSK_PACE_COALESCED;
		}
		e = ring_push(&q->flap);
		break;
	case NFSK_PACE_ROUTE:
		if (nfsk_pace_depth(q) >= q->cfg.high) {
			q->coalesced++;
			pend_add(q, now);
			return NFSK_PACE_COALESCED;
		}
		if (q->bulk.len < q->bulk.cap)
			e = ring_push(&q->bulk);
		break;
	default:
		if (q->bulk.len < q->bulk.cap)
			e = ring_push(&q->bulk);
		break;
	}
	if (!e) {
		q->dropped[type]++;
		return NFSK_PACE_DROPPED;
	}
	e->time_ns = now;
	e->first_ns = now;
	e->coalesced = 0;
	e->type = type;
	e->len = len;
	if (len)
		memcpy(e->payload.bytes, payload, len);
	q->queued[type]++;
	return NFSK_PACE_QUEUED;
}

bool nfsk_pace_dequeue(struct nfsk_pace *q, u64 now,
		       struct nfsk_pace_event *out)
{
	struct nfsk_pace_event *e;

	refill(q, now);
	flush_summary(q);
	if (q->tokens < PT_PER_TOKEN)
		return false;
	if (q->alert.len) {
		e = ring_pop(&q->alert);
	} else if (q->flap.len && (!q->bulk.len || q->turn)) {
		e = ring_pop(&q->flap);
		q->turn = 0;
	} else if (q->bulk.len) {
		e = ring_pop(&q->bulk);
		q->turn = 1;
	} else {
		return false;
	}
	q->tokens -= PT_PER_TOKEN;
	*out = *e;
	q->sent[out->type]++;
	return true;
}

void nfsk_pace_send_failed(struct nfsk_pace *q, u32 type)
{
	if (type < NFSK_PACE_TYPES && q->failed[type] < q->sent[type])
		q->failed[type]++;
}

void nfsk_pace_backpressure(struct nfsk_pace *q, u64 now)
{
	u64 floor = nfsk_div_u64((u64)q->cfg.rate * 1000, FLOOR_DIV);

	refill(q, now);
	q->rate_milli /= 2;
	if (q->rate_milli < floor)
		q->rate_milli = floor;
	if (!q->rate_milli)
		q->rate_milli = 1;
	q->recover_rem = 0;
	q->tokens = 0;
	q->backpressure++;
}

u64 nfsk_pace_next_ns(struct nfsk_pace *q, u64 now)
{
	u64 eff;

	refill(q, now);
	flush_summary(q);
	if (!nfsk_pace_waiting(q))
		return ~0ULL;
	if (q->tokens >= PT_PER_TOKEN)
		return 0;
	eff = nfsk_pace_rate_milli(q);
	if (!eff)
		return ~0ULL;
	return nfsk_div_u64(PT_PER_TOKEN - q->tokens + eff - 1, eff);
}

void nfsk_pace_flap_summarized(struct nfsk_pace *q, u64 n)
{
	if (n > q->flap_pending)
		n = q->flap_pending;
	q->flap_pending -= n;
	q->flap_summarized += n;
}
