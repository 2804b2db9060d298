// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of event pacing (kmod/core/pace.c). Time is simulated. Oracles:
 * the rate model of the header integrated in double (bands, halving,
 * additive recovery), and a shadow log of every event id submitted, so each
 * one is found sent exactly once, dropped, coalesced or displaced.
 */
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include "kselftest_harness.h"
#include "series.h"

#include <nfsketch/pace.h>

#define MS	1000000ULL
#define SEC	1000000000ULL

struct pq {
	struct nfsk_pace q;
	struct nfsk_pace_cfg cfg;
	void *mem;
	u64 id;
};

/* The next pq_init()'s flap ring, then back to none. */
static u32 pq_flap_cap;

static void pq_init(struct pq *p, u32 rate, u32 burst, u32 low, u32 high,
		    u32 alert_cap, u32 bulk_cap)
{
	p->cfg.flap_cap = pq_flap_cap;
	pq_flap_cap = 0;
	p->cfg.rate = rate;
	p->cfg.burst = burst;
	p->cfg.low = low;
	p->cfg.high = high;
	p->cfg.alert_cap = alert_cap;
	p->cfg.bulk_cap = bulk_cap;
	p->mem = calloc(1, nfsk_pace_size(&p->cfg));
	nfsk_pace_init(&p->q, &p->cfg, p->mem);
	p->id = 0;
}

static int put(struct pq *p, u32 type, u64 now)
{
	u64 id = ++p->id;

	return nfsk_pace_enqueue(&p->q, type, &id, sizeof(id), now);
}

static u64 sum(const u64 *v)
{
	u64 s = 0;
	int i;

	for (i = 0; i < NFSK_PACE_TYPES; i++)
		s += v[i];
	return s;
}

/* The invariants of pace.h. */
static int accounted(const struct nfsk_pace *q)
{
	int t;

	for (t = 0; t < NFSK_PACE_TYPES; t++)
		if (q->failed[t] > q->sent[t])
			return 0;
	for (t = 0; t < NFSK_PACE_ROUTE_SUMMARY; t++)
		if (q->submitted[t] != q->queued[t] + q->dropped[t] +
		    (t == NFSK_PACE_ROUTE ? q->coalesced : 0) +
		    (t == NFSK_PACE_FLAP ? q->flap_unnamed : 0))
			return 0;
	return sum(q->queued) == sum(q->sent) + nfsk_pace_waiting(q) +
				 q->displaced &&
	       q->coalesced + q->displaced == q->summarized + q->pending &&
	       q->flap_unnamed == q->flap_summarized + q->flap_pending &&
	       nfsk_pace_depth(q) <= q->cfg.alert_cap + q->cfg.bulk_cap &&
	       q->flap.len <= q->cfg.flap_cap;
}

/*
 * Keep the depth at @depth (re-submitting one WINDOW event per send) and
 * poll every ms from @from for @len ns; returns the events sent.
 */
static unsigned int steady(struct pq *p, u32 depth, u64 from, u64 len)
{
	struct nfsk_pace_event ev;
	unsigned int n = 0;
	u64 t;

	while (nfsk_pace_depth(&p->q) < depth)
		put(p, NFSK_PACE_WINDOW, from);
	for (t = from; t < from + len; t += MS) {
		while (nfsk_pace_dequeue(&p->q, t, &ev)) {
			n++;
			put(p, NFSK_PACE_WINDOW, t);
		}
	}
	return n;
}

TEST(cfg)
{
	struct nfsk_pace_cfg c;

	nfsk_pace_cfg_default(&c);
	EXPECT_TRUE(nfsk_pace_cfg_ok(&c));
	c.high = c.bulk_cap + 1;
	EXPECT_FALSE(nfsk_pace_cfg_ok(&c));
	nfsk_pace_cfg_default(&c);
	c.low = c.high;
	EXPECT_FALSE(nfsk_pace_cfg_ok(&c));
	nfsk_pace_cfg_default(&c);
	c.rate = 0;
	EXPECT_FALSE(nfsk_pace_cfg_ok(&c));
}

