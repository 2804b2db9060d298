/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/*
 * nfsketch generic netlink interface.
 *
 * Family "nfsketch", version 1. Every request acts on the caller's network
 * namespace only. Aggregate statistics (STATS_GET, WINDOW_GET, CONFIG_GET)
 * are readable by anyone; whatever reveals addresses or changes state needs
 * CAP_NET_ADMIN in the namespace's user namespace.
 *
 * Addresses are 16 bytes, IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d), with
 * NFSKETCH_A_FLOW_FAMILY / NFSKETCH_A_ROUTE_FAMILY telling which it is.
 * Ports are in host byte order; for ICMP/ICMPv6 SPORT is the type and DPORT
 * the code. Entropies are in milli-bits. Times are nanoseconds of
 * CLOCK_MONOTONIC (the kernel's ktime_get_ns()), except the *_REALTIME_NS
 * attributes: nanoseconds of CLOCK_REALTIME since the epoch.
 *
 * The machine-readable description of this family (attribute types, checks,
 * which attributes each command takes and returns, permissions) is
 * Documentation/netlink/specs/nfsketch.yaml; selftests/spec checks that it
 * and this header agree.
 */
#ifndef _UAPI_LINUX_NFSKETCH_H
#define _UAPI_LINUX_NFSKETCH_H

#define NFSKETCH_FAMILY_NAME		"nfsketch"
#define NFSKETCH_FAMILY_VERSION		1
#define NFSKETCH_MCGRP_EVENTS		"events"

enum nfsketch_cmd {
	NFSKETCH_CMD_UNSPEC,
	NFSKETCH_CMD_STATS_GET,		/* doit: NFSKETCH_A_STATS */
	NFSKETCH_CMD_WINDOW_GET,	/* dump: one NFSKETCH_A_WINDOW each */
	NFSKETCH_CMD_TOPK_GET,		/* doit, admin: window's top flows */
	NFSKETCH_CMD_QUERY,		/* doit, admin: point estimate; of a
					 * past window only its held flows
					 */
	NFSKETCH_CMD_SKETCH_GET,	/* dump, admin: raw CMS rows */
	NFSKETCH_CMD_ROUTE_GET,		/* dump, admin: recent route events */
	NFSKETCH_CMD_CONFIG_GET,	/* doit: NFSKETCH_A_CONFIG */
	NFSKETCH_CMD_CONFIG_SET,	/* doit, admin */
	NFSKETCH_CMD_RESET,		/* doit, admin: clear history */
	NFSKETCH_CMD_ALERT_NTF,		/* multicast "events" */
	NFSKETCH_CMD_ROUTE_NTF,		/* multicast "events" */
	NFSKETCH_CMD_WINDOW_NTF,	/* multicast "events" */
	NFSKETCH_CMD_MONITOR_SET,	/* doit, admin: NFSKETCH_A_MONITOR */
	NFSKETCH_CMD_BGP_GET,		/* dump, admin: BGP sessions tracked */

	__NFSKETCH_CMD_MAX,
	NFSKETCH_CMD_MAX = __NFSKETCH_CMD_MAX - 1
};

/* Top-level attributes. */
enum nfsketch_attr {
	NFSKETCH_A_UNSPEC,
	NFSKETCH_A_PAD,
	NFSKETCH_A_STATS,		/* nest: NFSKETCH_A_STATS_* */
	NFSKETCH_A_WINDOW,		/* nest: NFSKETCH_A_WINDOW_* */
	NFSKETCH_A_FLOW,		/* nest: NFSKETCH_A_FLOW_* */
	NFSKETCH_A_ROUTE,		/* nest: NFSKETCH_A_ROUTE_* */
	NFSKETCH_A_CONFIG,		/* nest: NFSKETCH_A_CONFIG_* */
	NFSKETCH_A_SKETCH,		/* nest: NFSKETCH_A_SKETCH_* */
	NFSKETCH_A_ALERT,		/* nest: NFSKETCH_A_ALERT_* */
	NFSKETCH_A_LAST_N,		/* u32: WINDOW_GET, only the newest N */
	NFSKETCH_A_TOPK_BY,		/* u8: enum nfsketch_topk_by */
	NFSKETCH_A_TOPK_N,		/* u32: TOPK_GET, at most N flows */
	NFSKETCH_A_QUERY_SRC,		/* binary[16]: QUERY by source */
	NFSKETCH_A_QUERY_DST,		/* binary[16]: QUERY by destination */
	NFSKETCH_A_ROUTE_SUPPRESSED,	/* flag: ROUTE_GET of suppressed prefixes */
	NFSKETCH_A_SELECT_WINDOW,	/* u64: TOPK_GET, QUERY: the id of the
					 * window of the history to read (the
					 * last closed when absent); one no
					 * longer or not yet held: ENOENT
					 */
	NFSKETCH_A_WITH_TOPK,		/* flag: WINDOW_GET with each window's
					 * top flows (needs CAP_NET_ADMIN)
					 */
	NFSKETCH_A_MONITOR,		/* u8: enum nfsketch_monitor;
					 * MONITOR_SET, CONFIG_GET reply
					 */
	NFSKETCH_A_BGP,			/* nest: NFSKETCH_A_BGP_* */

