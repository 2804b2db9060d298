/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfsketch kernel glue: state shared by the module's files.
 *
 * Locking: each namespace's state is written per packet only through its
 * per-CPU counters (no lock, bottom halves disabled) and read by summing
 * them. Everything else of a namespace is protected by nfsk_net->lock.
 */
#ifndef _NFSKETCH_KMOD_H
#define _NFSKETCH_KMOD_H

#include <linux/types.h>
#include <linux/u64_stats_sync.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#define NFSKETCH_VERSION	"0.1.0"

/* Hot per-CPU counters of one namespace, summed at read time. */
struct nfsk_pcpu_stats {
	u64_stats_t		packets;
	u64_stats_t		bytes;
	struct u64_stats_sync	syncp;
};

struct nfsk_net {
	struct nfsk_pcpu_stats __percpu	*stats;
	struct net			*net;
};

extern unsigned int nfsk_net_id;

static inline struct nfsk_net *nfsk_pernet(const struct net *net)
{
	return net_generic(net, nfsk_net_id);
}

void nfsk_stats_sum(const struct nfsk_net *nn, u64 *packets, u64 *bytes);

int nfsk_hooks_register(struct net *net);
void nfsk_hooks_unregister(struct net *net);

int nfsk_genl_init(void);
void nfsk_genl_exit(void);

int nfsk_sysfs_init(void);
void nfsk_sysfs_exit(void);

#endif /* _NFSKETCH_KMOD_H */
