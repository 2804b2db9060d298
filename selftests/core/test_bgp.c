// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of BGP session health (kmod/core/bgp.c). Oracles: sequence
 * numbers and times chosen by hand in each case (which segments are
 * retransmissions, how long a side was quiet), not the code's own output.
 */
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"

#include <nfsketch/bgp.h>
#include <nfsketch/flow.h>

#include "bgp_seg.h"

#define MS	1000000ULL
#define SEC	(1000 * MS)
#define KA	19	/* a BGP KEEPALIVE's bytes */

static const struct nfsk_bgp_cfg cfg9 = {
	.hold_ns = 9 * SEC, .silence_permille = 667, .retrans_min = 3,
};

static struct nfsk_bgp_sess *feed(struct nfsk_bgp_bucket *b, bool from_a,
				  u32 seq, u32 len, u8 flags, u64 now)
{
	struct nfsk_bgp_seg s = seg_of(from_a, seq, len, flags, now, 0, NULL);

	return nfsk_bgp_segment(b, &cfg9, &s);
}

TEST(defaults_from_the_table)
{
	struct nfsk_bgp_cfg c;

	nfsk_bgp_cfg_default(&c);
	EXPECT_EQ(90 * SEC, c.hold_ns);
	EXPECT_EQ(667U, c.silence_permille);
	EXPECT_EQ(3U, c.retrans_min);
}

TEST(port_compare_is_wire_order)
{
	u8 wire[2] = { 0, 179 };
	u16 p;

	memcpy(&p, wire, 2);
	EXPECT_TRUE(nfsk_bgp_ports(p, 0));
	EXPECT_TRUE(nfsk_bgp_ports(1234, p));
	EXPECT_FALSE(nfsk_bgp_ports(179 == p ? 0xb300 : 179, 80));
}

TEST(both_directions_one_session_one_bucket)
{
	struct nfsk_bgp_bucket *b = calloc(1, sizeof(*b));
	struct nfsk_bgp_seg x = seg_of(true, 1, 0, NFSK_TCP_SYN, SEC, 0, NULL);
	struct nfsk_bgp_seg y = seg_of(false, 1, 0, NFSK_TCP_SYN | NFSK_TCP_ACK,
				       SEC, 0, NULL);
	struct nfsk_bgp_sess *s1, *s2;
	u32 n;

	for (n = 1; n <= 1024; n <<= 1)
		EXPECT_EQ(nfsk_bgp_bucket_of(&x, n), nfsk_bgp_bucket_of(&y, n));
	s1 = nfsk_bgp_segment(b, &cfg9, &x);
	s2 = nfsk_bgp_segment(b, &cfg9, &y);
	ASSERT_NE(NULL, s1);
	EXPECT_EQ(s1, s2);
	EXPECT_EQ(2U, s1->segments);
	EXPECT_EQ(0U, s1->retrans);
	free(b);
}

/* Data 100..199, 200..299, then 150..249 again and 100..199: 2 retrans. */
TEST(retransmission_rule)
{
	struct nfsk_bgp_bucket *b = calloc(1, sizeof(*b));
	struct nfsk_bgp_sess *s;

	s = feed(b, true, 100, 100, NFSK_TCP_ACK, SEC);
	feed(b, true, 200, 100, NFSK_TCP_ACK, SEC);
	feed(b, true, 150, 100, NFSK_TCP_ACK, SEC);	/* end 250 <= 300 */
	feed(b, true, 100, 100, NFSK_TCP_ACK, SEC);	/* end 200 */
	feed(b, true, 250, 100, NFSK_TCP_ACK, SEC);	/* end 350: new */
	feed(b, true, 350, 0, NFSK_TCP_ACK, SEC);	/* pure ACK */
	feed(b, true, 350, 0, NFSK_TCP_ACK, SEC);	/* again: not data */
	/* the other direction has its own highest end */
	feed(b, false, 5, 10, NFSK_TCP_ACK, SEC);
	feed(b, false, 5, 10, NFSK_TCP_ACK, SEC);	/* retrans */
	EXPECT_EQ(9U, s->segments);
	EXPECT_EQ(3U, s->retrans);
	EXPECT_EQ(3U, s->win_retrans);
	free(b);
}

