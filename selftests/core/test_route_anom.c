// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the route anomaly rules (kmod/core/route_anom.c). Oracles:
 * the arithmetic of each case worked out by hand in the comments (shares
 * of whole tables, windows, protocols), and what the default route was.
 */
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"

#include <nfsketch/route_anom.h>
#include <nfsketch/route_class.h>

#define MAIN	254
#define BGP	186
#define KERNEL	2
#define BOOT	3

static struct nfsk_ra_route rt_of(u8 fam, u32 table, u8 plen, u8 proto,
				  u8 event, s8 delta, bool baseline)
{
	struct nfsk_ra_route r;

	memset(&r, 0, sizeof(r));
	r.family = fam;
	r.table = table;
	r.plen = plen;
	r.protocol = proto;
	r.event = event;
	r.delta = delta;
	r.baseline = baseline;
	r.nexthops = 1;
	r.oif = 2;
	return r;
}

/* @n routes of a group, in the table before the window (the replay). */
static void fill(struct nfsk_ra_state *s, u8 fam, u32 table, u8 proto, u32 n)
{
	struct nfsk_ra_route r = rt_of(fam, table, 24, proto, NFSK_RC_ADD, 1,
				       true);
	u32 i;

	for (i = 0; i < n; i++)
		nfsk_ra_event(s, &r, NULL);
}

/* Withdraw @n routes of a group; returns how many events raised a burst. */
static u32 withdraw(struct nfsk_ra_state *s, u8 fam, u32 table, u8 proto,
		    u32 n, u32 *at)
{
	struct nfsk_ra_route r = rt_of(fam, table, 24, proto, NFSK_RC_DEL, -1,
				       false);
	struct nfsk_ra_verdict v;
	u32 i, raised = 0;

	for (i = 0; i < n; i++) {
		if (nfsk_ra_event(s, &r, &v) & NFSK_FLAG_ROUTE_WITHDRAW_BURST) {
			raised++;
			if (at)
				*at = i + 1;
		}
	}
	return raised;
}

static void init(struct nfsk_ra_state *s, u32 permille, u32 min)
{
	struct nfsk_ra_cfg c = { .burst_permille = permille, .burst_min = min };

	nfsk_ra_init(s, &c);
}

TEST(defaults_from_the_table)
{
	struct nfsk_ra_cfg c;

	nfsk_ra_cfg_default(&c);
	EXPECT_EQ(500U, c.burst_permille);
	EXPECT_EQ(100U, c.burst_min);
}

/* 1,000 routes: the 501st withdrawal is more than half; raised once. */
TEST(burst_once_at_the_share)
{
	struct nfsk_ra_state s;
	u32 at = 0;

	init(&s, 500, 100);
	fill(&s, NFSK_RC_V4, MAIN, BGP, 1000);
	EXPECT_EQ(1U, withdraw(&s, NFSK_RC_V4, MAIN, BGP, 1000, &at));
	EXPECT_EQ(501U, at);
	EXPECT_EQ((u32)NFSK_FLAG_ROUTE_WITHDRAW_BURST, nfsk_ra_window_close(&s));
	EXPECT_EQ(1U, (unsigned int)s.bursts);
	/* a window with nothing withdrawn raises nothing */
	EXPECT_EQ(0U, nfsk_ra_window_close(&s));
}

/* 500 of 1,000 is not more than half */
TEST(burst_share_is_strict)
{
	struct nfsk_ra_state s;

	init(&s, 500, 100);
	fill(&s, NFSK_RC_V6, MAIN, BGP, 1000);
	EXPECT_EQ(0U, withdraw(&s, NFSK_RC_V6, MAIN, BGP, 500, NULL));
	EXPECT_EQ(0U, nfsk_ra_window_close(&s));
}

/* A three-route table withdrawn whole is below the minimum count. */
TEST(burst_needs_the_minimum)
{
	struct nfsk_ra_state s;

	init(&s, 500, 100);
	fill(&s, NFSK_RC_V4, MAIN, BOOT, 3);
	EXPECT_EQ(0U, withdraw(&s, NFSK_RC_V4, MAIN, BOOT, 3, NULL));
	EXPECT_EQ(0U, nfsk_ra_window_close(&s));
	/* ... and 99 of 99 too; 100 of 100 is one */
	init(&s, 500, 100);
	fill(&s, NFSK_RC_V4, MAIN, BOOT, 99);
	EXPECT_EQ(0U, withdraw(&s, NFSK_RC_V4, MAIN, BOOT, 99, NULL));
	init(&s, 500, 100);
	fill(&s, NFSK_RC_V4, MAIN, BOOT, 100);
	EXPECT_EQ(1U, withdraw(&s, NFSK_RC_V4, MAIN, BOOT, 100, NULL));
}

