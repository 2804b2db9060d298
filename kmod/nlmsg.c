// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink attribute writers for the nfsketch family (the only file that
 * writes attributes of a record), each with a *_size() function giving the
 * room it takes, attribute by attribute as the writer puts them. Callers
 * allocate by these sizes and WARN_ONCE when a writer used more (see
 * nfsk_msg_check_size()), as net/ethtool/netlink.c does.
 */
#include <linux/ktime.h>
#include <net/genetlink.h>
#include <uapi/linux/nfsketch.h>
#include "nfsketch.h"

#define U64_ATTR	nla_total_size_64bit(sizeof(u64))
#define U32_ATTR	nla_total_size(sizeof(u32))

/*
 * Warn once when a message allocated with genlmsg_new(@size) holds more
 * than that: a *_size() function fell behind its writer. Called
 * on every message sent, so a VM test that sends each message once finds
 * it (any WARN fails a VM run); -EMSGSIZE would only show it when the
 * allocation had no slack left.
 */
void nfsk_msg_check_size(const struct sk_buff *msg, size_t size, u8 cmd)
{
	size_t room = nlmsg_total_size(genlmsg_total_size(size));

	WARN_ONCE(msg->len > room, "nfsketch cmd %u: message sized %zu, %u written\n",
		  cmd, room, msg->len);
}

/* A route sub-series (RSERIES nest) as a writer puts it. */
struct nfsk_rseries_val {
	u8	kind;
	bool	other;
	bool	window;		/* score, baseline, flagged too */
	bool	flagged;
	u32	id;
	u64	events;
	s64	score;
	u64	baseline;
};

/* RSERIES: a u8, a u32 (ID; OTHER is a smaller flag), 3 u64, a flag */
static size_t nfsk_rseries_size(void)
{
	return nla_total_size(0) + nla_total_size(sizeof(u8)) + U32_ATTR +
	       3 * U64_ATTR + nla_total_size(0);
}

static int nfsk_rseries_put(struct sk_buff *msg, int attr,
			    const struct nfsk_rseries_val *v)
{
	struct nlattr *nest;

	nest = nla_nest_start(msg, attr);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(msg, NFSKETCH_A_RSERIES_KIND, v->kind) ||
	    (v->other ? nla_put_flag(msg, NFSKETCH_A_RSERIES_OTHER) :
			nla_put_u32(msg, NFSKETCH_A_RSERIES_ID, v->id)) ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_RSERIES_EVENTS, v->events,
			      NFSKETCH_A_RSERIES_PAD))
		goto nla_put_failure;
	if (v->window &&
	    (nla_put_s64(msg, NFSKETCH_A_RSERIES_SCORE, v->score,
			 NFSKETCH_A_RSERIES_PAD) ||
	     nla_put_u64_64bit(msg, NFSKETCH_A_RSERIES_BASELINE, v->baseline,
			       NFSKETCH_A_RSERIES_PAD) ||
	     (v->flagged && nla_put_flag(msg, NFSKETCH_A_RSERIES_FLAGGED))))
		goto nla_put_failure;
	nla_nest_end(msg, nest);
	return 0;

nla_put_failure:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}

/* Every sub-series of a kind: slots in use, then "other". */
#define NFSK_RSERIES_ALL	(NFSK_RS_KINDS * NFSK_RS_ALL)

/*
 * Every sub-series in use, then each kind's "other": from the counters
 * since init (@st) or from a closed window (@rw, with its judgement).
 */
