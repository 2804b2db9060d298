// SPDX-License-Identifier: GPL-2.0
/*
 * BGP session health from the data path: the glue between the hooks, the
 * core's per-session rules (kmod/core/bgp.c) and the window close.
 *
 * The table (struct nfsk_bgp) is published with RCU in nn->bgp: the hooks
 * read it under the RCU read lock netfilter holds, CONFIG_SET replaces it
 * whole (under nn->lock) when bgp_sessions changes, and the old one is freed
 * after a grace period. Each bucket of NFSK_BGP_WAYS sessions has its own
 * spinlock, taken by the hooks (bottom halves already disabled) and by the
 * window close and the BGP_GET dump (with spin_lock_bh()); nothing sleeps
 * or takes another lock under it. BGP is a few segments a second per
 * session, and a full-table transfer is one connection, which RSS keeps on
 * one CPU: a lock per bucket does not bounce, and counts stay exact where
 * per-CPU halves would have to merge sequence state.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include "nfsketch.h"

struct nfsk_bgp_kbucket {
	spinlock_t		lock;	/* b */
	struct nfsk_bgp_bucket	b;
};

struct nfsk_bgp {
	struct rcu_head		rcu;
	u32			nbuckets;	/* power of two */
	u64			mem_bytes;
	struct nfsk_bgp_kbucket	bkt[];
};

static struct nfsk_bgp *nfsk_bgp_alloc(u32 sessions)
{
	u32 n = max_t(u32, sessions / NFSK_BGP_WAYS, 1), i;
	struct nfsk_bgp *t;
	size_t size = struct_size(t, bkt, n);

	t = kvzalloc(size, GFP_KERNEL_ACCOUNT);
	if (!t)
		return NULL;
	t->nbuckets = n;
	t->mem_bytes = size;
	for (i = 0; i < n; i++)
		spin_lock_init(&t->bkt[i].lock);
	atomic64_add(size, &nfsk_mem_bytes);
	return t;
}

static void nfsk_bgp_free(struct nfsk_bgp *t)
{
	if (!t)
		return;
	atomic64_sub(t->mem_bytes, &nfsk_mem_bytes);
	kvfree(t);
}

static void nfsk_bgp_free_rcu(struct rcu_head *head)
{
	nfsk_bgp_free(container_of(head, struct nfsk_bgp, rcu));
}

static void nfsk_bgp_set_cfg(struct nfsk_net *nn, const struct nfsk_config *cfg)
{
	WRITE_ONCE(nn->bgp_cfg.hold_ns, (u64)cfg->bgp_hold_ms * NSEC_PER_MSEC);
	WRITE_ONCE(nn->bgp_cfg.silence_permille, cfg->bgp_silence_permille);
	WRITE_ONCE(nn->bgp_cfg.retrans_min, cfg->bgp_retrans_min);
}

static void nfsk_bgp_get_cfg(const struct nfsk_net *nn, struct nfsk_bgp_cfg *c)
{
	c->hold_ns = READ_ONCE(nn->bgp_cfg.hold_ns);
	c->silence_permille = READ_ONCE(nn->bgp_cfg.silence_permille);
	c->retrans_min = READ_ONCE(nn->bgp_cfg.retrans_min);
}

int nfsk_bgp_init(struct nfsk_net *nn)
{
	struct nfsk_bgp *t = nfsk_bgp_alloc(nn->cfg.bgp_sessions);

	if (!t)
		return -ENOMEM;
	nfsk_bgp_set_cfg(nn, &nn->cfg);
	RCU_INIT_POINTER(nn->bgp, t);
	return 0;
}

/* No hook runs any more (after pre_exit's grace period, or never did). */
void nfsk_bgp_exit(struct nfsk_net *nn)
{
	nfsk_bgp_free(rcu_dereference_protected(nn->bgp, true));
	RCU_INIT_POINTER(nn->bgp, NULL);
}

/*
 * CONFIG_SET, first step: a new table when bgp_sessions changes (NULL when
 * it does not; ERR_PTR(-ENOMEM)). Nothing is published yet.
 */
struct nfsk_bgp *nfsk_bgp_prepare(struct nfsk_net *nn,
				  const struct nfsk_config *cfg)
{
	struct nfsk_bgp *t;

	lockdep_assert_held(&nn->lock);
	if (cfg->bgp_sessions == nn->cfg.bgp_sessions)
		return NULL;
	t = nfsk_bgp_alloc(cfg->bgp_sessions);
	return t ?: ERR_PTR(-ENOMEM);
}

/* Second step, which cannot fail: publish @fresh (if any) and the rules. */
void nfsk_bgp_commit(struct nfsk_net *nn, const struct nfsk_config *cfg,
		     struct nfsk_bgp *fresh)
{
	struct nfsk_bgp *old;

