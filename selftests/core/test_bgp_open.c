// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the hold time learned from BGP OPEN (kmod/core/bgp.c).
 * Oracle: OPEN messages built here byte by byte after RFC 4271 4.2
 * (marker, length, type 1, version 4, my AS, Hold Time, BGP Identifier,
 * optional parameters), the hold time each carries and the times chosen
 * by hand in each case; not the code's own output.
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

/* bgp_hold_ms 9 s, the fallback; the OPENs below say otherwise */
static const struct nfsk_bgp_cfg cfg9 = {
	.hold_ns = 9 * SEC, .silence_permille = 667, .retrans_min = 3,
};

/* An OPEN with hold @hold s and @opt bytes of optional parameters at @p. */
static u32 open_msg(u8 *p, u16 hold, u8 opt)
{
	u32 len = NFSK_BGP_OPEN_MIN + opt;

	memset(p, 0xff, 16);
	p[16] = (u8)(len >> 8);
	p[17] = (u8)len;
	p[18] = 1;			/* OPEN */
	p[19] = 4;			/* version */
	p[20] = 0xfd;			/* my AS 65001 */
	p[21] = 0xe9;
	p[22] = (u8)(hold >> 8);
	p[23] = (u8)hold;
	p[24] = 10;			/* BGP Identifier 10.0.0.1 */
	p[25] = 0;
	p[26] = 0;
	p[27] = 1;
	p[28] = opt;			/* Opt Parm Len */
	memset(p + 29, 2, opt);
	return len;
}

/* A KEEPALIVE at @p: 19 bytes. */
static u32 keepalive_msg(u8 *p)
{
	memset(p, 0xff, 16);
	p[16] = 0;
	p[17] = KA;
	p[18] = 4;
	return KA;
}

struct sess_run {
	struct nfsk_bgp_bucket	*b;
	struct nfsk_bgp_sess	*s;
	u32			seq[2];		/* [0]: A's next, [1]: B's */
};

/* A segment of @len bytes @p from A or B at @seq, @now. */
static struct nfsk_bgp_sess *send_at(struct sess_run *r, bool from_a, u32 seq,
				     u8 flags, const u8 *p, u32 len, u64 now)
{
	struct nfsk_bgp_seg sg = seg_of(from_a, seq, len, flags, now, 0, p);

	r->s = nfsk_bgp_segment(r->b, &cfg9, &sg);
	return r->s;
}

/* A session after its handshake at 0.5 s: A's ISN 999, B's 4999. */
static void run_init(struct sess_run *r)
{
	r->b = calloc(1, sizeof(*r->b));
	r->s = NULL;
	send_at(r, true, 999, NFSK_TCP_SYN, NULL, 0, 500 * MS);
	send_at(r, false, 4999, NFSK_TCP_SYN | NFSK_TCP_ACK, NULL, 0, 500 * MS);
	send_at(r, true, 1000, NFSK_TCP_ACK, NULL, 0, 500 * MS);
	r->seq[0] = 1000;
	r->seq[1] = 5000;
}

/* A segment of new data @p (@len bytes) from A or B at @now. */
static struct nfsk_bgp_sess *send(struct sess_run *r, bool from_a,
				  const u8 *p, u32 len, u64 now)
{
	send_at(r, from_a, r->seq[!from_a], NFSK_TCP_ACK, p, len, now);
	r->seq[!from_a] += len;
	return r->s;
}

static void send_open(struct sess_run *r, bool from_a, u16 hold, u64 now)
{
	u8 m[64];

	send(r, from_a, m, open_msg(m, hold, 0), now);
}

static void send_keepalive(struct sess_run *r, bool from_a, u64 now)
{
	u8 m[KA];

	send(r, from_a, m, keepalive_msg(m), now);
}

/* The first window close at whole seconds in [@from, @to] that raises
 * SILENT, or 0; its verdict in @v.
 */
