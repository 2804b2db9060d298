// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the route classification (kmod/core/route_class.c).
 * Oracle: the sequences of fib notifications the 6.1 kernel sends for the
 * operator commands named in each case (read from net/ipv4/fib_trie.c,
 * net/ipv6/ip6_fib.c and net/ipv6/route.c), with the table size `ip route`
 * shows and the add/del/replace an operator would name, written out by hand.
 */
#include <string.h>

#include "kselftest_harness.h"

#include <nfsketch/route_class.h>

/* One prefix's stored state and the tables, as the kernel glue keeps them. */
struct world {
	struct nfsk_rc_tables tab;
	struct nfsk_rc_prefix p;
};

static int feed(struct world *w, enum nfsk_rc_family fam, enum nfsk_rc_fib fib,
		u32 nsiblings)
{
	struct nfsk_rc_verdict v;

	nfsk_route_classify(&w->tab, fam, fib, nsiblings, &w->p, false, &v);
	w->p = v.next;
	return v.event;
}

TEST(ipv4_add_change_delete)
{
	struct world w;

	memset(&w, 0, sizeof(w));
	/* ip route add 198.51.100.0/24 via A: REPLACE of an absent prefix */
	EXPECT_EQ(NFSK_RC_ADD, feed(&w, NFSK_RC_V4, NFSK_RC_FIB_REPLACE, 0));
	EXPECT_EQ(1U, w.tab.size[NFSK_RC_V4]);
	/* ip route replace ... nexthop via A nexthop via B (multipath): REPLACE */
	EXPECT_EQ(NFSK_RC_REPLACE, feed(&w, NFSK_RC_V4, NFSK_RC_FIB_REPLACE, 0));
	/* ip route add ... metric 200 / tos 0x10: the new first alias, REPLACE */
	EXPECT_EQ(NFSK_RC_REPLACE, feed(&w, NFSK_RC_V4, NFSK_RC_FIB_REPLACE, 0));
	/* delete the first alias, another stays: REPLACE with the next one */
	EXPECT_EQ(NFSK_RC_REPLACE, feed(&w, NFSK_RC_V4, NFSK_RC_FIB_REPLACE, 0));
	EXPECT_EQ(1U, w.tab.size[NFSK_RC_V4]);
	/* the last alias goes: DEL, even after a multipath history */
	w.p.nexthops = 4;
	EXPECT_EQ(NFSK_RC_DEL, feed(&w, NFSK_RC_V4, NFSK_RC_FIB_DEL, 0));
	EXPECT_EQ(0U, w.tab.size[NFSK_RC_V4]);
	EXPECT_EQ(1U, w.tab.window[NFSK_RC_V4][NFSK_RC_ADD]);
	EXPECT_EQ(3U, w.tab.window[NFSK_RC_V4][NFSK_RC_REPLACE]);
	EXPECT_EQ(1U, w.tab.window[NFSK_RC_V4][NFSK_RC_DEL]);
	EXPECT_EQ(0U, w.tab.size[NFSK_RC_V6]);
}