/* r0 below low, r0/2 between the watermarks and above high. */
TEST(rate_per_band)
{
	static const struct { u32 depth; double rate; } band[] = {
		{ 10, 1000 }, { 300, 500 }, { 900, 500 },
	};
	unsigned int i, n;
	struct pq p;

	for (i = 0; i < ARRAY_SIZE(band); i++) {
		pq_init(&p, 1000, 20, 100, 800, 16, 1000);
		/* the first call fills the bucket: burst, then the rate */
		n = steady(&p, band[i].depth, SEC, 5 * SEC);
		EXPECT_LE(fabs(n - (20 + 5 * band[i].rate)), 2)
			TH_LOG("depth %u: %u sent", band[i].depth, n);
		n = steady(&p, band[i].depth, 6 * SEC, 10 * SEC);
		EXPECT_LE(fabs(n - 10 * band[i].rate), 2)
			TH_LOG("depth %u: %u sent", band[i].depth, n);
		EXPECT_TRUE(accounted(&p.q));
		free(p.mem);
	}
}

/* Poll granularity does not change the rate (exact integer refill). */
TEST(rate_independent_of_polling)
{
	struct nfsk_pace_event ev;
	struct nfsk_test_rng rng;
	unsigned int n = 0;
	struct pq p;
	u64 t;

	nfsk_test_rng_seed(&rng, 20);
	pq_init(&p, 777, 10, 100, 200, 16, 256);
	for (t = 0; t < 20; t++)
		put(&p, NFSK_PACE_WINDOW, 0);
	for (t = 0; t < 10 * SEC; t += 1 + nfsk_test_rng_u64(&rng) % (3 * MS)) {
		while (nfsk_pace_dequeue(&p.q, t, &ev)) {
			n++;
			put(&p, NFSK_PACE_WINDOW, t);
		}
	}
	/* 10 tokens at start, then 777/s */
	EXPECT_LE(fabs(n - (10 + 7770.0)), 4) TH_LOG("%u sent", n);
	free(p.mem);
}

/* Back-pressure halves the rate, which recovers by r0/16 per second. */
TEST(backpressure_halves_and_recovers)
{
	const double r0 = 1000;
	double want, a, b;
	unsigned int n, s;
	struct pq p;

	/* burst 4: with a 1 ms poll, a 1-token bucket would waste tokens */
	pq_init(&p, 1000, 4, 100, 800, 16, 1000);
	steady(&p, 10, 0, 2 * SEC);
	nfsk_pace_backpressure(&p.q, 2 * SEC);
	EXPECT_EQ(500000U, (unsigned int)nfsk_pace_rate_milli(&p.q));
	EXPECT_EQ(1U, (unsigned int)p.q.backpressure);
	for (s = 0; s < 12; s++) {
		n = steady(&p, 10, 2 * SEC + s * SEC, SEC);
		/* integral of min(r0, r0/2 + r0/16 * x) over [s, s+1] */
		a = s;
		b = s + 1;
		if (b <= 8)
			want = r0 / 2 * (b - a) + r0 / 32 * (b * b - a * a);
		else if (a >= 8)
			want = r0;
		else
			want = r0 / 2 * (8 - a) + r0 / 32 * (64 - a * a) +
			       r0 * (b - 8);
		EXPECT_LE(fabs(n - want), 3)
			TH_LOG("second %u after: %u sent, model %.1f", s, n,
			       want);
	}
	EXPECT_EQ(1000000U, (unsigned int)nfsk_pace_rate_milli(&p.q));
	/* repeated back-pressure stops at r0/64 */
	for (s = 0; s < 20; s++)
		nfsk_pace_backpressure(&p.q, 20 * SEC);
	EXPECT_EQ(1000000U / 64, (unsigned int)nfsk_pace_rate_milli(&p.q));
	EXPECT_TRUE(accounted(&p.q));
	free(p.mem);
}

/*
 * A send that failed (no memory for the message) is counted against the
 * type dequeued, never more than were sent, and does not stop the queue.
 */
