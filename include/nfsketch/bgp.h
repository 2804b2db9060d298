/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bgp.h - BGP session health from the data path: the TCP connections on
 * port 179 the hooks see, one session each (the address pair and ports,
 * either direction), judged at every window close.
 *
 * Per direction the session keeps the highest end sequence number seen
 * (seq + payload + SYN + FIN). A segment that carries sequence space (data,
 * SYN or FIN) and whose end is not after that highest end, in serial
 * arithmetic (RFC 1982, as the kernel's before()/after()), is a
 * retransmission; one whose end is after it is new and moves it (a segment
 * that overlaps old and new data is new). Pure ACKs are neither.
 *
 * At a window close a session raises BGP_SESSION, with one reason bit each:
 *  RETRANS  its retransmissions of the window are at least retrans_min and
 *           more than twice its baseline, the mean of its past windows
 *           (an EWMA with weight 1/8, in 1/256ths);
 *  RESET    a RST was seen in the window;
 *  CLOSED   a FIN was seen in the window;
 *  SILENT   a direction that has sent data sent nothing new for longer
 *           than silence_permille of the session's hold time (below).
 *           Once per silence: new data re-arms it.
 * A BGP KEEPALIVE (19 bytes every hold/3) is new data, so a quiet session
 * that keeps alive is not silent.
 *
 * The hold time is learned from the BGP OPEN messages on the wire (RFC
 * 4271 4.2): each end proposes one, the session uses the smaller. An OPEN
 * is read only when it starts at the segment's first payload byte and lies
 * wholly within the segment (no stream reassembly: an OPEN split across
 * segments, or behind another message, is not seen). A proposal of 1 or 2 s
 * is invalid (RFC 4271 4.2) and ignored; 0 means no KEEPALIVEs, so the
 * session is never judged silent. Until both OPENs are seen the one seen is
 * used (the negotiated value is at most that proposal, and a proposal of 0
 * makes it 0 whatever the other end says). A session none of whose OPENs
 * was seen (the module loaded on an established session, the OPEN cut or
 * lost) uses the operator's bgp_hold_ms (cfg->hold_ns). The same hold time
 * bounds idleness for eviction and freeing below (bgp_hold_ms where it is
 * 0: such a session may rightly stay idle for ever).
 *
 * The table is set-associative: NFSK_BGP_WAYS sessions per bucket, buckets
 * chosen by a symmetric hash of the connection, so both directions meet in
 * one bucket and a caller can lock per bucket. A new connection takes a free
 * way, else evicts the least recently seen session of its bucket that is
 * closed (RST or FIN seen) or idle for longer than the hold time (counted:
 * evicted), else is not tracked (counted: full). A session closed and idle
 * for longer than the hold time is freed at a window close.
 * A pure SYN on the ends of a tracked session starts it afresh (a new
 * connection: after a RST or FIN, or a peer restarted with its RST lost),
 * unless it repeats the SYN that direction sent (a retransmission).
 *
 * Pure logic, integers only, no allocation; not thread-safe (the caller
 * serialises per bucket).
 */
#ifndef _NFSKETCH_BGP_H
#define _NFSKETCH_BGP_H

#include <nfsketch/compat.h>
#include <nfsketch/series.h>

#define NFSK_BGP_PORT		179
#define NFSK_BGP_WAYS		8	/* sessions per bucket */

/* TCP header flags byte (offset 13) */
#define NFSK_TCP_FIN		0x01
#define NFSK_TCP_SYN		0x02
#define NFSK_TCP_RST		0x04
#define NFSK_TCP_ACK		0x10

enum nfsk_bgp_reason {
	NFSK_BGP_RETRANS	= NFSKETCH_BGP_RETRANS,
	NFSK_BGP_RESET		= NFSKETCH_BGP_RESET,
	NFSK_BGP_CLOSED		= NFSKETCH_BGP_CLOSED,
	NFSK_BGP_SILENT		= NFSKETCH_BGP_SILENT,
};

struct nfsk_bgp_cfg {
	u64	hold_ns;		/* bgp_hold_ms */
	u32	silence_permille;	/* of the hold time */
	u32	retrans_min;		/* fewest retransmissions flagged */
};

/* A BGP message header (marker, length, type) and OPEN's fields. */
#define NFSK_BGP_MARKER_LEN	16
#define NFSK_BGP_MSG_MAX	4096	/* RFC 4271 4.1 */
#define NFSK_BGP_TYPE_OPEN	1
#define NFSK_BGP_OPEN_MIN	29	/* an OPEN's least length */
#define NFSK_BGP_OPEN_HEAD	24	/* marker .. Hold Time: bytes read */

/* One TCP segment as the hooks parsed it. */
struct nfsk_bgp_seg {
	u8	src[16];	/* IPv4 as IPv4-mapped IPv6 */
	u8	dst[16];
	u16	sport;		/* network order, as in the flow key */
	u16	dport;
	u8	family;		/* NFSK_AF_INET or NFSK_AF_INET6 */
	u8	tcp_flags;	/* NFSK_TCP_* */
	u32	seq;
	u32	len;		/* payload bytes */
	u64	now_ns;
	/*
	 * The payload's first head_len bytes (head_len may be less than len,
	 * or 0 with head NULL): the caller passes at least NFSK_BGP_OPEN_HEAD
	 * when len >= NFSK_BGP_OPEN_MIN, so that an OPEN is seen.
	 */
	const u8 *head;
	u32	head_len;
};

struct nfsk_flow_key;

/*
 * @seg for a TCP segment of flow @key: @th the TCP header (20 bytes at
 * least; the sequence number and flags are read), @len the payload bytes.
 * head is left NULL: the caller points it at the payload it has.
 */
void nfsk_bgp_seg_init(struct nfsk_bgp_seg *seg,
		       const struct nfsk_flow_key *key, const u8 *th, u32 len,
		       u64 now_ns);

struct nfsk_bgp_dir {
	u64	last_ns;	/* any segment; 0: none yet */
	u64	last_new_ns;	/* new data; 0: none yet */
	u32	max_end;	/* highest end sequence seen */
	u8	have_end;
	u8	silent;		/* SILENT raised for this silence */
	u8	syn;		/* its SYN seen: first data at open_seq */
	u8	pad;
};

struct nfsk_bgp_sess {
	u8	addr[2][16];	/* side 0 sorts before side 1 */
	u16	port[2];	/* network order */
	u8	family;
	u8	used;
	u8	closed;		/* NFSK_BGP_RESET | _CLOSED seen, ever */
	u8	opens;		/* bit i: side i's OPEN seen */
	struct nfsk_bgp_dir dir[2];	/* [i]: segments sent by side i */
	u64	segments;	/* all time */
	u64	retrans;	/* all time */
	u32	win_retrans;	/* this window */
	u32	win_rst;
	u32	win_fin;
	u32	base256;	/* retransmissions per window, EWMA, x256 */
	u16	open_hold_s[2];	/* [i]: side i's proposal, if opens bit i */
	u32	open_seq[2];	/* [i]: side i's ISN + 1, if dir[i].syn */
};

struct nfsk_bgp_bucket {
	struct nfsk_bgp_sess	s[NFSK_BGP_WAYS];
	u64	full;		/* new sessions not tracked */
	u64	evicted;	/* sessions evicted for a new one */
};

/* What a window close found in one session; reasons 0 when nothing. */
struct nfsk_bgp_verdict {
	u32	reasons;	/* NFSK_BGP_* */
	u32	retrans;	/* of the window */
	u32	baseline;	/* retransmissions per window, rounded */
	u32	rst;		/* RSTs of the window */
	u32	fin;		/* FINs of the window */
	u64	silence_ms;	/* SILENT: the longest silence */
	u64	threshold_ms;	/* SILENT: what it exceeded */
};

void nfsk_bgp_cfg_default(struct nfsk_bgp_cfg *cfg);

/* Port 179 as the flow key holds it: its two bytes in wire order. */
static inline u16 nfsk_bgp_port_wire(void)
{
	const union { u8 b[2]; u16 v; } u = { { NFSK_BGP_PORT >> 8,
						 NFSK_BGP_PORT & 0xff } };

	return u.v;
}

/* Is either port 179? One branch on the hot path (the ports are parsed). */
static inline bool nfsk_bgp_ports(u16 sport, u16 dport)
{
	u16 p = nfsk_bgp_port_wire();

	return (sport == p) | (dport == p);
}

/*
 * The Hold Time (seconds, 0 or 3..65535) a BGP OPEN proposes, if the
 * payload's first @avail bytes at @p start one that lies wholly within the
 * @len payload bytes of its segment; -1 if not (not an OPEN, a bad marker,
 * length or version, cut, or an invalid hold time of 1 or 2).
 */
s32 nfsk_bgp_open_hold(const u8 *p, u32 avail, u32 len);

/*
 * The hold time learned from the session's OPENs in ms (0: no KEEPALIVEs)
 * and how many OPENs it was learned from (1 or 2); 0 when none was seen
 * (the silence rule then uses bgp_hold_ms).
 */
u32 nfsk_bgp_hold_ms(const struct nfsk_bgp_sess *s, u32 *ms);

/* The bucket of @seg's connection among @nbuckets (a power of two). */
u32 nfsk_bgp_bucket_of(const struct nfsk_bgp_seg *seg, u32 nbuckets);

/*
 * Account @seg in bucket @b: find its session or make one (eviction as
 * above). Returns the session, or NULL when the bucket is full.
 */
struct nfsk_bgp_sess *nfsk_bgp_segment(struct nfsk_bgp_bucket *b,
				       const struct nfsk_bgp_cfg *cfg,
				       const struct nfsk_bgp_seg *seg);

/*
 * Window close at @now_ns for one session: judge it, fold its window into
 * its baseline, start the next window; frees the slot of a session closed
 * and idle for longer than the hold time. Returns v->reasons.
 */
u32 nfsk_bgp_close(struct nfsk_bgp_sess *s, const struct nfsk_bgp_cfg *cfg,
		   u64 now_ns, struct nfsk_bgp_verdict *v);

/*
 * The session's state as BGP_GET reports it (enum nfsketch_bgp_state): the
 * worst it has been in, RESET over CLOSED over SILENT (an end silent now,
 * judged at the last window close) over OPEN.
 */
u32 nfsk_bgp_state(const struct nfsk_bgp_sess *s);

/* The side (0 or 1) of the session whose address is @addr, port @port. */
static inline u32 nfsk_bgp_side(const struct nfsk_bgp_sess *s, const u8 *addr,
				u16 port)
{
	return !memcmp(s->addr[1], addr, 16) && s->port[1] == port;
}

#endif /* _NFSKETCH_BGP_H */