	__NFSKETCH_A_MAX,
	NFSKETCH_A_MAX = __NFSKETCH_A_MAX - 1
};

enum nfsketch_topk_by {
	NFSKETCH_TOPK_BY_BYTES,
	NFSKETCH_TOPK_BY_PACKETS,

	__NFSKETCH_TOPK_BY_MAX,
	NFSKETCH_TOPK_BY_MAX = __NFSKETCH_TOPK_BY_MAX - 1
};

enum nfsketch_monitor {
	NFSKETCH_MONITOR_OFF,
	NFSKETCH_MONITOR_ON,

	__NFSKETCH_MONITOR_MAX,
	NFSKETCH_MONITOR_MAX = __NFSKETCH_MONITOR_MAX - 1
};

enum nfsketch_stats_attr {
	NFSKETCH_A_STATS_UNSPEC,
	NFSKETCH_A_STATS_PAD,
	NFSKETCH_A_STATS_PACKETS,	/* u64: since load or reset */
	NFSKETCH_A_STATS_BYTES,		/* u64 */
	NFSKETCH_A_STATS_TRUNCATED,	/* u64: packets too short to parse */
	NFSKETCH_A_STATS_WINDOWS,	/* u64: windows closed */
	NFSKETCH_A_STATS_WINDOW_ID,	/* u64: id of the open window */
	NFSKETCH_A_STATS_HISTORY_LEN,	/* u32: windows held in the ring */
	NFSKETCH_A_STATS_MEM_BYTES,	/* u64: memory of this namespace */
	NFSKETCH_A_STATS_CPUS,		/* u32: per-CPU banks */
	NFSKETCH_A_STATS_ROUTES4,	/* u32: IPv4 table size */
	NFSKETCH_A_STATS_ROUTES6,	/* u32: IPv6 table size */
	NFSKETCH_A_STATS_EVENTS_SENT,	/* u64 */
	NFSKETCH_A_STATS_EVENTS_COALESCED, /* u64 */
	NFSKETCH_A_STATS_EVENTS_DROPPED, /* u64: queue full, or no memory
					  * for the message
					  */
	NFSKETCH_A_STATS_ALERTS,	/* u64: flags raised */
	NFSKETCH_A_STATS_FLAP_EVICTIONS, /* u64: always 0 (none evicted) */
	NFSKETCH_A_STATS_FLAP_REFUSED,	/* u64: events untracked: store full
					 * (flap_track_max) or no memory
					 */
	NFSKETCH_A_STATS_FLAP_CROSSINGS, /* u64: prefixes become suppressed */
	NFSKETCH_A_STATS_SUPPRESSED,	/* u32: prefixes suppressed now */
	NFSKETCH_A_STATS_NEXTHOP_CHANGES, /* u64: replaces that were nexthops */
	NFSKETCH_A_STATS_ALERTS_DROPPED, /* u64: of events-dropped, alerts */
	NFSKETCH_A_STATS_ROUTE_TRACK_ENTRIES, /* u32: present routes tracked */
	NFSKETCH_A_STATS_ROUTE_TRACK_BYTES, /* u64: their memory */
	NFSKETCH_A_STATS_ROUTE_TRACK_FULL, /* u64: not tracked, at the max */
	NFSKETCH_A_STATS_ROUTE_TRACK_NOMEM, /* u64: not tracked, no memory */
	NFSKETCH_A_STATS_ROUTE_TRACK_UNTRACKED, /* u32: present, not tracked:
						 * routes4/6 approximate
						 */
	NFSKETCH_A_STATS_FLAP_UNNAMED,	/* u64: flap crossings without their
					 * own alert, counted in a ROUTE_FLAP
					 * summary alert (ALERT_UNNAMED)
					 */
	NFSKETCH_A_STATS_BGP_SESSIONS,	/* u32: BGP sessions tracked now */
	NFSKETCH_A_STATS_BGP_FULL,	/* u64: sessions not tracked: their
					 * bucket held only live ones
					 */
	NFSKETCH_A_STATS_BGP_EVICTED,	/* u64: sessions evicted for new ones */
	NFSKETCH_A_STATS_ROUTE_SERIES,	/* nest, one per sub-series:
					 * NFSKETCH_A_RSERIES_*, EVENTS since
					 * load (ROUTE_GET's events)
					 */
	NFSKETCH_A_STATS_LCMS_FORCED,	/* u64: flows held by the light
					 * Count-Min's overflow rule
					 */
	NFSKETCH_A_STATS_LCMS_SPILLED,	/* u64: light packets spilled into
					 * every cell (their set full)
					 */