static u32 silent_at(struct sess_run *r, u32 from, u32 to,
		     struct nfsk_bgp_verdict *v)
{
	u32 t;

	for (t = from; t <= to; t++)
		if (nfsk_bgp_close(r->s, &cfg9, t * SEC, v) & NFSK_BGP_SILENT)
			return t;
	return 0;
}

TEST(valid_open_parsed)
{
	u8 m[NFSK_BGP_MSG_MAX + 8];
	u32 len;

	len = open_msg(m, 90, 0);
	EXPECT_EQ(29U, len);
	EXPECT_EQ(90, nfsk_bgp_open_hold(m, len, len));
	/* with optional parameters (capabilities), read from the head only */
	len = open_msg(m, 180, 30);
	EXPECT_EQ(180, nfsk_bgp_open_hold(m, NFSK_BGP_OPEN_HEAD, len));
	/* the largest hold time, and an UPDATE following in the segment */
	len = open_msg(m, 65535, 0);
	EXPECT_EQ(65535, nfsk_bgp_open_hold(m, len + 23, len + 23));
	EXPECT_EQ(3, nfsk_bgp_open_hold(m, 24, open_msg(m, 3, 0)));
}

TEST(truncated_open_ignored)
{
	u8 m[64];
	u32 len = open_msg(m, 90, 10);	/* 39 bytes */

	/* the head not all there (a capture's snap length, a short copy) */
	EXPECT_EQ(-1, nfsk_bgp_open_hold(m, NFSK_BGP_OPEN_HEAD - 1, len));
	/* the segment ends before the message: the rest is in the next one */
	EXPECT_EQ(-1, nfsk_bgp_open_hold(m, len - 1, len - 1));
	EXPECT_EQ(-1, nfsk_bgp_open_hold(m, 28, 28));
	EXPECT_EQ(90, nfsk_bgp_open_hold(m, len, len));
	/* a length field below an OPEN's least, or above BGP's most */
	m[16] = 0;
	m[17] = 28;
	EXPECT_EQ(-1, nfsk_bgp_open_hold(m, 39, 39));
	m[16] = 0x10;
	m[17] = 1;		/* 4097 */
	EXPECT_EQ(-1, nfsk_bgp_open_hold(m, 39, 5000));
}

TEST(bad_marker_type_or_version_ignored)
{
	u8 m[64];
	u32 len = open_msg(m, 90, 0), i;

	for (i = 0; i < 16; i++) {
		m[i] = 0xfe;
		EXPECT_EQ(-1, nfsk_bgp_open_hold(m, len, len));
		m[i] = 0xff;
	}
	m[18] = 2;		/* UPDATE */
	EXPECT_EQ(-1, nfsk_bgp_open_hold(m, len, len));
	m[18] = 4;		/* KEEPALIVE */
	EXPECT_EQ(-1, nfsk_bgp_open_hold(m, len, len));
	m[18] = 1;
	m[19] = 3;		/* BGP-3 */
	EXPECT_EQ(-1, nfsk_bgp_open_hold(m, len, len));
	m[19] = 4;
	EXPECT_EQ(90, nfsk_bgp_open_hold(m, len, len));
}

TEST(hold_one_or_two_ignored)
{
	struct sess_run r;
	struct nfsk_bgp_verdict v;
	u8 m[64];
	u32 ms = 7;

	EXPECT_EQ(-1, nfsk_bgp_open_hold(m, 29, open_msg(m, 1, 0)));
	EXPECT_EQ(-1, nfsk_bgp_open_hold(m, 29, open_msg(m, 2, 0)));
	EXPECT_EQ(0, nfsk_bgp_open_hold(m, 29, open_msg(m, 0, 0)));
	/* a session whose OPENs proposed 1 and 2: the fallback, 9 s */
	run_init(&r);
	send_open(&r, true, 1, 1 * SEC);
	send_open(&r, false, 2, 1 * SEC + MS);
	ASSERT_NE(NULL, r.s);
	EXPECT_EQ(0U, nfsk_bgp_hold_ms(r.s, &ms));
	EXPECT_EQ(0U, ms);
	/* quiet from 1 s: 6.003 s of 9 s passed at the close at 8 s */
	EXPECT_EQ(8U, silent_at(&r, 2, 30, &v));
	EXPECT_EQ(6003U, v.threshold_ms);
	free(r.b);
}

