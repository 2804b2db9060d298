/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bank.h - one CPU's statistics for one epoch, and the per-packet update.
 */
#ifndef _NFSKETCH_BANK_H
#define _NFSKETCH_BANK_H

#include <nfsketch/compat.h>
#include <nfsketch/flow.h>
#include <nfsketch/siphash.h>
#include <nfsketch/cms.h>
#include <nfsketch/lcms.h>
#include <nfsketch/sah.h>
#include <nfsketch/entropy.h>

#define NFSK_IPPROTO_ICMP	1
#define NFSK_IPPROTO_TCP	6
#define NFSK_IPPROTO_UDP	17
#define NFSK_IPPROTO_ICMPV6	58

enum nfsk_proto_idx {
	NFSK_PROTO_TCP,
	NFSK_PROTO_UDP,
	NFSK_PROTO_ICMP,
	NFSK_PROTO_ICMPV6,
	NFSK_PROTO_OTHER,
	NFSK_PROTO_MAX,
};

enum nfsk_family_idx {
	NFSK_FAM_V4,
	NFSK_FAM_V6,
	NFSK_FAM_MAX,
};

#define NFSK_TOPK_MAX		32

/* Sizes of one bank; the same for every CPU and epoch of a namespace. */
struct nfsk_geom {
	u32	cms_depth;	/* d <= NFSK_CMS_MAX_DEPTH */
	u32	cms_width;	/* w, power of two */
	u32	sah_entries;	/* power of two, >= 8 (sets of 8 ways) */
	u32	hist_buckets;	/* power of two, per address histogram */
	u32	hist_sample;	/* slots of its sampled-address table */
	u32	topk;		/* flows kept per window, <= NFSK_TOPK_MAX */
	u32	sah_p_fx;	/* initial byte sampling p * 2^32 */
	u32	sah_p_max_fx;	/* ceiling of the adaptation */
	bool	cms_conservative; /* light CMS update (lcms.c), off */
};

struct nfsk_bank {
	struct nfsk_lcms	lcms;	/* light packets only, narrow */
	struct nfsk_sah		sah;
	struct nfsk_hist	src;
	struct nfsk_hist	dst;
	u64			packets;
	u64			bytes;
	u64			truncated;	/* too short to parse */
	u64			proto[NFSK_PROTO_MAX];	/* packets */
	u64			family[NFSK_FAM_MAX];	/* packets */
};

void nfsk_geom_default(struct nfsk_geom *g);
bool nfsk_geom_ok(const struct nfsk_geom *g);
/* Bytes the caller provides to nfsk_bank_init(); 64-byte aligned. */
u64 nfsk_bank_size(const struct nfsk_geom *g);
void nfsk_bank_init(struct nfsk_bank *b, const struct nfsk_geom *g, u64 seed,
		    void *mem);
/* Zero all counts for reuse; keeps geometry, p and the PRNG state. */
void nfsk_bank_clear(struct nfsk_bank *b);
void nfsk_bank_set_p(struct nfsk_bank *b, u32 p_fx);

/*
 * The per-packet update: one flow hash, then CMS, S&H, histograms and
 * counters. No lock: the caller owns the bank (its CPU, bh disabled).
 */
void nfsk_bank_update(struct nfsk_bank *b, const struct nfsk_hash_key *hk,
		      const struct nfsk_flow_key *fk, u32 len);
/* A packet seen but not parsed: counted in totals and truncated only. */
void nfsk_bank_truncated(struct nfsk_bank *b, u32 len);

#endif /* _NFSKETCH_BANK_H */
