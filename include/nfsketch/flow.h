/* SPDX-License-Identifier: GPL-2.0 */
/*
 * flow.h - the flow key the core hashes, counts and reports.
 *
 * Both address families share one layout (IPv4 as IPv4-mapped IPv6) so one
 * hash and one table serve both. The key is exactly five 64-bit words with
 * explicit padding: the hash reads whole words, so every byte must be defined,
 * which nfsk_flow_key_v4()/_v6() guarantee by zeroing first.
 */
#ifndef _NFSKETCH_FLOW_H
#define _NFSKETCH_FLOW_H

#include <nfsketch/compat.h>

/* AF_INET / AF_INET6 values, without pulling in a socket header. */
#define NFSK_AF_INET		2
#define NFSK_AF_INET6		10

#define NFSK_FLOW_KEY_WORDS	5

struct nfsk_flow_key {
	union {
		struct {
			u8	saddr[16];
			u8	daddr[16];
			u16	sport;	/* network order; ICMP: type */
			u16	dport;	/* network order; ICMP: code */
			u8	family;	/* NFSK_AF_INET or NFSK_AF_INET6 */
			u8	proto;	/* IPPROTO_* */
			u8	pad[2];	/* always zero */
		};
		u64	w[NFSK_FLOW_KEY_WORDS];
	};
};

static inline void nfsk_flow_key_zero(struct nfsk_flow_key *k)
{
	memset(k, 0, sizeof(*k));
}

/* Fill an IPv4 key; addresses as the four wire bytes, ports as on the wire. */
static inline void nfsk_flow_key_v4(struct nfsk_flow_key *k, const u8 *saddr,
				    const u8 *daddr, u8 proto, u16 sport,
				    u16 dport)
{
	nfsk_flow_key_zero(k);
	k->saddr[10] = 0xff;
	k->saddr[11] = 0xff;
	memcpy(&k->saddr[12], saddr, 4);
	k->daddr[10] = 0xff;
	k->daddr[11] = 0xff;
	memcpy(&k->daddr[12], daddr, 4);
	k->family = NFSK_AF_INET;
	k->proto = proto;
	k->sport = sport;
	k->dport = dport;
}

static inline void nfsk_flow_key_v6(struct nfsk_flow_key *k, const u8 *saddr,
				    const u8 *daddr, u8 proto, u16 sport,
				    u16 dport)
{
	nfsk_flow_key_zero(k);
	memcpy(k->saddr, saddr, 16);
	memcpy(k->daddr, daddr, 16);
	k->family = NFSK_AF_INET6;
	k->proto = proto;
	k->sport = sport;
	k->dport = dport;
}

static inline bool nfsk_flow_key_eq(const struct nfsk_flow_key *a,
				    const struct nfsk_flow_key *b)
{
	return !((a->w[0] ^ b->w[0]) | (a->w[1] ^ b->w[1]) |
		 (a->w[2] ^ b->w[2]) | (a->w[3] ^ b->w[3]) |
		 (a->w[4] ^ b->w[4]));
}

#endif /* _NFSKETCH_FLOW_H */
