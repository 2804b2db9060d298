// SPDX-License-Identifier: GPL-2.0
/*
 * Flow key layout and keyed hashes: SipHash-2-4 against the paper's
 * reference vectors, the flow-key SipHash against the byte SipHash, the
 * multiply-add-shift against a 128-bit oracle, and uniformity of the bits
 * the sketches use.
 */
#include <stdlib.h>
#include <stddef.h>
#include "kselftest_harness.h"
#include <nfsketch/siphash.h>
#include "siphash_vectors.h"
#include "zipf.h"

static u64 le64(const unsigned char *p)
{
	u64 v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

TEST(flow_key_layout)
{
	struct nfsk_flow_key k;
	u8 s[4] = { 192, 0, 2, 1 }, d[4] = { 198, 51, 100, 7 };
	static const u8 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	ASSERT_EQ(40UL, sizeof(k));
	ASSERT_EQ(0UL, offsetof(struct nfsk_flow_key, saddr));
	ASSERT_EQ(16UL, offsetof(struct nfsk_flow_key, daddr));
	memset(&k, 0xaa, sizeof(k));
	nfsk_flow_key_v4(&k, s, d, 6, 0x5000, 0xbb01);
	ASSERT_EQ(0, memcmp(k.saddr, mapped, 12));
	ASSERT_EQ(0, memcmp(k.saddr + 12, s, 4));
	ASSERT_EQ(0, memcmp(k.daddr + 12, d, 4));
	ASSERT_EQ(NFSK_AF_INET, k.family);
	ASSERT_EQ(0, k.pad[0]);
	ASSERT_EQ(0, k.pad[1]);
	ASSERT_EQ(0x5000, k.sport);
}

TEST(sip24_reference_vectors)
{
	struct nfsk_hash_key hk = {
		.k0 = 0x0706050403020100ULL,
		.k1 = 0x0f0e0d0c0b0a0908ULL,
	};
	unsigned char msg[64];
	int n;

	for (n = 0; n < 64; n++)
		msg[n] = (unsigned char)n;
	for (n = 0; n < 64; n++)
		ASSERT_EQ(le64(siphash24_vectors[n]),
			  nfsk_siphash24(&hk, msg, n)) TH_LOG("length %d", n);
}

TEST(flow_sip_equals_byte_sip)
{
	struct nfsk_hash_key hk;
	struct trace t = { 0 };
	u32 i;

	t.keys = calloc(1000, sizeof(*t.keys));
	t.src_host = calloc(1000, 4);
	t.dst_host = calloc(1000, 4);
	trace_hash_key(&hk, 42);
	for (i = 0; i < 1000; i++) {
		trace_key(&t, i, 7);
		/* the host is little-endian: the five words are the bytes */
		ASSERT_EQ(nfsk_siphash24(&hk, &t.keys[i], 40),
			  nfsk_flow_hash_sip24(&hk, &t.keys[i]));
		ASSERT_EQ(nfsk_siphash13(&hk, &t.keys[i], 40),
			  nfsk_flow_hash_sip13(&hk, &t.keys[i]));
	}
	free(t.keys);
	free(t.src_host);
	free(t.dst_host);
}

static __attribute__((noinline)) u64 ms_oracle(const struct nfsk_hash_key *hk,
		     const struct nfsk_flow_key *k)
{
	unsigned __int128 acc, a;
	int i;

	acc = ((unsigned __int128)hk->ms[11] << 64) | hk->ms[10];
	for (i = 0; i < 5; i++) {
		a = ((unsigned __int128)hk->ms[2 * i + 1] << 64) | hk->ms[2 * i];
		acc += a * k->w[i];
	}
	return (u64)(acc >> 64);
}

TEST(multiply_shift_oracle)
{
	struct nfsk_hash_key hk;
	struct nfsk_flow_key k;
	u64 s = 99;
	int i, j;

	for (i = 0; i < 20000; i++) {
		trace_hash_key(&hk, i);
		for (j = 0; j < 5; j++)
			k.w[j] = trace_rand(&s);
		if (i & 1)
			k.w[i % 5] = ~0ULL;	/* exercise the carries */
		ASSERT_EQ(ms_oracle(&hk, &k), nfsk_flow_hash_ms(&hk, &k));
	}
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* chi-square of 1024 buckets with 1023 degrees of freedom */
static double chi2(const u32 *c, u32 nb, u32 n)
{
	double e = (double)n / nb, x = 0;
	u32 i;

	for (i = 0; i < nb; i++)
		x += (c[i] - e) * (c[i] - e) / e;
	return x;
}

TEST(flow_hash_uniform_no_collisions)
{
	const u32 n = 1 << 20;
	struct nfsk_hash_key hk;
	struct nfsk_flow_key k;
	u32 top[1024] = { 0 }, low[1024] = { 0 };
	u64 *h = malloc(sizeof(u64) * n);
	u8 s[4] = { 10, 0, 0, 1 }, d[4] = { 10, 0, 0, 2 };
	double xt, xl;
	u32 i;

	trace_hash_key(&hk, 1);
	for (i = 0; i < n; i++) {
		/* structured keys: consecutive ports and hosts */
		s[3] = (u8)i;
		s[2] = (u8)(i >> 8);
		nfsk_flow_key_v4(&k, s, d, 17, (u16)(i >> 16), 53);
		h[i] = nfsk_flow_hash(&hk, &k);
		ASSERT_NE(0UL, h[i]);
		top[h[i] >> 54]++;
		low[h[i] & 1023]++;
	}
	xt = chi2(top, 1024, n);
	xl = chi2(low, 1024, n);
	TH_LOG("chi2 top bits %.0f low bits %.0f (dof 1023)", xt, xl);
	/* 1023 dof: mean 1023, sd 45; 1300 is 6 sd */
	ASSERT_LT(xt, 1300);
	ASSERT_LT(xl, 1300);
	qsort(h, n, sizeof(u64), cmp_u64);
	for (i = 1; i < n; i++)
		ASSERT_NE(h[i - 1], h[i]);
	free(h);
}

TEST(addr_hash_uniform)
{
	const u32 n = 1 << 20;
	struct nfsk_hash_key hk;
	u32 top[1024] = { 0 };
	u8 a[16] = { 0 };
	u32 i;

	trace_hash_key(&hk, 2);
	a[10] = 0xff;
	a[11] = 0xff;
	for (i = 0; i < n; i++) {
		a[12] = 10;
		a[13] = (u8)(i >> 16);
		a[14] = (u8)(i >> 8);
		a[15] = (u8)i;
		top[nfsk_addr_hash(&hk, a) >> 54]++;
	}
	TH_LOG("chi2 address buckets %.0f (dof 1023)", chi2(top, 1024, n));
	ASSERT_LT(chi2(top, 1024, n), 1300);
}

TEST(key_expand_deterministic)
{
	struct nfsk_hash_key a, b;

	trace_hash_key(&a, 5);
	memset(&b, 0, sizeof(b));
	b.k0 = a.k0;
	b.k1 = a.k1;
	nfsk_hash_key_expand(&b);
	ASSERT_EQ(0, memcmp(&a, &b, sizeof(a)));
	b.k1 ^= 1;
	nfsk_hash_key_expand(&b);
	ASSERT_NE(a.ms[0], b.ms[0]);
	ASSERT_NE(a.addr[0], b.addr[0]);
}

/*
 * The published fingerprint: a function of k0/k1 alone (the same however
 * the rest was expanded), moved by any bit of either, and none of the
 * words a sketch hashes with (which would give those away).
 */
TEST(key_fingerprint)
{
	struct nfsk_hash_key a, b;
	u64 fp;
	int bit, i;

	trace_hash_key(&a, 7);
	fp = nfsk_hash_key_fingerprint(&a);
	memset(&b, 0xa5, sizeof(b));
	b.k0 = a.k0;
	b.k1 = a.k1;
	ASSERT_EQ(fp, nfsk_hash_key_fingerprint(&b));
	ASSERT_NE(fp, a.k0);
	ASSERT_NE(fp, a.k1);
	for (i = 0; i < NFSK_MS_KEY_WORDS; i++)
		ASSERT_NE(fp, a.ms[i]);
	for (i = 0; i < NFSK_ADDR_KEY_WORDS; i++)
		ASSERT_NE(fp, a.addr[i]);
	for (bit = 0; bit < 128; bit++) {
		b.k0 = a.k0 ^ (bit < 64 ? 1ULL << bit : 0);
		b.k1 = a.k1 ^ (bit >= 64 ? 1ULL << (bit - 64) : 0);
		ASSERT_NE(fp, nfsk_hash_key_fingerprint(&b)) TH_LOG("bit %d", bit);
	}
}

TEST_HARNESS_MAIN