TEST(ipv6_multipath_per_nexthop_delete)
{
	struct world w;

	memset(&w, 0, sizeof(w));
	/* ip -6 route add P nexthop via A nexthop via B nexthop via C */
	EXPECT_EQ(NFSK_RC_ADD, feed(&w, NFSK_RC_V6, NFSK_RC_FIB_REPLACE, 2));
	EXPECT_EQ(3, w.p.nexthops);
	/* ip -6 route del P via B: 6.1 sends DEL for that nexthop alone */
	EXPECT_EQ(NFSK_RC_REPLACE, feed(&w, NFSK_RC_V6, NFSK_RC_FIB_DEL, 0));
	EXPECT_EQ(2, w.p.nexthops);
	EXPECT_EQ(1U, w.tab.size[NFSK_RC_V6]);
	/* ip -6 route append P via D: APPEND of one */
	EXPECT_EQ(NFSK_RC_REPLACE, feed(&w, NFSK_RC_V6, NFSK_RC_FIB_APPEND, 0));
	EXPECT_EQ(3, w.p.nexthops);
	/* ip -6 route append P nexthop via E nexthop via F: APPEND, nsiblings 1 */
	EXPECT_EQ(NFSK_RC_REPLACE, feed(&w, NFSK_RC_V6, NFSK_RC_FIB_APPEND, 1));
	EXPECT_EQ(5, w.p.nexthops);
	/* remove them one by one: four REPLACEs, then the last is a DEL */
	EXPECT_EQ(NFSK_RC_REPLACE, feed(&w, NFSK_RC_V6, NFSK_RC_FIB_DEL, 0));
	EXPECT_EQ(NFSK_RC_REPLACE, feed(&w, NFSK_RC_V6, NFSK_RC_FIB_DEL, 0));
	EXPECT_EQ(NFSK_RC_REPLACE, feed(&w, NFSK_RC_V6, NFSK_RC_FIB_DEL, 0));
	EXPECT_EQ(NFSK_RC_REPLACE, feed(&w, NFSK_RC_V6, NFSK_RC_FIB_DEL, 0));
	EXPECT_EQ(1U, w.tab.size[NFSK_RC_V6]);
	EXPECT_EQ(NFSK_RC_DEL, feed(&w, NFSK_RC_V6, NFSK_RC_FIB_DEL, 0));
	EXPECT_EQ(0U, w.tab.size[NFSK_RC_V6]);
	EXPECT_EQ(1U, w.tab.window[NFSK_RC_V6][NFSK_RC_ADD]);
	EXPECT_EQ(1U, w.tab.window[NFSK_RC_V6][NFSK_RC_DEL]);
	EXPECT_EQ(7U, w.tab.window[NFSK_RC_V6][NFSK_RC_REPLACE]);
	EXPECT_EQ(7ULL, w.tab.nexthop_changes);
}

TEST(ipv6_whole_multipath_and_metric)
{
	struct world w;

	memset(&w, 0, sizeof(w));
	EXPECT_EQ(NFSK_RC_ADD, feed(&w, NFSK_RC_V6, NFSK_RC_FIB_REPLACE, 1));
	/* ip -6 route del P (all nexthops): one DEL carrying nsiblings */
	EXPECT_EQ(NFSK_RC_DEL, feed(&w, NFSK_RC_V6, NFSK_RC_FIB_DEL, 1));
	EXPECT_EQ(0U, w.tab.size[NFSK_RC_V6]);
	/* metric 100 route, then metric 50 takes its place: ADD, REPLACE */
	EXPECT_EQ(NFSK_RC_ADD, feed(&w, NFSK_RC_V6, NFSK_RC_FIB_REPLACE, 0));
	EXPECT_EQ(NFSK_RC_REPLACE, feed(&w, NFSK_RC_V6, NFSK_RC_FIB_REPLACE, 0));
	/* the metric 50 multipath goes, metric 100 (2 nexthops) stays */
	EXPECT_EQ(NFSK_RC_REPLACE, feed(&w, NFSK_RC_V6, NFSK_RC_FIB_REPLACE, 1));
	EXPECT_EQ(2, w.p.nexthops);
	EXPECT_EQ(1U, w.tab.size[NFSK_RC_V6]);
}

