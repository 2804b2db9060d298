// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink family "nfsketch" (include/uapi/linux/nfsketch.h).
 *
 * Every request acts on the namespace of the socket it came on
 * (genl_info_net(), sock_net() for dumps); the family is netnsok. Policies
 * are strict: unknown attributes, wrong lengths and out-of-range values are
 * rejected by the genetlink core with an extack. Whatever reveals addresses
 * or changes state needs CAP_NET_ADMIN in the namespace's user namespace,
 * checked here so that the refusal carries an extack message too.
 *
 * Handlers take nn->lock (see nfsketch.h) for as long as they read window
 * state; dumps take it anew at every step and resume by window id, row or
 * route sequence number, never by position, so a window closing between two
 * steps cannot make a dump repeat or skip a record.
 */
#include <linux/capability.h>
#include <linux/sort.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <uapi/linux/nfsketch.h>
#include "compat.h"
#include "nfsketch.h"

static struct genl_family nfsk_genl_family;

/*
 * Policies per command, as Documentation/netlink/specs/nfsketch.yaml lists
 * each command's request attributes. Every command's .maxattr is
 * NFSKETCH_A_MAX, so with strict validation an attribute of the family that
 * this command does not take is refused ("Unsupported attribute", EINVAL)
 * instead of being ignored, and an unknown type as "Unknown attribute type".
 */

/* In a QUERY's FLOW nest only the flow key: counters are replies' */
static const struct nla_policy nfsk_flow_policy[NFSKETCH_A_FLOW_MAX + 1] = {
	[NFSKETCH_A_FLOW_FAMILY]	= { .type = NLA_U8 },
	[NFSKETCH_A_FLOW_SRC]		= NLA_POLICY_EXACT_LEN(16),
	[NFSKETCH_A_FLOW_DST]		= NLA_POLICY_EXACT_LEN(16),
	[NFSKETCH_A_FLOW_PROTO]		= { .type = NLA_U8 },
	[NFSKETCH_A_FLOW_SPORT]		= { .type = NLA_U16 },
	[NFSKETCH_A_FLOW_DPORT]		= { .type = NLA_U16 },
};

/* STATS_GET, SKETCH_GET, CONFIG_GET, RESET, BGP_GET */
static const struct nla_policy nfsk_no_attrs_policy[NFSKETCH_A_MAX + 1];

static const struct nla_policy nfsk_route_get_policy[NFSKETCH_A_MAX + 1] = {
	[NFSKETCH_A_ROUTE_SUPPRESSED]	= { .type = NLA_FLAG },
};

static const struct nla_policy nfsk_window_get_policy[NFSKETCH_A_MAX + 1] = {
	[NFSKETCH_A_LAST_N]	= NLA_POLICY_MIN(NLA_U32, 1),
	[NFSKETCH_A_WITH_TOPK]	= { .type = NLA_FLAG },
};

static const struct nla_policy nfsk_topk_get_policy[NFSKETCH_A_MAX + 1] = {
	[NFSKETCH_A_TOPK_BY]	= NLA_POLICY_MAX(NLA_U8, NFSKETCH_TOPK_BY_MAX),
	[NFSKETCH_A_TOPK_N]	= NLA_POLICY_RANGE(NLA_U32, 1, NFSK_TOPK_MAX),
	[NFSKETCH_A_SELECT_WINDOW] = { .type = NLA_U64 },
};

static const struct nla_policy nfsk_query_policy[NFSKETCH_A_MAX + 1] = {
	[NFSKETCH_A_FLOW]	= NLA_POLICY_NESTED(nfsk_flow_policy),
	[NFSKETCH_A_QUERY_SRC]	= NLA_POLICY_EXACT_LEN(16),
	[NFSKETCH_A_QUERY_DST]	= NLA_POLICY_EXACT_LEN(16),
	[NFSKETCH_A_SELECT_WINDOW] = { .type = NLA_U64 },
};

/* nfsk_config_policy's ranges are the table of tunables' (config.c) */
static const struct nla_policy nfsk_config_set_policy[NFSKETCH_A_MAX + 1] = {
	[NFSKETCH_A_CONFIG]	= NLA_POLICY_NESTED(nfsk_config_policy),
};

static const struct nla_policy nfsk_monitor_set_policy[NFSKETCH_A_MAX + 1] = {
	[NFSKETCH_A_MONITOR]	= NLA_POLICY_MAX(NLA_U8, NFSKETCH_MONITOR_ON),
};

static int nfsk_check_admin(const struct sk_buff *skb, struct net *net,
			    struct netlink_ext_ack *extack)
{
	if (netlink_ns_capable(skb, net->user_ns, CAP_NET_ADMIN))
		return 0;
	NL_SET_ERR_MSG_MOD(extack,
			   "needs CAP_NET_ADMIN in the namespace's user namespace");
	return -EPERM;
}

/*
 * A reply of one message built by @fill under monitor_lock and nn->lock;
 * with @monitored, of a monitored namespace (enabled on demand), else of
 * the namespace as it is (a disable cannot free its state meanwhile).
 */
