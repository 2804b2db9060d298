// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink attribute writers for the nfsketch family, each with a *_size()
 * helper giving the room its message needs.
 */
#include <net/genetlink.h>
#include <uapi/linux/nfsketch.h>
#include "nfsketch.h"

#define U64_ATTR	nla_total_size_64bit(sizeof(u64))
#define U32_ATTR	nla_total_size(sizeof(u32))

size_t nfsk_stats_size(void)
{
	return nla_total_size(0) + 7 * U64_ATTR + 5 * U32_ATTR +
	       nfsk_events_stats_size();
}

int nfsk_stats_put(struct sk_buff *msg, struct nfsk_net *nn)
{
	u64 packets, bytes, truncated;
	struct nfsk_routes *r = nn->routes;
	u32 routes4, routes6;
	struct nlattr *nest;

	lockdep_assert_held(&nn->lock);
	nfsk_stats_sum(nn, &packets, &bytes, &truncated);
	spin_lock_bh(&r->lock);
	routes4 = r->table_size[0];
	routes6 = r->table_size[1];
	spin_unlock_bh(&r->lock);

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
	    nla_put_u32(msg, NFSKETCH_A_STATS_ROUTES4, routes4) ||
	    nla_put_u32(msg, NFSKETCH_A_STATS_ROUTES6, routes6) ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_STATS_ALERTS, nn->alerts,
			      NFSKETCH_A_STATS_PAD) ||
	    nfsk_events_stats_put(msg, nn->events)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

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
		goto cancel;
	if (bytes &&
	    (nla_put_u64_64bit(msg, NFSKETCH_A_FLOW_PACKETS, packets,
			       NFSKETCH_A_FLOW_PAD) ||
	     nla_put_u64_64bit(msg, NFSKETCH_A_FLOW_BYTES, bytes,
			       NFSKETCH_A_FLOW_PAD)))
		goto cancel;
	if (est &&
	    (nla_put_u64_64bit(msg, NFSKETCH_A_FLOW_EST_PACKETS, est->packets,
			       NFSKETCH_A_FLOW_PAD) ||
	     nla_put_u64_64bit(msg, NFSKETCH_A_FLOW_EST_BYTES, est->bytes,
			       NFSKETCH_A_FLOW_PAD) ||
	     nla_put_u64_64bit(msg, NFSKETCH_A_FLOW_ERR_PACKETS,
			       est->err_packets, NFSKETCH_A_FLOW_PAD) ||
	     nla_put_u64_64bit(msg, NFSKETCH_A_FLOW_ERR_BYTES, est->err_bytes,
			       NFSKETCH_A_FLOW_PAD)))
		goto cancel;
	nla_nest_end(msg, nest);
	return 0;

cancel:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}

size_t nfsk_window_size(void)
{
	return nla_total_size(0) + 18 * U64_ATTR + 12 * U32_ATTR +
	       nla_total_size(0) + NFSK_SERIES_MAX * U64_ATTR;
}

static int nfsk_put_u64(struct sk_buff *msg, int attr, u64 val)
{
	return nla_put_u64_64bit(msg, attr, val, NFSKETCH_A_WINDOW_PAD);
}

