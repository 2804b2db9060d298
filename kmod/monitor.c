// SPDX-License-Identifier: GPL-2.0
/*
 * Whether a namespace is monitored, and its monitored state's life.
 *
 * A monitored namespace has its per-CPU totals, sketches, history, route
 * state and event queue, its netfilter hooks and its fib notifier. One not
 * monitored has none of these: no memory beyond struct nfsk_net and no hook
 * on its packet path at all (nothing to check per packet). The initial
 * namespace is always monitored; the others follow the module parameter
 * netns_monitor (also /sys/kernel/nfsketch/netns_monitor):
 *  - all: from their creation (the behaviour before the choice existed);
 *  - none: only once enabled through MONITOR_SET (`nfsketch enable`);
 *  - on-demand: also at the first request reading the state (STATS_GET,
 *    WINDOW_GET, TOPK_GET, QUERY, SKETCH_GET, ROUTE_GET, CONFIG_SET, RESET).
 * A change of netns_monitor applies to namespaces created afterwards, and
 * on-demand enabling follows the value at the time of the request.
 *
 * Enabling builds the state as namespace init did before, registering the
 * fib notifier last but one: its registration replays the routes already
 * present into the route set (as events of no window), so a namespace
 * enabled late knows its present routes. Disabling unregisters the hooks
 * and the notifier, waits one grace period (a hook or a notification may
 * still run: neither unregistration waits for the readers), stops the
 * works and frees everything, then zeroes the state so that the next
 * enable starts from window 1 with zero totals. The configuration is kept.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/moduleparam.h>
#include <linux/netdevice.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include "nfsketch.h"

static int nfsk_netns_monitor = NFSK_NETNS_MONITOR_ALL;

static const char * const nfsk_netns_monitor_names[] = {
	[NFSK_NETNS_MONITOR_ALL]	= "all",
	[NFSK_NETNS_MONITOR_NONE]	= "none",
	[NFSK_NETNS_MONITOR_ON_DEMAND]	= "on-demand",
};

int nfsk_netns_monitor_show(char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  nfsk_netns_monitor_names[READ_ONCE(nfsk_netns_monitor)]);
}

int nfsk_netns_monitor_store(const char *buf)
{
	int i = sysfs_match_string(nfsk_netns_monitor_names, buf);

	if (i < 0)
		return -EINVAL;
	WRITE_ONCE(nfsk_netns_monitor, i);
	return 0;
}

static int nfsk_netns_monitor_param_set(const char *val,
					const struct kernel_param *kp)
{
	int err = nfsk_netns_monitor_store(val);

	if (err)
		pr_err("netns_monitor=%s: must be all, none or on-demand\n", val);
	return err;
}

static int nfsk_netns_monitor_param_get(char *buf, const struct kernel_param *kp)
{
	return nfsk_netns_monitor_show(buf);
}

static const struct kernel_param_ops nfsk_netns_monitor_ops = {
	.set	= nfsk_netns_monitor_param_set,
	.get	= nfsk_netns_monitor_param_get,
};

module_param_cb(netns_monitor, &nfsk_netns_monitor_ops, NULL, 0644);
__MODULE_PARM_TYPE(netns_monitor, "string");
MODULE_PARM_DESC(netns_monitor,
		 "which namespaces other than the initial one are monitored: all (from creation), none (only when enabled), on-demand (when enabled or first read) (default all)");

/* The monitored state: from pending_sketch to the end, and the two above. */
static void nfsk_monitor_zero(struct nfsk_net *nn)
{
	size_t from = offsetof(struct nfsk_net, pending_sketch);

	RCU_INIT_POINTER(nn->sketch, NULL);
	nn->stats = NULL;
	memset((char *)nn + from, 0, sizeof(*nn) - from);
}

/* Builds the monitored state and starts it; under monitor_lock. */
static int nfsk_monitor_up(struct nfsk_net *nn)
{
	int err;

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

	err = nfsk_hooks_register(nn->net);
	if (err)
		goto err_hooks_sync;

	err = nfsk_routes_register(nn);
	if (err)
		goto err_hooks_unregister;

	nfsk_window_start(nn);
	nn->monitor_gen++;
	WRITE_ONCE(nn->monitored, true);
	return 0;

err_hooks_unregister:
	nfsk_hooks_unregister(nn->net);
err_hooks_sync:
	/*
	 * Hooks of this namespace may still be running on other CPUs: also
	 * after a failed registration, which unregisters the hooks it had
	 * registered without waiting for them.
	 */
	synchronize_net();
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
	nfsk_monitor_zero(nn);
	return err;
}

/*
 * Why nfsk_monitor_up() failed: memory, or a registration (the fib
 * notifier gives up with -EBUSY while the tables keep changing during its
 * replay).
 */
