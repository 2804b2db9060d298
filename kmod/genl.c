// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink family "nfsketch" (include/uapi/linux/nfsketch.h).
 *
 * Every request acts on the namespace of the socket it came on
 * (genl_info_net()); the family is netnsok. Policies are strict: unknown
 * attributes and wrong lengths are rejected by the core with an extack.
 */
#include <net/genetlink.h>
#include <uapi/linux/nfsketch.h>
#include "nfsketch.h"

static struct genl_family nfsk_genl_family;

static const struct nla_policy nfsk_genl_policy[NFSKETCH_A_MAX + 1] = {
	[NFSKETCH_A_LAST_N]	= NLA_POLICY_MIN(NLA_U32, 1),
};

static size_t nfsk_stats_size(void)
{
	return nla_total_size(0) +			/* NFSKETCH_A_STATS */
	       2 * nla_total_size_64bit(sizeof(u64)) +	/* PACKETS, BYTES */
	       nla_total_size(sizeof(u32));		/* CPUS */
}

static int nfsk_stats_put(struct sk_buff *msg, const struct nfsk_net *nn)
{
	struct nlattr *nest;
	u64 packets, bytes;

	nfsk_stats_sum(nn, &packets, &bytes);

	nest = nla_nest_start(msg, NFSKETCH_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(msg, NFSKETCH_A_STATS_PACKETS, packets,
			      NFSKETCH_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, NFSKETCH_A_STATS_BYTES, bytes,
			      NFSKETCH_A_STATS_PAD) ||
	    nla_put_u32(msg, NFSKETCH_A_STATS_CPUS, num_possible_cpus())) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int nfsk_cmd_stats_get(struct sk_buff *skb, struct genl_info *info)
{
	struct nfsk_net *nn = nfsk_pernet(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(nfsk_stats_size(), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = genlmsg_put_reply(msg, info, &nfsk_genl_family, 0,
				NFSKETCH_CMD_STATS_GET);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free_msg;
	}
	err = nfsk_stats_put(msg, nn);
	if (err)
		goto err_free_msg;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free_msg:
	nlmsg_free(msg);
	return err;
}

static const struct genl_small_ops nfsk_genl_ops[] = {
	{
		.cmd	= NFSKETCH_CMD_STATS_GET,
		.doit	= nfsk_cmd_stats_get,
	},
};

static const struct genl_multicast_group nfsk_genl_mcgrps[] = {
	{ .name = NFSKETCH_MCGRP_EVENTS },
};

static struct genl_family nfsk_genl_family __ro_after_init = {
	.name		= NFSKETCH_FAMILY_NAME,
	.version	= NFSKETCH_FAMILY_VERSION,
	.maxattr	= NFSKETCH_A_MAX,
	.policy		= nfsk_genl_policy,
	.netnsok	= true,
	.module		= THIS_MODULE,
	.small_ops	= nfsk_genl_ops,
	.n_small_ops	= ARRAY_SIZE(nfsk_genl_ops),
	.mcgrps		= nfsk_genl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(nfsk_genl_mcgrps),
};

int nfsk_genl_init(void)
{
	return genl_register_family(&nfsk_genl_family);
}

void nfsk_genl_exit(void)
{
	genl_unregister_family(&nfsk_genl_family);
}
