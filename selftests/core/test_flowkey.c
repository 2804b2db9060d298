// SPDX-License-Identifier: GPL-2.0
/*
 * The flow key (include/nfsketch/flowkey.h) over hand-made packets, each
 * against the key written out by hand from RFC 791 / 8200 layouts (the
 * oracle), and the same bytes through the replay's frame parser
 * (userspace/replay/pcap_parse.c, raw-IP link type), which must give the
 * same key: header rules, options, fragments, IPv6 extension headers, ICMP
 * type/code, cut captures.
 */
#include <arpa/inet.h>
#include "kselftest_harness.h"
#include <nfsketch/flowkey.h>
/* the replay's parser, compiled in: it needs libpcap's headers only */
#include "../../userspace/replay/pcap_parse.c"

struct buf_pkt {
	const u8	*p;
	u32		len;
};

static const u8 *buf_read(void *pkt, u32 off, u32 n, u8 *buf)
{
	const struct buf_pkt *b = pkt;

	if (off > b->len || b->len - off < n)
		return NULL;
	return b->p + off;
}

struct pkt {
	u8	b[256];
	u32	len;
};

static void put16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* IPv4 header of @ihl words, protocol @proto, @frag (flags|offset), payload @pl. */
static u8 *v4(struct pkt *k, u8 ihl, u8 proto, u16 frag, u32 pl)
{
	u32 sum = 0, i;
	u8 *h = k->b;

	memset(k, 0, sizeof(*k));
	h[0] = 0x40 | ihl;
	put16(h + 2, ihl * 4 + pl);
	put16(h + 6, frag);
	h[8] = 64;
	h[9] = proto;
	memcpy(h + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
	for (i = 0; i < ihl * 4u; i += 2)
		sum += (u32)(h[i] << 8 | h[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put16(h + 10, (u16)~sum);
	k->len = ihl * 4 + pl;
	return h + ihl * 4;
}

static u8 *v6(struct pkt *k, u8 nexthdr, u32 pl)
{
	u8 *h = k->b;

	memset(k, 0, sizeof(*k));
	h[0] = 0x60;
	put16(h + 4, pl);
	h[6] = nexthdr;
	h[7] = 64;
	h[8] = 0x20; h[9] = 0x01; h[10] = 0x0d; h[11] = 0xb8; h[23] = 1;
	h[24] = 0x20; h[25] = 0x01; h[26] = 0x0d; h[27] = 0xb8; h[39] = 2;
	k->len = 40 + pl;
	return h + 40;
}

static const u8 a4s[4] = { 10, 0, 0, 1 }, a4d[4] = { 10, 0, 0, 2 };
static const u8 a6s[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const u8 a6d[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

/*
 * @k's first @cap bytes through the core and through the replay; both
 * must give @want (the hand-written key) and the core @verdict.
 */
static int same_key(struct __test_metadata *_metadata, const struct pkt *k,
		    u32 cap, const struct nfsk_flow_key *want,
		    enum nfsk_fk_verdict verdict, bool proto_unknown)
{
	struct buf_pkt bp = { k->b, cap };
	struct nfsk_flow_key key;
	struct rp_result res;
	enum nfsk_fk_verdict v;

	nfsk_flow_key_zero(&key);
	v = (k->b[0] >> 4) == 4 ? nfsk_fk_ipv4(buf_read, &bp, &key) :
				   nfsk_fk_ipv6(buf_read, &bp, &key);
	EXPECT_EQ((int)verdict, (int)v);
	EXPECT_EQ(0, memcmp(&key, want, sizeof(key))) {
		TH_LOG("core: proto %u sport %04x dport %04x, want %u %04x %04x",
		       key.proto, ntohs(key.sport), ntohs(key.dport),
		       want->proto, ntohs(want->sport), ntohs(want->dport));
	}
	EXPECT_EQ((int)RP_IP, (int)rp_parse(DLT_RAW, k->b, cap, k->len, &res));
	EXPECT_EQ(k->len, res.len);
	EXPECT_EQ(proto_unknown, res.proto_unknown);
	EXPECT_EQ(0, memcmp(&res.key, want, sizeof(res.key))) {
		TH_LOG("replay: proto %u sport %04x dport %04x",
		       res.key.proto, ntohs(res.key.sport), ntohs(res.key.dport));
	}
	return 0;
}

TEST(ipv4)
{
	struct nfsk_flow_key want;
	struct pkt k;
	u8 *l4;

	/* UDP 1234 -> 53 */
	l4 = v4(&k, 5, 17, 0, 8);
	put16(l4, 1234);
	put16(l4 + 2, 53);
	nfsk_flow_key_v4(&want, a4s, a4d, 17, htons(1234), htons(53));
	same_key(_metadata, &k, k.len, &want, NFSK_FK_KEY, false);

	/* TCP behind 4 bytes of options (IHL 6, end-of-options) */
	l4 = v4(&k, 6, 6, 0, 20);
	put16(l4, 40000);
	put16(l4 + 2, 443);
	nfsk_flow_key_v4(&want, a4s, a4d, 6, htons(40000), htons(443));
	same_key(_metadata, &k, k.len, &want, NFSK_FK_KEY, false);

	/* ICMP echo request: type 8, code 0 in the port slots */
	l4 = v4(&k, 5, 1, 0, 8);
	l4[0] = 8;
	l4[1] = 0;
	nfsk_flow_key_v4(&want, a4s, a4d, 1, htons(8), htons(0));
	same_key(_metadata, &k, k.len, &want, NFSK_FK_KEY, false);

	/* ICMP destination unreachable, port unreachable: 3 / 3 */
	l4 = v4(&k, 5, 1, 0, 8);
	l4[0] = 3;
	l4[1] = 3;
	nfsk_flow_key_v4(&want, a4s, a4d, 1, htons(3), htons(3));
	same_key(_metadata, &k, k.len, &want, NFSK_FK_KEY, false);

	/* non-first fragment (offset 185 x 8): no ports */
	l4 = v4(&k, 5, 17, 185, 8);
	put16(l4, 1234);
	nfsk_flow_key_v4(&want, a4s, a4d, 17, 0, 0);
	same_key(_metadata, &k, k.len, &want, NFSK_FK_KEY, false);

	/* first fragment (MF set, offset 0): ports */
	l4 = v4(&k, 5, 17, 0x2000, 8);
	put16(l4, 7);
	put16(l4 + 2, 9);
	nfsk_flow_key_v4(&want, a4s, a4d, 17, htons(7), htons(9));
	same_key(_metadata, &k, k.len, &want, NFSK_FK_KEY, false);

	/* capture cut inside the UDP ports: addresses only */
	l4 = v4(&k, 5, 17, 0, 8);
	put16(l4, 1234);
	put16(l4 + 2, 53);
	nfsk_flow_key_v4(&want, a4s, a4d, 17, 0, 0);
	same_key(_metadata, &k, 23, &want, NFSK_FK_KEY, false);
}

TEST(ipv6)
{
	struct nfsk_flow_key want;
	struct pkt k;
	u8 *x;

	/* TCP directly */
	x = v6(&k, 6, 20);
	put16(x, 5555);
	put16(x + 2, 22);
	nfsk_flow_key_v6(&want, a6s, a6d, 6, htons(5555), htons(22));
	same_key(_metadata, &k, k.len, &want, NFSK_FK_KEY, false);

	/* hop-by-hop (8) + destination options (16) + UDP */
	x = v6(&k, 0, 8 + 16 + 8);
	x[0] = 60;		/* -> destination options */
	x[1] = 0;
	x[2] = 1;		/* PadN */
	x[3] = 4;
	x[8] = 17;		/* -> UDP */
	x[9] = 1;		/* 16 bytes */
	x[10] = 1;
	x[11] = 12;
	put16(x + 24, 4000);
	put16(x + 26, 4001);
	nfsk_flow_key_v6(&want, a6s, a6d, 17, htons(4000), htons(4001));
	same_key(_metadata, &k, k.len, &want, NFSK_FK_KEY, false);

	/* routing header (type 0 ignored) + first fragment + UDP: ports */
	x = v6(&k, 43, 8 + 8 + 8);
	x[0] = 44;
	x[1] = 0;
	x[8] = 17;		/* fragment header, offset 0, M set */
	put16(x + 10, 1);
	put16(x + 16, 123);
	put16(x + 18, 321);
	nfsk_flow_key_v6(&want, a6s, a6d, 17, htons(123), htons(321));
	same_key(_metadata, &k, k.len, &want, NFSK_FK_KEY, false);

	/* non-first fragment: protocol from the fragment header, no ports */
	x = v6(&k, 44, 8 + 8);
	x[0] = 6;
	put16(x + 2, 100 << 3);
	put16(x + 8, 80);
	nfsk_flow_key_v6(&want, a6s, a6d, 6, 0, 0);
	same_key(_metadata, &k, k.len, &want, NFSK_FK_KEY, false);

	/* AH (length in 4-byte units: (2 + 2) * 4 = 16) + ICMPv6 echo */
	x = v6(&k, 51, 16 + 8);
	x[0] = 58;
	x[1] = 2;
	x[16] = 128;
	x[17] = 0;
	nfsk_flow_key_v6(&want, a6s, a6d, 58, htons(128), htons(0));
	same_key(_metadata, &k, k.len, &want, NFSK_FK_KEY, false);

	/* no next header */
	x = v6(&k, 59, 0);
	nfsk_flow_key_v6(&want, a6s, a6d, 59, 0, 0);
	same_key(_metadata, &k, k.len, &want, NFSK_FK_KEY, false);

	/* destination options the capture cut before its first two bytes */
	x = v6(&k, 60, 16 + 8);
	x[0] = 17;
	x[1] = 1;
	nfsk_flow_key_v6(&want, a6s, a6d, 59, 0, 0);
	same_key(_metadata, &k, 41, &want, NFSK_FK_PROTO_CUT, true);

	/* a fragment header the capture cut: proto 59 */
	x = v6(&k, 60, 8 + 8 + 8);
	x[0] = 44;
	x[8] = 6;
	put16(x + 10, 100 << 3);
	nfsk_flow_key_v6(&want, a6s, a6d, 59, 0, 0);
	same_key(_metadata, &k, 48, &want, NFSK_FK_PROTO_CUT, true);
}

TEST_HARNESS_MAIN