TEST(send_failed_counted_by_type)
{
	struct nfsk_pace_event ev;
	struct pq p;
	u64 id;

	pq_init(&p, 1000, 8, 100, 800, 16, 1000);
	put(&p, NFSK_PACE_WINDOW, 0);
	put(&p, NFSK_PACE_ALERT, 0);
	put(&p, NFSK_PACE_WINDOW, 0);
	/* the alert ring first */
	ASSERT_TRUE(nfsk_pace_dequeue(&p.q, SEC, &ev));
	ASSERT_EQ((u32)NFSK_PACE_ALERT, ev.type);
	nfsk_pace_send_failed(&p.q, ev.type);
	ASSERT_TRUE(nfsk_pace_dequeue(&p.q, SEC, &ev));
	ASSERT_EQ((u32)NFSK_PACE_WINDOW, ev.type);
	memcpy(&id, ev.payload.bytes, sizeof(id));
	EXPECT_EQ(1U, (unsigned int)id);
	nfsk_pace_send_failed(&p.q, ev.type);
	/* a second report of the same event cannot count twice */
	nfsk_pace_send_failed(&p.q, NFSK_PACE_ALERT);
	nfsk_pace_send_failed(&p.q, NFSK_PACE_TYPES);
	ASSERT_TRUE(nfsk_pace_dequeue(&p.q, SEC, &ev));
	memcpy(&id, ev.payload.bytes, sizeof(id));
	EXPECT_EQ(3U, (unsigned int)id);
	EXPECT_EQ(1U, (unsigned int)p.q.failed[NFSK_PACE_ALERT]);
	EXPECT_EQ(1U, (unsigned int)p.q.failed[NFSK_PACE_WINDOW]);
	EXPECT_EQ(2U, (unsigned int)p.q.sent[NFSK_PACE_WINDOW]);
	EXPECT_EQ(0U, (unsigned int)sum(p.q.dropped));
	EXPECT_TRUE(accounted(&p.q));
	free(p.mem);
}

/* Above high, route events become one summary with the right count. */
TEST(route_coalesced_into_summary)
{
	struct nfsk_pace_event ev;
	unsigned int i, windows = 0, summaries = 0, routes = 0;
	struct pq p;
	u64 t, last_id = 0, id;

	pq_init(&p, 100, 1000, 20, 50, 8, 64);
	for (i = 0; i < 50; i++)
		ASSERT_EQ(NFSK_PACE_QUEUED, put(&p, NFSK_PACE_WINDOW, 0));
	for (i = 0; i < 137; i++)
		ASSERT_EQ(NFSK_PACE_COALESCED,
			  put(&p, NFSK_PACE_ROUTE, SEC + i * MS));
	EXPECT_EQ(50U, nfsk_pace_depth(&p.q));
	EXPECT_EQ(137U, (unsigned int)p.q.coalesced);
	EXPECT_EQ(137U, (unsigned int)p.q.pending);
	/* an alert still gets in, and is sent first */
	ASSERT_EQ(NFSK_PACE_QUEUED, put(&p, NFSK_PACE_ALERT, 2 * SEC));
	ASSERT_TRUE(nfsk_pace_dequeue(&p.q, 2 * SEC, &ev));
	EXPECT_EQ((u32)NFSK_PACE_ALERT, ev.type);
	EXPECT_TRUE(accounted(&p.q));
	for (t = 2 * SEC; nfsk_pace_dequeue(&p.q, t, &ev) || t < 4 * SEC;
	     t += MS) {
		ASSERT_TRUE(accounted(&p.q));
		if (!ev.type && !ev.len)
			continue;
		if (ev.type == NFSK_PACE_WINDOW) {
			windows++;
			memcpy(&id, ev.payload.bytes, sizeof(id));
			EXPECT_GT(id, last_id);		/* FIFO */
			last_id = id;
			/* the summary comes after every earlier window */
			EXPECT_EQ(0U, summaries);
		} else if (ev.type == NFSK_PACE_ROUTE_SUMMARY) {
			summaries++;
			EXPECT_EQ(137U, (unsigned int)ev.coalesced);
			EXPECT_EQ(SEC, ev.first_ns);
			EXPECT_EQ(SEC + 136 * MS, ev.time_ns);
		} else {
			routes++;
		}
		memset(&ev, 0, sizeof(ev));
	}
	EXPECT_EQ(50U, windows);
	EXPECT_EQ(1U, summaries);
	EXPECT_EQ(0U, routes);
	EXPECT_EQ(0U, (unsigned int)p.q.pending);
	EXPECT_EQ(137U, (unsigned int)p.q.summarized);
	/* below high again: route events are queued one by one */
	EXPECT_EQ(NFSK_PACE_QUEUED, put(&p, NFSK_PACE_ROUTE, t));
	EXPECT_TRUE(accounted(&p.q));
	free(p.mem);
}