static int nfsk_reply(struct genl_info *info, u8 cmd, size_t size,
		      bool monitored,
		      int (*fill)(struct sk_buff *msg, struct nfsk_net *nn,
				  struct genl_info *info))
{
	struct nfsk_net *nn = nfsk_pernet(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(size, GFP_KERNEL);
	if (!msg) {
		NL_SET_ERR_MSG_MOD(info->extack, "no memory for the reply");
		return -ENOMEM;
	}
	hdr = genlmsg_put_reply(msg, info, &nfsk_genl_family, 0, cmd);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free_msg;
	}
	if (monitored) {
		err = nfsk_monitor_begin(nn, info->extack);
		if (err)
			goto err_free_msg;
	} else {
		nfsk_monitor_hold(nn);
	}
	mutex_lock(&nn->lock);
	err = fill(msg, nn, info);
	mutex_unlock(&nn->lock);
	nfsk_monitor_end(nn);
	WARN_ONCE(err == -EMSGSIZE, "nfsketch cmd %u: reply of %zu too small\n",
		  cmd, size);
	if (err)
		goto err_free_msg;
	genlmsg_end(msg, hdr);
	nfsk_msg_check_size(msg, size, cmd);
	return genlmsg_reply(msg, info);

err_free_msg:
	nlmsg_free(msg);
	return err;
}

/* ---- STATS_GET --------------------------------------------------------- */

static int nfsk_fill_stats(struct sk_buff *msg, struct nfsk_net *nn,
			   struct genl_info *info)
{
	return nfsk_stats_put(msg, nn);
}

static int nfsk_cmd_stats_get(struct sk_buff *skb, struct genl_info *info)
{
	return nfsk_reply(info, NFSKETCH_CMD_STATS_GET, nfsk_stats_size(),
			  true, nfsk_fill_stats);
}

/* ---- CONFIG_GET / CONFIG_SET ------------------------------------------- */

/*
 * The fingerprint is the key in force: a pending one once CONFIG_SET gave
 * it; a namespace not monitored has no sketch, hence no fingerprint.
 */
static int nfsk_fill_config(struct sk_buff *msg, struct nfsk_net *nn,
			    struct genl_info *info)
{
	const struct nfsk_sketch *sk;

	if (nla_put_u8(msg, NFSKETCH_A_MONITOR, READ_ONCE(nn->monitored) ?
		       NFSKETCH_MONITOR_ON : NFSKETCH_MONITOR_OFF))
		return -EMSGSIZE;
	sk = nn->pending_sketch ?:
	     rcu_dereference_protected(nn->sketch, lockdep_is_held(&nn->lock));
	return nfsk_config_put(msg, &nn->cfg, sk ? &sk->key_fp : NULL);
}

static int nfsk_cmd_config_get(struct sk_buff *skb, struct genl_info *info)
{
	return nfsk_reply(info, NFSKETCH_CMD_CONFIG_GET, nfsk_config_size() +
			  nla_total_size(sizeof(u8)), false, nfsk_fill_config);
}

/*
 * Memory is the host's: a namespace admin (maybe root of an unprivileged
 * user namespace) may shrink its sketches and history, or keep them at the
 * host's defaults, but only CAP_NET_ADMIN in the initial namespace may make
 * them larger than those.
 */
static int nfsk_config_check_size(const struct sk_buff *skb,
				  const struct nfsk_config *cfg,
				  struct netlink_ext_ack *extack)
{
	struct nfsk_config def;

	nfsk_config_defaults(&def);
	if ((u64)cfg->cms_width * cfg->cms_depth <=
	    (u64)def.cms_width * def.cms_depth &&
	    cfg->sah_entries <= def.sah_entries && cfg->history <= def.history)
		return 0;
	if (netlink_capable(skb, CAP_NET_ADMIN))
		return 0;
	NL_SET_ERR_MSG_MOD(extack,
			   "sizes above the host's defaults need CAP_NET_ADMIN in the initial namespace");
	return -EPERM;
}

static int nfsk_cmd_config_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nfsk_net *nn = nfsk_pernet(genl_info_net(info));
	struct nlattr *tb[NFSKETCH_A_CONFIG_MAX + 1];
	struct nfsk_hash_key key, *keyp = NULL;
	struct nfsk_config cfg;
	bool rebuild;
	int err;

	err = nfsk_check_admin(skb, genl_info_net(info), info->extack);
	if (err)
		return err;
	if (GENL_REQ_ATTR_CHECK(info, NFSKETCH_A_CONFIG))
		return -EINVAL;
	err = nla_parse_nested(tb, NFSKETCH_A_CONFIG_MAX,
			       info->attrs[NFSKETCH_A_CONFIG],
			       nfsk_config_policy, info->extack);
	if (err)
		return err;
	if (tb[NFSKETCH_A_CONFIG_HASH_KEY]) {
		const u8 *k = nla_data(tb[NFSKETCH_A_CONFIG_HASH_KEY]);

		key.k0 = get_unaligned_le64(k);
		key.k1 = get_unaligned_le64(k + 8);
		keyp = &key;
	}

	err = nfsk_monitor_begin(nn, info->extack);
	if (err)
		return err;
	mutex_lock(&nn->lock);
	cfg = nn->cfg;
	err = nfsk_config_apply(&cfg, tb, &rebuild, info->extack);
	if (!err && (rebuild || cfg.history != nn->cfg.history))
		err = nfsk_config_check_size(skb, &cfg, info->extack);
	if (!err)
		err = nfsk_window_configure(nn, &cfg, rebuild, keyp, info->extack);
	mutex_unlock(&nn->lock);
	nfsk_monitor_end(nn);
	return err;
}

/* ---- RESET ------------------------------------------------------------- */