/* Hold 0: no KEEPALIVEs, never silent, from either end's proposal. */
TEST(hold_zero_never_silent)
{
	struct nfsk_bgp_verdict v;
	struct sess_run r;
	u32 ms = 7;
	bool a;

	for (a = false; ; a = true) {
		run_init(&r);
		send_open(&r, a, 0, 1 * SEC);
		send_open(&r, !a, 240, 1 * SEC + MS);
		ASSERT_NE(NULL, r.s);
		EXPECT_EQ(2U, nfsk_bgp_hold_ms(r.s, &ms));
		EXPECT_EQ(0U, ms);
		EXPECT_EQ(0U, silent_at(&r, 2, 600, &v));
		EXPECT_EQ(0U, v.reasons);
		free(r.b);
		if (a)
			break;
	}
	/* one OPEN seen, of 0: already 0 (the smaller of the two) */
	run_init(&r);
	send_open(&r, true, 0, 1 * SEC);
	send_keepalive(&r, false, 2 * SEC);
	EXPECT_EQ(1U, nfsk_bgp_hold_ms(r.s, &ms));
	EXPECT_EQ(0U, ms);
	EXPECT_EQ(0U, silent_at(&r, 3, 600, &v));
	free(r.b);
}

/*
 * A proposes 90 s, B 30 s: 30 s, judged with 667 per mille = 20.01 s of
 * silence, not bgp_hold_ms's 6.003 s; B's KEEPALIVEs stop at 10 s, A's go
 * on every 10 s: B silent at the close at 31 s (quiet 21 s).
 */
TEST(smaller_of_both_ends)
{
	struct nfsk_bgp_verdict v;
	struct sess_run r;
	u32 ms = 0, t;

	run_init(&r);
	send_open(&r, true, 90, 1 * SEC);
	EXPECT_EQ(1U, nfsk_bgp_hold_ms(r.s, &ms));
	EXPECT_EQ(90000U, ms);
	send_open(&r, false, 30, 1 * SEC + MS);
	EXPECT_EQ(2U, nfsk_bgp_hold_ms(r.s, &ms));
	EXPECT_EQ(30000U, ms);
	send_keepalive(&r, false, 10 * SEC);
	for (t = 2; t <= 40; t++) {
		if (t % 10 == 0)
			send_keepalive(&r, true, t * SEC + MS);
		if (nfsk_bgp_close(r.s, &cfg9, t * SEC + 500 * MS, &v))
			break;
	}
	EXPECT_EQ(30U, t);	/* close at 30.5 s: B quiet 20.5 s > 20.01 s */
	EXPECT_EQ((u32)NFSK_BGP_SILENT, v.reasons);
	EXPECT_EQ(20010U, v.threshold_ms);
	EXPECT_EQ(20500U, v.silence_ms);
	/* the order of the OPENs does not matter */
	free(r.b);
	run_init(&r);
	send_open(&r, false, 30, 1 * SEC);
	send_open(&r, true, 90, 1 * SEC + MS);
	EXPECT_EQ(2U, nfsk_bgp_hold_ms(r.s, &ms));
	EXPECT_EQ(30000U, ms);
	free(r.b);
}

/* One OPEN seen: its proposal until the other's comes. */
TEST(one_open_its_proposal)
{
	struct nfsk_bgp_verdict v;
	struct sess_run r;
	u32 ms = 0;

	run_init(&r);
	send_open(&r, false, 15, 1 * SEC);
	send_keepalive(&r, true, 1 * SEC + MS);
	EXPECT_EQ(1U, nfsk_bgp_hold_ms(r.s, &ms));
	EXPECT_EQ(15000U, ms);
	/* 667 per mille of 15 s = 10.005 s: silent at the close at 12 s */
	EXPECT_EQ(12U, silent_at(&r, 2, 60, &v));
	EXPECT_EQ(10005U, v.threshold_ms);
	free(r.b);
}