static int nfsk_rseries_put_all(struct sk_buff *msg, int attr,
				const struct nfsk_rs_state *st,
				const struct nfsk_rs_window *rw)
{
	const u8 *used = st ? st->used : rw->used;
	struct nfsk_rseries_val v;
	unsigned int k, s;

	for (k = 0; k < NFSK_RS_KINDS; k++)
		for (s = 0; s < NFSK_RS_ALL; s++) {
			if (s < NFSK_RS_SLOTS && s >= used[k])
				continue;
			memset(&v, 0, sizeof(v));
			v.kind = k;
			v.other = s == NFSK_RS_OTHER;
			if (st) {
				v.id = v.other ? 0 : st->id[k][s];
				v.events = st->total[k][s];
			} else {
				v.id = v.other ? 0 : rw->id[k][s];
				v.events = rw->events[k][s];
				v.window = true;
				v.score = rw->score[k][s];
				v.baseline = div_u64(rw->mean_milli[k][s], 1000);
				v.flagged = !!(rw->flagged[k] & (1U << s));
			}
			if (nfsk_rseries_put(msg, attr, &v))
				return -EMSGSIZE;
		}
	return 0;
}

/*
 * STATS: 23 u64 (5 of them the events', 7 the routes', 2 the BGP
 * table's, 2 the light Count-Min's) and 8 u32 (2 of them the route set's,
 * 1 the BGP table's), and at most every route sub-series
 */
size_t nfsk_stats_size(void)
{
	return nla_total_size(0) + 23 * U64_ATTR + 8 * U32_ATTR +
	       NFSK_RSERIES_ALL * nfsk_rseries_size();
}

int nfsk_stats_put(struct sk_buff *msg, struct nfsk_net *nn)
{
	struct nfsk_events_counts ev;
	struct nfsk_route_stats rs;
	u64 packets, bytes, truncated;
	u64 bgp_full, bgp_evicted;
	struct nlattr *nest;
	u32 routes[2], bgp_sessions;

	lockdep_assert_held(&nn->lock);
	nfsk_stats_sum(nn, &packets, &bytes, &truncated);
	nfsk_routes_table_size(nn->routes, routes);
	nfsk_routes_flap_stats(nn->routes, &rs);
	nfsk_events_counts(nn->events, &ev);
	nfsk_bgp_stats(nn, &bgp_sessions, &bgp_full, &bgp_evicted);

	nest = nla_nest_start(msg, NFSKETCH_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(msg, NFSKETCH_A_STATS_PACKETS,
			      packets - nn->base_packets, NFSKETCH_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_STATS_BYTES,
			      bytes - nn->base_bytes, NFSKETCH_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_STATS_TRUNCATED,
			      truncated - nn->base_truncated,
			      NFSKETCH_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_STATS_WINDOWS,
			      nn->windows_closed, NFSKETCH_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_STATS_WINDOW_ID, nn->window_id,
			      NFSKETCH_A_STATS_PAD) ||
	    nla_put_u32(msg, NFSKETCH_A_STATS_HISTORY_LEN,
			nfsk_history_count(&nn->hist->ring)) ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_STATS_MEM_BYTES,
			      nfsk_net_mem_bytes(nn), NFSKETCH_A_STATS_PAD) ||
	    nla_put_u32(msg, NFSKETCH_A_STATS_CPUS, num_possible_cpus()) ||
	    nla_put_u32(msg, NFSKETCH_A_STATS_ROUTES4, routes[NFSK_FAM_V4]) ||
	    nla_put_u32(msg, NFSKETCH_A_STATS_ROUTES6, routes[NFSK_FAM_V6]) ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_STATS_ALERTS, nn->alerts,
			      NFSKETCH_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_STATS_EVENTS_SENT, ev.sent,
			      NFSKETCH_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_STATS_EVENTS_COALESCED,
			      ev.coalesced, NFSKETCH_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_STATS_EVENTS_DROPPED, ev.dropped,
			      NFSKETCH_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_STATS_FLAP_EVICTIONS,
			      rs.flap_evictions, NFSKETCH_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_STATS_FLAP_REFUSED,
			      rs.flap_refused, NFSKETCH_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_STATS_FLAP_CROSSINGS,
			      rs.flap_crossings, NFSKETCH_A_STATS_PAD) ||
	    nla_put_u32(msg, NFSKETCH_A_STATS_SUPPRESSED, rs.suppressed) ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_STATS_NEXTHOP_CHANGES,
			      rs.nexthop_changes, NFSKETCH_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_STATS_ALERTS_DROPPED,
			      ev.alerts_dropped, NFSKETCH_A_STATS_PAD) ||
	    nla_put_u32(msg, NFSKETCH_A_STATS_ROUTE_TRACK_ENTRIES,
			rs.track_entries) ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_STATS_ROUTE_TRACK_BYTES,
			      rs.track_bytes, NFSKETCH_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_STATS_ROUTE_TRACK_FULL,
			      rs.track_full, NFSKETCH_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_STATS_ROUTE_TRACK_NOMEM,
			      rs.track_nomem, NFSKETCH_A_STATS_PAD) ||
	    nla_put_u32(msg, NFSKETCH_A_STATS_ROUTE_TRACK_UNTRACKED,
			rs.track_untracked) ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_STATS_FLAP_UNNAMED,
			      ev.flap_unnamed, NFSKETCH_A_STATS_PAD) ||
	    nla_put_u32(msg, NFSKETCH_A_STATS_BGP_SESSIONS, bgp_sessions) ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_STATS_BGP_FULL, bgp_full,
			      NFSKETCH_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_STATS_BGP_EVICTED, bgp_evicted,
			      NFSKETCH_A_STATS_PAD) ||
	    nfsk_rseries_put_all(msg, NFSKETCH_A_STATS_ROUTE_SERIES,
				 &rs.series, NULL) ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_STATS_LCMS_FORCED,
			      nn->lcms_forced, NFSKETCH_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_STATS_LCMS_SPILLED,
			      nn->lcms_spilled, NFSKETCH_A_STATS_PAD))
		goto nla_put_failure;
	nla_nest_end(msg, nest);
	return 0;