static int nfsk_cmd_reset(struct sk_buff *skb, struct genl_info *info)
{
	struct nfsk_net *nn = nfsk_pernet(genl_info_net(info));
	int err;

	err = nfsk_check_admin(skb, genl_info_net(info), info->extack);
	if (err)
		return err;
	err = nfsk_monitor_begin(nn, info->extack);
	if (err)
		return err;
	mutex_lock(&nn->lock);
	nfsk_stats_sum(nn, &nn->base_packets, &nn->base_bytes,
		       &nn->base_truncated);
	nn->alerts = 0;
	nn->lcms_forced = 0;
	nn->lcms_spilled = 0;
	nfsk_window_reset(nn);
	mutex_unlock(&nn->lock);
	nfsk_monitor_end(nn);
	return 0;
}

/* ---- MONITOR_SET ------------------------------------------------------- */

static int nfsk_cmd_monitor_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nfsk_net *nn = nfsk_pernet(genl_info_net(info));
	int err;

	err = nfsk_check_admin(skb, genl_info_net(info), info->extack);
	if (err)
		return err;
	if (GENL_REQ_ATTR_CHECK(info, NFSKETCH_A_MONITOR))
		return -EINVAL;
	return nfsk_monitor_set(nn, nla_get_u8(info->attrs[NFSKETCH_A_MONITOR]) ==
				NFSKETCH_MONITOR_ON, info->extack);
}

/* ---- dumps of the monitored state -------------------------------------- */

/*
 * A dump's cursor between its dumpit calls, in cb->ctx (zeroed when the
 * dump starts). Not cb->args: a long is 32 bits on 32-bit kernels, and
 * window ids and route sequence numbers are u64.
 */
struct nfsk_dump_ctx {
	u64	pos;		/* the next record: see each dump */
	u64	window_id;	/* SKETCH_GET: the window being sent */
	u32	col;		/* SKETCH_GET: the row's next column */
	u32	monitor_gen;	/* the monitoring enable it started under */
	bool	admin_checked;
};

static struct nfsk_dump_ctx *nfsk_dump_ctx(struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(struct nfsk_dump_ctx) >
		     sizeof_field(struct netlink_callback, ctx));
	return (struct nfsk_dump_ctx *)cb->ctx;
}

/*
 * The admin check of a dump that reveals addresses, on its first dumpit
 * call: cb->extack reaches the user there (in NLMSG_DONE), not in .start
 * on 6.1.
 */
static int nfsk_dump_check_admin(struct netlink_callback *cb)
{
	struct nfsk_dump_ctx *ctx = nfsk_dump_ctx(cb);
	int err;

	if (ctx->admin_checked)
		return 0;
	err = nfsk_check_admin(cb->skb, sock_net(cb->skb->sk), cb->extack);
	if (!err)
		ctx->admin_checked = true;
	return err;
}

/*
 * A dumpit call of a monitored namespace: the admin check first when the
 * dump reveals addresses (@admin), nfsk_monitor_begin(), and the dump
 * refused when monitoring restarted since its first call (its cursor
 * belongs to the state freed).
 */
static int nfsk_dump_begin(struct nfsk_net *nn, struct netlink_callback *cb,
			   bool admin)
{
	struct nfsk_dump_ctx *ctx = nfsk_dump_ctx(cb);
	int err;

	err = admin ? nfsk_dump_check_admin(cb) : 0;
	if (err)
		return err;
	err = nfsk_monitor_begin(nn, cb->extack);
	if (err)
		return err;
	if (!ctx->monitor_gen)
		ctx->monitor_gen = nn->monitor_gen;
	if (ctx->monitor_gen == nn->monitor_gen)
		return 0;
	nfsk_monitor_end(nn);
	NL_SET_ERR_MSG_MOD(cb->extack,
			   "monitoring was disabled during the dump, retry");
	return -EAGAIN;
}

/* ---- the window a request reads ---------------------------------------- */

/*
 * The window of the history whose id @sel carries, or the last closed one
 * when @sel is absent. Every window of the ring keeps its record (totals,
 * top flows with their counts and estimates) until the ring drops it; an
 * id not in the ring is ENOENT, naming the ids held.
 */
static const struct nfsk_window *
nfsk_window_select(struct nfsk_net *nn, const struct nlattr *sel,
		   struct netlink_ext_ack *extack)
{
	const struct nfsk_history *h = &nn->hist->ring;
	u32 i, count = nfsk_history_count(h);
	const struct nfsk_window *w, *oldest, *newest;
	u64 id;

	lockdep_assert_held(&nn->lock);
	if (!count) {
		NL_SET_ERR_MSG_MOD(extack, "no window has closed yet");
		return ERR_PTR(-ENODATA);
	}
	newest = nfsk_history_get(h, 0);
	if (!sel)
		return newest;
	id = nla_get_u64(sel);
	for (i = 0; i < count; i++) {
		w = nfsk_history_get(h, i);
		if (w->id == id)
			return w;
	}
	oldest = nfsk_history_get(h, count - 1);
	NL_SET_BAD_ATTR(extack, sel);
	if (id > newest->id)
		nfsk_extack_fmt(extack, "window not closed yet",
				"window %llu has not closed yet: the newest is %llu",
				id, newest->id);
	else
		nfsk_extack_fmt(extack, "window no longer in the history",
				"window %llu is not in the history: the oldest held is %llu",
				id, oldest->id);
	return ERR_PTR(-ENOENT);
}

/* The entry of @key in @w's top flows, or NULL if the flow was not held. */
static const struct nfsk_flow_stat *
nfsk_window_held(const struct nfsk_window *w, const struct nfsk_flow_key *key)
{
	u32 i;

	for (i = 0; i < w->ntop; i++)
		if (nfsk_flow_key_eq(&w->top[i].key, key))
			return &w->top[i];
	return NULL;
}