TEST(unknown_prefixes_and_baseline)
{
	struct nfsk_rc_tables tab;
	struct nfsk_rc_prefix unknown = { 0 }, gone = { 1, 0, 0 };
	struct nfsk_rc_prefix counted = { 1, 1, 1 };
	struct nfsk_rc_verdict v;

	memset(&tab, 0, sizeof(tab));
	/* the registration replay: sizes, no events */
	nfsk_route_classify(&tab, NFSK_RC_V6, NFSK_RC_FIB_REPLACE, 3, &unknown,
			    true, &v);
	EXPECT_FALSE(v.report);
	EXPECT_EQ(4, v.next.nexthops);
	nfsk_route_classify(&tab, NFSK_RC_V4, NFSK_RC_FIB_REPLACE, 0, &unknown,
			    true, &v);
	EXPECT_EQ(1U, tab.size[NFSK_RC_V4]);
	EXPECT_EQ(1U, tab.size[NFSK_RC_V6]);
	EXPECT_EQ(0ULL, tab.total);
	/*
	 * A real DEL racing the replay: the prefix is gone, out of the size
	 * when the replay had counted it, and not reported.
	 */
	nfsk_route_classify(&tab, NFSK_RC_V4, NFSK_RC_FIB_DEL, 0, &counted,
			    true, &v);
	EXPECT_FALSE(v.report);
	EXPECT_EQ(NFSK_RC_DEL, v.event);
	EXPECT_FALSE(v.next.present);
	EXPECT_EQ(0U, tab.size[NFSK_RC_V4]);
	nfsk_route_classify(&tab, NFSK_RC_V4, NFSK_RC_FIB_DEL, 0, &unknown,
			    true, &v);
	EXPECT_FALSE(v.next.present);
	EXPECT_EQ(0U, tab.size[NFSK_RC_V4]);
	nfsk_route_classify(&tab, NFSK_RC_V4, NFSK_RC_FIB_REPLACE, 0, &unknown,
			    true, &v);
	EXPECT_EQ(1U, tab.size[NFSK_RC_V4]);
	/* unknown prefix (forgotten): REPLACE = ADD, DEL = DEL */
	nfsk_route_classify(&tab, NFSK_RC_V4, NFSK_RC_FIB_REPLACE, 0, &unknown,
			    false, &v);
	EXPECT_EQ(NFSK_RC_ADD, v.event);
	EXPECT_TRUE(v.report);
	EXPECT_EQ(2U, tab.size[NFSK_RC_V4]);
	nfsk_route_classify(&tab, NFSK_RC_V6, NFSK_RC_FIB_DEL, 0, &unknown,
			    false, &v);
	EXPECT_EQ(NFSK_RC_DEL, v.event);
	EXPECT_EQ(0U, tab.size[NFSK_RC_V6]);
	/* an append to an unknown prefix: it was there, a change */
	nfsk_route_classify(&tab, NFSK_RC_V6, NFSK_RC_FIB_APPEND, 0, &unknown,
			    false, &v);
	EXPECT_EQ(NFSK_RC_REPLACE, v.event);
	EXPECT_EQ(2, v.next.nexthops);
	/* a DEL of a prefix already gone is counted once, size unchanged */
	nfsk_route_classify(&tab, NFSK_RC_V4, NFSK_RC_FIB_DEL, 0, &gone,
			    false, &v);
	EXPECT_EQ(NFSK_RC_DEL, v.event);
	EXPECT_EQ(2U, tab.size[NFSK_RC_V4]);
	/* the floor: never below zero */
	nfsk_route_classify(&tab, NFSK_RC_V6, NFSK_RC_FIB_DEL, 0, &unknown,
			    false, &v);
	EXPECT_EQ(0U, tab.size[NFSK_RC_V6]);
}

TEST(window_take_and_reset)
{
	u32 out[NFSK_RC_FAMILIES][NFSK_RC_EVENTS];
	struct world w;

	memset(&w, 0, sizeof(w));
	feed(&w, NFSK_RC_V6, NFSK_RC_FIB_REPLACE, 1);
	feed(&w, NFSK_RC_V6, NFSK_RC_FIB_DEL, 0);
	nfsk_route_window_take(&w.tab, out);
	EXPECT_EQ(1U, out[NFSK_RC_V6][NFSK_RC_ADD]);
	EXPECT_EQ(1U, out[NFSK_RC_V6][NFSK_RC_REPLACE]);
	EXPECT_EQ(0U, out[NFSK_RC_V6][NFSK_RC_DEL]);
	nfsk_route_window_take(&w.tab, out);
	EXPECT_EQ(0U, out[NFSK_RC_V6][NFSK_RC_ADD]);
	EXPECT_EQ(2ULL, w.tab.total);
	EXPECT_EQ(1U, w.tab.size[NFSK_RC_V6]);
	nfsk_route_tables_reset(&w.tab);
	EXPECT_EQ(0U, w.tab.size[NFSK_RC_V6]);
}

TEST_HARNESS_MAIN