nla_put_failure:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}

/* BGP: 3 u8, 2 binary[16], 2 u16, 5 u64, 5 u32 at most, in a nest */
size_t nfsk_bgp_size(void)
{
	return nla_total_size(0) + 3 * nla_total_size(sizeof(u8)) +
	       2 * nla_total_size(16) + 2 * nla_total_size(sizeof(u16)) +
	       5 * U64_ATTR + 5 * U32_ATTR;
}

static u64 nfsk_age_ms(u64 now, u64 then)
{
	return now > then ? div_u64(now - then, NSEC_PER_MSEC) : 0;
}

/* One BGP session (a copy: no lock held) as BGP_GET's reply, at @now. */
int nfsk_bgp_put(struct sk_buff *msg, const struct nfsk_bgp_sess *s, u64 now)
{
	const struct nfsk_bgp_dir *d = s->dir;
	struct nlattr *nest;
	u32 opens, hold_ms;

	nest = nla_nest_start(msg, NFSKETCH_A_BGP);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(msg, NFSKETCH_A_BGP_FAMILY, s->family) ||
	    nla_put(msg, NFSKETCH_A_BGP_SRC, 16, s->addr[0]) ||
	    nla_put_u16(msg, NFSKETCH_A_BGP_SPORT,
			ntohs((__force __be16)s->port[0])) ||
	    nla_put(msg, NFSKETCH_A_BGP_DST, 16, s->addr[1]) ||
	    nla_put_u16(msg, NFSKETCH_A_BGP_DPORT,
			ntohs((__force __be16)s->port[1])) ||
	    nla_put_u8(msg, NFSKETCH_A_BGP_STATE, nfsk_bgp_state(s)) ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_BGP_SEGMENTS, s->segments,
			      NFSKETCH_A_BGP_PAD) ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_BGP_RETRANS, s->retrans,
			      NFSKETCH_A_BGP_PAD) ||
	    nla_put_u32(msg, NFSKETCH_A_BGP_WIN_RETRANS, s->win_retrans) ||
	    nla_put_u32(msg, NFSKETCH_A_BGP_BASELINE, (u32)(((u64)s->base256 + 128) >> 8)) ||
	    nla_put_u32(msg, NFSKETCH_A_BGP_WIN_RST, s->win_rst) ||
	    nla_put_u32(msg, NFSKETCH_A_BGP_WIN_FIN, s->win_fin) ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_BGP_AGE_MS,
			      nfsk_age_ms(now, max(d[0].last_ns, d[1].last_ns)),
			      NFSKETCH_A_BGP_PAD))
		goto nla_put_failure;
	if (d[0].last_new_ns &&
	    nla_put_u64_64bit(msg, NFSKETCH_A_BGP_SRC_DATA_AGE_MS,
			      nfsk_age_ms(now, d[0].last_new_ns),
			      NFSKETCH_A_BGP_PAD))
		goto nla_put_failure;
	if (d[1].last_new_ns &&
	    nla_put_u64_64bit(msg, NFSKETCH_A_BGP_DST_DATA_AGE_MS,
			      nfsk_age_ms(now, d[1].last_new_ns),
			      NFSKETCH_A_BGP_PAD))
		goto nla_put_failure;
	opens = nfsk_bgp_hold_ms(s, &hold_ms);
	if (nla_put_u8(msg, NFSKETCH_A_BGP_OPENS, opens) ||
	    (opens && nla_put_u32(msg, NFSKETCH_A_BGP_HOLD_MS, hold_ms)))
		goto nla_put_failure;
	nla_nest_end(msg, nest);
	return 0;