/* ---- TOPK_GET ---------------------------------------------------------- */

static int nfsk_cmp_packets(const void *a, const void *b)
{
	const struct nfsk_flow_stat *x = a, *y = b;

	if (x->packets != y->packets)
		return x->packets < y->packets ? 1 : -1;
	return 0;
}

static int nfsk_fill_topk(struct sk_buff *msg, struct nfsk_net *nn,
			  struct genl_info *info)
{
	const struct nfsk_window *w;
	struct nlattr *winest, *nest;
	struct nfsk_flow_stat *top;
	u32 i, n = NFSK_TOPK_MAX;
	int err = 0;

	w = nfsk_window_select(nn, info->attrs[NFSKETCH_A_SELECT_WINDOW],
			       info->extack);
	if (IS_ERR(w))
		return PTR_ERR(w);
	if (info->attrs[NFSKETCH_A_TOPK_N])
		n = nla_get_u32(info->attrs[NFSKETCH_A_TOPK_N]);
	n = min(n, w->ntop);

	top = kmemdup(w->top, sizeof(w->top), GFP_KERNEL);
	if (!top) {
		NL_SET_ERR_MSG_MOD(info->extack, "no memory to sort the top flows");
		return -ENOMEM;
	}
	if (info->attrs[NFSKETCH_A_TOPK_BY] &&
	    nla_get_u8(info->attrs[NFSKETCH_A_TOPK_BY]) == NFSKETCH_TOPK_BY_PACKETS)
		sort(top, w->ntop, sizeof(*top), nfsk_cmp_packets, NULL);

	err = -EMSGSIZE;
	winest = nla_nest_start(msg, NFSKETCH_A_WINDOW);
	if (!winest ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_WINDOW_ID, w->id,
			      NFSKETCH_A_WINDOW_PAD) ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_WINDOW_BYTES, w->bytes,
			      NFSKETCH_A_WINDOW_PAD) ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_WINDOW_PACKETS, w->packets,
			      NFSKETCH_A_WINDOW_PAD))
		goto out;
	nest = nla_nest_start(msg, NFSKETCH_A_WINDOW_TOPK);
	if (!nest)
		goto out;
	for (i = 0; i < n; i++) {
		err = nfsk_flow_put(msg, NFSKETCH_A_FLOW, &top[i].key,
				    top[i].packets, top[i].bytes, &top[i].est);
		if (err)
			goto out;
	}
	nla_nest_end(msg, nest);
	nla_nest_end(msg, winest);
	err = 0;
out:
	kfree(top);
	return err;
}

/* WINDOW nest: ID, BYTES, PACKETS and a TOPK nest of @n flows */
static size_t nfsk_topk_reply_size(u32 n)
{
	return 2 * nla_total_size(0) + 3 * NFSK_U64_ATTR_SIZE +
	       n * nfsk_flow_size();
}

static int nfsk_cmd_topk_get(struct sk_buff *skb, struct genl_info *info)
{
	u32 n = NFSK_TOPK_MAX;
	int err;

	err = nfsk_check_admin(skb, genl_info_net(info), info->extack);
	if (err)
		return err;
	if (info->attrs[NFSKETCH_A_TOPK_N])
		n = nla_get_u32(info->attrs[NFSKETCH_A_TOPK_N]);
	return nfsk_reply(info, NFSKETCH_CMD_TOPK_GET, nfsk_topk_reply_size(n),
			  true, nfsk_fill_topk);
}

/* ---- QUERY ------------------------------------------------------------- */

static int nfsk_query_key(struct nlattr *flow, struct nfsk_flow_key *key,
			  struct netlink_ext_ack *extack)
{
	struct nlattr *tb[NFSKETCH_A_FLOW_MAX + 1];
	const u8 *src, *dst;
	__be16 sport = 0, dport = 0;
	u8 family, proto = 0;
	int err;

	err = nla_parse_nested(tb, NFSKETCH_A_FLOW_MAX, flow, nfsk_flow_policy,
			       extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(extack, flow, tb, NFSKETCH_A_FLOW_FAMILY) ||
	    NL_REQ_ATTR_CHECK(extack, flow, tb, NFSKETCH_A_FLOW_SRC) ||
	    NL_REQ_ATTR_CHECK(extack, flow, tb, NFSKETCH_A_FLOW_DST))
		return -EINVAL;
	family = nla_get_u8(tb[NFSKETCH_A_FLOW_FAMILY]);
	src = nla_data(tb[NFSKETCH_A_FLOW_SRC]);
	dst = nla_data(tb[NFSKETCH_A_FLOW_DST]);
	if (tb[NFSKETCH_A_FLOW_PROTO])
		proto = nla_get_u8(tb[NFSKETCH_A_FLOW_PROTO]);
	if (tb[NFSKETCH_A_FLOW_SPORT])
		sport = htons(nla_get_u16(tb[NFSKETCH_A_FLOW_SPORT]));
	if (tb[NFSKETCH_A_FLOW_DPORT])
		dport = htons(nla_get_u16(tb[NFSKETCH_A_FLOW_DPORT]));

	if (family == NFSK_AF_INET) {
		nfsk_flow_key_v4(key, src + 12, dst + 12, proto,
				 (__force u16)sport, (__force u16)dport);
	} else if (family == NFSK_AF_INET6) {
		nfsk_flow_key_v6(key, src, dst, proto, (__force u16)sport,
				 (__force u16)dport);
	} else {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFSKETCH_A_FLOW_FAMILY],
				    "family must be AF_INET or AF_INET6");
		return -EINVAL;
	}
	return 0;
}