/* A second OPEN from the same end (forged, or data that looks like one) is ignored. */
TEST(first_open_per_end_counts)
{
	struct sess_run r;
	u32 ms = 0;

	run_init(&r);
	send_open(&r, true, 30, 1 * SEC);
	send_open(&r, false, 30, 1 * SEC + MS);
	send_open(&r, true, 3, 2 * SEC);
	send_open(&r, false, 0, 2 * SEC + MS);
	EXPECT_EQ(2U, nfsk_bgp_hold_ms(r.s, &ms));
	EXPECT_EQ(30000U, ms);
	free(r.b);
}

/*
 * An OPEN only as an end's first data, at its ISN + 1: one that looks
 * like an OPEN elsewhere in the stream (forged, or the first segment seen
 * of a session whose OPEN was lost) sets nothing, before the real OPEN or
 * after it.
 */
TEST(open_only_at_first_data)
{
	struct sess_run r;
	u8 m[64];
	u32 ms = 7, n;

	run_init(&r);
	/* A: an OPEN (hold 3 s) 4096 bytes into A's stream, then the real one */
	n = open_msg(m, 3, 0);
	send_at(&r, true, 1000 + 4096, NFSK_TCP_ACK, m, n, 1 * SEC);
	ASSERT_NE(NULL, r.s);
	EXPECT_EQ(0U, nfsk_bgp_hold_ms(r.s, &ms));
	/* one byte off the first data */
	send_at(&r, true, 1001, NFSK_TCP_ACK, m, n, 1 * SEC);
	EXPECT_EQ(0U, nfsk_bgp_hold_ms(r.s, &ms));
	send_open(&r, true, 30, 1 * SEC + MS);
	EXPECT_EQ(1U, nfsk_bgp_hold_ms(r.s, &ms));
	EXPECT_EQ(30000U, ms);
	/* B: a look-alike at A's first sequence number is not B's */
	send_at(&r, false, 1000, NFSK_TCP_ACK, m, open_msg(m, 3, 0), 2 * SEC);
	EXPECT_EQ(1U, nfsk_bgp_hold_ms(r.s, &ms));
	send_open(&r, false, 60, 2 * SEC + MS);
	EXPECT_EQ(2U, nfsk_bgp_hold_ms(r.s, &ms));
	EXPECT_EQ(30000U, ms);
	free(r.b);

	/* no SYN seen (loaded on an established session): no OPEN learned */
	r.b = calloc(1, sizeof(*r.b));
	send_at(&r, true, 1000, NFSK_TCP_ACK, m, open_msg(m, 3, 0), 1 * SEC);
	ASSERT_NE(NULL, r.s);
	EXPECT_EQ(0U, nfsk_bgp_hold_ms(r.s, &ms));
	EXPECT_EQ(0U, ms);
	free(r.b);
}

/* No OPEN seen (loaded on an established session): bgp_hold_ms. */
TEST(no_open_fallback)
{
	struct nfsk_bgp_verdict v;
	struct sess_run r;
	u32 ms = 7;

	run_init(&r);
	send_keepalive(&r, true, 1 * SEC);
	send_keepalive(&r, false, 1 * SEC + MS);
	EXPECT_EQ(0U, nfsk_bgp_hold_ms(r.s, &ms));
	EXPECT_EQ(0U, ms);
	EXPECT_EQ(8U, silent_at(&r, 2, 60, &v));
	EXPECT_EQ(6003U, v.threshold_ms);
	free(r.b);
}

/*
 * An OPEN behind a KEEPALIVE in one segment, or split over two segments:
 * not seen (no reassembly).
 */