static void nfsk_monitor_up_failed(int err, struct netlink_ext_ack *extack)
{
	if (err == -ENOMEM)
		NL_SET_ERR_MSG_MOD(extack, "no memory to enable monitoring");
	else
		NL_SET_ERR_MSG_MOD(extack,
				   "enabling monitoring failed registering the hooks or the fib notifier; try again");
}

/* Removes the producers: no new hook run or notification after this. */
static void nfsk_monitor_stop_producers(struct nfsk_net *nn)
{
	nfsk_hooks_unregister(nn->net);
	nfsk_routes_unregister(nn);
}

/* After the producers are gone and a grace period: frees the state. */
static void nfsk_monitor_free(struct nfsk_net *nn)
{
	/* the window work is the last producer of events: stop it first */
	nfsk_window_stop(nn);
	nfsk_events_exit(nn);
	nfsk_window_free(nn);
	nfsk_bgp_exit(nn);
	nfsk_routes_free(nn->routes);
	kfree(nn->routes);
	free_percpu(nn->stats);
	WRITE_ONCE(nn->monitored, false);
	nfsk_monitor_zero(nn);
}

int nfsk_monitor_net_init(struct nfsk_net *nn)
{
	int err = 0;

	mutex_init(&nn->monitor_lock);
	if (net_eq(nn->net, &init_net) ||
	    READ_ONCE(nfsk_netns_monitor) == NFSK_NETNS_MONITOR_ALL) {
		mutex_lock(&nn->monitor_lock);
		err = nfsk_monitor_up(nn);
		mutex_unlock(&nn->monitor_lock);
	}
	if (err)
		mutex_destroy(&nn->monitor_lock);
	return err;
}

/*
 * Namespace exit: no request can run any more (none has a socket in it), so
 * the lock only documents; the core waits a grace period between the two.
 */
void nfsk_monitor_net_pre_exit(struct nfsk_net *nn)
{
	mutex_lock(&nn->monitor_lock);
	if (nn->monitored)
		nfsk_monitor_stop_producers(nn);
	mutex_unlock(&nn->monitor_lock);
}

void nfsk_monitor_net_exit(struct nfsk_net *nn)
{
	mutex_lock(&nn->monitor_lock);
	if (nn->monitored)
		nfsk_monitor_free(nn);
	mutex_unlock(&nn->monitor_lock);
	mutex_destroy(&nn->monitor_lock);
}

/* MONITOR_SET: the caller checked CAP_NET_ADMIN. */
int nfsk_monitor_set(struct nfsk_net *nn, bool on,
		     struct netlink_ext_ack *extack)
{
	int err = 0;

	if (!on && net_eq(nn->net, &init_net)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the initial namespace is always monitored");
		return -EINVAL;
	}
	mutex_lock(&nn->monitor_lock);
	if (on && !nn->monitored) {
		err = nfsk_monitor_up(nn);
		if (err)
			nfsk_monitor_up_failed(err, extack);
	} else if (!on && nn->monitored) {
		nfsk_monitor_stop_producers(nn);
		/* a hook or a notification may still be running */
		synchronize_net();
		nfsk_monitor_free(nn);
	}
	mutex_unlock(&nn->monitor_lock);
	return err;
}

/*
 * A request reading the monitored state: takes monitor_lock, enabling the
 * namespace first when netns_monitor is on-demand. On success the caller
 * holds monitor_lock until nfsk_monitor_end().
 */
int nfsk_monitor_begin(struct nfsk_net *nn, struct netlink_ext_ack *extack)
{
	int err;

	mutex_lock(&nn->monitor_lock);
	if (nn->monitored)
		return 0;
	if (READ_ONCE(nfsk_netns_monitor) != NFSK_NETNS_MONITOR_ON_DEMAND) {
		NL_SET_ERR_MSG_MOD(extack,
				   "monitoring is disabled in this namespace; enable with `nfsketch enable` (MONITOR_SET)");
		err = -EOPNOTSUPP;
		goto unlock;
	}
	err = nfsk_monitor_up(nn);
	if (!err)
		return 0;
	nfsk_monitor_up_failed(err, extack);
unlock:
	mutex_unlock(&nn->monitor_lock);
	return err;
}

/*
 * Holds monitor_lock without enabling: the state stays as it is (monitored
 * or not, not freed meanwhile) until nfsk_monitor_end().
 */
void nfsk_monitor_hold(struct nfsk_net *nn)
{
	mutex_lock(&nn->monitor_lock);
}

void nfsk_monitor_end(struct nfsk_net *nn)
{
	mutex_unlock(&nn->monitor_lock);
}