	__NFSKETCH_A_STATS_MAX,
	NFSKETCH_A_STATS_MAX = __NFSKETCH_A_STATS_MAX - 1
};

enum nfsketch_window_attr {
	NFSKETCH_A_WINDOW_UNSPEC,
	NFSKETCH_A_WINDOW_PAD,
	NFSKETCH_A_WINDOW_ID,		/* u64 */
	NFSKETCH_A_WINDOW_START_NS,	/* u64 */
	NFSKETCH_A_WINDOW_LENGTH_NS,	/* u64 */
	NFSKETCH_A_WINDOW_PACKETS,	/* u64 */
	NFSKETCH_A_WINDOW_BYTES,	/* u64 */
	NFSKETCH_A_WINDOW_TCP,		/* u64: packets */
	NFSKETCH_A_WINDOW_UDP,		/* u64 */
	NFSKETCH_A_WINDOW_ICMP,		/* u64 */
	NFSKETCH_A_WINDOW_ICMPV6,	/* u64 */
	NFSKETCH_A_WINDOW_OTHER,	/* u64 */
	NFSKETCH_A_WINDOW_IPV4,		/* u64: packets */
	NFSKETCH_A_WINDOW_IPV6,		/* u64 */
	NFSKETCH_A_WINDOW_TRUNCATED,	/* u64 */
	NFSKETCH_A_WINDOW_SRC_ENTROPY,	/* u32: milli-bits */
	NFSKETCH_A_WINDOW_DST_ENTROPY,	/* u32: milli-bits */
	NFSKETCH_A_WINDOW_ROUTE_ADD4,	/* u32 */
	NFSKETCH_A_WINDOW_ROUTE_DEL4,	/* u32 */
	NFSKETCH_A_WINDOW_ROUTE_REPLACE4, /* u32 */
	NFSKETCH_A_WINDOW_ROUTE_ADD6,	/* u32 */
	NFSKETCH_A_WINDOW_ROUTE_DEL6,	/* u32 */
	NFSKETCH_A_WINDOW_ROUTE_REPLACE6, /* u32 */
	NFSKETCH_A_WINDOW_ROUTES4,	/* u32: IPv4 table size at close */
	NFSKETCH_A_WINDOW_ROUTES6,	/* u32 */
	NFSKETCH_A_WINDOW_SAH_HITS,	/* u64 */
	NFSKETCH_A_WINDOW_SAH_MISSES,	/* u64 */
	NFSKETCH_A_WINDOW_SAH_FULL,	/* u64 */
	NFSKETCH_A_WINDOW_SAH_HELD,	/* u32: flows held */
	NFSKETCH_A_WINDOW_SAH_PROB,	/* u32: byte sampling p * 2^32 */
	NFSKETCH_A_WINDOW_FLAGS,	/* u32: NFSKETCH_FLAG_* */
	NFSKETCH_A_WINDOW_SCORE,	/* nest: NFSKETCH_A_SCORE_* */
	NFSKETCH_A_WINDOW_TOPK,		/* nest of NFSKETCH_A_FLOW */
	NFSKETCH_A_WINDOW_START_REALTIME_NS, /* u64: CLOCK_REALTIME of the
					      * start, ns since the epoch
					      */
	NFSKETCH_A_WINDOW_ROUTE_SERIES,	/* nest, one per sub-series (each
					 * protocol and table with a slot, and
					 * the two "other"s):
					 * NFSKETCH_A_RSERIES_*
					 */

	__NFSKETCH_A_WINDOW_MAX,
	NFSKETCH_A_WINDOW_MAX = __NFSKETCH_A_WINDOW_MAX - 1
};