/* 300 + 300 of 1,000 over two windows: 300/1000, then 300/700, no burst. */
TEST(burst_is_per_window)
{
	struct nfsk_ra_state s;

	init(&s, 500, 100);
	fill(&s, NFSK_RC_V4, MAIN, BGP, 1000);
	EXPECT_EQ(0U, withdraw(&s, NFSK_RC_V4, MAIN, BGP, 300, NULL));
	EXPECT_EQ(0U, nfsk_ra_window_close(&s));
	EXPECT_EQ(0U, withdraw(&s, NFSK_RC_V4, MAIN, BGP, 300, NULL));
	EXPECT_EQ(0U, nfsk_ra_window_close(&s));
	/* 351 of the 400 left: more than half of the window's routes */
	EXPECT_EQ(1U, withdraw(&s, NFSK_RC_V4, MAIN, BGP, 201, NULL));
	EXPECT_EQ((u32)NFSK_FLAG_ROUTE_WITHDRAW_BURST, nfsk_ra_window_close(&s));
}

/*
 * Groups are per family, table and protocol: a BGP session's 200 routes
 * withdrawn beside 1,000 kernel routes is a burst of bgp; 200 kernel
 * routes of the 1,000 is not, nor the same table number in IPv6.
 */
TEST(burst_groups)
{
	struct nfsk_ra_state s;
	struct nfsk_ra_verdict v;
	struct nfsk_ra_route r;
	u32 i;

	init(&s, 500, 100);
	fill(&s, NFSK_RC_V4, MAIN, KERNEL, 1000);
	fill(&s, NFSK_RC_V4, MAIN, BGP, 200);
	fill(&s, NFSK_RC_V6, MAIN, BGP, 1000);
	fill(&s, NFSK_RC_V4, 100, BGP, 1000);
	EXPECT_EQ(0U, withdraw(&s, NFSK_RC_V4, MAIN, KERNEL, 200, NULL));
	EXPECT_EQ(0U, withdraw(&s, NFSK_RC_V6, MAIN, BGP, 200, NULL));
	EXPECT_EQ(0U, withdraw(&s, NFSK_RC_V4, 100, BGP, 200, NULL));
	r = rt_of(NFSK_RC_V4, MAIN, 24, BGP, NFSK_RC_DEL, -1, false);
	for (i = 0; i < 200; i++) {
		nfsk_ra_event(&s, &r, &v);
		if (v.flags)
			break;
	}
	EXPECT_EQ(100U, i);	/* the 101st of 200 */
	EXPECT_EQ((u32)NFSK_FLAG_ROUTE_WITHDRAW_BURST, v.flags);
	EXPECT_EQ(101U, v.withdrawn);
	EXPECT_EQ(200U, v.routes);
}

/* Routes added in the window count in its routes: 100 + 100, 101 gone. */
TEST(burst_counts_the_window_adds)
{
	struct nfsk_ra_state s;
	struct nfsk_ra_route r;
	u32 i, at = 0;

	init(&s, 500, 10);
	fill(&s, NFSK_RC_V4, MAIN, BGP, 100);
	r = rt_of(NFSK_RC_V4, MAIN, 24, BGP, NFSK_RC_ADD, 1, false);
	for (i = 0; i < 100; i++)
		EXPECT_EQ(0U, nfsk_ra_event(&s, &r, NULL));
	EXPECT_EQ(1U, withdraw(&s, NFSK_RC_V4, MAIN, BGP, 150, &at));
	EXPECT_EQ(101U, at);
}

/* A replace or a delta-0 event is no withdrawal. */
TEST(burst_ignores_replaces)
{
	struct nfsk_ra_state s;
	struct nfsk_ra_route r;
	u32 i;

	init(&s, 500, 10);
	fill(&s, NFSK_RC_V4, MAIN, BGP, 100);
	r = rt_of(NFSK_RC_V4, MAIN, 24, BGP, NFSK_RC_REPLACE, 0, false);
	for (i = 0; i < 1000; i++)
		EXPECT_EQ(0U, nfsk_ra_event(&s, &r, NULL));
	/* a DEL the classifier did not count (nexthop, unknown) */
	r = rt_of(NFSK_RC_V4, MAIN, 24, BGP, NFSK_RC_DEL, 0, false);
	for (i = 0; i < 1000; i++)
		EXPECT_EQ(0U, nfsk_ra_event(&s, &r, NULL));
	EXPECT_EQ(0U, nfsk_ra_window_close(&s));
}

