// SPDX-License-Identifier: GPL-2.0
/*
 * nfsketch: bounded-memory traffic and routing statistics for Linux routers.
 *
 * Module init checks the module parameters (kmod/params.c) together, then
 * creates the cache of the route sets' entries (kmod/route_set.c) and
 * registers, in order: the pernet operations (every namespace,
 * present and future, gets its state and its netfilter hooks), the generic
 * netlink family that serves that state, and the sysfs tunables. Exit undoes
 * them in reverse order.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include "nfsketch.h"

unsigned int nfsk_net_id __read_mostly;
atomic64_t nfsk_mem_bytes = ATOMIC64_INIT(0);

/*
 * A namespace's state: its configuration always, the rest only while it is
 * monitored (monitor.c builds and frees it). pre_exit removes the producers
 * (hooks, fib notifier), the core then waits one RCU grace period for all
 * namespaces being dismantled (a hook may still be running:
 * nf_unregister_net_hooks() does not wait), and exit stops the works and
 * frees the state.
 */
static int __net_init nfsk_net_init(struct net *net)
{
	struct nfsk_net *nn = nfsk_pernet(net);
	int err;

	nn->net = net;
	mutex_init(&nn->lock);
	nfsk_config_defaults(&nn->cfg);
	err = nfsk_monitor_net_init(nn);
	if (err)
		mutex_destroy(&nn->lock);
	return err;
}

static void __net_exit nfsk_net_pre_exit(struct net *net)
{
	nfsk_monitor_net_pre_exit(nfsk_pernet(net));
}

/* After pre_exit and a grace period: no hook, no notification runs. */
static void __net_exit nfsk_net_exit(struct net *net)
{
	struct nfsk_net *nn = nfsk_pernet(net);

	nfsk_monitor_net_exit(nn);
	mutex_destroy(&nn->lock);
}

static struct pernet_operations nfsk_net_ops = {
	.init		= nfsk_net_init,
	.pre_exit	= nfsk_net_pre_exit,
	.exit		= nfsk_net_exit,
	.id		= &nfsk_net_id,
	.size		= sizeof(struct nfsk_net),
};

static int __init nfsk_init(void)
{
	int err;

	/* module parameters are set by now, each checked on its own */
	err = nfsk_modparams_check();
	if (err)
		return err;
	nfsk_config_init_policy();
	err = nfsk_route_cache_init();
	if (err)
		return err;

	err = nfsk_flap_cache_init();
	if (err)
		goto err_route_cache_exit;

	err = register_pernet_subsys(&nfsk_net_ops);
	if (err)
		goto err_flap_cache_exit;

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
err_flap_cache_exit:
	nfsk_flap_cache_exit();
err_route_cache_exit:
	nfsk_route_cache_exit();
	return err;
}

static void __exit nfsk_exit(void)
{
	nfsk_sysfs_exit();
	nfsk_genl_exit();
	unregister_pernet_subsys(&nfsk_net_ops);
	nfsk_flap_cache_exit();
	nfsk_route_cache_exit();
}

module_init(nfsk_init);
module_exit(nfsk_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Bounded-memory traffic and route statistics with anomaly flags");
MODULE_VERSION(NFSKETCH_VERSION);

/* Memory of one namespace: its own and what each of its parts holds. */
u64 nfsk_net_mem_bytes(struct nfsk_net *nn)
{
	if (!nn->monitored)
		return sizeof(*nn);
	return sizeof(*nn) + nfsk_routes_mem_bytes(nn->routes) +
	       nfsk_events_mem_bytes(nn->events) + nfsk_window_mem_bytes(nn) +
	       nfsk_bgp_mem_bytes(nn);
}
