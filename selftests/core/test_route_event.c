// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of one route notification through the core
 * (kmod/core/route_event.c): the order classification -> anomalies ->
 * flap penalty -> what to emit, and the window close, as the kernel's fib
 * notifier and the replay's route input both run it. Oracles: the RFC 2439
 * arithmetic with the default penalties (withdrawal 1000, change 500,
 * re-advertisement 0, suppress above 2000) at a constant clock, the share
 * of a withdraw burst worked out by hand, and the prefix set the test keeps
 * itself (an array standing in for the caller's set).
 */
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"

#include <nfsketch/flow.h>
#include <nfsketch/route_event.h>
#include "flap_hash.h"

#define MAIN	254
#define BGP	186
#define BOOT	3
#define NOW	1000000000ULL
#define ENTRIES	64
#define SET_MAX	512

/* The caller's side: the core's state and a set of present prefixes. */
struct caller {
	struct nfsk_route_core	c;
	struct flap_hash	flap;
	struct nfsk_flap_key	key[SET_MAX];
	u16			nexthops[SET_MAX];
	u8			protocol[SET_MAX];
	u8			used[SET_MAX];
	u32			entries;
	u32			covers;		/* cover lookups asked */
};

static void caller_init(struct caller *t, u32 permille, u32 min, u32 ms)
{
	struct nfsk_ra_cfg rc = { .burst_permille = permille,
				  .burst_min = min, .more_specific = ms };
	struct nfsk_flap_cfg fc;

	memset(t, 0, sizeof(*t));
	nfsk_route_flap_cfg(&fc, 900000, 2000, 750);
	flap_hash_init(&t->flap, ENTRIES);
	nfsk_flap_init(&t->c.flap, &fc, &flap_hash_ops, &t->flap);
	nfsk_ra_init(&t->c.anom, &rc);
}

static int find(struct caller *t, const struct nfsk_flap_key *k)
{
	int i;

	for (i = 0; i < SET_MAX; i++)
		if (t->used[i] && !memcmp(&t->key[i], k, sizeof(*k)))
			return i;
	return -1;
}

static void key_v4(struct nfsk_flap_key *k, u8 a, u8 b, u8 c, u8 plen)
{
	memset(k, 0, sizeof(*k));
	k->family = NFSK_AF_INET;
	k->addr[0] = a;
	k->addr[1] = b;
	k->addr[2] = c;
	k->plen = plen;
	k->table = MAIN;
}

/* A cover lookup that finds a /16 of another protocol for every prefix. */
static u32 cover_any(void *ctx, const struct nfsk_flap_key *k,
		     const struct nfsk_ms_hop *hop, struct nfsk_ms_cover *c)
{
	struct caller *t = ctx;

	t->covers++;
	memset(c, 0, sizeof(*c));
	c->plen = 16;
	c->protocol = BOOT;
	c->reason = hop->protocol != BOOT ? NFSK_MS_PROTOCOL : 0;
	return c->reason;
}

/* One notification as kmod/routes.c makes it: set lookup, core, store. */
static void notify(struct caller *t, const struct nfsk_flap_key *k, u8 fib,
		   u32 nsiblings, u8 proto, bool baseline, bool with_cover,
		   struct nfsk_route_verdict *rv)
{
	struct nfsk_route_ev e;
	int i = find(t, k);

	memset(&e, 0, sizeof(e));
	e.key = *k;
	e.now_ns = NOW;
	e.nsiblings = nsiblings;
	e.oif = 2;
	e.nexthops = 1;
	e.fib = fib;
	e.protocol = proto;
	e.baseline = baseline;
	e.held = i >= 0;
	e.held_protocol = i >= 0 ? t->protocol[i] : 0;
	nfsk_route_prior(&e.prior, i >= 0, i >= 0 ? t->nexthops[i] : 0,
			 nfsk_route_untracked(&t->c.tab, t->entries));
	nfsk_route_event(&t->c, &e, with_cover ? cover_any : NULL, t, rv);
	if (i >= 0 && !rv->rc.next.present) {
		t->used[i] = 0;
		t->entries--;
	} else if (i >= 0) {
		t->nexthops[i] = rv->rc.next.nexthops;
		t->protocol[i] = proto;
	} else if (rv->rc.next.present) {
		for (i = 0; t->used[i]; i++)
			;
		t->used[i] = 1;
		t->key[i] = *k;
		t->nexthops[i] = rv->rc.next.nexthops;
		t->protocol[i] = proto;
		t->entries++;
	}
}

TEST(baseline_is_size_not_event)
{
	struct nfsk_route_verdict rv;
	struct nfsk_window win;
	struct nfsk_flap_key k;
	struct caller t;

	caller_init(&t, 500, 100, 0);
	key_v4(&k, 10, 0, 0, 24);
	notify(&t, &k, NFSK_RC_FIB_REPLACE, 0, BOOT, true, false, &rv);
	EXPECT_EQ(0, rv.rc.report);
	EXPECT_EQ(0U, rv.emit);
	EXPECT_EQ(1U, t.c.tab.size[NFSK_RC_V4]);
	/* the same prefix again, live: a REPLACE of a present prefix */
	notify(&t, &k, NFSK_RC_FIB_REPLACE, 0, BOOT, false, false, &rv);
	EXPECT_EQ(1, rv.rc.report);
	EXPECT_EQ(NFSK_RC_REPLACE, rv.rc.event);
	EXPECT_EQ(500U, rv.flap.penalty);
	memset(&win, 0, sizeof(win));
	nfsk_route_close_window(&t.c, &win);
	EXPECT_EQ(0U, win.route_add[0]);
	EXPECT_EQ(1U, win.route_replace[0]);
	EXPECT_EQ(1U, win.routes[0]);
	EXPECT_EQ(0U, win.flags);
	flap_hash_destroy(&t.flap);
}

/*
 * DEL 1000, ADD +0, DEL 2000 (not above 2000), ADD, DEL 3000: the third
 * withdrawal crosses, once; the window's flag follows, then clears.
 */
TEST(flap_crossing_emitted_once)
{
	struct nfsk_route_verdict rv;
	struct nfsk_window win;
	struct nfsk_flap_key k;
	u32 crossings = 0, at = 0, i;
	struct caller t;

	caller_init(&t, 500, 100, 0);
	key_v4(&k, 192, 0, 2, 24);
	notify(&t, &k, NFSK_RC_FIB_REPLACE, 0, BOOT, true, false, &rv);
	for (i = 1; i <= 6; i++) {
		notify(&t, &k, i % 2 ? NFSK_RC_FIB_DEL : NFSK_RC_FIB_REPLACE,
		       0, BOOT, false, false, &rv);
		EXPECT_EQ(i % 2 ? NFSK_RC_DEL : NFSK_RC_ADD, rv.rc.event);
		if (rv.emit & NFSK_FLAG_ROUTE_FLAP) {
			crossings++;
			at = i;
			EXPECT_EQ(3000U, rv.flap.penalty);
		}
	}
	EXPECT_EQ(1U, crossings);
	EXPECT_EQ(5U, at);
	EXPECT_EQ(1U, t.c.flap_crossed);
	memset(&win, 0, sizeof(win));
	nfsk_route_close_window(&t.c, &win);
	EXPECT_EQ(3U, win.route_del[0]);
	EXPECT_EQ(3U, win.route_add[0]);
	EXPECT_EQ(1U, win.routes[0]);
	EXPECT_EQ((u32)NFSK_FLAG_ROUTE_FLAP, win.flags);
	memset(&win, 0, sizeof(win));
	nfsk_route_close_window(&t.c, &win);
	EXPECT_EQ(0U, win.flags);
	flap_hash_destroy(&t.flap);
}

/* 200 BGP routes: the 101st withdrawal is more than half; one burst. */
TEST(withdraw_burst_at_the_share)
{
	struct nfsk_route_verdict rv;
	struct nfsk_window win;
	struct nfsk_flap_key k;
	u32 i, at = 0, bursts = 0;
	struct caller t;

	caller_init(&t, 500, 100, 0);
	for (i = 0; i < 200; i++) {
		key_v4(&k, 10, (u8)(i >> 8), (u8)i, 24);
		notify(&t, &k, NFSK_RC_FIB_REPLACE, 0, BGP, true, false, &rv);
	}
	EXPECT_EQ(200U, t.c.tab.size[NFSK_RC_V4]);
	for (i = 0; i < 150; i++) {
		key_v4(&k, 10, (u8)(i >> 8), (u8)i, 24);
		notify(&t, &k, NFSK_RC_FIB_DEL, 0, BGP, false, false, &rv);
		if (rv.emit & NFSK_FLAG_ROUTE_WITHDRAW_BURST) {
			bursts++;
			at = i + 1;
			EXPECT_EQ(101U, rv.ra.withdrawn);
			EXPECT_EQ(200U, rv.ra.routes);
		}
	}
	EXPECT_EQ(1U, bursts);
	EXPECT_EQ(101U, at);
	EXPECT_EQ(50U, t.c.tab.size[NFSK_RC_V4]);
	EXPECT_EQ(50U, t.entries);
	memset(&win, 0, sizeof(win));
	nfsk_route_close_window(&t.c, &win);
	EXPECT_EQ(150U, win.route_del[0]);
	EXPECT_EQ(50U, win.routes[0]);
	EXPECT_EQ((u32)NFSK_FLAG_ROUTE_WITHDRAW_BURST, win.flags);
	flap_hash_destroy(&t.flap);
}

/* The default route withdrawn: DEFAULT_ROUTE_LOST naming its protocol. */
TEST(default_route_lost)
{
	struct nfsk_route_verdict rv;
	struct nfsk_flap_key k;
	struct caller t;

	caller_init(&t, 500, 100, 0);
	key_v4(&k, 0, 0, 0, 0);
	notify(&t, &k, NFSK_RC_FIB_REPLACE, 0, BOOT, true, false, &rv);
	EXPECT_EQ(0U, rv.emit);
	notify(&t, &k, NFSK_RC_FIB_DEL, 0, BOOT, false, false, &rv);
	EXPECT_EQ(NFSK_RC_DEL, rv.rc.event);
	EXPECT_EQ((u32)NFSK_FLAG_DEFAULT_ROUTE_LOST, rv.emit);
	EXPECT_EQ((u32)NFSK_RA_WITHDRAWN, rv.ra.reason & NFSK_RA_WITHDRAWN);
	EXPECT_EQ(BOOT, rv.ra.old_protocol);
	flap_hash_destroy(&t.flap);
}

/*
 * ROUTE_MORE_SPECIFIC: the cover lookup is asked at a live ADD only (not
 * the baseline, not a replace), only when on and given one.
 */
TEST(more_specific_asks_the_callers_set)
{
	struct nfsk_route_verdict rv;
	struct nfsk_flap_key k;
	struct caller t;

	caller_init(&t, 500, 100, 1);
	key_v4(&k, 10, 1, 0, 24);
	notify(&t, &k, NFSK_RC_FIB_REPLACE, 0, BGP, true, true, &rv);
	EXPECT_EQ(0U, t.covers);
	key_v4(&k, 10, 2, 0, 24);
	notify(&t, &k, NFSK_RC_FIB_REPLACE, 0, BGP, false, true, &rv);
	EXPECT_EQ(1U, t.covers);
	EXPECT_EQ((u32)NFSK_FLAG_ROUTE_MORE_SPECIFIC, rv.emit);
	EXPECT_EQ(16, rv.ra.cover.plen);
	notify(&t, &k, NFSK_RC_FIB_REPLACE, 0, BGP, false, true, &rv);
	EXPECT_EQ(NFSK_RC_REPLACE, rv.rc.event);
	EXPECT_EQ(1U, t.covers);
	/* no lookup given: not judged */
	key_v4(&k, 10, 3, 0, 24);
	notify(&t, &k, NFSK_RC_FIB_REPLACE, 0, BGP, false, false, &rv);
	EXPECT_EQ(NFSK_RC_ADD, rv.rc.event);
	EXPECT_EQ(0U, rv.emit);
	flap_hash_destroy(&t.flap);
}

/* An IPv6 nexthop deleted from a two-nexthop route: a sibling, a REPLACE. */
TEST(ipv6_sibling_delete_is_replace)
{
	struct nfsk_route_verdict rv;
	struct nfsk_flap_key k;
	struct caller t;

	caller_init(&t, 500, 100, 0);
	memset(&k, 0, sizeof(k));
	k.family = NFSK_AF_INET6;
	k.addr[0] = 0x20;
	k.addr[1] = 0x01;
	k.plen = 64;
	k.table = MAIN;
	notify(&t, &k, NFSK_RC_FIB_REPLACE, 1, BOOT, false, false, &rv);
	EXPECT_EQ(NFSK_RC_ADD, rv.rc.event);
	EXPECT_EQ(2, rv.rc.next.nexthops);
	EXPECT_EQ(0, rv.sibling_only);
	notify(&t, &k, NFSK_RC_FIB_DEL, 0, BOOT, false, false, &rv);
	EXPECT_EQ(NFSK_RC_REPLACE, rv.rc.event);
	EXPECT_EQ(1, rv.sibling_only);
	EXPECT_EQ(1, rv.rc.next.nexthops);
	EXPECT_EQ(1U, t.c.tab.size[NFSK_RC_V6]);
	notify(&t, &k, NFSK_RC_FIB_DEL, 0, BOOT, false, false, &rv);
	EXPECT_EQ(NFSK_RC_DEL, rv.rc.event);
	EXPECT_EQ(0, rv.sibling_only);
	EXPECT_EQ(0U, t.c.tab.size[NFSK_RC_V6]);
	flap_hash_destroy(&t.flap);
}

/* The tunables' flap settings, with the ceiling raised to suppress. */
TEST(flap_cfg_from_tunables)
{
	struct nfsk_flap_cfg fc;

	nfsk_route_flap_cfg(&fc, 1000, 20000, 100);
	EXPECT_EQ(1000000000ULL, fc.half_life_ns);
	EXPECT_EQ(20000U, fc.suppress);
	EXPECT_EQ(100U, fc.reuse);
	EXPECT_EQ(20000U, fc.ceiling);
	EXPECT_EQ(1, nfsk_flap_cfg_ok(&fc));
}

/*
 * The protocol and table series count reported events only (not the
 * registration's baseline), by the event's protocol and table; the window
 * close takes them and starts the next window at 0.
 */
TEST(series_count_reported_events)
{
	struct nfsk_route_verdict rv;
	struct nfsk_window win;
	struct nfsk_flap_key k;
	struct caller t;
	u32 s;

	caller_init(&t, 1000, 1000, 0);
	key_v4(&k, 10, 0, 0, 24);
	notify(&t, &k, NFSK_RC_FIB_REPLACE, 0, BOOT, true, false, &rv);
	key_v4(&k, 10, 1, 0, 24);
	notify(&t, &k, NFSK_RC_FIB_REPLACE, 0, BGP, false, false, &rv);
	key_v4(&k, 10, 2, 0, 24);
	k.table = 100;
	notify(&t, &k, NFSK_RC_FIB_REPLACE, 0, BGP, false, false, &rv);
	notify(&t, &k, NFSK_RC_FIB_DEL, 0, BGP, false, false, &rv);
	memset(&win, 0, sizeof(win));
	nfsk_route_close_window(&t.c, &win);
	/* bgp got the first protocol slot: the baseline (boot) is no event */
	EXPECT_EQ(1U, win.rs.used[NFSK_RS_PROTOCOL]);
	EXPECT_EQ((u32)BGP, win.rs.id[NFSK_RS_PROTOCOL][0]);
	EXPECT_EQ(3U, win.rs.events[NFSK_RS_PROTOCOL][0]);
	EXPECT_EQ(2U, win.rs.used[NFSK_RS_TABLE]);
	EXPECT_EQ((u32)MAIN, win.rs.id[NFSK_RS_TABLE][0]);
	EXPECT_EQ(1U, win.rs.events[NFSK_RS_TABLE][0]);
	EXPECT_EQ(100U, win.rs.id[NFSK_RS_TABLE][1]);
	EXPECT_EQ(2U, win.rs.events[NFSK_RS_TABLE][1]);
	memset(&win, 0, sizeof(win));
	nfsk_route_close_window(&t.c, &win);
	for (s = 0; s < NFSK_RS_ALL; s++) {
		EXPECT_EQ(0U, win.rs.events[NFSK_RS_PROTOCOL][s]);
		EXPECT_EQ(0U, win.rs.events[NFSK_RS_TABLE][s]);
	}
	EXPECT_EQ(3U, (u32)t.c.rs.total[NFSK_RS_PROTOCOL][0]);
	flap_hash_destroy(&t.flap);
}

TEST_HARNESS_MAIN