/* Full queue: alerts displace the newest route event, others drop. */
TEST(full_queue_policy)
{
	static const u64 want[] = { 8, 9, 1, 2, 3, 14, 13, 6, 10, 11 };
	struct nfsk_pace_event ev;
	unsigned int i;
	struct pq p;
	u64 id;

	pq_init(&p, 10, 1, 2, 6, 2, 8);
	for (i = 0; i < 3; i++)
		put(&p, NFSK_PACE_WINDOW, 0);		/* ids 1-3 */
	put(&p, NFSK_PACE_ROUTE, 0);			/* id 4 */
	put(&p, NFSK_PACE_ROUTE, 0);			/* id 5 */
	put(&p, NFSK_PACE_WINDOW, 0);			/* id 6 */
	EXPECT_EQ(NFSK_PACE_COALESCED, put(&p, NFSK_PACE_ROUTE, 0));
	EXPECT_EQ(NFSK_PACE_QUEUED, put(&p, NFSK_PACE_ALERT, 0));
	EXPECT_EQ(NFSK_PACE_QUEUED, put(&p, NFSK_PACE_ALERT, 0));
	/* alert ring full: into the bulk ring (ids 10, 11) */
	EXPECT_EQ(NFSK_PACE_QUEUED, put(&p, NFSK_PACE_ALERT, 0));
	EXPECT_EQ(NFSK_PACE_QUEUED, put(&p, NFSK_PACE_ALERT, 0));
	EXPECT_EQ(10U, nfsk_pace_depth(&p.q));
	/* both rings full: window dropped, alerts take routes 5 then 4 */
	EXPECT_EQ(NFSK_PACE_DROPPED, put(&p, NFSK_PACE_WINDOW, 0));
	EXPECT_EQ(NFSK_PACE_QUEUED, put(&p, NFSK_PACE_ALERT, 0));	/* 13 */
	EXPECT_EQ(NFSK_PACE_QUEUED, put(&p, NFSK_PACE_ALERT, 0));	/* 14 */
	EXPECT_EQ(NFSK_PACE_DROPPED, put(&p, NFSK_PACE_ALERT, 0));
	EXPECT_EQ(2U, (unsigned int)p.q.displaced);
	EXPECT_EQ(1U, (unsigned int)p.q.dropped[NFSK_PACE_ALERT]);
	EXPECT_EQ(1U, (unsigned int)p.q.dropped[NFSK_PACE_WINDOW]);
	EXPECT_EQ(3U, (unsigned int)p.q.pending);
	EXPECT_EQ(10U, nfsk_pace_depth(&p.q));
	EXPECT_TRUE(accounted(&p.q));
	/* oversize payload: dropped and counted */
	EXPECT_EQ(NFSK_PACE_DROPPED,
		  (int)nfsk_pace_enqueue(&p.q, NFSK_PACE_ALERT, p.mem,
					 NFSK_PACE_PAYLOAD + 1, 0));
	EXPECT_EQ(NFSK_PACE_DROPPED,
		  (int)nfsk_pace_enqueue(&p.q, NFSK_PACE_ROUTE_SUMMARY, NULL,
					 0, 0));
	EXPECT_TRUE(accounted(&p.q));
	/* order: alert ring, then the bulk ring in place */
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		ASSERT_TRUE(nfsk_pace_dequeue(&p.q, (i + 1) * SEC, &ev));
		memcpy(&id, ev.payload.bytes, sizeof(id));
		EXPECT_EQ(want[i], id) TH_LOG("position %u", i);
	}
	/* then the summary of the 3 route events */
	ASSERT_TRUE(nfsk_pace_dequeue(&p.q, 20 * SEC, &ev));
	EXPECT_EQ((u32)NFSK_PACE_ROUTE_SUMMARY, ev.type);
	EXPECT_EQ(3U, (unsigned int)ev.coalesced);
	EXPECT_EQ(~0ULL, nfsk_pace_next_ns(&p.q, 20 * SEC));
	EXPECT_TRUE(accounted(&p.q));
	free(p.mem);
}

TEST(next_ns_hint)
{
	struct nfsk_pace_event ev;
	struct pq p;
	u64 w;

	pq_init(&p, 4, 1, 10, 20, 4, 32);
	EXPECT_EQ(~0ULL, nfsk_pace_next_ns(&p.q, 0));
	put(&p, NFSK_PACE_WINDOW, 0);
	put(&p, NFSK_PACE_WINDOW, 0);
	EXPECT_EQ(0ULL, nfsk_pace_next_ns(&p.q, 0));
	ASSERT_TRUE(nfsk_pace_dequeue(&p.q, 0, &ev));
	w = nfsk_pace_next_ns(&p.q, 0);
	EXPECT_EQ(SEC / 4, w);
	EXPECT_FALSE(nfsk_pace_dequeue(&p.q, w - 1, &ev));
	EXPECT_TRUE(nfsk_pace_dequeue(&p.q, w, &ev));
	free(p.mem);
}