	lockdep_assert_held(&nn->lock);
	nfsk_bgp_set_cfg(nn, cfg);
	if (!fresh)
		return;
	old = rcu_replace_pointer(nn->bgp, fresh, lockdep_is_held(&nn->lock));
	call_rcu(&old->rcu, nfsk_bgp_free_rcu);
}

void nfsk_bgp_discard(struct nfsk_bgp *fresh)
{
	if (!IS_ERR_OR_NULL(fresh))
		nfsk_bgp_free(fresh);
}

/* The TCP header of an IPv4 segment: its offset, or -1. */
static int nfsk_bgp_thoff4(const struct sk_buff *skb, int nhoff)
{
	const struct iphdr *iph;
	struct iphdr _iph;

	iph = skb_header_pointer(skb, nhoff, sizeof(_iph), &_iph);
	if (!iph || iph->protocol != IPPROTO_TCP ||
	    (iph->frag_off & htons(IP_OFFSET)))
		return -1;
	return nhoff + iph->ihl * 4;
}

/* The same for IPv6, past the extension headers as the flow key's parse. */
static int nfsk_bgp_thoff6(const struct sk_buff *skb, int nhoff)
{
	const u8 *nh;
	__be16 frag_off;
	u8 nexthdr;
	int off;

	/* a linear skb is read in place: the copy is only for a paged one */
	nh = skb_header_pointer(skb, nhoff + offsetof(struct ipv6hdr, nexthdr),
				1, &nexthdr);
	if (!nh)
		return -1;
	nexthdr = *nh;
	off = ipv6_skip_exthdr(skb, nhoff + sizeof(struct ipv6hdr), &nexthdr,
			       &frag_off);
	if (off < 0 || nexthdr != IPPROTO_TCP || (frag_off & htons(~0x7)))
		return -1;
	return off;
}

/*
 * A packet with port 179 on either side (the hook's one compare): if it is
 * a TCP segment, account it. Called with bottom halves disabled, under the
 * RCU read lock.
 */
void nfsk_bgp_packet(struct nfsk_net *nn, const struct sk_buff *skb, u8 pf,
		     const struct nfsk_flow_key *key)
{
	struct nfsk_bgp *t = rcu_dereference(nn->bgp);
	struct nfsk_bgp_kbucket *kb;
	const struct tcphdr *th;
	struct nfsk_bgp_seg seg;
	struct nfsk_bgp_cfg cfg;
	u8 _head[NFSK_BGP_OPEN_HEAD];
	struct tcphdr _th;
	int thoff;

	if (key->proto != IPPROTO_TCP || !t)
		return;
	thoff = pf == NFPROTO_IPV4 ?
		nfsk_bgp_thoff4(skb, skb_network_offset(skb)) :
		nfsk_bgp_thoff6(skb, skb_network_offset(skb));
	if (thoff < 0)
		return;
	th = skb_header_pointer(skb, thoff, sizeof(_th), &_th);
	if (!th || th->doff < 5 || thoff + th->doff * 4 > skb->len)
		return;

	/* the IP layer has trimmed the skb to the datagram's length */
	nfsk_bgp_seg_init(&seg, key, (const u8 *)th,
			  skb->len - thoff - th->doff * 4, ktime_get_ns());
	/* an OPEN's fields, if the payload can hold one (the core judges) */
	if (seg.len >= NFSK_BGP_OPEN_MIN) {
		seg.head = skb_header_pointer(skb, thoff + th->doff * 4,
					      sizeof(_head), _head);
		seg.head_len = seg.head ? sizeof(_head) : 0;
	}
	nfsk_bgp_get_cfg(nn, &cfg);

	kb = &t->bkt[nfsk_bgp_bucket_of(&seg, t->nbuckets)];
	spin_lock(&kb->lock);
	nfsk_bgp_segment(&kb->b, &cfg, &seg);
	spin_unlock(&kb->lock);
}

static void nfsk_bgp_alert(struct nfsk_net *nn, const struct nfsk_window *win,
			   const struct nfsk_bgp_sess *s,
			   const struct nfsk_bgp_verdict *v)
{
	struct nfsk_alert_rec a;
	u32 r;

	memset(&a, 0, sizeof(a));
	a.window_id = win->id;
	a.start_real_ns = win->start_real_ns;
	a.flag = NFSKETCH_FLAG_BGP_SESSION;
	a.series = NFSK_SERIES_PACKETS;
	a.kind = NFSK_ALERT_FLOW;
	a.flow.key.family = s->family;
	a.flow.key.proto = IPPROTO_TCP;
	memcpy(a.flow.key.saddr, s->addr[0], 16);
	memcpy(a.flow.key.daddr, s->addr[1], 16);
	a.flow.key.sport = s->port[0];
	a.flow.key.dport = s->port[1];
	a.flow.packets = s->segments;
	for (r = 1; r <= NFSK_BGP_SILENT; r <<= 1) {
		if (!(v->reasons & r))
			continue;
		a.reason = r;
		switch (r) {
		case NFSK_BGP_RETRANS:
			a.value = v->retrans;
			a.baseline = v->baseline;
			break;
		case NFSK_BGP_RESET:
			a.value = v->rst;
			a.baseline = 0;
			break;
		case NFSK_BGP_CLOSED:
			a.value = v->fin;
			a.baseline = 0;
			break;
		default:
			a.value = v->silence_ms;
			a.baseline = v->threshold_ms;
			break;
		}
		nfsk_events_alert(nn->events, &a);
	}
}