TEST(open_not_at_segment_start_ignored)
{
	struct sess_run r;
	u8 m[64];
	u32 ms = 7, n;

	run_init(&r);
	n = keepalive_msg(m);
	n += open_msg(m + n, 30, 0);
	send(&r, true, m, n, 1 * SEC);
	EXPECT_EQ(0U, nfsk_bgp_hold_ms(r.s, &ms));
	/* split: 20 bytes, then the other 9 */
	n = open_msg(m, 30, 0);
	send(&r, false, m, 20, 1 * SEC + MS);
	send(&r, false, m + 20, n - 20, 1 * SEC + 2 * MS);
	EXPECT_EQ(0U, nfsk_bgp_hold_ms(r.s, &ms));
	EXPECT_EQ(0U, ms);
	/* a head shorter than the OPEN's fields (the caller's copy failed) */
	n = open_msg(m, 30, 0);
	{
		struct nfsk_bgp_seg sg = seg_of(true, r.seq[0], n, NFSK_TCP_ACK,
						2 * SEC, 0, m);

		sg.head_len = NFSK_BGP_OPEN_HEAD - 1;
		nfsk_bgp_segment(r.b, &cfg9, &sg);
		EXPECT_EQ(0U, nfsk_bgp_hold_ms(r.s, &ms));
		sg.head = NULL;
		sg.head_len = 0;
		nfsk_bgp_segment(r.b, &cfg9, &sg);
		EXPECT_EQ(0U, nfsk_bgp_hold_ms(r.s, &ms));
	}
	free(r.b);
}

/* A new connection on the same ends forgets the old OPENs. */
TEST(new_connection_forgets_hold)
{
	struct nfsk_bgp_seg sg;
	struct sess_run r;
	u32 ms = 0;

	run_init(&r);
	send_open(&r, true, 30, 1 * SEC);
	send_open(&r, false, 30, 1 * SEC + MS);
	EXPECT_EQ(2U, nfsk_bgp_hold_ms(r.s, &ms));
	sg = seg_of(true, 77777, 0, NFSK_TCP_SYN, 5 * SEC, 0, NULL);
	EXPECT_EQ(r.s, nfsk_bgp_segment(r.b, &cfg9, &sg));
	EXPECT_EQ(0U, nfsk_bgp_hold_ms(r.s, &ms));
	free(r.b);
}

/*
 * A session with a learned hold of 30 s keeps its way while idle for 20 s
 * (more than bgp_hold_ms, 9 s); at 31 s idle it may be evicted.
 */
TEST(eviction_by_learned_hold)
{
	struct nfsk_bgp_bucket *b = calloc(1, sizeof(*b));
	struct nfsk_bgp_seg sg;
	struct nfsk_bgp_sess *s0;
	u8 m[64];
	u32 n, len = open_msg(m, 30, 0);

	for (n = 0; n < NFSK_BGP_WAYS; n++) {
		sg = seg_of(true, 0, 0, NFSK_TCP_SYN, 1 * SEC, 0, NULL);
		sg.sport = (u16)(40000 + n);
		ASSERT_NE(NULL, nfsk_bgp_segment(b, &cfg9, &sg));
		sg = seg_of(true, 1, len, NFSK_TCP_ACK, 1 * SEC, 0, m);
		sg.sport = (u16)(40000 + n);
		ASSERT_NE(NULL, nfsk_bgp_segment(b, &cfg9, &sg));
	}
	s0 = &b->s[0];
	sg = seg_of(true, 1, 0, NFSK_TCP_ACK, 21 * SEC, 0, NULL);
	sg.sport = 50000;
	EXPECT_EQ(NULL, nfsk_bgp_segment(b, &cfg9, &sg));
	EXPECT_EQ(1U, b->full);
	sg.now_ns = 32 * SEC;
	EXPECT_EQ(s0, nfsk_bgp_segment(b, &cfg9, &sg));
	EXPECT_EQ(1U, b->evicted);
	free(b);
}

TEST_HARNESS_MAIN
