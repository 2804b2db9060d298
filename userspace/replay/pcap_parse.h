/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pcap_parse.h - a captured frame to the flow key and length the kernel's
 * hooks would have used for the same packet (kmod/parse.c, kmod/hooks.c).
 */
#ifndef NFSK_REPLAY_PCAP_PARSE_H
#define NFSK_REPLAY_PCAP_PARSE_H

#include <nfsketch/compat.h>
#include <nfsketch/flow.h>

enum rp_verdict {
	RP_IP,		/* key and len valid: nfsk_bank_update() */
	RP_TRUNCATED,	/* IP ethertype, network header cut or not IPv4/IPv6:
			 * nfsk_bank_truncated(len) */
	RP_UNKNOWN,	/* not IP (ARP, ...) or link header cut: crosses no
			 * IP hook, ignored */
};

/* Link types (pcap_datalink() values) the replay understands. */
bool rp_linktype_ok(int dlt);
const char *rp_linktype_name(int dlt);

/*
 * @data: @caplen captured bytes of a frame of @wirelen bytes on the wire.
 * Fills @key and @len (the L3 length the kernel's skb->len would have at
 * PRE_ROUTING / LOCAL_OUT) and returns the verdict.
 */
enum rp_verdict rp_parse(int dlt, const u8 *data, u32 caplen, u32 wirelen,
			 struct nfsk_flow_key *key, u32 *len);

/*
 * The network layer alone: @p holds @cap bytes of an L3 packet of @wire
 * bytes; @ver is 4, 6 or 0 (take it from the version nibble).
 */
enum rp_verdict rp_parse_l3(const u8 *p, u32 cap, u32 wire, int ver,
			    struct nfsk_flow_key *key, u32 *len);

#endif
