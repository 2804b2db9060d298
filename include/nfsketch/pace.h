/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pace.h - bounded event queue drained through a token bucket.
 *
 * Producers (window close, route notifier) enqueue; never blocks, never
 * grows: two rings of fixed-size records in caller memory, one for alerts
 * (sent first) and one for the rest. The consumer dequeues an event only
 * when a token is available. Rates by queue depth (both rings):
 *   depth <  low             r0
 *   low  <= depth <  high    r0 / 2
 *   depth >= high            r0 / 2 while draining; new ROUTE events are not
 *                            queued but counted, and one ROUTE_SUMMARY
 *                            event carrying that count is queued as soon as
 *                            the depth is below high again.
 * Back-pressure (the consumer saw -ENOBUFS) halves r (not below r0 / 64)
 * and empties the bucket; r then recovers additively by r0 / 16 per second
 * of elapsed time, up to r0.
 *
 * Full queue policy: an ALERT goes to the alert ring, else to the bulk
 * ring, else it takes the place of the newest queued ROUTE event (which is
 * counted as displaced and folded into the next summary), else it is
 * dropped. WINDOW and ROUTE events are dropped when the bulk ring is full.
 *
 * FLAP events (a prefix's own ROUTE_FLAP alert) have a third ring of their
 * own, flap_cap entries, sized by the caller (the kernel: NFSK_FLAP_RING):
 * a flap storm of up to that many crossings outstanding at once is named
 * in full. A FLAP event that finds its ring full is not dropped but
 * counted as unnamed (flap_unnamed, flap_pending): the caller sends the
 * pending count (nfsk_pace_flap_pending()) as one summary alert and then
 * calls nfsk_pace_flap_summarized(). The flap
 * ring is served after the alert ring, alternating with the bulk ring, and
 * does not count in the depth that sets the rate and the watermarks.
 *
 * Accounting, at any time, for each type T:
 *   submitted[T] = queued[T] + dropped[T] (+ coalesced for ROUTE,
 *                  + flap_unnamed for FLAP)
 *   sum(queued)  = sum(sent) + waiting + displaced
 *   coalesced + displaced = summarized + pending
 *   flap_unnamed = flap_summarized + flap_pending
 *   failed[T] <= sent[T] (dequeued, then the consumer could not send)
 * (queued[ROUTE_SUMMARY] counts the summaries the queue made itself.)
 *
 * Time is passed in (ns, monotonic). Not thread-safe: the caller serialises
 * all calls on a queue (the kernel holds a spinlock around them).
 */
#ifndef _NFSKETCH_PACE_H
#define _NFSKETCH_PACE_H

#include <nfsketch/compat.h>

#define NFSK_PACE_PAYLOAD	128		/* opaque bytes per event */
#define NFSK_PACE_RATE_MAX	1000000U	/* events/s */
#define NFSK_PACE_BURST_MAX	1000000U
#define NFSK_PACE_CAP_MAX	65536U		/* entries per ring */

enum nfsk_pace_type {
	NFSK_PACE_WINDOW,
	NFSK_PACE_ALERT,
	NFSK_PACE_ROUTE,
	NFSK_PACE_FLAP,			/* a prefix's ROUTE_FLAP alert */
	NFSK_PACE_ROUTE_SUMMARY,	/* made by the queue, not submitted */
	NFSK_PACE_TYPES,
};

enum nfsk_pace_result {
	NFSK_PACE_QUEUED,
	NFSK_PACE_COALESCED,
	NFSK_PACE_DROPPED,
};

struct nfsk_pace_event {
	u64	time_ns;	/* enqueue time; summary: last coalesced */
	u64	first_ns;	/* summary: first coalesced event */
	u64	coalesced;	/* summary: route events it stands for */
	u32	type;		/* enum nfsk_pace_type */
	u32	len;		/* payload bytes used */
	union {
		u8	bytes[NFSK_PACE_PAYLOAD];
		u64	align;
	} payload;
};

struct nfsk_pace_cfg {
	u32	rate;		/* r0, events per second; default event_rate's */
	u32	burst;		/* bucket depth in events; default 64 */
	u32	low;		/* watermarks, queued events; default 64 */
	u32	high;		/* default 192 */
	u32	alert_cap;	/* alert ring entries; default 32 */
	u32	bulk_cap;	/* window / route ring entries; default 256 */
	u32	flap_cap;	/* FLAP ring entries; default 0: FLAP is an ALERT */
};

struct nfsk_pace_ring {
	struct nfsk_pace_event	*ev;
	u32	cap;
	u32	head;
	u32	len;
};

struct nfsk_pace {
	struct nfsk_pace_cfg	cfg;
	struct nfsk_pace_ring	alert;
	struct nfsk_pace_ring	bulk;
	struct nfsk_pace_ring	flap;
	u64	tokens;		/* pico-tokens (10^-12 token) */
	u64	rate_milli;	/* current r, milli-events per second */
	u64	recover_rem;	/* carry of the additive recovery */
	u64	last_ns;	/* last refill */
	u64	pending;	/* coalesced, not yet in a summary */
	u64	pend_first_ns;
	u64	pend_last_ns;
	u64	submitted[NFSK_PACE_TYPES];
	u64	queued[NFSK_PACE_TYPES];
	u64	sent[NFSK_PACE_TYPES];
	u64	dropped[NFSK_PACE_TYPES];
	u64	failed[NFSK_PACE_TYPES];	/* of sent: not delivered */
	u64	coalesced;	/* ROUTE events not queued above high */
	u64	displaced;	/* queued ROUTE events replaced by alerts */
	u64	summarized;	/* route events covered by queued summaries */
	u64	backpressure;	/* back-pressure signals */
	u64	flap_unnamed;	/* FLAP events not queued: ring full */
	u64	flap_pending;	/* of those, not yet in a summary */
	u64	flap_summarized;
	u32	started;
	u32	turn;		/* flap or bulk ring next when both wait */
};

void nfsk_pace_cfg_default(struct nfsk_pace_cfg *cfg);
/*
 * 0 < rate <= RATE_MAX, 0 < burst <= BURST_MAX, 0 < low < high <= bulk_cap,
 * 0 < alert_cap, bulk_cap <= CAP_MAX, flap_cap <= CAP_MAX.
 */
bool nfsk_pace_cfg_ok(const struct nfsk_pace_cfg *cfg);
/* Bytes of caller memory for the rings. */
u64 nfsk_pace_size(const struct nfsk_pace_cfg *cfg);
/* The bucket starts full at the first call that passes a time. */
void nfsk_pace_init(struct nfsk_pace *q, const struct nfsk_pace_cfg *cfg,
		    void *mem);

/* Never blocks; @len > NFSK_PACE_PAYLOAD or a bad type is dropped. */
enum nfsk_pace_result nfsk_pace_enqueue(struct nfsk_pace *q, u32 type,
					const void *payload, u32 len, u64 now);
/* Copies the next event into @out and takes a token; false if none. */
bool nfsk_pace_dequeue(struct nfsk_pace *q, u64 now,
		       struct nfsk_pace_event *out);
/*
 * The consumer could not send the event it dequeued last (no memory for
 * the message): counted in failed[@type], which the caller reports as a
 * drop, not as sent.
 */
void nfsk_pace_send_failed(struct nfsk_pace *q, u32 type);
/* The consumer saw -ENOBUFS: halve the rate, empty the bucket. */
void nfsk_pace_backpressure(struct nfsk_pace *q, u64 now);
/* ns until a dequeue can succeed: 0 now, ~0 if nothing is waiting. */
u64 nfsk_pace_next_ns(struct nfsk_pace *q, u64 now);
/* Effective rate at the current depth, milli-events per second. */
u64 nfsk_pace_rate_milli(const struct nfsk_pace *q);

static inline u32 nfsk_pace_depth(const struct nfsk_pace *q)
{
	return q->alert.len + q->bulk.len;
}

/* Every event waiting to be sent, the flap ring's included. */
static inline u32 nfsk_pace_waiting(const struct nfsk_pace *q)
{
	return nfsk_pace_depth(q) + q->flap.len;
}

/*
 * The unnamed FLAP events not yet summarised: the caller queues one
 * summary alert for them and, once it is queued, calls
 * nfsk_pace_flap_summarized() with the count it carried.
 */
static inline u64 nfsk_pace_flap_pending(const struct nfsk_pace *q)
{
	return q->flap_pending;
}

void nfsk_pace_flap_summarized(struct nfsk_pace *q, u64 n);

#endif /* _NFSKETCH_PACE_H */