/*
 * Detector scores of a window, (value - mean) / sigma * 1000 of the
 * history, one per series (enum nfsketch_series in the same order).
 */
enum nfsketch_score_attr {
	NFSKETCH_A_SCORE_UNSPEC,
	NFSKETCH_A_SCORE_PAD,
	NFSKETCH_A_SCORE_PACKETS,	/* s64 */
	NFSKETCH_A_SCORE_BYTES,		/* s64 */
	NFSKETCH_A_SCORE_SRC_ENTROPY,	/* s64 */
	NFSKETCH_A_SCORE_DST_ENTROPY,	/* s64 */
	NFSKETCH_A_SCORE_ROUTE_EVENTS,	/* s64 */

	__NFSKETCH_A_SCORE_MAX,
	NFSKETCH_A_SCORE_MAX = __NFSKETCH_A_SCORE_MAX - 1
};

/* The series the detectors watch. */
enum nfsketch_series {
	NFSKETCH_SERIES_PACKETS,
	NFSKETCH_SERIES_BYTES,
	NFSKETCH_SERIES_SRC_ENTROPY,
	NFSKETCH_SERIES_DST_ENTROPY,
	NFSKETCH_SERIES_ROUTE_EVENTS,

	__NFSKETCH_SERIES_MAX,
	NFSKETCH_SERIES_MAX = __NFSKETCH_SERIES_MAX - 1
};

/*
 * Route events per routing protocol and per table (sub-series of
 * ROUTE_EVENTS, each judged by the detectors on its own): per kind, the
 * first NFSKETCH_RSERIES_SLOTS distinct protocols (tables) seen since the
 * namespace was monitored have a series of their own, named by ID; the
 * events of any other share the kind's OTHER series.
 */
#define NFSKETCH_RSERIES_SLOTS		8

enum nfsketch_rseries_kind {
	NFSKETCH_RSERIES_PROTOCOL,	/* ID is an RTPROT_* */
	NFSKETCH_RSERIES_TABLE,		/* ID is a routing table */

	__NFSKETCH_RSERIES_MAX,
	NFSKETCH_RSERIES_MAX = __NFSKETCH_RSERIES_MAX - 1
};

enum nfsketch_rseries_attr {
	NFSKETCH_A_RSERIES_UNSPEC,
	NFSKETCH_A_RSERIES_PAD,
	NFSKETCH_A_RSERIES_KIND,	/* u8: enum nfsketch_rseries_kind */
	NFSKETCH_A_RSERIES_ID,		/* u32: protocol or table; absent in
					 * the OTHER series
					 */
	NFSKETCH_A_RSERIES_OTHER,	/* flag: the series of the protocols
					 * (tables) without a slot
					 */
	NFSKETCH_A_RSERIES_EVENTS,	/* u64: route events (window: of the
					 * window; stats: since load)
					 */
	NFSKETCH_A_RSERIES_SCORE,	/* s64: window: (value - mean) / sigma
					 * * 1000 of its own history
					 */
	NFSKETCH_A_RSERIES_BASELINE,	/* u64: window: that history's mean */
	NFSKETCH_A_RSERIES_FLAGGED,	/* flag: window: raised ROUTE_CHURN */

	__NFSKETCH_A_RSERIES_MAX,
	NFSKETCH_A_RSERIES_MAX = __NFSKETCH_A_RSERIES_MAX - 1
};

/* Window flags (NFSKETCH_A_WINDOW_FLAGS) and alert kinds (ALERT_FLAG). */
enum nfsketch_flag {
	NFSKETCH_FLAG_VOLUME_SPIKE	= 1U << 0,
	NFSKETCH_FLAG_ENTROPY_SHIFT	= 1U << 1,
	NFSKETCH_FLAG_HEAVY_HITTER	= 1U << 2,
	NFSKETCH_FLAG_ROUTE_CHURN	= 1U << 3,
	NFSKETCH_FLAG_ROUTE_FLAP	= 1U << 4,
	NFSKETCH_FLAG_ROUTE_WITHDRAW_BURST = 1U << 5,
	NFSKETCH_FLAG_DEFAULT_ROUTE_LOST = 1U << 6,
	NFSKETCH_FLAG_ROUTE_MORE_SPECIFIC = 1U << 7,
	NFSKETCH_FLAG_BGP_SESSION	= 1U << 8,

	NFSKETCH_FLAG_MASK		= (1U << 9) - 1
};