/* Sequence numbers wrap: 0xffffff00 + 0x200 ends at 0x100, after it. */
TEST(retransmission_across_wrap)
{
	struct nfsk_bgp_bucket *b = calloc(1, sizeof(*b));
	struct nfsk_bgp_sess *s;

	s = feed(b, true, 0xfffffe00U, 0x100, 0, SEC);	/* end 0xffffff00 */
	feed(b, true, 0xffffff00U, 0x200, 0, SEC);	/* end 0x100: new */
	EXPECT_EQ(0U, s->retrans);
	EXPECT_EQ(0x100U, s->dir[0].max_end);
	feed(b, true, 0xffffff00U, 0x200, 0, SEC);	/* again: retrans */
	feed(b, true, 0xfffffe00U, 0x100, 0, SEC);	/* older: retrans */
	EXPECT_EQ(2U, s->retrans);
	feed(b, true, 0x100, 19, 0, SEC);		/* end 0x113: new */
	EXPECT_EQ(2U, s->retrans);
	EXPECT_EQ(0x113U, s->dir[0].max_end);
	free(b);
}

/* SYN and FIN take one sequence number each; their repeats are retrans. */
TEST(syn_and_fin_consume_sequence)
{
	struct nfsk_bgp_bucket *b = calloc(1, sizeof(*b));
	struct nfsk_bgp_sess *s;

	s = feed(b, true, 1000, 0, NFSK_TCP_SYN, SEC);
	feed(b, true, 1000, 0, NFSK_TCP_SYN, 2 * SEC);		/* SYN again */
	EXPECT_EQ(1U, s->retrans);
	feed(b, true, 1001, KA, NFSK_TCP_ACK, 3 * SEC);		/* new */
	EXPECT_EQ(1U, s->retrans);
	free(b);
}

/*
 * Keepalives only, every hold/3 = 3 s from both ends, windows of 1 s for
 * two minutes: nothing raised.
 */
TEST(keepalive_only_session_is_healthy)
{
	struct nfsk_bgp_bucket *b = calloc(1, sizeof(*b));
	struct nfsk_bgp_verdict v;
	struct nfsk_bgp_sess *s = NULL;
	u32 sa = 1, sb = 7, t;

	for (t = 1; t <= 120; t++) {
		if (t % 3 == 0) {
			s = feed(b, true, sa, KA, NFSK_TCP_ACK, t * SEC);
			sa += KA;
			feed(b, false, sb + 0, 0, NFSK_TCP_ACK, t * SEC + MS);
			feed(b, false, sb, KA, NFSK_TCP_ACK, t * SEC + 2 * MS);
			sb += KA;
		}
		if (s)
			EXPECT_EQ(0U, nfsk_bgp_close(s, &cfg9, t * SEC + 500 * MS,
						     &v));
	}
	ASSERT_NE(NULL, s);
	EXPECT_EQ(0U, s->retrans);
	EXPECT_EQ(120U, s->segments);
	free(b);
}

/*
 * A keeps alive until 30 s, then nothing: silence passes 667 per mille of
 * 9 s = 6.003 s at 36.003 s. Windows close every second: SILENT at the
 * close at 37 s (quiet 7000 ms), once, before the 39 s hold expiry.
 */
TEST(silence_flags_before_hold_expires)
{
	struct nfsk_bgp_bucket *b = calloc(1, sizeof(*b));
	struct nfsk_bgp_verdict v;
	struct nfsk_bgp_sess *s = NULL;
	u32 sa = 1, t, raised_at = 0, raised = 0;

	for (t = 3; t <= 30; t += 3) {
		s = feed(b, true, sa, KA, NFSK_TCP_ACK, t * SEC);
		sa += KA;
	}
	for (t = 31; t <= 60; t++) {
		if (nfsk_bgp_close(s, &cfg9, t * SEC, &v)) {
			raised++;
			if (!raised_at)
				raised_at = t;
			EXPECT_EQ((u32)NFSK_BGP_SILENT, v.reasons);
			EXPECT_EQ(7000U, v.silence_ms);
			EXPECT_EQ(6003U, v.threshold_ms);
		}
	}
	EXPECT_EQ(37U, raised_at);
	EXPECT_EQ(1U, raised);
	/* new data re-arms it: quiet again for 7 s, raised again */
	feed(b, true, sa, KA, NFSK_TCP_ACK, 61 * SEC);
	EXPECT_EQ(0U, nfsk_bgp_close(s, &cfg9, 62 * SEC, &v));
	EXPECT_EQ((u32)NFSK_BGP_SILENT, nfsk_bgp_close(s, &cfg9, 68 * SEC, &v));
	/* retransmissions are no new data: they do not re-arm it */
	feed(b, true, sa, KA, NFSK_TCP_ACK, 69 * SEC);
	EXPECT_EQ(0U, nfsk_bgp_close(s, &cfg9, 76 * SEC, &v) & NFSK_BGP_SILENT);
	free(b);
}

