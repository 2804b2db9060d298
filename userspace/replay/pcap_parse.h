/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pcap_parse.h - a captured frame to the flow key and length the kernel's
 * hooks would have used for the same packet (kmod/parse.c, kmod/hooks.c),
 * or the reason the kernel would never have shown it to a hook.
 */
#ifndef NFSK_REPLAY_PCAP_PARSE_H
#define NFSK_REPLAY_PCAP_PARSE_H

#include <nfsketch/compat.h>
#include <nfsketch/flow.h>

enum rp_verdict {
	RP_IP,		/* key and len valid: nfsk_bank_update() */
	RP_TRUNCATED,	/* IP, but the capture cut the network header before
			 * it could be read and checked: nfsk_bank_truncated() */
	RP_UNKNOWN,	/* not IP (ARP, ...) or link header cut: crosses no
			 * IP hook, ignored */
	RP_INVALID,	/* IP ethertype / link type, but ip_rcv_core() or
			 * ip6_rcv_core() drops it before PRE_ROUTING */
	RP_LOOPBACK_IN,	/* the incoming copy of a loopback packet: the
			 * module counts loopback at LOCAL_OUT only */
};

/* Why a frame is RP_INVALID (the kernel's check that drops it). */
enum rp_invalid {
	RP_INV_NONE,
	RP_INV_VERSION,		/* version nibble vs ethertype / link type */
	RP_INV_HDR_LEN,		/* IPv4 ihl < 5, or wire shorter than a header */
	RP_INV_CSUM,		/* IPv4 header checksum */
	RP_INV_TOT_LEN,		/* IPv4 tot_len < ihl * 4 */
	RP_INV_TOO_LONG,	/* tot_len / 40 + payload_len above the wire */
	RP_INV_ADDR,		/* IPv6 address rules of ip6_rcv_core() */
	RP_INV_HOPOPTS,		/* IPv6 hop-by-hop header past the packet */
	RP_INV_OTHERHOST,	/* SLL/SLL2 PACKET_OTHERHOST (promiscuous) */
	RP_INV_MAX,
};

extern const char *const rp_invalid_names[RP_INV_MAX];

struct rp_result {
	struct nfsk_flow_key	key;
	u32			len;	/* skb->len at the hook */
	enum rp_invalid		invalid;
	bool			proto_unknown; /* the capture cut the IPv6
						* extension chain before the
						* protocol: proto 59 */
	/* RP_IP: the network header, its captured bytes inside len, and the
	 * transport header's offset from it (where the ports were read; 0
	 * when they were not) */
	const u8		*l3;
	u32			l3avail;
	u32			l4off;
};

/* Link types (pcap_datalink() values) the replay understands. */
bool rp_linktype_ok(int dlt);
const char *rp_linktype_name(int dlt);

/*
 * @data: @caplen captured bytes of a frame of @wirelen bytes on the wire.
 * Fills @res and returns the verdict.
 */
enum rp_verdict rp_parse(int dlt, const u8 *data, u32 caplen, u32 wirelen,
			 struct rp_result *res);

#endif