/* Random producers and consumer: bounded, and every event accounted. */
/*
 * A flap storm: more prefix alerts at once than the alert and bulk rings
 * hold. With a flap ring of N entries, N alerts at once are all queued
 * and sent (none dropped), N + k leave k unnamed and pending for one
 * summary; the other rings keep flowing while the flap ring drains.
 */
TEST(flap_ring_names_every_crossing)
{
	struct nfsk_pace_event ev;
	unsigned int i, sent_flap = 0, sent_win = 0;
	u64 seen[1100] = { 0 };
	struct pq p;
	u64 t = 0;

	pq_flap_cap = 1024;
	pq_init(&p, 100, 64, 64, 192, 32, 256);
	for (i = 0; i < 1024 + 7; i++)
		EXPECT_EQ(i < 1024 ? NFSK_PACE_QUEUED : NFSK_PACE_COALESCED,
			  put(&p, NFSK_PACE_FLAP, 0));
	EXPECT_EQ(7U, (unsigned int)nfsk_pace_flap_pending(&p.q));
	EXPECT_EQ(0U, (unsigned int)p.q.dropped[NFSK_PACE_FLAP]);
	EXPECT_EQ(0U, (unsigned int)p.q.dropped[NFSK_PACE_ALERT]);
	EXPECT_TRUE(accounted(&p.q));
	/* a window event meanwhile: served in turn, not after 1,024 alerts */
	EXPECT_EQ(NFSK_PACE_QUEUED, put(&p, NFSK_PACE_WINDOW, 0));
	for (t = 0; t < 60 * SEC && nfsk_pace_waiting(&p.q); t += 10 * MS) {
		while (nfsk_pace_dequeue(&p.q, t, &ev)) {
			u64 id;

			memcpy(&id, ev.payload.bytes, sizeof(id));
			if (ev.type == NFSK_PACE_WINDOW) {
				sent_win++;
				EXPECT_LT(sent_flap, 64U);
				continue;
			}
			ASSERT_EQ((u32)NFSK_PACE_FLAP, ev.type);
			ASSERT_LE(id, 1024U);
			EXPECT_EQ(0U, (unsigned int)seen[id]);
			seen[id] = 1;
			sent_flap++;
		}
	}
	EXPECT_EQ(1024U, sent_flap);
	EXPECT_EQ(1U, sent_win);
	/* 100/s with a burst of 64: (1,025 - 64) / 100 s, within a poll */
	EXPECT_GE(t, 9 * SEC);
	EXPECT_LE(t, 10 * SEC);
	EXPECT_TRUE(accounted(&p.q));
	nfsk_pace_flap_summarized(&p.q, nfsk_pace_flap_pending(&p.q));
	EXPECT_EQ(0U, (unsigned int)nfsk_pace_flap_pending(&p.q));
	EXPECT_EQ(7U, (unsigned int)p.q.flap_summarized);
	EXPECT_TRUE(accounted(&p.q));
	free(p.mem);
}

/* Without a flap ring a FLAP event is an ordinary ALERT (the old queue). */
TEST(flap_without_ring_is_alert)
{
	struct pq p;

	pq_init(&p, 100, 64, 4, 8, 2, 8);
	EXPECT_EQ(NFSK_PACE_QUEUED, put(&p, NFSK_PACE_FLAP, 0));
	EXPECT_EQ(1U, (unsigned int)p.q.queued[NFSK_PACE_ALERT]);
	EXPECT_EQ(0U, (unsigned int)p.q.flap_unnamed);
	EXPECT_TRUE(accounted(&p.q));
	free(p.mem);
}

