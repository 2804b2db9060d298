// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the route classification (kmod/core/route_class.c).
 * Oracle: the sequences of fib notifications the 6.1 kernel sends for the
 * operator commands named in each case (read from net/ipv4/fib_trie.c,
 * net/ipv6/ip6_fib.c and net/ipv6/route.c), with the table size `ip route`
 * shows and the add/del/replace an operator would name, written out by hand.
 */
#include <stdlib.h>
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

/*
 * A bounded set of present prefixes, as kmod/route_set.c keeps it: held[]
 * per prefix id, at most cap entries; the glue's order per notification:
 * prior from the set, classify, store the verdict (insert refused at cap).
 */
struct bset {
	struct nfsk_rc_tables tab;
	u8 *held;
	u32 entries, cap, refused;
	u32 ev[NFSK_RC_EVENTS];
};

static void bset_feed(struct bset *s, u32 id, enum nfsk_rc_fib fib,
		      bool baseline)
{
	struct nfsk_rc_prefix prior;
	struct nfsk_rc_verdict v;

	nfsk_route_prior(&prior, s->held[id], 1,
			 nfsk_route_untracked(&s->tab, s->entries));
	nfsk_route_classify(&s->tab, NFSK_RC_V4, fib, 0, &prior, baseline, &v);
	if (v.report)
		s->ev[v.event]++;
	if (s->held[id] && !v.next.present) {
		s->held[id] = 0;
		s->entries--;
	} else if (!s->held[id] && v.next.present) {
		if (s->entries < s->cap) {
			s->held[id] = 1;
			s->entries++;
		} else {
			s->refused++;
		}
	}
}

TEST(prior_from_a_set)
{
	struct nfsk_rc_tables tab;
	struct nfsk_rc_prefix p;

	memset(&tab, 0, sizeof(tab));
	tab.size[NFSK_RC_V4] = 3;
	tab.size[NFSK_RC_V6] = 2;
	EXPECT_EQ(0U, nfsk_route_untracked(&tab, 5));
	EXPECT_EQ(2U, nfsk_route_untracked(&tab, 3));
	EXPECT_EQ(0U, nfsk_route_untracked(&tab, 7));	/* never negative */
	tab.size[NFSK_RC_V4] = 0xffffffffU;
	EXPECT_EQ(0xffffffffU, nfsk_route_untracked(&tab, 0));
	nfsk_route_prior(&p, true, 3, 9);
	EXPECT_TRUE(p.known && p.present);
	EXPECT_EQ(3, p.nexthops);
	nfsk_route_prior(&p, false, 0, 0);
	EXPECT_TRUE(p.known && !p.present);
	nfsk_route_prior(&p, false, 0, 1);
	EXPECT_FALSE(p.known);
}

/*
 * Issue 14's table at a million prefixes: replay, replace 10 %, delete
 * 10 %, exact with a set that holds them all; with a set that cannot,
 * replaces of untracked prefixes count as adds (the "unknown" path) until
 * the untracked prefixes are withdrawn, after which it is exact again.
 */
TEST(million_prefixes_exact_and_bounded)
{
	const u32 n = 1000000;
	struct bset s;
	u32 i;

	memset(&s, 0, sizeof(s));
	s.held = calloc(n, 1);
	ASSERT_NE(NULL, s.held);
	s.cap = n;
	for (i = 0; i < n; i++)
		bset_feed(&s, i, NFSK_RC_FIB_REPLACE, true);
	EXPECT_EQ(n, s.tab.size[NFSK_RC_V4]);
	for (i = 0; i < n / 10; i++)
		bset_feed(&s, i * 7 % n, NFSK_RC_FIB_REPLACE, false);
	EXPECT_EQ(n / 10, s.ev[NFSK_RC_REPLACE]);
	EXPECT_EQ(0U, s.ev[NFSK_RC_ADD]);
	for (i = 0; i < n / 10; i++)
		bset_feed(&s, n - 1 - i, NFSK_RC_FIB_DEL, false);
	EXPECT_EQ(n / 10, s.ev[NFSK_RC_DEL]);
	EXPECT_EQ(n - n / 10, s.tab.size[NFSK_RC_V4]);
	EXPECT_EQ(s.entries, s.tab.size[NFSK_RC_V4]);
	/* re-add them: adds, exact */
	for (i = 0; i < n / 10; i++)
		bset_feed(&s, n - 1 - i, NFSK_RC_FIB_REPLACE, false);
	EXPECT_EQ(n / 10, s.ev[NFSK_RC_ADD]);
	EXPECT_EQ(n, s.tab.size[NFSK_RC_V4]);

	/* a set of n / 2: the other half is untracked */
	memset(&s.tab, 0, sizeof(s.tab));
	memset(s.held, 0, n);
	memset(s.ev, 0, sizeof(s.ev));
	s.entries = 0;
	s.cap = n / 2;
	for (i = 0; i < n; i++)
		bset_feed(&s, i, NFSK_RC_FIB_REPLACE, true);
	EXPECT_EQ(n, s.tab.size[NFSK_RC_V4]);
	EXPECT_EQ(n / 2, s.refused);
	EXPECT_EQ(n / 2, nfsk_route_untracked(&s.tab, s.entries));
	/* replaces of held prefixes stay exact, of untracked ones are adds */
	bset_feed(&s, 0, NFSK_RC_FIB_REPLACE, false);
	EXPECT_EQ(1U, s.ev[NFSK_RC_REPLACE]);
	bset_feed(&s, n - 1, NFSK_RC_FIB_REPLACE, false);
	EXPECT_EQ(1U, s.ev[NFSK_RC_ADD]);
	EXPECT_EQ(n + 1, s.tab.size[NFSK_RC_V4]);	/* approximate */
	/* withdraw the untracked half (and the double count): exact again */
	for (i = n / 2; i < n; i++)
		bset_feed(&s, i, NFSK_RC_FIB_DEL, false);
	bset_feed(&s, n - 1, NFSK_RC_FIB_DEL, false);
	EXPECT_EQ(n / 2, s.tab.size[NFSK_RC_V4]);
	EXPECT_EQ(0U, nfsk_route_untracked(&s.tab, s.entries));
	s.cap++;	/* room for one more */
	bset_feed(&s, n - 1, NFSK_RC_FIB_REPLACE, false);
	bset_feed(&s, n - 1, NFSK_RC_FIB_REPLACE, false);
	EXPECT_EQ(2U, s.ev[NFSK_RC_ADD]);
	EXPECT_EQ(2U, s.ev[NFSK_RC_REPLACE]);
	EXPECT_EQ(n / 2 + 1, s.tab.size[NFSK_RC_V4]);
	free(s.held);
}

TEST_HARNESS_MAIN