/*
 * Window close, under nn->lock: judge every session, raise BGP_SESSION on
 * @win and queue one alert per session and reason. The alerts are queued
 * after the bucket's lock is dropped (bucket locks and events->lock are
 * never held together): the lock is dropped at each session that raised
 * the flag, the alert queued from a copy, and the bucket's walk resumed at
 * the next way, so only one session and verdict are on the stack.
 */
void nfsk_bgp_close_window(struct nfsk_net *nn, struct nfsk_window *win)
{
	struct nfsk_bgp *t = rcu_dereference_protected(nn->bgp,
						       lockdep_is_held(&nn->lock));
	bool alerts = nfsk_genl_has_listeners(nn->net);
	struct nfsk_bgp_verdict v;
	struct nfsk_bgp_sess s;
	struct nfsk_bgp_cfg cfg;
	u64 now = ktime_get_ns();
	u32 i, w;

	nfsk_bgp_get_cfg(nn, &cfg);
	for (i = 0; i < t->nbuckets; i++) {
		struct nfsk_bgp_kbucket *kb = &t->bkt[i];

		for (w = 0; w < NFSK_BGP_WAYS; w++) {
			bool raised;

			spin_lock_bh(&kb->lock);
			while (w < NFSK_BGP_WAYS &&
			       !nfsk_bgp_close(&kb->b.s[w], &cfg, now, &v))
				w++;
			raised = w < NFSK_BGP_WAYS;
			if (raised)
				s = kb->b.s[w];
			spin_unlock_bh(&kb->lock);
			if (!raised)
				break;
			win->flags |= NFSKETCH_FLAG_BGP_SESSION;
			if (alerts)
				nfsk_bgp_alert(nn, win, &s, &v);
		}
		if (!(i & 63))
			cond_resched();
	}
}

/* Sessions tracked, new ones refused (bucket full) and evictions. */
void nfsk_bgp_stats(struct nfsk_net *nn, u32 *sessions, u64 *full,
		    u64 *evicted)
{
	struct nfsk_bgp *t;
	u32 i, w;

	*sessions = 0;
	*full = 0;
	*evicted = 0;
	rcu_read_lock();
	t = rcu_dereference(nn->bgp);
	for (i = 0; t && i < t->nbuckets; i++) {
		struct nfsk_bgp_kbucket *kb = &t->bkt[i];

		spin_lock_bh(&kb->lock);
		for (w = 0; w < NFSK_BGP_WAYS; w++)
			*sessions += kb->b.s[w].used;
		*full += kb->b.full;
		*evicted += kb->b.evicted;
		spin_unlock_bh(&kb->lock);
	}
	rcu_read_unlock();
}

/* The table's memory: fixed at its allocation, no walk. */
u64 nfsk_bgp_mem_bytes(struct nfsk_net *nn)
{
	struct nfsk_bgp *t;
	u64 bytes;

	rcu_read_lock();
	t = rcu_dereference(nn->bgp);
	bytes = t ? t->mem_bytes : 0;
	rcu_read_unlock();
	return bytes;
}

/*
 * The session at position *@pos (bucket * WAYS + way) or the next used
 * one; false past the end. For the BGP_GET dump, which resumes at *@pos.
 */
bool nfsk_bgp_next(struct nfsk_net *nn, u32 *pos, struct nfsk_bgp_sess *out)
{
	struct nfsk_bgp *t;
	bool found = false;

	rcu_read_lock();
	t = rcu_dereference(nn->bgp);
	for (; t && *pos < t->nbuckets * NFSK_BGP_WAYS && !found; (*pos)++) {
		struct nfsk_bgp_kbucket *kb = &t->bkt[*pos / NFSK_BGP_WAYS];
		const struct nfsk_bgp_sess *s = &kb->b.s[*pos % NFSK_BGP_WAYS];

		spin_lock_bh(&kb->lock);
		if (s->used) {
			*out = *s;
			found = true;
		}
		spin_unlock_bh(&kb->lock);
	}
	rcu_read_unlock();
	return found;
}
