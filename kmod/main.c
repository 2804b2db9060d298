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
 * A namespace's state comes up in the order the packet path and the fib
 * notifier need it, and goes down in reverse: pre_exit removes the
 * producers (hooks, fib notifier), the core then waits one RCU grace period
 * for all namespaces being dismantled (a hook may still be running:
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

	nn->stats = netdev_alloc_pcpu_stats(struct nfsk_pcpu_stats);
	if (!nn->stats)
		return -ENOMEM;

	nn->routes = kzalloc(sizeof(*nn->routes), GFP_KERNEL_ACCOUNT);
	if (!nn->routes) {
		err = -ENOMEM;
		goto err_free_stats;
	}
	err = nfsk_routes_init(nn->routes, &nn->cfg);
	if (err)
		goto err_free_routes;

	err = nfsk_events_init(nn, &nn->cfg);
	if (err)
		goto err_routes_free;
	nn->routes->events = nn->events;

	err = nfsk_window_init(nn);
	if (err)
		goto err_events_exit;

	err = nfsk_bgp_init(nn);
	if (err)
		goto err_window_free;

	err = nfsk_hooks_register(net);
	if (err)
		goto err_bgp_exit;

	err = nfsk_routes_register(nn);
	if (err)
		goto err_hooks_unregister;

	nfsk_window_start(nn);
	return 0;

err_hooks_unregister:
	nfsk_hooks_unregister(net);
	/* hooks of this namespace may still be running on other CPUs */
	synchronize_net();
err_bgp_exit:
	nfsk_bgp_exit(nn);
err_window_free:
	nfsk_window_free(nn);
err_events_exit:
	nfsk_events_exit(nn);
err_routes_free:
	nfsk_routes_free(nn->routes);
err_free_routes:
	kfree(nn->routes);
err_free_stats:
	free_percpu(nn->stats);
	return err;
}

static void __net_exit nfsk_net_pre_exit(struct net *net)
{
	struct nfsk_net *nn = nfsk_pernet(net);

	nfsk_hooks_unregister(net);
	nfsk_routes_unregister(nn);
}

/* After pre_exit and a grace period: no hook, no notification runs. */
static void __net_exit nfsk_net_exit(struct net *net)
{
	struct nfsk_net *nn = nfsk_pernet(net);

	/* the window work is the last producer of events: stop it first */
	nfsk_window_stop(nn);
	nfsk_events_exit(nn);
	nfsk_window_free(nn);
	nfsk_bgp_exit(nn);
	nfsk_routes_free(nn->routes);
	kfree(nn->routes);
	free_percpu(nn->stats);
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

	err = register_pernet_subsys(&nfsk_net_ops);
	if (err)
		goto err_route_cache_exit;

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
err_route_cache_exit:
	nfsk_route_cache_exit();
	return err;
}

static void __exit nfsk_exit(void)
{
	nfsk_sysfs_exit();
	nfsk_genl_exit();
	unregister_pernet_subsys(&nfsk_net_ops);
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
	u32 sessions;
	u64 full, evicted, bgp_mem;

	nfsk_bgp_stats(nn, &sessions, &full, &evicted, &bgp_mem);
	return sizeof(*nn) + nfsk_routes_mem_bytes(nn->routes) +
	       nfsk_events_mem_bytes(nn->events) + nfsk_window_mem_bytes(nn) +
	       bgp_mem;
}