nla_put_failure:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}

/* FLOW: 3 u8, 2 binary[16], 2 u16, 6 u64 at most, in a nest */
size_t nfsk_flow_size(void)
{
	return nla_total_size(0) + 3 * nla_total_size(sizeof(u8)) +
	       2 * nla_total_size(16) + 2 * nla_total_size(sizeof(u16)) +
	       6 * U64_ATTR;
}

int nfsk_flow_put(struct sk_buff *msg, int attr,
		  const struct nfsk_flow_key *key, u64 packets, u64 bytes,
		  const struct nfsk_cms_est *est)
{
	struct nlattr *nest;

	nest = nla_nest_start(msg, attr);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(msg, NFSKETCH_A_FLOW_FAMILY, key->family) ||
	    nla_put(msg, NFSKETCH_A_FLOW_SRC, 16, key->saddr) ||
	    nla_put(msg, NFSKETCH_A_FLOW_DST, 16, key->daddr) ||
	    nla_put_u8(msg, NFSKETCH_A_FLOW_PROTO, key->proto) ||
	    nla_put_u16(msg, NFSKETCH_A_FLOW_SPORT,
			ntohs((__force __be16)key->sport)) ||
	    nla_put_u16(msg, NFSKETCH_A_FLOW_DPORT,
			ntohs((__force __be16)key->dport)))
		goto nla_put_failure;
	/* a BGP_SESSION alert's flow counts segments with no bytes */
	if ((packets || bytes) &&
	    (nla_put_u64_64bit(msg, NFSKETCH_A_FLOW_PACKETS, packets,
			       NFSKETCH_A_FLOW_PAD) ||
	     nla_put_u64_64bit(msg, NFSKETCH_A_FLOW_BYTES, bytes,
			       NFSKETCH_A_FLOW_PAD)))
		goto nla_put_failure;
	if (est &&
	    (nla_put_u64_64bit(msg, NFSKETCH_A_FLOW_EST_PACKETS, est->packets,
			       NFSKETCH_A_FLOW_PAD) ||
	     nla_put_u64_64bit(msg, NFSKETCH_A_FLOW_EST_BYTES, est->bytes,
			       NFSKETCH_A_FLOW_PAD) ||
	     nla_put_u64_64bit(msg, NFSKETCH_A_FLOW_ERR_PACKETS,
			       est->err_packets, NFSKETCH_A_FLOW_PAD) ||
	     nla_put_u64_64bit(msg, NFSKETCH_A_FLOW_ERR_BYTES, est->err_bytes,
			       NFSKETCH_A_FLOW_PAD)))
		goto nla_put_failure;
	nla_nest_end(msg, nest);
	return 0;