TEST(rst_and_fin_flag_then_slot_freed)
{
	struct nfsk_bgp_bucket *b = calloc(1, sizeof(*b));
	struct nfsk_bgp_verdict v;
	struct nfsk_bgp_sess *s;

	s = feed(b, true, 1, KA, NFSK_TCP_ACK, SEC);
	EXPECT_EQ(0U, nfsk_bgp_close(s, &cfg9, 2 * SEC, &v));
	feed(b, false, 9, 0, NFSK_TCP_RST, 3 * SEC);
	EXPECT_EQ((u32)NFSK_BGP_RESET, nfsk_bgp_close(s, &cfg9, 4 * SEC, &v));
	EXPECT_EQ(1U, v.rst);
	/* reported once; an ended session is not silent later either */
	EXPECT_EQ(0U, nfsk_bgp_close(s, &cfg9, 10 * SEC, &v));
	EXPECT_EQ(1, s->used);
	EXPECT_EQ(0U, nfsk_bgp_close(s, &cfg9, 13 * SEC, &v));
	EXPECT_EQ(0, s->used);	/* closed, idle > 9 s: freed */

	s = feed(b, true, 1, KA, NFSK_TCP_ACK, 20 * SEC);
	feed(b, true, 20, 0, NFSK_TCP_FIN | NFSK_TCP_ACK, 21 * SEC);
	feed(b, false, 9, 0, NFSK_TCP_FIN | NFSK_TCP_ACK, 21 * SEC);
	EXPECT_EQ((u32)NFSK_BGP_CLOSED, nfsk_bgp_close(s, &cfg9, 22 * SEC, &v));
	EXPECT_EQ(2U, v.fin);
	EXPECT_EQ(0U, s->retrans);
	free(b);
}

/* The same ends connect again after a RST: a fresh session, not retrans. */
TEST(reconnect_after_reset_starts_afresh)
{
	struct nfsk_bgp_bucket *b = calloc(1, sizeof(*b));
	struct nfsk_bgp_sess *s;

	s = feed(b, true, 5000, KA, NFSK_TCP_ACK, SEC);
	feed(b, true, 5019, 0, NFSK_TCP_RST, SEC);
	EXPECT_EQ(NFSK_BGP_RESET, s->closed);
	EXPECT_EQ(s, feed(b, true, 100, 0, NFSK_TCP_SYN, 2 * SEC));
	EXPECT_EQ(0, s->closed);
	EXPECT_EQ(1U, s->segments);
	feed(b, true, 101, KA, NFSK_TCP_ACK, 2 * SEC);
	EXPECT_EQ(0U, s->retrans);
	free(b);
}

/*
 * The same ends connect again with no RST or FIN seen (a peer restarted,
 * its RST lost): the pure SYN starts the session afresh, so the new
 * connection's data below the old highest end are not retransmissions.
 */
TEST(syn_on_live_session_starts_afresh)
{
	struct nfsk_bgp_bucket *b = calloc(1, sizeof(*b));
	struct nfsk_bgp_sess *s;

	s = feed(b, true, 5000, 0, NFSK_TCP_SYN, SEC);
	feed(b, false, 70000, 0, NFSK_TCP_SYN | NFSK_TCP_ACK, SEC);
	feed(b, true, 5001, KA, NFSK_TCP_ACK, SEC);
	feed(b, false, 70001, KA, NFSK_TCP_ACK, SEC);
	EXPECT_EQ(0, s->closed);
	EXPECT_EQ(4U, s->segments);
	/* new ISNs, both below the old highest ends */
	EXPECT_EQ(s, feed(b, true, 100, 0, NFSK_TCP_SYN, 2 * SEC));
	EXPECT_EQ(1U, s->segments);
	feed(b, false, 900, 0, NFSK_TCP_SYN | NFSK_TCP_ACK, 2 * SEC);
	feed(b, true, 101, KA, NFSK_TCP_ACK, 2 * SEC);
	feed(b, false, 901, KA, NFSK_TCP_ACK, 2 * SEC);
	feed(b, true, 101 + KA, KA, NFSK_TCP_ACK, 3 * SEC);
	EXPECT_EQ(5U, s->segments);
	EXPECT_EQ(0U, s->retrans);
	/* the SYN of that handshake again, now that data moved on: a new one */
	feed(b, true, 100, 0, NFSK_TCP_SYN, 4 * SEC);
	EXPECT_EQ(1U, s->segments);
	EXPECT_EQ(0U, s->retrans);
	free(b);
}