/*
 * Packets to or from one address in the last window, from the address
 * histograms the fold merged (see nfsk_fold_addr_packets()); those of a
 * past window are not kept. The reply is a FLOW nest with only that
 * address, EST_PACKETS and ERR_PACKETS.
 */
static int nfsk_fill_query_addr(struct sk_buff *msg, struct nfsk_net *nn,
				struct nfsk_sketch *sk, struct genl_info *info)
{
	struct nlattr *a = info->attrs[NFSKETCH_A_QUERY_SRC];
	const struct nfsk_window *w = nfsk_history_get(&nn->hist->ring, 0);
	bool dst = !a;
	struct nlattr *winest, *nest;
	const u8 *addr;
	u64 est, err;
	u8 family;

	if (a && info->attrs[NFSKETCH_A_QUERY_DST]) {
		NL_SET_ERR_MSG_MOD(info->extack, "query a source or a destination, not both");
		return -EINVAL;
	}
	if (!w || w->id != nn->last_window_id) {
		NL_SET_ERR_MSG_MOD(info->extack, "the last window is not in the history");
		return -ENODATA;
	}
	addr = nla_data(a ?: info->attrs[NFSKETCH_A_QUERY_DST]);
	family = ipv6_addr_v4mapped((const struct in6_addr *)addr) ?
		 NFSK_AF_INET : NFSK_AF_INET6;
	est = nfsk_fold_addr_packets(&sk->geom, sk->fold_scratch,
				     nfsk_addr_hash(&sk->key, addr), dst);
	err = nfsk_cms_bound(w->packets, sk->geom.hist_buckets);

	winest = nla_nest_start(msg, NFSKETCH_A_WINDOW);
	if (!winest ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_WINDOW_ID, w->id,
			      NFSKETCH_A_WINDOW_PAD))
		return -EMSGSIZE;
	nla_nest_end(msg, winest);
	nest = nla_nest_start(msg, NFSKETCH_A_FLOW);
	if (!nest ||
	    nla_put_u8(msg, NFSKETCH_A_FLOW_FAMILY, family) ||
	    nla_put(msg, dst ? NFSKETCH_A_FLOW_DST : NFSKETCH_A_FLOW_SRC, 16,
		    addr) ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_FLOW_EST_PACKETS, est,
			      NFSKETCH_A_FLOW_PAD) ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_FLOW_ERR_PACKETS, err,
			      NFSKETCH_A_FLOW_PAD))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/*
 * A flow in the last window: the Count-Min estimate from its sketch, and
 * the exact held counts if the flow is among the window's top flows. In a
 * past window (SELECT_WINDOW) only the top flows are kept, each with the
 * estimate its window's sketch gave at the close: a held flow gets both,
 * any other only its key (no count, no estimate).
 */
static int nfsk_fill_query(struct sk_buff *msg, struct nfsk_net *nn,
			   struct genl_info *info)
{
	struct nlattr *sel = info->attrs[NFSKETCH_A_SELECT_WINDOW];
	struct nfsk_sketch *sk = nn->last_sketch;
	const struct nfsk_flow_stat *held;
	const struct nfsk_window *w;
	const struct nfsk_cms_est *estp = NULL;
	struct nfsk_flow_key key;
	struct nfsk_cms_est est;
	struct nlattr *winest;
	bool last;
	int err;

	if (!sel && (!nn->last_window_id || !sk)) {
		NL_SET_ERR_MSG_MOD(info->extack, "no window has closed yet");
		return -ENODATA;
	}
	w = nfsk_window_select(nn, sel, info->extack);
	if (IS_ERR(w))
		return PTR_ERR(w);
	last = sk && w->id == nn->last_window_id;
	if (info->attrs[NFSKETCH_A_QUERY_SRC] || info->attrs[NFSKETCH_A_QUERY_DST]) {
		if (info->attrs[NFSKETCH_A_FLOW]) {
			NL_SET_ERR_MSG_MOD(info->extack,
					   "query a flow or an address, not both");
			return -EINVAL;
		}
		if (!last) {
			NL_SET_BAD_ATTR(info->extack, sel);
			NL_SET_ERR_MSG_MOD(info->extack,
					   "address histograms are kept for the last window only");
			return -ENODATA;
		}
		return nfsk_fill_query_addr(msg, nn, sk, info);
	}
	err = nfsk_query_key(info->attrs[NFSKETCH_A_FLOW], &key, info->extack);
	if (err)
		return err;
	held = nfsk_window_held(w, &key);
	if (last) {
		nfsk_sketch_query(sk, nfsk_flow_hash(&sk->key, &key), &est);
		estp = &est;
	} else if (held) {
		estp = &held->est;
	}
	winest = nla_nest_start(msg, NFSKETCH_A_WINDOW);
	if (!winest ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_WINDOW_ID, w->id,
			      NFSKETCH_A_WINDOW_PAD))
		return -EMSGSIZE;
	nla_nest_end(msg, winest);
	return nfsk_flow_put(msg, NFSKETCH_A_FLOW, &key,
			     held ? held->packets : 0, held ? held->bytes : 0,
			     estp);
}

/* WINDOW nest with its ID, and a FLOW (an address query's is smaller) */
static size_t nfsk_query_reply_size(void)
{
	return nla_total_size(0) + NFSK_U64_ATTR_SIZE + nfsk_flow_size();
}