/*
 * DEFAULT_ROUTE_LOST: what happened to the default route (ALERT_REASON);
 * ROUTE_MORE_SPECIFIC: how the new route differs from its cover (NEXTHOP,
 * PROTOCOL).
 */
enum nfsketch_default_reason {
	NFSKETCH_DEFAULT_WITHDRAWN	= 1U << 0,	/* it is gone */
	NFSKETCH_DEFAULT_NEXTHOP	= 1U << 1,	/* first next hop changed */
	NFSKETCH_DEFAULT_PROTOCOL	= 1U << 2,	/* its protocol changed */
};

/* BGP_SESSION: what the session did in the window (ALERT_REASON). */
enum nfsketch_bgp_reason {
	NFSKETCH_BGP_RETRANS		= 1U << 0,	/* retransmissions */
	NFSKETCH_BGP_RESET		= 1U << 1,	/* a RST */
	NFSKETCH_BGP_CLOSED		= 1U << 2,	/* a FIN */
	NFSKETCH_BGP_SILENT		= 1U << 3,	/* no new data */
};

/* A BGP session's state (BGP_STATE): the worst it has been in. */
enum nfsketch_bgp_state {
	NFSKETCH_BGP_STATE_OPEN,	/* data flowing, no RST or FIN */
	NFSKETCH_BGP_STATE_SILENT,	/* an end silent past the limit */
	NFSKETCH_BGP_STATE_CLOSED,	/* a FIN seen */
	NFSKETCH_BGP_STATE_RESET,	/* a RST seen */

	__NFSKETCH_BGP_STATE_MAX,
	NFSKETCH_BGP_STATE_MAX = __NFSKETCH_BGP_STATE_MAX - 1
};

/*
 * A BGP session (BGP_GET): one TCP connection on port 179, SRC and SPORT
 * one end, DST and DPORT the other (the end whose address sorts first is
 * SRC); counts of segments as the hooks saw them, both directions.
 */
enum nfsketch_bgp_attr {
	NFSKETCH_A_BGP_UNSPEC,
	NFSKETCH_A_BGP_PAD,
	NFSKETCH_A_BGP_FAMILY,		/* u8: AF_INET or AF_INET6 */
	NFSKETCH_A_BGP_SRC,		/* binary[16] */
	NFSKETCH_A_BGP_SPORT,		/* u16 */
	NFSKETCH_A_BGP_DST,		/* binary[16] */
	NFSKETCH_A_BGP_DPORT,		/* u16 */
	NFSKETCH_A_BGP_STATE,		/* u8: enum nfsketch_bgp_state */
	NFSKETCH_A_BGP_SEGMENTS,	/* u64: since the session was seen */
	NFSKETCH_A_BGP_RETRANS,		/* u64: retransmitted, since then */
	NFSKETCH_A_BGP_WIN_RETRANS,	/* u32: retransmitted, open window */
	NFSKETCH_A_BGP_BASELINE,	/* u32: retransmissions per window,
					 * the EWMA judged against, rounded
					 */
	NFSKETCH_A_BGP_WIN_RST,		/* u32: RSTs of the open window */
	NFSKETCH_A_BGP_WIN_FIN,		/* u32: FINs of the open window */
	NFSKETCH_A_BGP_AGE_MS,		/* u64: ms since its last segment */
	NFSKETCH_A_BGP_SRC_DATA_AGE_MS,	/* u64: ms since SRC's last new
					 * data; absent if it sent none
					 */
	NFSKETCH_A_BGP_DST_DATA_AGE_MS,	/* u64: the same for DST */
	NFSKETCH_A_BGP_OPENS,		/* u8: BGP OPENs seen (0, 1 or 2) */
	NFSKETCH_A_BGP_HOLD_MS,		/* u32: hold time learned from the
					 * OPENs, the smaller proposal (one
					 * OPEN: its own), ms; 0: none (no
					 * KEEPALIVEs, never silent); absent
					 * if no OPEN was seen (silence is
					 * then judged by bgp_hold_ms)
					 */

	__NFSKETCH_A_BGP_MAX,
	NFSKETCH_A_BGP_MAX = __NFSKETCH_A_BGP_MAX - 1
};