/* Slots are bounded: the 65th group is counted untracked, not judged. */
TEST(burst_bounded_groups)
{
	struct nfsk_ra_state s;
	u32 t;

	init(&s, 500, 1);
	for (t = 0; t < NFSK_RA_GROUPS; t++)
		fill(&s, NFSK_RC_V4, 1000 + t, BGP, 1);
	EXPECT_EQ(0U, (unsigned int)s.untracked);
	fill(&s, NFSK_RC_V4, 5000, BGP, 1);
	EXPECT_EQ(1U, (unsigned int)s.untracked);
	EXPECT_EQ(0U, withdraw(&s, NFSK_RC_V4, 5000, BGP, 1, NULL));
	EXPECT_EQ(2U, (unsigned int)s.untracked);
	/* an emptied group frees its slot at the next window close */
	EXPECT_EQ(1U, withdraw(&s, NFSK_RC_V4, 1000, BGP, 1, NULL));
	nfsk_ra_window_close(&s);	/* withdrawn this window: kept */
	nfsk_ra_window_close(&s);	/* now empty and idle: freed */
	fill(&s, NFSK_RC_V4, 5000, BGP, 2);
	EXPECT_EQ(1U, withdraw(&s, NFSK_RC_V4, 5000, BGP, 2, NULL));
}

static struct nfsk_ra_route def_of(u8 fam, u32 table, u8 proto, u8 event,
				   u8 gw_last, bool baseline)
{
	struct nfsk_ra_route r = rt_of(fam, table, 0, proto, event,
				       event == NFSK_RC_ADD ? 1 :
				       event == NFSK_RC_DEL ? -1 : 0,
				       baseline);

	r.gw[15] = gw_last;
	return r;
}

TEST(default_withdrawn_and_changed)
{
	struct nfsk_ra_state s;
	struct nfsk_ra_verdict v;
	struct nfsk_ra_route r;

	init(&s, 500, 100);
	r = def_of(NFSK_RC_V4, MAIN, BOOT, NFSK_RC_ADD, 1, true);
	EXPECT_EQ(0U, nfsk_ra_event(&s, &r, NULL));
	/* the same route replaced (metric, a re-announcement): nothing */
	r = def_of(NFSK_RC_V4, MAIN, BOOT, NFSK_RC_REPLACE, 1, false);
	EXPECT_EQ(0U, nfsk_ra_event(&s, &r, NULL));
	/* another gateway */
	r = def_of(NFSK_RC_V4, MAIN, BOOT, NFSK_RC_REPLACE, 2, false);
	EXPECT_EQ((u32)NFSK_FLAG_DEFAULT_ROUTE_LOST, nfsk_ra_event(&s, &r, &v));
	EXPECT_EQ((u32)NFSK_RA_NEXTHOP, v.reason);
	/* another device */
	r.oif = 3;
	EXPECT_EQ((u32)NFSK_FLAG_DEFAULT_ROUTE_LOST, nfsk_ra_event(&s, &r, &v));
	EXPECT_EQ((u32)NFSK_RA_NEXTHOP, v.reason);
	/* a second next hop */
	r.nexthops = 2;
	EXPECT_EQ((u32)NFSK_FLAG_DEFAULT_ROUTE_LOST, nfsk_ra_event(&s, &r, &v));
	EXPECT_EQ((u32)NFSK_RA_NEXTHOP, v.reason);
	/* another protocol, same next hop */
	r.protocol = BGP;
	EXPECT_EQ((u32)NFSK_FLAG_DEFAULT_ROUTE_LOST, nfsk_ra_event(&s, &r, &v));
	EXPECT_EQ((u32)NFSK_RA_PROTOCOL, v.reason);
	EXPECT_EQ(BOOT, v.old_protocol);
	/* withdrawn */
	r = def_of(NFSK_RC_V4, MAIN, BGP, NFSK_RC_DEL, 2, false);
	EXPECT_EQ((u32)NFSK_FLAG_DEFAULT_ROUTE_LOST, nfsk_ra_event(&s, &r, &v));
	EXPECT_EQ((u32)NFSK_RA_WITHDRAWN, v.reason);
	EXPECT_EQ(BGP, v.old_protocol);
	EXPECT_EQ((u32)NFSK_FLAG_DEFAULT_ROUTE_LOST, nfsk_ra_window_close(&s));
	/* back: no loss; then a replace of it compares with the new one */
	r = def_of(NFSK_RC_V4, MAIN, BOOT, NFSK_RC_ADD, 7, false);
	EXPECT_EQ(0U, nfsk_ra_event(&s, &r, NULL));
	r = def_of(NFSK_RC_V4, MAIN, BOOT, NFSK_RC_REPLACE, 7, false);
	EXPECT_EQ(0U, nfsk_ra_event(&s, &r, NULL));
	EXPECT_EQ(0U, nfsk_ra_window_close(&s));
	EXPECT_EQ(5U, (unsigned int)s.defaults_lost);
}