static int nfsk_cmd_query(struct sk_buff *skb, struct genl_info *info)
{
	int err;

	err = nfsk_check_admin(skb, genl_info_net(info), info->extack);
	if (err)
		return err;
	if (!info->attrs[NFSKETCH_A_QUERY_SRC] &&
	    !info->attrs[NFSKETCH_A_QUERY_DST] &&
	    GENL_REQ_ATTR_CHECK(info, NFSKETCH_A_FLOW))
		return -EINVAL;
	return nfsk_reply(info, NFSKETCH_CMD_QUERY, nfsk_query_reply_size(),
			  true, nfsk_fill_query);
}

/* ---- WINDOW_GET (dump) ------------------------------------------------- */

/* The room of one WINDOW_GET message, with its top flows or without. */
static size_t nfsk_window_msg_room(bool top)
{
	return nlmsg_total_size(genlmsg_total_size(nfsk_window_size() +
				(top ? nfsk_window_topk_size() : 0)));
}

/*
 * The dump's first step runs when the request arrives, before the caller
 * ever received on its socket: its skb is NLMSG_GOODSIZE (~3.7 KB on 4 KiB
 * pages) unless asked for more, and a record with every route sub-series
 * and topk's most flows is ~6.5 KB. Later steps take at least this too.
 */
static int nfsk_dump_windows_start(struct netlink_callback *cb)
{
	struct nlattr **attrs = nfsk_dumpit_attrs(cb);

	cb->min_dump_alloc = nfsk_window_msg_room(attrs[NFSKETCH_A_WITH_TOPK]);
	return 0;
}

/*
 * ctx->pos: id of the next window to send (0: not started). With
 * WITH_TOPK each window's top flows too, which reveals addresses: admin.
 */
static int nfsk_dump_windows(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr **attrs = nfsk_dumpit_attrs(cb);
	struct nfsk_net *nn = nfsk_pernet(sock_net(cb->skb->sk));
	struct nfsk_dump_ctx *ctx = nfsk_dump_ctx(cb);
	bool top = attrs[NFSKETCH_A_WITH_TOPK];
	const struct nfsk_window *w;
	size_t room = nfsk_window_msg_room(top);
	u32 count, i, last_n = U32_MAX;
	int err = 0;

	if (attrs[NFSKETCH_A_LAST_N])
		last_n = nla_get_u32(attrs[NFSKETCH_A_LAST_N]);

	err = nfsk_dump_begin(nn, cb, top);
	if (err)
		return err;
	mutex_lock(&nn->lock);
	count = nfsk_history_count(&nn->hist->ring);
	if (!ctx->pos) {
		i = min(count, last_n);
		w = i ? nfsk_history_get(&nn->hist->ring, i - 1) : NULL;
		ctx->pos = w ? w->id : nn->window_id;
	}
	/* oldest first: i = count - 1 is the oldest record */
	for (i = count; i-- > 0;) {
		unsigned int len = skb->len;
		void *hdr;

		w = nfsk_history_get(&nn->hist->ring, i);
		if (w->id < ctx->pos)
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &nfsk_genl_family,
				  NLM_F_MULTI, NFSKETCH_CMD_WINDOW_GET);
		if (!hdr) {
			err = -EMSGSIZE;
			break;
		}
		if (nfsk_window_put(skb, w, top)) {
			genlmsg_cancel(skb, hdr);
			err = -EMSGSIZE;
			break;
		}
		genlmsg_end(skb, hdr);
		WARN_ONCE(skb->len - len > room,
			  "nfsketch WINDOW_GET: message sized %zu, %u written\n",
			  room, skb->len - len);
		ctx->pos = w->id + 1;
	}
	mutex_unlock(&nn->lock);
	nfsk_monitor_end(nn);

	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	if (err == -EMSGSIZE)
		NL_SET_ERR_MSG_MOD(cb->extack,
				   "receive buffer too small for a window record");
	return err;
}

/* ---- SKETCH_GET (dump) ------------------------------------------------- */

#define NFSK_SKETCH_CHUNK	512	/* columns per message, at most */
/* the room one column takes in both arrays, with their padding */
#define NFSK_SKETCH_CELL	(sizeof(u32) + sizeof(u64) + 1)

/* A SKETCH_GET message carrying @cols columns of one row. */
static size_t nfsk_sketch_msg_size(u32 cols)
{
	return NLMSG_HDRLEN + GENL_HDRLEN + nla_total_size(0) +
	       2 * NFSK_U64_ATTR_SIZE + 4 * nla_total_size(sizeof(u32)) +
	       nla_total_size(cols * sizeof(u32)) +
	       nla_total_size(cols * sizeof(u64));
}