nla_put_failure:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}

/*
 * The u64 and u32 attributes of a window record: the writer and the size
 * function both walk this table, so they cannot drift apart.
 */
struct nfsk_win_attr {
	u16	attr;
	u16	type;		/* NLA_U64 or NLA_U32 */
	u32	off;
};

#define NFSK_WOFF(_field)	offsetof(struct nfsk_window, _field)

static const struct nfsk_win_attr nfsk_win_attrs[] = {
	{ NFSKETCH_A_WINDOW_ID, NLA_U64, NFSK_WOFF(id) },
	{ NFSKETCH_A_WINDOW_START_NS, NLA_U64, NFSK_WOFF(start_ns) },
	{ NFSKETCH_A_WINDOW_LENGTH_NS, NLA_U64, NFSK_WOFF(length_ns) },
	{ NFSKETCH_A_WINDOW_PACKETS, NLA_U64, NFSK_WOFF(packets) },
	{ NFSKETCH_A_WINDOW_BYTES, NLA_U64, NFSK_WOFF(bytes) },
	{ NFSKETCH_A_WINDOW_TCP, NLA_U64, NFSK_WOFF(proto[NFSK_PROTO_TCP]) },
	{ NFSKETCH_A_WINDOW_UDP, NLA_U64, NFSK_WOFF(proto[NFSK_PROTO_UDP]) },
	{ NFSKETCH_A_WINDOW_ICMP, NLA_U64, NFSK_WOFF(proto[NFSK_PROTO_ICMP]) },
	{ NFSKETCH_A_WINDOW_ICMPV6, NLA_U64, NFSK_WOFF(proto[NFSK_PROTO_ICMPV6]) },
	{ NFSKETCH_A_WINDOW_OTHER, NLA_U64, NFSK_WOFF(proto[NFSK_PROTO_OTHER]) },
	{ NFSKETCH_A_WINDOW_IPV4, NLA_U64, NFSK_WOFF(family[NFSK_FAM_V4]) },
	{ NFSKETCH_A_WINDOW_IPV6, NLA_U64, NFSK_WOFF(family[NFSK_FAM_V6]) },
	{ NFSKETCH_A_WINDOW_TRUNCATED, NLA_U64, NFSK_WOFF(truncated) },
	{ NFSKETCH_A_WINDOW_SRC_ENTROPY, NLA_U32, NFSK_WOFF(src_entropy) },
	{ NFSKETCH_A_WINDOW_DST_ENTROPY, NLA_U32, NFSK_WOFF(dst_entropy) },
	{ NFSKETCH_A_WINDOW_ROUTE_ADD4, NLA_U32, NFSK_WOFF(route_add[NFSK_FAM_V4]) },
	{ NFSKETCH_A_WINDOW_ROUTE_DEL4, NLA_U32, NFSK_WOFF(route_del[NFSK_FAM_V4]) },
	{ NFSKETCH_A_WINDOW_ROUTE_REPLACE4, NLA_U32, NFSK_WOFF(route_replace[NFSK_FAM_V4]) },
	{ NFSKETCH_A_WINDOW_ROUTE_ADD6, NLA_U32, NFSK_WOFF(route_add[NFSK_FAM_V6]) },
	{ NFSKETCH_A_WINDOW_ROUTE_DEL6, NLA_U32, NFSK_WOFF(route_del[NFSK_FAM_V6]) },
	{ NFSKETCH_A_WINDOW_ROUTE_REPLACE6, NLA_U32, NFSK_WOFF(route_replace[NFSK_FAM_V6]) },
	{ NFSKETCH_A_WINDOW_ROUTES4, NLA_U32, NFSK_WOFF(routes[NFSK_FAM_V4]) },
	{ NFSKETCH_A_WINDOW_ROUTES6, NLA_U32, NFSK_WOFF(routes[NFSK_FAM_V6]) },
	{ NFSKETCH_A_WINDOW_START_REALTIME_NS, NLA_U64, NFSK_WOFF(start_real_ns) },
	{ NFSKETCH_A_WINDOW_SAH_HITS, NLA_U64, NFSK_WOFF(sah.hits) },
	{ NFSKETCH_A_WINDOW_SAH_MISSES, NLA_U64, NFSK_WOFF(sah.misses) },
	{ NFSKETCH_A_WINDOW_SAH_FULL, NLA_U64, NFSK_WOFF(sah.full) },
	{ NFSKETCH_A_WINDOW_SAH_HELD, NLA_U32, NFSK_WOFF(sah.flows) },
	{ NFSKETCH_A_WINDOW_SAH_PROB, NLA_U32, NFSK_WOFF(sah.p_fx) },
	{ NFSKETCH_A_WINDOW_FLAGS, NLA_U32, NFSK_WOFF(flags) },
};