enum nfsketch_flow_attr {
	NFSKETCH_A_FLOW_UNSPEC,
	NFSKETCH_A_FLOW_PAD,
	NFSKETCH_A_FLOW_FAMILY,		/* u8: AF_INET or AF_INET6 */
	NFSKETCH_A_FLOW_SRC,		/* binary[16] */
	NFSKETCH_A_FLOW_DST,		/* binary[16] */
	NFSKETCH_A_FLOW_PROTO,		/* u8 */
	NFSKETCH_A_FLOW_SPORT,		/* u16 */
	NFSKETCH_A_FLOW_DPORT,		/* u16 */
	NFSKETCH_A_FLOW_PACKETS,	/* u64: counted exactly once held */
	NFSKETCH_A_FLOW_BYTES,		/* u64 */
	NFSKETCH_A_FLOW_EST_PACKETS,	/* u64: Count-Min estimate */
	NFSKETCH_A_FLOW_EST_BYTES,	/* u64 */
	NFSKETCH_A_FLOW_ERR_PACKETS,	/* u64: estimate - truth <= this */
	NFSKETCH_A_FLOW_ERR_BYTES,	/* u64 */

	__NFSKETCH_A_FLOW_MAX,
	NFSKETCH_A_FLOW_MAX = __NFSKETCH_A_FLOW_MAX - 1
};

enum nfsketch_route_event {
	NFSKETCH_ROUTE_ADD,
	NFSKETCH_ROUTE_DEL,
	NFSKETCH_ROUTE_REPLACE,

	__NFSKETCH_ROUTE_MAX,
	NFSKETCH_ROUTE_MAX = __NFSKETCH_ROUTE_MAX - 1
};

enum nfsketch_route_attr {
	NFSKETCH_A_ROUTE_UNSPEC,
	NFSKETCH_A_ROUTE_PAD,
	NFSKETCH_A_ROUTE_TIME_NS,	/* u64 */
	NFSKETCH_A_ROUTE_FAMILY,	/* u8 */
	NFSKETCH_A_ROUTE_DST,		/* binary[16] */
	NFSKETCH_A_ROUTE_DST_LEN,	/* u8: prefix length */
	NFSKETCH_A_ROUTE_TABLE,		/* u32 */
	NFSKETCH_A_ROUTE_EVENT,		/* u8: enum nfsketch_route_event */
	NFSKETCH_A_ROUTE_PROTOCOL,	/* u8: RTPROT_* */
	NFSKETCH_A_ROUTE_PENALTY,	/* u32: RFC 2439 flap penalty */
	NFSKETCH_A_ROUTE_COALESCED,	/* u64: ROUTE_NTF summary of N events */
	NFSKETCH_A_ROUTE_REUSE_NS,	/* u64: suppressed: ns until reuse */
	NFSKETCH_A_ROUTE_TIME_REALTIME_NS, /* u64: CLOCK_REALTIME of TIME_NS */

	__NFSKETCH_A_ROUTE_MAX,
	NFSKETCH_A_ROUTE_MAX = __NFSKETCH_A_ROUTE_MAX - 1
};