/* ctx: pos the row, col its next column, window_id the window sent */
static int nfsk_dump_sketch(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nfsk_net *nn = nfsk_pernet(sock_net(cb->skb->sk));
	struct nfsk_dump_ctx *ctx = nfsk_dump_ctx(cb);
	const struct nfsk_cms *cms;
	int err;

	err = nfsk_dump_begin(nn, cb, true);
	if (err)
		return err;
	mutex_lock(&nn->lock);
	if (!nn->last_window_id || !nn->last_sketch) {
		NL_SET_ERR_MSG_MOD(cb->extack, "no window has closed yet");
		err = -ENODATA;
		goto unlock;
	}
	if (!ctx->window_id)
		ctx->window_id = nn->last_window_id;
	if (ctx->window_id != nn->last_window_id) {
		NL_SET_ERR_MSG_MOD(cb->extack,
				   "a window closed during the dump, retry");
		err = -EAGAIN;
		goto unlock;
	}
	cms = &nn->last_sketch->wcms;
	while (ctx->pos < cms->depth) {
		u32 row = ctx->pos, col = ctx->col;
		int room = skb_tailroom(skb) - (int)nfsk_sketch_msg_size(0);
		struct nlattr *nest;
		void *hdr;
		u32 n;

		/* as many columns as the dump buffer still has room for */
		if (room < (int)NFSK_SKETCH_CELL) {
			if (!skb->len) {
				NL_SET_ERR_MSG_MOD(cb->extack,
						   "receive buffer too small for a sketch row");
				err = -EMSGSIZE;
				goto unlock;
			}
			break;
		}
		n = min3((u32)NFSK_SKETCH_CHUNK, cms->width - col,
			 (u32)room / NFSK_SKETCH_CELL);

		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &nfsk_genl_family,
				  NLM_F_MULTI, NFSKETCH_CMD_SKETCH_GET);
		if (!hdr)
			break;
		nest = nla_nest_start(skb, NFSKETCH_A_SKETCH);
		if (!nest ||
		    nla_put_u64_64bit(skb, NFSKETCH_A_SKETCH_WINDOW_ID,
				      ctx->window_id, NFSKETCH_A_SKETCH_PAD) ||
		    nla_put_u32(skb, NFSKETCH_A_SKETCH_DEPTH, cms->depth) ||
		    nla_put_u32(skb, NFSKETCH_A_SKETCH_WIDTH, cms->width) ||
		    nla_put_u32(skb, NFSKETCH_A_SKETCH_ROW, row) ||
		    nla_put_u32(skb, NFSKETCH_A_SKETCH_OFFSET, col) ||
		    nla_put_u64_64bit(skb, NFSKETCH_A_SKETCH_KEY_FINGERPRINT,
				      nn->last_sketch->key_fp,
				      NFSKETCH_A_SKETCH_PAD) ||
		    nla_put(skb, NFSKETCH_A_SKETCH_PACKETS, n * sizeof(u32),
			    nfsk_cms_row_packets(cms, row) + col) ||
		    nla_put(skb, NFSKETCH_A_SKETCH_BYTES, n * sizeof(u64),
			    nfsk_cms_row_bytes(cms, row) + col)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		nla_nest_end(skb, nest);
		genlmsg_end(skb, hdr);
		col += n;
		if (col >= cms->width) {
			col = 0;
			row++;
		}
		ctx->pos = row;
		ctx->col = col;
	}
	err = skb->len;
unlock:
	mutex_unlock(&nn->lock);
	nfsk_monitor_end(nn);
	return err;
}

/* ---- ROUTE_GET (dump) -------------------------------------------------- */

/* One ROUTE_GET message of a dump; -EMSGSIZE when the skb is full. */
static int nfsk_route_dump_one(struct sk_buff *skb, struct netlink_callback *cb,
			       const struct nfsk_route_rec *rec)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &nfsk_genl_family, NLM_F_MULTI, NFSKETCH_CMD_ROUTE_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nfsk_route_put(skb, NFSKETCH_A_ROUTE, rec)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * ctx->pos: sequence number of the last record sent (events) or of the
 * last suppression crossing sent (suppressed)
 */
static int nfsk_dump_routes(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nfsk_net *nn = nfsk_pernet(sock_net(cb->skb->sk));
	struct nlattr **attrs = nfsk_dumpit_attrs(cb);
	bool suppressed = attrs[NFSKETCH_A_ROUTE_SUPPRESSED];
	struct nfsk_dump_ctx *ctx = nfsk_dump_ctx(cb);
	struct nfsk_route_rec rec;
	u64 pos, next, reuse;
	int err;

	err = nfsk_dump_begin(nn, cb, true);
	if (err)
		return err;
	for (pos = ctx->pos; suppressed; pos = next) {
		next = pos;
		if (!nfsk_routes_suppressed_next(nn->routes, &next, &rec, &reuse))
			break;
		rec.reuse_ns = reuse ?: 1;
		if (nfsk_route_dump_one(skb, cb, &rec))
			break;
		ctx->pos = next;
	}
	while (!suppressed &&
	       nfsk_routes_log_next(nn->routes, ctx->pos, &rec)) {
		if (nfsk_route_dump_one(skb, cb, &rec))
			break;
		ctx->pos = rec.seq;
	}
	nfsk_monitor_end(nn);
	return skb->len;
}

/* ---- BGP_GET (dump) ---------------------------------------------------- */

/*
 * ctx->pos: table position (bucket * ways + way) of the next session. A
 * session that moves between two steps (evicted, a new one
 * in its way) may be missed or sent twice, as in /proc/net/tcp; a table
 * replaced by CONFIG_SET starts empty.
 */
static int nfsk_dump_bgp(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nfsk_net *nn = nfsk_pernet(sock_net(cb->skb->sk));
	size_t room = nlmsg_total_size(genlmsg_total_size(nfsk_bgp_size()));
	struct nfsk_dump_ctx *ctx = nfsk_dump_ctx(cb);
	u64 now = ktime_get_ns();
	struct nfsk_bgp_sess s;
	u32 next;
	int err;

	err = nfsk_dump_begin(nn, cb, true);
	if (err)
		return err;
	for (next = ctx->pos; nfsk_bgp_next(nn, &next, &s);
	     ctx->pos = next) {
		unsigned int len = skb->len;
		void *hdr;

		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &nfsk_genl_family,
				  NLM_F_MULTI, NFSKETCH_CMD_BGP_GET);
		if (!hdr)
			break;
		if (nfsk_bgp_put(skb, &s, now)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		WARN_ONCE(skb->len - len > room,
			  "nfsketch BGP_GET: message sized %zu, %u written\n",
			  room, skb->len - len);
	}
	nfsk_monitor_end(nn);
	return skb->len;
}

