// SPDX-License-Identifier: GPL-2.0
/*
 * route_event.c - one route notification through the core's route rules,
 * in the order route_event.h states; the kernel's fib notifier
 * (kmod/routes.c) and the replay's route input (userspace/replay/route_in.c)
 * both call it, so they cannot drift apart.
 */
#include <nfsketch/route_event.h>

/*
 * An APPEND, or a DEL the classifier made a REPLACE, notifies one IPv6
 * sibling: the next hop notified is not the route's first.
 */
static bool sibling_only(u8 fib, const struct nfsk_rc_verdict *v)
{
	return fib == NFSK_RC_FIB_APPEND ||
	       (fib == NFSK_RC_FIB_DEL && v->event == NFSK_RC_REPLACE);
}

static void more_specific(struct nfsk_route_core *c,
			  const struct nfsk_route_ev *e,
			  const struct nfsk_ra_route *rt, u32 nh_fp,
			  nfsk_route_cover_fn cover, void *ctx,
			  struct nfsk_ra_verdict *av)
{
	struct nfsk_ms_hop hop = { .nh_fp = nh_fp, .protocol = rt->protocol };
	struct nfsk_ms_cover mc;

	if (!cover || !nfsk_ra_more_specific_due(&c->anom, rt))
		return;
	cover(ctx, &e->key, &hop, &mc);
	nfsk_ra_more_specific(&c->anom, &mc, av);
}

void nfsk_route_event(struct nfsk_route_core *c, const struct nfsk_route_ev *e,
		      nfsk_route_cover_fn cover, void *ctx,
		      struct nfsk_route_verdict *out)
{
	enum nfsk_rc_family fam = e->key.family == NFSK_AF_INET ? NFSK_RC_V4 :
								   NFSK_RC_V6;
	u32 size = c->tab.size[fam];
	struct nfsk_ra_route rt;
	s32 delta;

	memset(out, 0, sizeof(*out));
	nfsk_route_classify(&c->tab, fam, (enum nfsk_rc_fib)e->fib,
			    e->nsiblings, &e->prior, e->baseline, &out->rc);
	delta = (s32)(c->tab.size[fam] - size);
	out->sibling_only = sibling_only(e->fib, &out->rc);
	out->nh_fp = nfsk_ms_nh_fp(e->oif, e->gw);

	memset(&rt, 0, sizeof(rt));
	rt.table = e->key.table;
	rt.family = fam;
	rt.plen = e->key.plen;
	rt.protocol = e->protocol;
	rt.event = out->rc.event;
	rt.delta = delta > 0 ? 1 : delta < 0 ? -1 : 0;
	rt.baseline = e->baseline;
	rt.prior_known = e->held;
	rt.prior_protocol = e->held ? e->held_protocol : 0;
	/* IPv4: the alias's paths; IPv6: the siblings counted */
	rt.nexthops = fam == NFSK_RC_V6 ? out->rc.next.nexthops : e->nexthops;
	rt.sibling_only = out->sibling_only;
	rt.oif = e->oif;
	memcpy(rt.gw, e->gw, sizeof(rt.gw));
	nfsk_ra_event(&c->anom, &rt, &out->ra);
	more_specific(c, e, &rt, out->nh_fp, cover, ctx, &out->ra);

	nfsk_flap_event(&c->flap, &e->key, (enum nfsk_flap_event)out->rc.event,
			e->now_ns, &out->flap);
	nfsk_flap_set_route(&c->flap, &e->key, e->protocol,
			    out->rc.next.nexthops);
	if (!out->rc.report)
		return;
	nfsk_rs_event(&c->rs, e->protocol, e->key.table);
	if (out->flap.crossed) {
		c->flap_crossed++;
		out->emit |= NFSK_FLAG_ROUTE_FLAP;
	}
	out->emit |= out->ra.flags;
}

void nfsk_route_close_window(struct nfsk_route_core *c,
			     struct nfsk_window *win)
{
	u32 ev[NFSK_RC_FAMILIES][NFSK_RC_EVENTS];
	unsigned int f;

	nfsk_route_window_take(&c->tab, ev);
	nfsk_rs_window_take(&c->rs, &win->rs);
	for (f = 0; f < NFSK_RC_FAMILIES; f++) {
		win->route_add[f] = ev[f][NFSK_RC_ADD];
		win->route_del[f] = ev[f][NFSK_RC_DEL];
		win->route_replace[f] = ev[f][NFSK_RC_REPLACE];
		win->routes[f] = c->tab.size[f];
	}
	if (c->flap_crossed)
		win->flags |= NFSK_FLAG_ROUTE_FLAP;
	win->flags |= nfsk_ra_window_close(&c->anom);
	c->flap_crossed = 0;
}

void nfsk_route_flap_cfg(struct nfsk_flap_cfg *fc, u32 half_life_ms,
			 u32 suppress, u32 reuse)
{
	nfsk_flap_cfg_default(fc);
	fc->half_life_ns = (u64)half_life_ms * 1000000;
	fc->suppress = suppress;
	fc->reuse = reuse;
	if (fc->ceiling < fc->suppress)
		fc->ceiling = fc->suppress;
}