enum nfsketch_config_attr {
	NFSKETCH_A_CONFIG_UNSPEC,
	NFSKETCH_A_CONFIG_PAD,
	NFSKETCH_A_CONFIG_WINDOW_MS,	/* u32 */
	NFSKETCH_A_CONFIG_HISTORY,	/* u32: windows kept */
	NFSKETCH_A_CONFIG_CMS_WIDTH,	/* u32: power of two */
	NFSKETCH_A_CONFIG_CMS_DEPTH,	/* u32 */
	NFSKETCH_A_CONFIG_SAH_ENTRIES,	/* u32: power of two */
	NFSKETCH_A_CONFIG_TOPK,		/* u32 */
	NFSKETCH_A_CONFIG_HASH_KEY,	/* binary[16]: write-only */
	NFSKETCH_A_CONFIG_K_SIGMA_MILLI, /* u32 */
	NFSKETCH_A_CONFIG_DENSITY_W,	/* u32 */
	NFSKETCH_A_CONFIG_DENSITY_K,	/* u32 */
	NFSKETCH_A_CONFIG_MIN_HISTORY,	/* u32 */
	NFSKETCH_A_CONFIG_HH_PERMILLE,	/* u32 */
	NFSKETCH_A_CONFIG_FLAP_HALF_LIFE_MS, /* u32 */
	NFSKETCH_A_CONFIG_FLAP_SUPPRESS, /* u32 */
	NFSKETCH_A_CONFIG_FLAP_REUSE,	/* u32 */
	NFSKETCH_A_CONFIG_EVENT_RATE,	/* u32: events per second */
	NFSKETCH_A_CONFIG_MIN_PACKETS,	/* u32: smallest VOLUME_SPIKE, packets */
	NFSKETCH_A_CONFIG_MIN_BYTES,	/* u32: smallest VOLUME_SPIKE and
					 * HEAVY_HITTER window, bytes
					 */
	NFSKETCH_A_CONFIG_MIN_ENTROPY_DELTA, /* u32: milli-bits */
	NFSKETCH_A_CONFIG_MIN_ROUTE_EVENTS, /* u32: smallest ROUTE_CHURN */
	NFSKETCH_A_CONFIG_WINDOW_ALIGN,	/* u32: 1 = windows end at multiples
					 * of window_ms of CLOCK_REALTIME
					 */
	NFSKETCH_A_CONFIG_DRIFT_W,	/* u32: drift detector span, 0 = off */
	NFSKETCH_A_CONFIG_DRIFT_SLOPE_PERMILLE, /* u32: per mille per window */
	NFSKETCH_A_CONFIG_ROUTE_TRACK_MAX, /* u32: present routes tracked */
	NFSKETCH_A_CONFIG_WITHDRAW_BURST_PERMILLE, /* u32: ROUTE_WITHDRAW_BURST
						    * share, per mille
						    */
	NFSKETCH_A_CONFIG_WITHDRAW_BURST_MIN, /* u32: fewest withdrawals */
	NFSKETCH_A_CONFIG_MORE_SPECIFIC, /* u32: 1 = ROUTE_MORE_SPECIFIC on */
	NFSKETCH_A_CONFIG_BGP_SESSIONS,	/* u32: BGP sessions tracked, power
					 * of two
					 */
	NFSKETCH_A_CONFIG_BGP_HOLD_MS,	/* u32: BGP hold time, OPEN unseen */
	NFSKETCH_A_CONFIG_BGP_SILENCE_PERMILLE, /* u32: of the hold time */
	NFSKETCH_A_CONFIG_BGP_RETRANS_MIN, /* u32: fewest retransmissions */
	NFSKETCH_A_CONFIG_KEY_FINGERPRINT, /* u64: read-only, a one-way
					    * digest of the hash key (never
					    * the key): equal on routers
					    * whose sketches can be merged
					    */
	NFSKETCH_A_CONFIG_FLAP_TRACK_MAX, /* u32: prefixes with a flap
					   * history
					   */

	__NFSKETCH_A_CONFIG_MAX,
	NFSKETCH_A_CONFIG_MAX = __NFSKETCH_A_CONFIG_MAX - 1
};

enum nfsketch_sketch_attr {
	NFSKETCH_A_SKETCH_UNSPEC,
	NFSKETCH_A_SKETCH_PAD,
	NFSKETCH_A_SKETCH_WINDOW_ID,	/* u64 */
	NFSKETCH_A_SKETCH_DEPTH,	/* u32 */
	NFSKETCH_A_SKETCH_WIDTH,	/* u32 */
	NFSKETCH_A_SKETCH_ROW,		/* u32: row index */
	NFSKETCH_A_SKETCH_OFFSET,	/* u32: first column in this message */
	NFSKETCH_A_SKETCH_PACKETS,	/* binary: u32[] in host order */
	NFSKETCH_A_SKETCH_BYTES,	/* binary: u64[] in host order */
	NFSKETCH_A_SKETCH_KEY_FINGERPRINT, /* u64: of the window's hash key */

	__NFSKETCH_A_SKETCH_MAX,
	NFSKETCH_A_SKETCH_MAX = __NFSKETCH_A_SKETCH_MAX - 1
};