size_t nfsk_window_size(void)
{
	size_t size = nla_total_size(0);	/* the nest */
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nfsk_win_attrs); i++)
		size += nfsk_win_attrs[i].type == NLA_U64 ? U64_ATTR : U32_ATTR;
	/* the score nest, one s64 per series; every route sub-series */
	return size + nla_total_size(0) + NFSK_SERIES_MAX * U64_ATTR +
	       NFSK_RSERIES_ALL * nfsk_rseries_size();
}

/* TOPK nest of a window: its top flows, at most NFSK_TOPK_MAX */
size_t nfsk_window_topk_size(void)
{
	return nla_total_size(0) + NFSK_TOPK_MAX * nfsk_flow_size();
}

/*
 * A window record; with @top also its top flows (TOPK nest, by bytes):
 * only WINDOW_GET's dump asks for them, which sizes its first skb by
 * nfsk_window_size() + nfsk_window_topk_size().
 */
int nfsk_window_put(struct sk_buff *msg, const struct nfsk_window *w, bool top)
{
	struct nlattr *nest, *score, *topk;
	unsigned int i, s;

	nest = nla_nest_start(msg, NFSKETCH_A_WINDOW);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < ARRAY_SIZE(nfsk_win_attrs); i++) {
		const struct nfsk_win_attr *a = &nfsk_win_attrs[i];
		const void *field = (const u8 *)w + a->off;

		if (a->type == NLA_U64 ?
		    nla_put_u64_64bit(msg, a->attr, *(const u64 *)field,
				      NFSKETCH_A_WINDOW_PAD) :
		    nla_put_u32(msg, a->attr, *(const u32 *)field))
			goto nla_put_failure;
	}

	score = nla_nest_start(msg, NFSKETCH_A_WINDOW_SCORE);
	if (!score)
		goto nla_put_failure;
	for (s = 0; s < NFSK_SERIES_MAX; s++) {
		if (nla_put_s64(msg, NFSKETCH_A_SCORE_PACKETS + s, w->score[s],
				NFSKETCH_A_SCORE_PAD))
			goto nla_put_failure;
	}
	nla_nest_end(msg, score);
	if (nfsk_rseries_put_all(msg, NFSKETCH_A_WINDOW_ROUTE_SERIES, NULL,
				 &w->rs))
		goto nla_put_failure;
	if (top) {
		topk = nla_nest_start(msg, NFSKETCH_A_WINDOW_TOPK);
		if (!topk)
			goto nla_put_failure;
		for (i = 0; i < w->ntop; i++)
			if (nfsk_flow_put(msg, NFSKETCH_A_FLOW, &w->top[i].key,
					  w->top[i].packets, w->top[i].bytes,
					  &w->top[i].est))
				goto nla_put_failure;
		nla_nest_end(msg, topk);
	}
	nla_nest_end(msg, nest);
	return 0;

nla_put_failure:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}