/* A SYN retransmitted after the SYN-ACK came is a retransmission. */
TEST(syn_retransmitted_in_handshake)
{
	struct nfsk_bgp_bucket *b = calloc(1, sizeof(*b));
	struct nfsk_bgp_sess *s;

	s = feed(b, true, 5000, 0, NFSK_TCP_SYN, SEC);
	feed(b, false, 70000, 0, NFSK_TCP_SYN | NFSK_TCP_ACK, SEC);
	feed(b, true, 5000, 0, NFSK_TCP_SYN, 2 * SEC);
	EXPECT_EQ(3U, s->segments);
	EXPECT_EQ(1U, s->retrans);
	free(b);
}

/* BGP_GET's state: reset over closed over silent over open. */
TEST(state_for_the_listing)
{
	struct nfsk_bgp_bucket *b = calloc(1, sizeof(*b));
	struct nfsk_bgp_verdict v;
	struct nfsk_bgp_sess *s;

	s = feed(b, true, 1, KA, NFSK_TCP_ACK, SEC);
	EXPECT_EQ((u32)NFSKETCH_BGP_STATE_OPEN, nfsk_bgp_state(s));
	/* quiet 7 s > 6.003 s */
	EXPECT_EQ((u32)NFSK_BGP_SILENT, nfsk_bgp_close(s, &cfg9, 8 * SEC, &v));
	EXPECT_EQ((u32)NFSKETCH_BGP_STATE_SILENT, nfsk_bgp_state(s));
	feed(b, true, 1 + KA, KA, NFSK_TCP_ACK, 9 * SEC);
	EXPECT_EQ((u32)NFSKETCH_BGP_STATE_OPEN, nfsk_bgp_state(s));
	feed(b, true, 1 + 2 * KA, 0, NFSK_TCP_FIN | NFSK_TCP_ACK, 9 * SEC);
	EXPECT_EQ((u32)NFSKETCH_BGP_STATE_CLOSED, nfsk_bgp_state(s));
	feed(b, false, 7, 0, NFSK_TCP_RST, 9 * SEC);
	EXPECT_EQ((u32)NFSKETCH_BGP_STATE_RESET, nfsk_bgp_state(s));
	free(b);
}

/*
 * 4 retransmissions every window: the baseline (x256, weight 1/8, floored)
 * runs 0, 128, 240, 338, 423, 498, 563: 4 x 256 = 1024 is more than twice
 * it for the first 6 windows only, then steady loss raises nothing; after
 * 60 windows it is 1017 (mean 4): 7 (1792 <= 2034) is not flagged, the
 * baseline becomes (1792 + 7 x 1017) / 8 = 1113, and 10 (2560 > 2226) is.
 */
TEST(retransmissions_above_their_baseline)
{
	struct nfsk_bgp_bucket *b = calloc(1, sizeof(*b));
	struct nfsk_bgp_verdict v;
	struct nfsk_bgp_sess *s;
	u32 w, i, flagged = 0, last_flagged = 0;

	s = feed(b, true, 1, 100, 0, SEC);	/* end 101 */
	for (w = 1; w <= 60; w++) {
		for (i = 0; i < 4; i++)
			feed(b, true, 1, 100, 0, SEC);
		if (nfsk_bgp_close(s, &cfg9, SEC, &v) == NFSK_BGP_RETRANS) {
			flagged++;
			last_flagged = w;
		}
	}
	EXPECT_EQ(6U, flagged);
	EXPECT_EQ(6U, last_flagged);
	EXPECT_EQ(1017U, s->base256);
	for (i = 0; i < 7; i++)
		feed(b, true, 1, 100, 0, SEC);
	EXPECT_EQ(0U, nfsk_bgp_close(s, &cfg9, SEC, &v));
	EXPECT_EQ(4U, v.baseline);
	EXPECT_EQ(1113U, s->base256);
	for (i = 0; i < 10; i++)
		feed(b, true, 1, 100, 0, SEC);
	EXPECT_EQ((u32)NFSK_BGP_RETRANS, nfsk_bgp_close(s, &cfg9, SEC, &v));
	EXPECT_EQ(10U, v.retrans);
	EXPECT_EQ(4U, v.baseline);
	EXPECT_EQ(257U, (u32)s->retrans);	/* 240 + 7 + 10 */
	/* a fresh session: below retrans_min never, from it at once */
	free(b);
	b = calloc(1, sizeof(*b));
	s = feed(b, true, 1, 100, 0, SEC);
	for (i = 0; i < 2; i++)
		feed(b, true, 1, 100, 0, SEC);
	EXPECT_EQ(0U, nfsk_bgp_close(s, &cfg9, SEC, &v));	/* 2 < 3 */
	for (i = 0; i < 3; i++)
		feed(b, true, 1, 100, 0, SEC);
	EXPECT_EQ((u32)NFSK_BGP_RETRANS, nfsk_bgp_close(s, &cfg9, SEC, &v));
	free(b);
}

