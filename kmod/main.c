// SPDX-License-Identifier: GPL-2.0
/*
 * nfsketch: bounded-memory traffic and routing statistics for Linux routers.
 *
 * Module init registers, in order: the pernet operations (every namespace,
 * present and future, gets its state and its netfilter hooks), the generic
 * netlink family that serves that state, and the sysfs tunables. Exit undoes
 * them in reverse order.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/percpu.h>
#include <net/genetlink.h>
#include "nfsketch.h"

unsigned int nfsk_net_id __read_mostly;

void nfsk_stats_sum(const struct nfsk_net *nn, u64 *packets, u64 *bytes)
{
	int cpu;

	*packets = 0;
	*bytes = 0;
	for_each_possible_cpu(cpu) {
		const struct nfsk_pcpu_stats *s = per_cpu_ptr(nn->stats, cpu);
		unsigned int start;
		u64 p, b;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			p = u64_stats_read(&s->packets);
			b = u64_stats_read(&s->bytes);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		*packets += p;
		*bytes += b;
	}
}

static int __net_init nfsk_net_init(struct net *net)
{
	struct nfsk_net *nn = nfsk_pernet(net);
	int err;

	nn->net = net;
	nn->stats = netdev_alloc_pcpu_stats(struct nfsk_pcpu_stats);
	if (!nn->stats)
		return -ENOMEM;

	err = nfsk_hooks_register(net);
	if (err)
		goto err_free_stats;
	return 0;

err_free_stats:
	free_percpu(nn->stats);
	return err;
}

static void __net_exit nfsk_net_exit(struct net *net)
{
	struct nfsk_net *nn = nfsk_pernet(net);

	/* nf_unregister_net_hooks() waits for hooks still running. */
	nfsk_hooks_unregister(net);
	free_percpu(nn->stats);
}

static struct pernet_operations nfsk_net_ops = {
	.init	= nfsk_net_init,
	.exit	= nfsk_net_exit,
	.id	= &nfsk_net_id,
	.size	= sizeof(struct nfsk_net),
};

static int __init nfsk_init(void)
{
	int err;

	err = register_pernet_subsys(&nfsk_net_ops);
	if (err)
		return err;

	err = nfsk_genl_init();
	if (err)
		goto err_unregister_pernet;

	err = nfsk_sysfs_init();
	if (err)
		goto err_genl_exit;

	pr_info("version %s loaded\n", NFSKETCH_VERSION);
	return 0;

err_genl_exit:
	nfsk_genl_exit();
err_unregister_pernet:
	unregister_pernet_subsys(&nfsk_net_ops);
	return err;
}

static void __exit nfsk_exit(void)
{
	nfsk_sysfs_exit();
	nfsk_genl_exit();
	unregister_pernet_subsys(&nfsk_net_ops);
}

module_init(nfsk_init);
module_exit(nfsk_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Bounded-memory traffic and route statistics with anomaly flags");
MODULE_VERSION(NFSKETCH_VERSION);
MODULE_ALIAS_GENL_FAMILY("nfsketch");