/* ROUTE: 3 u64 (reuse-ns when suppressed), 1 binary[16], 4 u8, 2 u32 */
size_t nfsk_route_size(void)
{
	return nla_total_size(0) + 3 * U64_ATTR + nla_total_size(16) +
	       4 * nla_total_size(sizeof(u8)) + 2 * U32_ATTR;
}

int nfsk_route_put(struct sk_buff *msg, int attr,
		   const struct nfsk_route_rec *rec)
{
	struct nlattr *nest;

	nest = nla_nest_start(msg, attr);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(msg, NFSKETCH_A_ROUTE_TIME_NS, rec->time_ns,
			      NFSKETCH_A_ROUTE_PAD) ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_ROUTE_TIME_REALTIME_NS,
			      rec->time_real_ns, NFSKETCH_A_ROUTE_PAD) ||
	    nla_put_u8(msg, NFSKETCH_A_ROUTE_FAMILY, rec->family) ||
	    nla_put(msg, NFSKETCH_A_ROUTE_DST, 16, rec->dst) ||
	    nla_put_u8(msg, NFSKETCH_A_ROUTE_DST_LEN, rec->dst_len) ||
	    nla_put_u32(msg, NFSKETCH_A_ROUTE_TABLE, rec->table) ||
	    nla_put_u8(msg, NFSKETCH_A_ROUTE_EVENT, rec->event) ||
	    nla_put_u8(msg, NFSKETCH_A_ROUTE_PROTOCOL, rec->protocol) ||
	    nla_put_u32(msg, NFSKETCH_A_ROUTE_PENALTY, rec->penalty) ||
	    (rec->reuse_ns &&
	     nla_put_u64_64bit(msg, NFSKETCH_A_ROUTE_REUSE_NS, rec->reuse_ns,
			       NFSKETCH_A_ROUTE_PAD)))
		goto nla_put_failure;
	nla_nest_end(msg, nest);
	return 0;

nla_put_failure:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}

/* ROUTE summary: 3 u64 in a nest */
size_t nfsk_route_summary_size(void)
{
	return nla_total_size(0) + 3 * U64_ATTR;
}

int nfsk_route_summary_put(struct sk_buff *msg, u64 time_ns, u64 coalesced)
{
	/* the queue keeps CLOCK_MONOTONIC: the realtime of the same moment */
	u64 real_ns = time_ns + ktime_get_real_ns() - ktime_get_ns();
	struct nlattr *nest;

	nest = nla_nest_start(msg, NFSKETCH_A_ROUTE);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(msg, NFSKETCH_A_ROUTE_TIME_NS, time_ns,
			      NFSKETCH_A_ROUTE_PAD) ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_ROUTE_TIME_REALTIME_NS, real_ns,
			      NFSKETCH_A_ROUTE_PAD) ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_ROUTE_COALESCED, coalesced,
			      NFSKETCH_A_ROUTE_PAD))
		goto nla_put_failure;
	nla_nest_end(msg, nest);
	return 0;

nla_put_failure:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}

/* COVER: 3 u8, a u32 and an address, in a nest */
static size_t nfsk_cover_size(void)
{
	return nla_total_size(0) + 3 * nla_total_size(sizeof(u8)) + U32_ATTR +
	       nla_total_size(16);
}