/*
 * An alert: FLAG says which, VALUE is what was judged and BASELINE what it
 * was judged against, in VALUE's unit:
 *  - VOLUME_SPIKE, ENTROPY_SHIFT, ROUTE_CHURN: VALUE is the window's value of
 *    SERIES, BASELINE the mean of that series over the history, SCORE
 *    (VALUE - mean) / sigma * 1000;
 *  - HEAVY_HITTER: VALUE is the top flow's bytes, BASELINE the window's
 *    bytes (the share is VALUE / BASELINE), FLOW the flow, SCORE 0;
 *    A ROUTE_CHURN of one protocol's or table's route events (a
 *    sub-series) carries ROUTE_SERIES naming it (KIND, ID or OTHER,
 *    EVENTS = VALUE); the whole series' has none;
 *  - ROUTE_FLAP: VALUE is the prefix's RFC 2439 penalty, BASELINE the
 *    suppress threshold it crossed (flap_suppress), ROUTE the prefix,
 *    SCORE 0. Every prefix crossing the threshold gets its own alert: they
 *    have a queue of their own (2,048). Crossings that find it full (more
 *    waiting to be sent at once) are counted
 *    and sent, at the next window close, as one ROUTE_FLAP summary with
 *    UNNAMED = VALUE = their count and no ROUTE (`routes --suppressed`
 *    lists them);
 *  - ROUTE_WITHDRAW_BURST: VALUE is the withdrawals this window of the
 *    routes of one (family, table, protocol), BASELINE those routes (present
 *    at the window's start + added in it); ROUTE the withdrawal that
 *    crossed withdraw_burst_permille of them (its table and protocol name
 *    the group), SCORE 0. Once per group per window, and only from
 *    withdraw_burst_min withdrawals on;
 *  - DEFAULT_ROUTE_LOST: ROUTE is the default route of its family and table
 *    as notified (DEL: withdrawn; REPLACE: its new protocol), REASON what
 *    happened (enum nfsketch_default_reason), VALUE and BASELINE the
 *    protocol it had and has (0 once withdrawn), SCORE 0;
 *  - ROUTE_MORE_SPECIFIC: ROUTE is the new prefix (its ADD), COVER the
 *    longest present shorter prefix of the same family and table containing
 *    it (never a /0), REASON how the new route differs from it (enum
 *    nfsketch_default_reason: NEXTHOP for the first next hop's gateway or
 *    device, PROTOCOL), VALUE and BASELINE the cover's and the new route's
 *    protocol, SCORE 0. One alert per such ADD.
 *  - BGP_SESSION: FLOW is the TCP connection on port 179 (SRC and SPORT
 *    one end, DST and DPORT the other; PACKETS its segments ever), REASON
 *    one enum nfsketch_bgp_reason bit, one alert per session and reason
 *    raised in the window: RETRANS: VALUE the window's retransmitted
 *    segments, BASELINE the session's mean per window; RESET, CLOSED:
 *    VALUE the RSTs or FINs of the window, BASELINE 0; SILENT: VALUE the
 *    milliseconds without new data from one end, BASELINE the limit it
 *    passed (bgp_silence_permille of the hold time). SCORE 0.
 */
enum nfsketch_alert_attr {
	NFSKETCH_A_ALERT_UNSPEC,
	NFSKETCH_A_ALERT_PAD,
	NFSKETCH_A_ALERT_FLAG,		/* u32: one NFSKETCH_FLAG_* */
	NFSKETCH_A_ALERT_WINDOW_ID,	/* u64 */
	NFSKETCH_A_ALERT_SERIES,	/* u32: enum nfsketch_series */
	NFSKETCH_A_ALERT_VALUE,		/* u64: what was judged */
	NFSKETCH_A_ALERT_BASELINE,	/* u64: what VALUE was judged against */
	NFSKETCH_A_ALERT_SCORE,		/* s64: series alerts, else 0 */
	NFSKETCH_A_ALERT_FLOW,		/* nest: NFSKETCH_A_FLOW_* */
	NFSKETCH_A_ALERT_ROUTE,		/* nest: NFSKETCH_A_ROUTE_* */
	NFSKETCH_A_ALERT_START_REALTIME_NS, /* u64: CLOCK_REALTIME start of
					     * the window judged; absent on a
					     * prefix's ROUTE_FLAP, sent at the
					     * route event (ROUTE's TIME_*)
					     */
	NFSKETCH_A_ALERT_UNNAMED,	/* u64: ROUTE_FLAP summary: crossings
					 * that had no alert of their own
					 */
	NFSKETCH_A_ALERT_REASON,	/* u32: DEFAULT_ROUTE_LOST,
					 * ROUTE_MORE_SPECIFIC: enum
					 * nfsketch_default_reason bits;
					 * BGP_SESSION: enum
					 * nfsketch_bgp_reason
					 */
	NFSKETCH_A_ALERT_COVER,		/* nest: ROUTE_MORE_SPECIFIC's cover
					 * (route attributes FAMILY, DST,
					 * DST_LEN, TABLE, PROTOCOL)
					 */
	NFSKETCH_A_ALERT_ROUTE_SERIES,	/* nest: ROUTE_CHURN of a sub-series:
					 * NFSKETCH_A_RSERIES_KIND, ID or
					 * OTHER, EVENTS
					 */

	__NFSKETCH_A_ALERT_MAX,
	NFSKETCH_A_ALERT_MAX = __NFSKETCH_A_ALERT_MAX - 1
};

#endif /* _UAPI_LINUX_NFSKETCH_H */