TEST(fuzz_accounting)
{
	enum { STEPS = 200000, MAXID = 4 * STEPS };
	static unsigned char fate[MAXID];	/* 1 queued, 2 sent, 3 other */
	static u32 type_of[MAXID];
	struct nfsk_pace_event ev;
	struct nfsk_test_rng rng;
	unsigned int s, i, sent_ids = 0, queued_ids = 0;
	u64 t = 0, id, summary_total = 0;
	int r;
	struct pq p;
	u32 type;

	nfsk_test_rng_seed(&rng, 21);
	pq_flap_cap = 16;
	pq_init(&p, 500, 8, 16, 48, 8, 64);
	for (s = 0; s < STEPS; s++) {
		t += nfsk_test_rng_u64(&rng) % (2 * MS);
		switch (nfsk_test_rng_u64(&rng) % 8) {
		case 2: case 3:
			break;
		case 0: case 1:
			type = nfsk_test_rng_u64(&rng) % 16 ? NFSK_PACE_ROUTE :
			       nfsk_test_rng_u64(&rng) % 3 == 0 ? NFSK_PACE_FLAP :
			       nfsk_test_rng_u64(&rng) % 2 ? NFSK_PACE_ALERT :
			       NFSK_PACE_WINDOW;
			if (p.id + 1 >= MAXID)
				break;
			r = put(&p, type, t);
			type_of[p.id] = type;
			fate[p.id] = r == NFSK_PACE_QUEUED ? 1 : 3;
			queued_ids += r == NFSK_PACE_QUEUED;
			break;
		case 4:
			if (nfsk_test_rng_u64(&rng) % 1024 == 0)
				nfsk_pace_backpressure(&p.q, t);
			/* a window close summarises the unnamed crossings */
			if (nfsk_test_rng_u64(&rng) % 64 == 0)
				nfsk_pace_flap_summarized(&p.q,
					nfsk_pace_flap_pending(&p.q));
			if (nfsk_test_rng_u64(&rng) % 256)
				break;
			/* an alert storm fills both rings, a flap storm its own */
			type = nfsk_test_rng_u64(&rng) % 2 ? NFSK_PACE_ALERT :
							     NFSK_PACE_FLAP;
			for (i = 0; i < 40 && p.id + 1 < MAXID; i++) {
				r = put(&p, type, t);
				type_of[p.id] = type;
				fate[p.id] = r == NFSK_PACE_QUEUED ? 1 : 3;
				queued_ids += r == NFSK_PACE_QUEUED;
			}
			break;
		default:
			if (!nfsk_pace_dequeue(&p.q, t, &ev))
				break;
			if (ev.type == NFSK_PACE_ROUTE_SUMMARY) {
				summary_total += ev.coalesced;
				break;
			}
			memcpy(&id, ev.payload.bytes, sizeof(id));
			ASSERT_LT(id, (u64)MAXID);
			ASSERT_EQ(1, fate[id]) TH_LOG("id %llu twice",
						      (unsigned long long)id);
			ASSERT_EQ(type_of[id], ev.type);
			fate[id] = 2;
			sent_ids++;
			break;
		}
		ASSERT_TRUE(accounted(&p.q));
		ASSERT_LE(nfsk_pace_depth(&p.q), 72U);
	}
	/* drain */
	for (i = 0; i < 1000; i++, t += SEC) {
		while (nfsk_pace_dequeue(&p.q, t, &ev)) {
			if (ev.type == NFSK_PACE_ROUTE_SUMMARY) {
				summary_total += ev.coalesced;
				continue;
			}
			memcpy(&id, ev.payload.bytes, sizeof(id));
			ASSERT_EQ(1, fate[id]);
			fate[id] = 2;
			sent_ids++;
		}
	}
	EXPECT_EQ(0U, nfsk_pace_waiting(&p.q));
	EXPECT_EQ(0U, (unsigned int)p.q.pending);
	EXPECT_GT(p.q.flap_unnamed, 0U);
	EXPECT_GT(p.q.sent[NFSK_PACE_FLAP], 0U);
	EXPECT_EQ(0U, (unsigned int)p.q.dropped[NFSK_PACE_FLAP]);
	/* every queued id was sent, except the displaced route events */
	EXPECT_EQ(queued_ids, sent_ids + (unsigned int)p.q.displaced);
	for (id = 1; id <= p.id; id++)
		if (fate[id] == 1)
			ASSERT_EQ((u32)NFSK_PACE_ROUTE, type_of[id]);
	EXPECT_EQ(p.q.coalesced + p.q.displaced, summary_total);
	EXPECT_GT(p.q.coalesced, 0U);
	EXPECT_GT(p.q.backpressure, 0U);
	EXPECT_GT(p.q.displaced, 0U);
	EXPECT_GT(p.q.dropped[NFSK_PACE_ALERT], 0U);
	TH_LOG("sent %u, coalesced %llu, displaced %llu, dropped %llu",
	       sent_ids, (unsigned long long)p.q.coalesced,
	       (unsigned long long)p.q.displaced,
	       (unsigned long long)sum(p.q.dropped));
	free(p.mem);
}

TEST_HARNESS_MAIN