static const struct genl_ops nfsk_genl_ops[] = {
	{
		.cmd		= NFSKETCH_CMD_STATS_GET,
		.doit		= nfsk_cmd_stats_get,
		.policy		= nfsk_no_attrs_policy,
		.maxattr	= NFSKETCH_A_MAX,
	},
	{
		.cmd		= NFSKETCH_CMD_WINDOW_GET,
		.start		= nfsk_dump_windows_start,
		.dumpit		= nfsk_dump_windows,
		.policy		= nfsk_window_get_policy,
		.maxattr	= NFSKETCH_A_MAX,
	},
	{
		.cmd		= NFSKETCH_CMD_TOPK_GET,
		.doit		= nfsk_cmd_topk_get,
		.policy		= nfsk_topk_get_policy,
		.maxattr	= NFSKETCH_A_MAX,
	},
	{
		.cmd		= NFSKETCH_CMD_QUERY,
		.doit		= nfsk_cmd_query,
		.policy		= nfsk_query_policy,
		.maxattr	= NFSKETCH_A_MAX,
	},
	{
		.cmd		= NFSKETCH_CMD_SKETCH_GET,
		.dumpit		= nfsk_dump_sketch,
		.policy		= nfsk_no_attrs_policy,
		.maxattr	= NFSKETCH_A_MAX,
	},
	{
		.cmd		= NFSKETCH_CMD_ROUTE_GET,
		.dumpit		= nfsk_dump_routes,
		.policy		= nfsk_route_get_policy,
		.maxattr	= NFSKETCH_A_MAX,
	},
	{
		.cmd		= NFSKETCH_CMD_CONFIG_GET,
		.doit		= nfsk_cmd_config_get,
		.policy		= nfsk_no_attrs_policy,
		.maxattr	= NFSKETCH_A_MAX,
	},
	{
		.cmd		= NFSKETCH_CMD_CONFIG_SET,
		.doit		= nfsk_cmd_config_set,
		.policy		= nfsk_config_set_policy,
		.maxattr	= NFSKETCH_A_MAX,
	},
	{
		.cmd		= NFSKETCH_CMD_RESET,
		.doit		= nfsk_cmd_reset,
		.policy		= nfsk_no_attrs_policy,
		.maxattr	= NFSKETCH_A_MAX,
	},
	{
		.cmd		= NFSKETCH_CMD_MONITOR_SET,
		.doit		= nfsk_cmd_monitor_set,
		.policy		= nfsk_monitor_set_policy,
		.maxattr	= NFSKETCH_A_MAX,
	},
	{
		.cmd		= NFSKETCH_CMD_BGP_GET,
		.dumpit		= nfsk_dump_bgp,
		.policy		= nfsk_no_attrs_policy,
		.maxattr	= NFSKETCH_A_MAX,
	},
};

static const struct genl_multicast_group nfsk_genl_mcgrps[] = {
	/* events carry addresses and prefixes */
	{ .name = NFSKETCH_MCGRP_EVENTS, .flags = GENL_MCAST_CAP_NET_ADMIN },
};

static struct genl_family nfsk_genl_family __ro_after_init = {
	.name		= NFSKETCH_FAMILY_NAME,
	.version	= NFSKETCH_FAMILY_VERSION,
	.netnsok	= true,
	/* handlers lock what they touch: nn->lock, routes->lock */
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= nfsk_genl_ops,
	.n_ops		= ARRAY_SIZE(nfsk_genl_ops),
	.mcgrps		= nfsk_genl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(nfsk_genl_mcgrps),
};

/* Cleared before the family goes: late events find no group to send to. */
static bool nfsk_genl_registered;

bool nfsk_genl_has_listeners(struct net *net)
{
	return READ_ONCE(nfsk_genl_registered) &&
	       genl_has_listeners(&nfsk_genl_family, net, 0);
}

void *nfsk_genl_put_ntf(struct sk_buff *msg, u8 cmd)
{
	return genlmsg_put(msg, 0, 0, &nfsk_genl_family, 0, cmd);
}

/*
 * Ends the message whose header nfsk_genl_put_ntf() returned as @hdr and
 * sends it; the message is consumed either way.
 */
int nfsk_genl_multicast(struct net *net, struct sk_buff *msg, void *hdr)
{
	int err = -ESRCH;

	/*
	 * The flag is read and the message sent in one RCU read section, so
	 * that nfsk_genl_exit() can wait for a send in flight before the
	 * group goes. Hence GFP_ATOMIC for the copies to each listener.
	 */
	rcu_read_lock();
	if (READ_ONCE(nfsk_genl_registered)) {
		genlmsg_end(msg, hdr);
		err = genlmsg_multicast_netns(&nfsk_genl_family, net, msg, 0, 0,
					      GFP_ATOMIC);
		msg = NULL;
	}
	rcu_read_unlock();
	nlmsg_free(msg);
	return err;
}

int nfsk_genl_init(void)
{
	int err;

	err = genl_register_family(&nfsk_genl_family);
	if (!err)
		WRITE_ONCE(nfsk_genl_registered, true);
	return err;
}

void nfsk_genl_exit(void)
{
	WRITE_ONCE(nfsk_genl_registered, false);
	/* wait for an event being sent (see nfsk_genl_multicast()) */
	synchronize_net();
	genl_unregister_family(&nfsk_genl_family);
}