/*
 * An IPv6 multipath default: a sibling appended or deleted carries that
 * sibling's next hop; only the count changed, and the first next hop
 * compared later is still the first route's.
 */
TEST(default_ipv6_sibling_append_and_delete)
{
	struct nfsk_ra_state s;
	struct nfsk_ra_verdict v;
	struct nfsk_ra_route r;

	init(&s, 500, 100);
	r = def_of(NFSK_RC_V6, MAIN, BOOT, NFSK_RC_ADD, 1, true);
	EXPECT_EQ(0U, nfsk_ra_event(&s, &r, NULL));
	/* append via B: two next hops, the first still A */
	r = def_of(NFSK_RC_V6, MAIN, BOOT, NFSK_RC_REPLACE, 2, false);
	r.sibling_only = 1;
	r.nexthops = 2;
	EXPECT_EQ((u32)NFSK_FLAG_DEFAULT_ROUTE_LOST, nfsk_ra_event(&s, &r, &v));
	EXPECT_EQ((u32)NFSK_RA_NEXTHOP, v.reason);
	/* delete B: back to one next hop, a change too */
	r.nexthops = 1;
	EXPECT_EQ((u32)NFSK_FLAG_DEFAULT_ROUTE_LOST, nfsk_ra_event(&s, &r, &v));
	EXPECT_EQ((u32)NFSK_RA_NEXTHOP, v.reason);
	/* the route re-announced as it is (A, one next hop): nothing */
	r = def_of(NFSK_RC_V6, MAIN, BOOT, NFSK_RC_REPLACE, 1, false);
	EXPECT_EQ(0U, nfsk_ra_event(&s, &r, NULL));
}

/* Per family and table; a non-default route is never a default lost. */
TEST(default_per_family_and_table)
{
	struct nfsk_ra_state s;
	struct nfsk_ra_route r;

	init(&s, 500, 100);
	r = def_of(NFSK_RC_V4, MAIN, BOOT, NFSK_RC_ADD, 1, true);
	nfsk_ra_event(&s, &r, NULL);
	r = def_of(NFSK_RC_V6, MAIN, BOOT, NFSK_RC_ADD, 1, true);
	nfsk_ra_event(&s, &r, NULL);
	r = def_of(NFSK_RC_V4, 100, BOOT, NFSK_RC_ADD, 1, true);
	nfsk_ra_event(&s, &r, NULL);
	/* a /24 and a /1 withdrawn and changed: nothing */
	r = rt_of(NFSK_RC_V4, MAIN, 24, BOOT, NFSK_RC_DEL, -1, false);
	EXPECT_EQ(0U, nfsk_ra_event(&s, &r, NULL));
	r = rt_of(NFSK_RC_V4, MAIN, 1, BOOT, NFSK_RC_REPLACE, 0, false);
	r.gw[15] = 9;
	EXPECT_EQ(0U, nfsk_ra_event(&s, &r, NULL));
	/* table 100's changes; main's stays */
	r = def_of(NFSK_RC_V4, 100, BOOT, NFSK_RC_REPLACE, 2, false);
	EXPECT_EQ((u32)NFSK_FLAG_DEFAULT_ROUTE_LOST, nfsk_ra_event(&s, &r, NULL));
	r = def_of(NFSK_RC_V4, MAIN, BOOT, NFSK_RC_REPLACE, 1, false);
	EXPECT_EQ(0U, nfsk_ra_event(&s, &r, NULL));
	/* IPv6's with IPv4's gateway bytes: compared within IPv6 only */
	r = def_of(NFSK_RC_V6, MAIN, BOOT, NFSK_RC_REPLACE, 1, false);
	EXPECT_EQ(0U, nfsk_ra_event(&s, &r, NULL));
	r = def_of(NFSK_RC_V6, MAIN, BOOT, NFSK_RC_DEL, 1, false);
	EXPECT_EQ((u32)NFSK_FLAG_DEFAULT_ROUTE_LOST, nfsk_ra_event(&s, &r, NULL));
	EXPECT_EQ(2U, (unsigned int)s.defaults_lost);
	/* the replay redone: forgotten, a replace is a first sight */
	nfsk_ra_reset(&s);
	r = def_of(NFSK_RC_V4, MAIN, BOOT, NFSK_RC_REPLACE, 5, false);
	EXPECT_EQ(0U, nfsk_ra_event(&s, &r, NULL));
}

TEST_HARNESS_MAIN
