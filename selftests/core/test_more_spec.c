// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of ROUTE_MORE_SPECIFIC (kmod/core/more_spec.c and its flag in
 * route_anom.c). The set of present routes is a plain array here, searched
 * linearly (an oracle independent of the kernel's rhashtable); each case
 * says which cover a reader finds by hand in `ip route`.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"

#include <nfsketch/more_spec.h>
#include <nfsketch/route_anom.h>
#include <nfsketch/route_class.h>

#define MAIN	254
#define BGP	186
#define STATIC	4
#define BIRD	12

struct present {
	struct nfsk_flap_key	k;
	struct nfsk_ms_hop	hop;
};

struct set {
	struct present		r[64];
	u32			n;
	u32			probes;
	struct nfsk_ms_plens	plens;
};

static struct nfsk_flap_key key_of(const char *pfx, u8 plen, u32 table)
{
	struct nfsk_flap_key k;

	memset(&k, 0, sizeof(k));
	if (inet_pton(AF_INET, pfx, k.addr) == 1) {
		k.family = NFSK_AF_INET;
	} else {
		inet_pton(AF_INET6, pfx, k.addr);
		k.family = NFSK_AF_INET6;
	}
	k.plen = plen;
	k.table = table;
	return k;
}

static struct nfsk_ms_hop hop_of(u32 oif, const char *gw, u8 proto)
{
	struct nfsk_ms_hop h;
	u8 a[16] = { 0 };

	if (gw && inet_pton(AF_INET, gw, a + 12) != 1)
		inet_pton(AF_INET6, gw, a);
	h.nh_fp = nfsk_ms_nh_fp(oif, a);
	h.protocol = proto;
	return h;
}

static void add(struct set *s, const char *pfx, u8 plen, u32 table,
		struct nfsk_ms_hop hop)
{
	s->r[s->n].k = key_of(pfx, plen, table);
	s->r[s->n].hop = hop;
	nfsk_ms_plen_add(&s->plens, &s->r[s->n].k);
	s->n++;
}

static bool find(void *ctx, const struct nfsk_flap_key *k,
		 struct nfsk_ms_hop *hop)
{
	struct set *s = ctx;
	u32 i;

	s->probes++;
	for (i = 0; i < s->n; i++) {
		if (!memcmp(&s->r[i].k, k, sizeof(*k))) {
			*hop = s->r[i].hop;
			return true;
		}
	}
	return false;
}

static u32 judge(struct set *s, const char *pfx, u8 plen, u32 table,
		 struct nfsk_ms_hop hop, struct nfsk_ms_cover *c)
{
	struct nfsk_flap_key k = key_of(pfx, plen, table);

	return nfsk_ms_judge(&s->plens, &k, &hop, find, s, c);
}

static const char *addr_str(const struct nfsk_ms_cover *c, u8 family)
{
	static char buf[64];

	inet_ntop(family == NFSK_AF_INET ? AF_INET : AF_INET6, c->addr, buf,
		  sizeof(buf));
	return buf;
}

/* 10.1.0.0/24 via A; 10.1.0.0/25 via B: next hop differs, cover the /24 */
TEST(cover_found_nexthop_differs)
{
	struct set s = { 0 };
	struct nfsk_ms_cover c;

	add(&s, "10.1.0.0", 24, MAIN, hop_of(2, "10.0.0.2", BIRD));
	EXPECT_EQ((u32)NFSK_MS_NEXTHOP,
		  judge(&s, "10.1.0.0", 25, MAIN, hop_of(2, "10.0.0.3", BIRD),
			&c));
	EXPECT_EQ(24, c.plen);
	EXPECT_STREQ("10.1.0.0", addr_str(&c, NFSK_AF_INET));
	EXPECT_EQ(BIRD, c.protocol);
	/* the upper half too: 10.1.0.128/25 */
	EXPECT_EQ((u32)NFSK_MS_NEXTHOP,
		  judge(&s, "10.1.0.128", 25, MAIN,
			hop_of(2, "10.0.0.3", BIRD), &c));
	/* the same gateway on another device is another next hop */
	EXPECT_EQ((u32)NFSK_MS_NEXTHOP,
		  judge(&s, "10.1.0.0", 26, MAIN, hop_of(3, "10.0.0.2", BIRD),
			&c));
}

/* nothing shorter contains it: no flag, and probes only lengths present */
TEST(cover_not_found)
{
	struct set s = { 0 };
	struct nfsk_ms_cover c;

	add(&s, "10.1.0.0", 24, MAIN, hop_of(2, "10.0.0.2", BIRD));
	add(&s, "10.2.0.0", 16, MAIN, hop_of(2, "10.0.0.2", BIRD));
	EXPECT_EQ(0U, judge(&s, "10.3.0.0", 25, MAIN,
			    hop_of(2, "10.0.0.9", STATIC), &c));
	EXPECT_EQ(0, c.plen);
	/* lengths 24 and 16 probed, not the other 22 */
	EXPECT_EQ(2U, s.probes);
	/* a /24 is no cover of itself, nor of a shorter prefix */
	EXPECT_EQ(0U, judge(&s, "10.1.0.0", 24, MAIN,
			    hop_of(2, "10.0.0.9", STATIC), &c));
	EXPECT_EQ(0U, judge(&s, "10.0.0.0", 8, MAIN,
			    hop_of(2, "10.0.0.9", STATIC), &c));
}

TEST(same_nexthop_and_protocol_no_flag)
{
	struct set s = { 0 };
	struct nfsk_ms_cover c;

	add(&s, "10.1.0.0", 24, MAIN, hop_of(2, "10.0.0.2", BIRD));
	EXPECT_EQ(0U, judge(&s, "10.1.0.64", 26, MAIN,
			    hop_of(2, "10.0.0.2", BIRD), &c));
	EXPECT_EQ(0U, c.reason);
}

TEST(protocol_differs)
{
	struct set s = { 0 };
	struct nfsk_ms_cover c;

	add(&s, "10.1.0.0", 24, MAIN, hop_of(2, "10.0.0.2", BGP));
	EXPECT_EQ((u32)NFSK_MS_PROTOCOL,
		  judge(&s, "10.1.0.0", 32, MAIN, hop_of(2, "10.0.0.2", STATIC),
			&c));
	EXPECT_EQ(BGP, c.protocol);
	EXPECT_EQ((u32)(NFSK_MS_PROTOCOL | NFSK_MS_NEXTHOP),
		  judge(&s, "10.1.0.0", 32, MAIN, hop_of(2, "10.0.0.7", STATIC),
			&c));
}

TEST(ipv6)
{
	struct set s = { 0 };
	struct nfsk_ms_cover c;

	add(&s, "2001:db8:1::", 48, MAIN, hop_of(2, "fe80::1", BGP));
	/* an IPv4 /24 of the same leading bytes is another family */
	add(&s, "32.1.13.0", 24, MAIN, hop_of(2, "10.0.0.2", BGP));
	EXPECT_EQ((u32)NFSK_MS_NEXTHOP,
		  judge(&s, "2001:db8:1:8000::", 49, MAIN,
			hop_of(2, "fe80::2", BGP), &c));
	EXPECT_EQ(48, c.plen);
	EXPECT_STREQ("2001:db8:1::", addr_str(&c, NFSK_AF_INET6));
	EXPECT_EQ(0U, judge(&s, "2001:db8:2::", 64, MAIN,
			    hop_of(2, "fe80::2", BGP), &c));
	EXPECT_EQ(0U, judge(&s, "2001:db8:1:ff::", 64, MAIN,
			    hop_of(2, "fe80::1", BGP), &c));
	/* a /127 probes up to 126 lengths: only the one present is looked up */
	s.probes = 0;
	EXPECT_EQ((u32)NFSK_MS_NEXTHOP,
		  judge(&s, "2001:db8:1::2", 127, MAIN,
			hop_of(2, "fe80::2", BGP), &c));
	EXPECT_EQ(1U, s.probes);
}

/* A /0 contains everything: it never covers (else every new route flags). */
TEST(default_route_is_no_cover)
{
	struct set s = { 0 };
	struct nfsk_ms_cover c;

	add(&s, "0.0.0.0", 0, MAIN, hop_of(2, "10.0.0.1", STATIC));
	add(&s, "::", 0, MAIN, hop_of(2, "fe80::1", STATIC));
	EXPECT_EQ(0U, judge(&s, "10.1.0.0", 24, MAIN,
			    hop_of(2, "10.0.0.2", BGP), &c));
	EXPECT_EQ(0U, judge(&s, "2001:db8::", 32, MAIN,
			    hop_of(2, "fe80::2", BGP), &c));
	EXPECT_EQ(0U, s.probes);
	/* a /1 does cover a /2 */
	add(&s, "0.0.0.0", 1, MAIN, hop_of(2, "10.0.0.1", STATIC));
	EXPECT_EQ((u32)(NFSK_MS_NEXTHOP | NFSK_MS_PROTOCOL),
		  judge(&s, "64.0.0.0", 2, MAIN, hop_of(2, "10.0.0.2", BGP),
			&c));
	EXPECT_EQ(1, c.plen);
}

TEST(cover_in_another_table_does_not_count)
{
	struct set s = { 0 };
	struct nfsk_ms_cover c;

	add(&s, "10.1.0.0", 24, 100, hop_of(2, "10.0.0.2", BIRD));
	EXPECT_EQ(0U, judge(&s, "10.1.0.0", 25, MAIN,
			    hop_of(2, "10.0.0.3", BIRD), &c));
	EXPECT_EQ((u32)NFSK_MS_NEXTHOP,
		  judge(&s, "10.1.0.0", 25, 100, hop_of(2, "10.0.0.3", BIRD),
			&c));
}

/* /16 via A, /24 via B: a /25 via B is the /24's, judged against it only */
TEST(longest_cover_counts)
{
	struct set s = { 0 };
	struct nfsk_ms_cover c;

	add(&s, "10.1.0.0", 16, MAIN, hop_of(2, "10.0.0.2", BGP));
	add(&s, "10.1.5.0", 24, MAIN, hop_of(2, "10.0.0.3", BGP));
	EXPECT_EQ(0U, judge(&s, "10.1.5.0", 25, MAIN,
			    hop_of(2, "10.0.0.3", BGP), &c));
	EXPECT_EQ((u32)NFSK_MS_NEXTHOP,
		  judge(&s, "10.1.5.128", 25, MAIN,
			hop_of(2, "10.0.0.2", BGP), &c));
	EXPECT_EQ(24, c.plen);
	EXPECT_STREQ("10.1.5.0", addr_str(&c, NFSK_AF_INET));
	/* outside the /24, inside the /16: the /16 counts */
	EXPECT_EQ((u32)NFSK_MS_NEXTHOP,
		  judge(&s, "10.1.6.0", 24, MAIN, hop_of(2, "10.0.0.3", BGP),
			&c));
	EXPECT_EQ(16, c.plen);
}

/* lengths counted: a prefix gone is no longer probed */
TEST(plens_follow_the_set)
{
	struct nfsk_ms_plens p;
	struct nfsk_flap_key k = key_of("10.1.0.0", 24, MAIN);

	memset(&p, 0, sizeof(p));
	nfsk_ms_plen_add(&p, &k);
	nfsk_ms_plen_add(&p, &k);
	EXPECT_EQ(2U, p.n[0][24]);
	nfsk_ms_plen_del(&p, &k);
	nfsk_ms_plen_del(&p, &k);
	nfsk_ms_plen_del(&p, &k);	/* never below zero */
	EXPECT_EQ(0U, p.n[0][24]);
	k.plen = 200;			/* out of range: ignored */
	nfsk_ms_plen_add(&p, &k);
}

/* the flag: judged at non-replay ADDs only, off by the tunable */
TEST(flag_in_the_window)
{
	struct nfsk_ra_state s;
	struct nfsk_ra_route rt;
	struct nfsk_ra_verdict v;
	struct nfsk_ms_cover c;
	struct nfsk_ra_cfg cfg;

	nfsk_ra_cfg_default(&cfg);
	EXPECT_EQ(1U, cfg.more_specific);
	nfsk_ra_init(&s, &cfg);
	memset(&rt, 0, sizeof(rt));
	rt.event = NFSK_RC_ADD;
	rt.plen = 25;
	EXPECT_TRUE(nfsk_ra_more_specific_due(&s, &rt));
	rt.event = NFSK_RC_REPLACE;
	EXPECT_FALSE(nfsk_ra_more_specific_due(&s, &rt));
	rt.event = NFSK_RC_ADD;
	rt.baseline = 1;
	EXPECT_FALSE(nfsk_ra_more_specific_due(&s, &rt));
	rt.baseline = 0;
	rt.plen = 1;
	EXPECT_FALSE(nfsk_ra_more_specific_due(&s, &rt));

	memset(&c, 0, sizeof(c));
	memset(&v, 0, sizeof(v));
	EXPECT_EQ(0U, nfsk_ra_more_specific(&s, &c, &v));
	EXPECT_EQ(0U, nfsk_ra_window_close(&s));
	c.reason = NFSK_MS_NEXTHOP;
	c.plen = 24;
	EXPECT_EQ((u32)NFSK_FLAG_ROUTE_MORE_SPECIFIC,
		  nfsk_ra_more_specific(&s, &c, &v));
	EXPECT_EQ(24, v.cover.plen);
	EXPECT_EQ(1U, (u32)s.more_specifics);
	EXPECT_EQ((u32)NFSK_FLAG_ROUTE_MORE_SPECIFIC, nfsk_ra_window_close(&s));
	EXPECT_EQ(0U, nfsk_ra_window_close(&s));

	cfg.more_specific = 0;
	nfsk_ra_init(&s, &cfg);
	rt.plen = 25;
	EXPECT_FALSE(nfsk_ra_more_specific_due(&s, &rt));
}

TEST_HARNESS_MAIN