/* ROUTE_MORE_SPECIFIC's cover: the alert's route cut to cover_len bits. */
static int nfsk_cover_put(struct sk_buff *msg, const struct nfsk_alert_rec *a)
{
	const struct nfsk_route_rec *rt = &a->route;
	/* IPv4 is IPv4-mapped: its prefix starts at bit 96 */
	u32 bits = a->cover_len + (rt->family == NFSK_AF_INET ? 96 : 0), i;
	struct nlattr *nest;
	u8 dst[16];

	for (i = 0; i < 16; i++) {
		if (bits >= 8 * (i + 1))
			dst[i] = rt->dst[i];
		else if (bits <= 8 * i)
			dst[i] = 0;
		else
			dst[i] = rt->dst[i] & (u8)(0xff << (8 * (i + 1) - bits));
	}
	nest = nla_nest_start(msg, NFSKETCH_A_ALERT_COVER);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(msg, NFSKETCH_A_ROUTE_FAMILY, rt->family) ||
	    nla_put(msg, NFSKETCH_A_ROUTE_DST, 16, dst) ||
	    nla_put_u8(msg, NFSKETCH_A_ROUTE_DST_LEN, a->cover_len) ||
	    nla_put_u32(msg, NFSKETCH_A_ROUTE_TABLE, rt->table) ||
	    nla_put_u8(msg, NFSKETCH_A_ROUTE_PROTOCOL, a->cover_protocol)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/*
 * ALERT: 3 u32, 6 u64, a FLOW or a ROUTE nest and a COVER (or a route
 * sub-series), in a nest
 */
size_t nfsk_alert_size(void)
{
	return nla_total_size(0) + 3 * U32_ATTR + 6 * U64_ATTR +
	       max(nfsk_flow_size(), nfsk_route_size()) +
	       max(nfsk_cover_size(), nfsk_rseries_size());
}

int nfsk_alert_put(struct sk_buff *msg, const struct nfsk_alert_rec *a)
{
	struct nlattr *nest;

	nest = nla_nest_start(msg, NFSKETCH_A_ALERT);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(msg, NFSKETCH_A_ALERT_FLAG, a->flag) ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_ALERT_WINDOW_ID, a->window_id,
			      NFSKETCH_A_ALERT_PAD) ||
	    nla_put_u32(msg, NFSKETCH_A_ALERT_SERIES, a->series) ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_ALERT_VALUE, a->value,
			      NFSKETCH_A_ALERT_PAD) ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_ALERT_BASELINE, a->baseline,
			      NFSKETCH_A_ALERT_PAD) ||
	    nla_put_s64(msg, NFSKETCH_A_ALERT_SCORE, a->score,
			NFSKETCH_A_ALERT_PAD) ||
	    (a->start_real_ns &&
	     nla_put_u64_64bit(msg, NFSKETCH_A_ALERT_START_REALTIME_NS,
			       a->start_real_ns, NFSKETCH_A_ALERT_PAD)))
		goto nla_put_failure;
	if (a->kind == NFSK_ALERT_FLOW &&
	    nfsk_flow_put(msg, NFSKETCH_A_ALERT_FLOW, &a->flow.key,
			  a->flow.packets, a->flow.bytes, NULL))
		goto nla_put_failure;
	if (a->kind == NFSK_ALERT_ROUTE &&
	    nfsk_route_put(msg, NFSKETCH_A_ALERT_ROUTE, &a->route))
		goto nla_put_failure;
	if (a->reason &&
	    nla_put_u32(msg, NFSKETCH_A_ALERT_REASON, a->reason))
		goto nla_put_failure;
	if (a->kind == NFSK_ALERT_ROUTE &&
	    a->flag == NFSKETCH_FLAG_ROUTE_MORE_SPECIFIC &&
	    nfsk_cover_put(msg, a))
		goto nla_put_failure;
	if (a->kind == NFSK_ALERT_RSERIES) {
		struct nfsk_rseries_val v = {
			.kind = a->rs.kind,
			.other = a->rs.other,
			.id = a->rs.id,
			.events = a->value,
		};

		if (nfsk_rseries_put(msg, NFSKETCH_A_ALERT_ROUTE_SERIES, &v))
			goto nla_put_failure;
	}
	if (a->kind == NFSK_ALERT_UNNAMED &&
	    nla_put_u64_64bit(msg, NFSKETCH_A_ALERT_UNNAMED, a->value,
			      NFSKETCH_A_ALERT_PAD))
		goto nla_put_failure;
	nla_nest_end(msg, nest);
	return 0;

nla_put_failure:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}