/*
 * A bucket of 8 live sessions refuses a 9th (counted full); once one is
 * idle for longer than the hold time, or closed, the newcomer evicts the
 * least recently seen of those.
 */
TEST(table_full_and_eviction)
{
	struct nfsk_bgp_bucket *b = calloc(1, sizeof(*b));
	struct nfsk_bgp_seg sg;
	struct nfsk_bgp_sess *s[NFSK_BGP_WAYS + 1];
	u32 n;

	for (n = 0; n < NFSK_BGP_WAYS; n++) {
		sg = seg_of(true, 1, KA, 0, (1 + n) * SEC, n, NULL);
		s[n] = nfsk_bgp_segment(b, &cfg9, &sg);
		ASSERT_NE(NULL, s[n]);
	}
	sg = seg_of(true, 1, KA, 0, 9 * SEC, 8, NULL);
	EXPECT_EQ(NULL, nfsk_bgp_segment(b, &cfg9, &sg));
	EXPECT_EQ(1U, b->full);
	EXPECT_EQ(0U, b->evicted);
	/* at 11.5 s sessions 0 (seen at 1 s) and 1 (2 s) are idle > 9 s */
	sg = seg_of(true, 1, KA, 0, 11500 * MS, 8, NULL);
	s[8] = nfsk_bgp_segment(b, &cfg9, &sg);
	EXPECT_EQ(s[0], s[8]);		/* the least recently seen */
	EXPECT_EQ(1U, b->evicted);
	/* session 5 resets: the next newcomer takes it, not session 1 */
	sg = seg_of(false, 9, 0, NFSK_TCP_RST, 11600 * MS, 5, NULL);
	nfsk_bgp_segment(b, &cfg9, &sg);
	sg = seg_of(true, 1, KA, 0, 11700 * MS, 9, NULL);
	EXPECT_EQ(s[1], nfsk_bgp_segment(b, &cfg9, &sg)); /* 1: seen at 2 s */
	sg = seg_of(true, 1, KA, 0, 11800 * MS, 10, NULL);
	EXPECT_EQ(s[5], nfsk_bgp_segment(b, &cfg9, &sg));
	EXPECT_EQ(3U, b->evicted);
	sg = seg_of(true, 1, KA, 0, 11900 * MS, 11, NULL);
	EXPECT_EQ(NULL, nfsk_bgp_segment(b, &cfg9, &sg));
	EXPECT_EQ(2U, b->full);
	free(b);
}

TEST(ipv6_session)
{
	struct nfsk_bgp_bucket *b = calloc(1, sizeof(*b));
	struct nfsk_bgp_seg x, y;
	struct nfsk_bgp_sess *s;

	memset(&x, 0, sizeof(x));
	x.family = NFSK_AF_INET6;
	x.src[0] = 0xfd;
	x.src[15] = 2;
	x.dst[0] = 0xfd;
	x.dst[15] = 1;
	x.sport = 1234;
	x.dport = nfsk_bgp_port_wire();
	x.seq = 10;
	x.len = KA;
	x.now_ns = SEC;
	y = x;
	memcpy(y.src, x.dst, 16);
	memcpy(y.dst, x.src, 16);
	y.sport = x.dport;
	y.dport = x.sport;
	s = nfsk_bgp_segment(b, &cfg9, &x);
	EXPECT_EQ(s, nfsk_bgp_segment(b, &cfg9, &y));
	EXPECT_EQ(1U, nfsk_bgp_side(s, x.src, x.sport));
	EXPECT_EQ(0U, nfsk_bgp_side(s, y.src, y.sport));
	EXPECT_EQ(s, nfsk_bgp_segment(b, &cfg9, &x));
	EXPECT_EQ(1U, s->retrans);
	free(b);
}

TEST_HARNESS_MAIN