int nfsk_window_put(struct sk_buff *msg, const struct nfsk_window *w)
{
	struct nlattr *nest, *score;
	unsigned int s;

	nest = nla_nest_start(msg, NFSKETCH_A_WINDOW);
	if (!nest)
		return -EMSGSIZE;
	if (nfsk_put_u64(msg, NFSKETCH_A_WINDOW_ID, w->id) ||
	    nfsk_put_u64(msg, NFSKETCH_A_WINDOW_START_NS, w->start_ns) ||
	    nfsk_put_u64(msg, NFSKETCH_A_WINDOW_LENGTH_NS, w->length_ns) ||
	    nfsk_put_u64(msg, NFSKETCH_A_WINDOW_PACKETS, w->packets) ||
	    nfsk_put_u64(msg, NFSKETCH_A_WINDOW_BYTES, w->bytes) ||
	    nfsk_put_u64(msg, NFSKETCH_A_WINDOW_TCP, w->proto[NFSK_PROTO_TCP]) ||
	    nfsk_put_u64(msg, NFSKETCH_A_WINDOW_UDP, w->proto[NFSK_PROTO_UDP]) ||
	    nfsk_put_u64(msg, NFSKETCH_A_WINDOW_ICMP, w->proto[NFSK_PROTO_ICMP]) ||
	    nfsk_put_u64(msg, NFSKETCH_A_WINDOW_ICMPV6,
			 w->proto[NFSK_PROTO_ICMPV6]) ||
	    nfsk_put_u64(msg, NFSKETCH_A_WINDOW_OTHER, w->proto[NFSK_PROTO_OTHER]) ||
	    nfsk_put_u64(msg, NFSKETCH_A_WINDOW_IPV4, w->family[NFSK_FAM_V4]) ||
	    nfsk_put_u64(msg, NFSKETCH_A_WINDOW_IPV6, w->family[NFSK_FAM_V6]) ||
	    nfsk_put_u64(msg, NFSKETCH_A_WINDOW_TRUNCATED, w->truncated) ||
	    nla_put_u32(msg, NFSKETCH_A_WINDOW_SRC_ENTROPY, w->src_entropy) ||
	    nla_put_u32(msg, NFSKETCH_A_WINDOW_DST_ENTROPY, w->dst_entropy) ||
	    nla_put_u32(msg, NFSKETCH_A_WINDOW_ROUTE_ADD4, w->route_add[0]) ||
	    nla_put_u32(msg, NFSKETCH_A_WINDOW_ROUTE_DEL4, w->route_del[0]) ||
	    nla_put_u32(msg, NFSKETCH_A_WINDOW_ROUTE_REPLACE4,
			w->route_replace[0]) ||
	    nla_put_u32(msg, NFSKETCH_A_WINDOW_ROUTE_ADD6, w->route_add[1]) ||
	    nla_put_u32(msg, NFSKETCH_A_WINDOW_ROUTE_DEL6, w->route_del[1]) ||
	    nla_put_u32(msg, NFSKETCH_A_WINDOW_ROUTE_REPLACE6,
			w->route_replace[1]) ||
	    nla_put_u32(msg, NFSKETCH_A_WINDOW_ROUTES4, w->routes[0]) ||
	    nla_put_u32(msg, NFSKETCH_A_WINDOW_ROUTES6, w->routes[1]) ||
	    nfsk_put_u64(msg, NFSKETCH_A_WINDOW_SAH_HITS, w->sah.hits) ||
	    nfsk_put_u64(msg, NFSKETCH_A_WINDOW_SAH_MISSES, w->sah.misses) ||
	    nfsk_put_u64(msg, NFSKETCH_A_WINDOW_SAH_FULL, w->sah.full) ||
	    nla_put_u32(msg, NFSKETCH_A_WINDOW_SAH_HELD, w->sah.flows) ||
	    nla_put_u32(msg, NFSKETCH_A_WINDOW_SAH_PROB, w->sah.p_fx) ||
	    nla_put_u32(msg, NFSKETCH_A_WINDOW_FLAGS, w->flags))
		goto cancel;

	score = nla_nest_start(msg, NFSKETCH_A_WINDOW_SCORE);
	if (!score)
		goto cancel;
	for (s = 0; s < NFSK_SERIES_MAX; s++) {
		if (nla_put_s64(msg, NFSKETCH_A_SCORE_PACKETS + s, w->score[s],
				NFSKETCH_A_SCORE_PAD))
			goto cancel;
	}
	nla_nest_end(msg, score);
	nla_nest_end(msg, nest);
	return 0;

cancel:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}

size_t nfsk_route_size(void)
{
	return nla_total_size(0) + 2 * U64_ATTR + nla_total_size(16) +
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
	    nla_put_u8(msg, NFSKETCH_A_ROUTE_FAMILY, rec->family) ||
	    nla_put(msg, NFSKETCH_A_ROUTE_DST, 16, rec->dst) ||
	    nla_put_u8(msg, NFSKETCH_A_ROUTE_DST_LEN, rec->dst_len) ||
	    nla_put_u32(msg, NFSKETCH_A_ROUTE_TABLE, rec->table) ||
	    nla_put_u8(msg, NFSKETCH_A_ROUTE_EVENT, rec->event) ||
	    nla_put_u8(msg, NFSKETCH_A_ROUTE_PROTOCOL, rec->protocol) ||
	    nla_put_u32(msg, NFSKETCH_A_ROUTE_PENALTY, rec->penalty)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}
