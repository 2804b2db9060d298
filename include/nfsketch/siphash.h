/* SPDX-License-Identifier: GPL-2.0 */
/*
 * siphash.h - keyed hashes of flow keys and addresses.
 *
 * nfsk_flow_hash() is the one hash computed per packet; kmod/core/siphash.c
 * says why it is the keyed multiply-add-shift family and not SipHash.
 */
#ifndef _NFSKETCH_SIPHASH_H
#define _NFSKETCH_SIPHASH_H

#include <nfsketch/compat.h>
#include <nfsketch/flow.h>

#define NFSK_MS_KEY_WORDS	(2 * NFSK_FLOW_KEY_WORDS + 2)
#define NFSK_ADDR_KEY_WORDS	5

/*
 * The caller fills k0/k1 from a random source (or the operator's 16-byte
 * key) and calls nfsk_hash_key_expand(), which derives the other words from
 * them: the same k0/k1 give the same hashes in the kernel and in replay.
 */
struct nfsk_hash_key {
	u64	k0, k1;				/* SipHash key */
	u64	ms[NFSK_MS_KEY_WORDS];		/* flow multiply-add-shift */
	u64	addr[NFSK_ADDR_KEY_WORDS];	/* address pair-multiply-shift */
};

void nfsk_hash_key_expand(struct nfsk_hash_key *hk);

/*
 * A one-way 64-bit digest of the key (SipHash-2-4 as a PRF of a fixed
 * label): published so that routers can check they share a key, and
 * `nfsketch merge` that its dumps do, without the key being shown.
 */
u64 nfsk_hash_key_fingerprint(const struct nfsk_hash_key *hk);

/* SipHash over bytes, little-endian as in the paper (reference vectors). */
u64 nfsk_siphash24(const struct nfsk_hash_key *hk, const void *data,
		   u32 len);
u64 nfsk_siphash13(const struct nfsk_hash_key *hk, const void *data,
		   u32 len);

/* The same over a flow key's five words (equal to the above on LE hosts). */
u64 nfsk_flow_hash_sip24(const struct nfsk_hash_key *hk,
			 const struct nfsk_flow_key *fk);
u64 nfsk_flow_hash_sip13(const struct nfsk_hash_key *hk,
			 const struct nfsk_flow_key *fk);

/*
 * Dietzfelbinger's multiply-add-shift over the five 64-bit words with
 * 128-bit multipliers: h(x) = ((sum a_i x_i + b) mod 2^128) >> 64,
 * strongly universal onto 64 bits. Carries of the low half are kept.
 */
static inline void nfsk_ms_step(u64 *lo, u64 *hi, const u64 *a, u64 x)
{
	u64 plo = a[0] * x;

	*hi += nfsk_mul_hi64(a[0], x) + a[1] * x;
	*lo += plo;
	*hi += *lo < plo;
}

static inline u64 nfsk_flow_hash_ms(const struct nfsk_hash_key *hk,
				    const struct nfsk_flow_key *fk)
{
	const u64 *a = hk->ms;
	u64 lo = a[10], hi = a[11];

	/* unrolled: the five products are independent and overlap */
	nfsk_ms_step(&lo, &hi, a, fk->w[0]);
	nfsk_ms_step(&lo, &hi, a + 2, fk->w[1]);
	nfsk_ms_step(&lo, &hi, a + 4, fk->w[2]);
	nfsk_ms_step(&lo, &hi, a + 6, fk->w[3]);
	nfsk_ms_step(&lo, &hi, a + 8, fk->w[4]);
	return hi;
}

/*
 * The per-packet flow hash. Never 0: 0 marks an empty Sample-and-Hold way,
 * and the CMS and the S&H tag must see the same value.
 */
static inline u64 nfsk_flow_hash(const struct nfsk_hash_key *hk,
				 const struct nfsk_flow_key *fk)
{
	u64 h = nfsk_flow_hash_ms(hk, fk);

	return h | (h == 0);
}

/*
 * Thorup's pair-multiply-shift over the address's four 32-bit words:
 * 2-universal on the top 32 bits of the result, two multiplies.
 */
static inline u64 nfsk_addr_hash(const struct nfsk_hash_key *hk,
				 const u8 *addr)
{
	const u64 *a = hk->addr;
	u64 x0, x1;

	memcpy(&x0, addr, 8);
	memcpy(&x1, addr + 8, 8);
	return (a[0] + (x0 >> 32)) * (a[1] + (u32)x0) +
	       (a[2] + (x1 >> 32)) * (a[3] + (u32)x1) + a[4];
}

#endif /* _NFSKETCH_SIPHASH_H */
