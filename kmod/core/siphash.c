// SPDX-License-Identifier: GPL-2.0
/*
 * Keyed hashing of flow keys.
 *
 * Every packet needs one 64-bit hash of its 40-byte flow key: the Count-Min
 * rows, the Sample-and-Hold set and tag all come from it. It must be keyed
 * with a per-namespace random key, or an attacker who knows the function
 * can aim flows at one sketch cell or one S&H set.
 *
 * Three candidates were measured by userspace/bench (gcc 12 -O2, generic
 * x86-64, 2.6 GHz EPYC VM; 1M-packet Zipf trace of 100k flows, key of each
 * packet in a sequential array as the hook has it on its stack; median of
 * 7 runs, three runs of the bench, ns per hash):
 *
 *	SipHash-2-4 over the 5 words		22 - 29 ns
 *	SipHash-1-3 over the 5 words		15 - 19 ns
 *	multiply-add-shift, 128-bit keys	 6 -  7 ns
 *
 * The whole per-packet budget is about 20 ns: SipHash-2-4 alone would
 * exceed it, SipHash-1-3 take most of it. The hot path therefore uses
 * Dietzfelbinger's multiply-add-shift (strongly universal: two distinct
 * keys collide on the 64 output bits with probability 2^-64 over the random
 * key), which is exactly what the sketches' guarantees assume of their
 * hash. It is not a PRF: whoever observes many outputs could learn the
 * key, so hash values (S&H tags, nfsk_flow_stat.hash) must never leave the
 * kernel; the only observable effect is a sketch error bounded by the
 * table sizes. SipHash-2-4 stays as the PRF that expands the 16-byte key
 * into the multiply-shift words, so kernel and offline replay agree.
 */
#include <nfsketch/siphash.h>

static inline u64 nfsk_rotl64(u64 x, unsigned int r)
{
	return (x << r) | (x >> (64 - r));
}

struct nfsk_sip {
	u64 v0, v1, v2, v3;
};

static inline void nfsk_sipround(struct nfsk_sip *s)
{
	s->v0 += s->v1;
	s->v1 = nfsk_rotl64(s->v1, 13);
	s->v1 ^= s->v0;
	s->v0 = nfsk_rotl64(s->v0, 32);
	s->v2 += s->v3;
	s->v3 = nfsk_rotl64(s->v3, 16);
	s->v3 ^= s->v2;
	s->v0 += s->v3;
	s->v3 = nfsk_rotl64(s->v3, 21);
	s->v3 ^= s->v0;
	s->v2 += s->v1;
	s->v1 = nfsk_rotl64(s->v1, 17);
	s->v1 ^= s->v2;
	s->v2 = nfsk_rotl64(s->v2, 32);
}

static inline void nfsk_sip_init(struct nfsk_sip *s,
				 const struct nfsk_hash_key *hk)
{
	s->v0 = hk->k0 ^ 0x736f6d6570736575ULL;
	s->v1 = hk->k1 ^ 0x646f72616e646f6dULL;
	s->v2 = hk->k0 ^ 0x6c7967656e657261ULL;
	s->v3 = hk->k1 ^ 0x7465646279746573ULL;
}

static inline void nfsk_sip_block(struct nfsk_sip *s, u64 m, unsigned int c)
{
	unsigned int i;

	s->v3 ^= m;
	for (i = 0; i < c; i++)
		nfsk_sipround(s);
	s->v0 ^= m;
}

static inline u64 nfsk_sip_final(struct nfsk_sip *s, unsigned int d)
{
	unsigned int i;

	s->v2 ^= 0xff;
	for (i = 0; i < d; i++)
		nfsk_sipround(s);
	return s->v0 ^ s->v1 ^ s->v2 ^ s->v3;
}

static inline u64 nfsk_le64(const u8 *p, unsigned int n)
{
	u64 v = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		v |= (u64)p[i] << (8 * i);
	return v;
}

static inline u64 nfsk_siphash_cd(const struct nfsk_hash_key *hk,
				  const void *data, u32 len, unsigned int c,
				  unsigned int d)
{
	const u8 *p = data;
	struct nfsk_sip s;
	u32 left = len;

	nfsk_sip_init(&s, hk);
	for (; left >= 8; left -= 8, p += 8)
		nfsk_sip_block(&s, nfsk_le64(p, 8), c);
	nfsk_sip_block(&s, nfsk_le64(p, left) | ((u64)len << 56), c);
	return nfsk_sip_final(&s, d);
}

u64 nfsk_siphash24(const struct nfsk_hash_key *hk, const void *data, u32 len)
{
	return nfsk_siphash_cd(hk, data, len, 2, 4);
}

u64 nfsk_siphash13(const struct nfsk_hash_key *hk, const void *data, u32 len)
{
	return nfsk_siphash_cd(hk, data, len, 1, 3);
}

static inline u64 nfsk_flow_sip(const struct nfsk_hash_key *hk,
				const struct nfsk_flow_key *fk, unsigned int c,
				unsigned int d)
{
	struct nfsk_sip s;
	unsigned int i;

	nfsk_sip_init(&s, hk);
	for (i = 0; i < NFSK_FLOW_KEY_WORDS; i++)
		nfsk_sip_block(&s, fk->w[i], c);
	nfsk_sip_block(&s, (u64)sizeof(*fk) << 56, c);
	return nfsk_sip_final(&s, d);
}

u64 nfsk_flow_hash_sip24(const struct nfsk_hash_key *hk,
			 const struct nfsk_flow_key *fk)
{
	return nfsk_flow_sip(hk, fk, 2, 4);
}

u64 nfsk_flow_hash_sip13(const struct nfsk_hash_key *hk,
			 const struct nfsk_flow_key *fk)
{
	return nfsk_flow_sip(hk, fk, 1, 3);
}

void nfsk_hash_key_expand(struct nfsk_hash_key *hk)
{
	u64 i;
	u8 ctr[8];

	/* SipHash-2-4 as a PRF in counter mode; ctr is "ms" or "ad" + index. */
	for (i = 0; i < NFSK_MS_KEY_WORDS; i++) {
		memcpy(ctr, "ms", 2);
		ctr[2] = (u8)i;
		memset(ctr + 3, 0, 5);
		hk->ms[i] = nfsk_siphash24(hk, ctr, sizeof(ctr));
	}
	for (i = 0; i < NFSK_ADDR_KEY_WORDS; i++) {
		memcpy(ctr, "ad", 2);
		ctr[2] = (u8)i;
		memset(ctr + 3, 0, 5);
		hk->addr[i] = nfsk_siphash24(hk, ctr, sizeof(ctr));
	}
}

u64 nfsk_hash_key_fingerprint(const struct nfsk_hash_key *hk)
{
	/* 16 bytes: never one of nfsk_hash_key_expand()'s 8-byte inputs */
	static const u8 label[16] = "nfsk key fprint";

	return nfsk_siphash24(hk, label, sizeof(label));
}
