// SPDX-License-Identifier: GPL-2.0
/*
 * route_class.c - add / delete / replace of a prefix from fib notifications,
 * and the per-family table sizes (see route_class.h for what the IPv4 and
 * IPv6 notifiers send and why the unit is the prefix).
 *
 * Rules, with n = the nexthops the notification is about (nsiblings + 1):
 *   REPLACE  absent/unknown -> ADD, present with n nexthops (size + 1);
 *            present -> REPLACE, now n nexthops.
 *   APPEND   present/unknown -> REPLACE, nexthops + n (an append is only
 *            notified for a route that is already the prefix's first);
 *            known absent -> ADD with n (defensive; not sent by 6.1/6.12).
 *   DEL      IPv4: always the prefix (its last alias) -> DEL (size - 1);
 *            IPv6 with nsiblings, or of a prefix with at most one nexthop
 *            left, or of an unknown prefix -> DEL (size - 1);
 *            IPv6 single nexthop (nsiblings = 0) of a prefix that has more
 *            -> REPLACE, nexthops - 1;
 *            of a prefix known absent -> DEL, size unchanged (counted once).
 * Sizes never go below zero (a DEL of a prefix from before the baseline is
 * impossible; the floor keeps an unexpected sequence from wrapping).
 */
#include <nfsketch/route_class.h>

static u16 nh_clamp(u32 n)
{
	return n > 0xffff ? 0xffff : (u16)n;
}

static void size_inc(struct nfsk_rc_tables *tab, enum nfsk_rc_family fam)
{
	tab->size[fam]++;
}

static void size_dec(struct nfsk_rc_tables *tab, enum nfsk_rc_family fam)
{
	if (tab->size[fam])
		tab->size[fam]--;
}

static void on_replace(struct nfsk_rc_tables *tab, enum nfsk_rc_family fam,
		       u32 n, const struct nfsk_rc_prefix *p,
		       struct nfsk_rc_verdict *v)
{
	if (p->known && p->present) {
		v->event = NFSK_RC_REPLACE;
		v->nexthop_change = p->nexthops != n;
	} else {
		v->event = NFSK_RC_ADD;
		size_inc(tab, fam);
	}
	v->next.nexthops = nh_clamp(n);
}

static void on_append(struct nfsk_rc_tables *tab, enum nfsk_rc_family fam,
		      u32 n, const struct nfsk_rc_prefix *p,
		      struct nfsk_rc_verdict *v)
{
	if (p->known && !p->present) {
		v->event = NFSK_RC_ADD;
		size_inc(tab, fam);
		v->next.nexthops = nh_clamp(n);
		return;
	}
	v->event = NFSK_RC_REPLACE;
	v->nexthop_change = 1;
	/* unknown: it had at least one nexthop before the append */
	v->next.nexthops = nh_clamp((p->known ? p->nexthops : 1) + n);
}

static void on_del(struct nfsk_rc_tables *tab, enum nfsk_rc_family fam,
		   u32 nsiblings, const struct nfsk_rc_prefix *p,
		   struct nfsk_rc_verdict *v)
{
	if (fam == NFSK_RC_V6 && !nsiblings && p->known && p->present &&
	    p->nexthops > 1) {
		v->event = NFSK_RC_REPLACE;
		v->nexthop_change = 1;
		v->next.nexthops = p->nexthops - 1;
		return;
	}
	v->event = NFSK_RC_DEL;
	v->next.present = 0;
	v->next.nexthops = 0;
	if (!p->known || p->present)
		size_dec(tab, fam);
}

void nfsk_route_classify(struct nfsk_rc_tables *tab, enum nfsk_rc_family fam,
			 enum nfsk_rc_fib fib, u32 nsiblings,
			 const struct nfsk_rc_prefix *prior, bool baseline,
			 struct nfsk_rc_verdict *v)
{
	u32 n = nsiblings + 1;

	memset(v, 0, sizeof(*v));
	v->next.known = 1;
	v->next.present = 1;
	if (fam >= NFSK_RC_FAMILIES)
		return;
	if (baseline) {
		/*
		 * The replay lists each prefix once, as a REPLACE: a DEL while
		 * it runs is a real withdrawal racing it. The prefix is gone
		 * (out of the size if the replay or an event had counted it),
		 * not reported: events start when the replay is over.
		 */
		if (fib == NFSK_RC_FIB_DEL) {
			v->event = NFSK_RC_DEL;
			v->next.present = 0;
			if (prior->known && prior->present)
				size_dec(tab, fam);
			return;
		}
		if (!(prior->known && prior->present))
			size_inc(tab, fam);
		v->event = NFSK_RC_ADD;
		v->next.nexthops = nh_clamp(n);
		return;
	}
	switch (fib) {
	case NFSK_RC_FIB_APPEND:
		on_append(tab, fam, n, prior, v);
		break;
	case NFSK_RC_FIB_DEL:
		on_del(tab, fam, nsiblings, prior, v);
		break;
	default:
		on_replace(tab, fam, n, prior, v);
		break;
	}
	v->report = 1;
	tab->window[fam][v->event]++;
	tab->total++;
	if (v->nexthop_change)
		tab->nexthop_changes++;
}

void nfsk_route_window_take(struct nfsk_rc_tables *tab,
			    u32 out[NFSK_RC_FAMILIES][NFSK_RC_EVENTS])
{
	memcpy(out, tab->window, sizeof(tab->window));
	memset(tab->window, 0, sizeof(tab->window));
}

void nfsk_route_tables_reset(struct nfsk_rc_tables *tab)
{
	tab->size[NFSK_RC_V4] = 0;
	tab->size[NFSK_RC_V6] = 0;
}

u32 nfsk_route_untracked(const struct nfsk_rc_tables *tab, u32 entries)
{
	u64 size = (u64)tab->size[NFSK_RC_V4] + tab->size[NFSK_RC_V6];

	if (size <= entries)
		return 0;
	size -= entries;
	return size > 0xffffffffU ? 0xffffffffU : (u32)size;
}

void nfsk_route_prior(struct nfsk_rc_prefix *p, bool held, u16 nexthops,
		      u32 untracked)
{
	memset(p, 0, sizeof(*p));
	if (held) {
		p->known = 1;
		p->present = 1;
		p->nexthops = nexthops;
	} else if (!untracked) {
		p->known = 1;
	}
}
