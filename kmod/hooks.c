// SPDX-License-Identifier: GPL-2.0
/*
 * Netfilter hooks: a pure observer at PRE_ROUTING and LOCAL_OUT, IPv4 and
 * IPv6, so every packet the host receives or sends is seen once (a packet
 * to a local address is counted when sent, not again when it comes back in
 * on loopback). The verdict is always NF_ACCEPT.
 *
 * LOCAL_OUT runs in process context with softirqs enabled and the kernel has
 * preemptible RCU, so the RCU read lock nf_hook() holds does not keep a
 * softirq on this CPU out of the per-CPU state: bottom halves are disabled
 * around the update, as nft_counter does.
 */
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/rcupdate.h>
#include <linux/skbuff.h>
#include "nfsketch.h"

static unsigned int nfsk_hook(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	struct nfsk_net *nn = nfsk_pernet(state->net);
	struct nfsk_pcpu_stats *stats;
	struct nfsk_flow_key key;
	struct nfsk_sketch *sk;
	bool complete;

	/*
	 * A packet to a local address already crossed LOCAL_OUT: its second
	 * pass at PRE_ROUTING on loopback is not counted (as conntrack does).
	 */
	if (state->hook == NF_INET_PRE_ROUTING && state->in &&
	    (state->in->flags & IFF_LOOPBACK))
		return NF_ACCEPT;

	complete = nfsk_parse(skb, state->pf, &key);

	local_bh_disable();
	/* BGP session health: the one compare every other packet pays */
	if (unlikely(nfsk_bgp_ports(key.sport, key.dport)) && complete)
		nfsk_bgp_packet(nn, skb, state->pf, &key);
	sk = rcu_dereference(nn->sketch);
	if (likely(sk)) {
		struct nfsk_cpu *cpu = this_cpu_ptr(sk->cpu);

		struct nfsk_bank *bank = cpu->bank[READ_ONCE(sk->epoch) & 1];

		if (likely(complete))
			nfsk_bank_update(bank, &sk->key, &key, skb->len);
		else
			nfsk_bank_truncated(bank, skb->len);
	}
	stats = this_cpu_ptr(nn->stats);
	u64_stats_update_begin(&stats->syncp);
	u64_stats_inc(&stats->packets);
	u64_stats_add(&stats->bytes, skb->len);
	if (unlikely(!complete))
		u64_stats_inc(&stats->truncated);
	u64_stats_update_end(&stats->syncp);
	local_bh_enable();

	return NF_ACCEPT;
}

static const struct nf_hook_ops nfsk_hook_ops[] = {
	{
		.hook		= nfsk_hook,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_PRE_ROUTING,
		.priority	= NF_IP_PRI_FIRST,
	},
	{
		.hook		= nfsk_hook,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_LOCAL_OUT,
		.priority	= NF_IP_PRI_FIRST,
	},
	{
		.hook		= nfsk_hook,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_PRE_ROUTING,
		.priority	= NF_IP6_PRI_FIRST,
	},
	{
		.hook		= nfsk_hook,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_LOCAL_OUT,
		.priority	= NF_IP6_PRI_FIRST,
	},
};

int nfsk_hooks_register(struct net *net)
{
	return nf_register_net_hooks(net, nfsk_hook_ops,
				     ARRAY_SIZE(nfsk_hook_ops));
}

void nfsk_hooks_unregister(struct net *net)
{
	nf_unregister_net_hooks(net, nfsk_hook_ops, ARRAY_SIZE(nfsk_hook_ops));
}

/* The totals the hooks count, summed over the CPUs. */
void nfsk_stats_sum(const struct nfsk_net *nn, u64 *packets, u64 *bytes,
		    u64 *truncated)
{
	int cpu;

	*packets = 0;
	*bytes = 0;
	*truncated = 0;
	for_each_possible_cpu(cpu) {
		const struct nfsk_pcpu_stats *s = per_cpu_ptr(nn->stats, cpu);
		unsigned int start;
		u64 p, b, t;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			p = u64_stats_read(&s->packets);
			b = u64_stats_read(&s->bytes);
			t = u64_stats_read(&s->truncated);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		*packets += p;
		*bytes += b;
		*truncated += t;
	}
}
