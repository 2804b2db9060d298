// SPDX-License-Identifier: GPL-2.0
/*
 * route_anom.c - withdraw bursts and lost default routes (route_anom.h).
 *
 * A burst is judged at each withdrawal against the group's routes of the
 * window (present at its start + added in it), in integers: withdrawn *
 * 1000 > permille * routes. The group of the last event is tried first (a
 * session's routes come in runs), then the NFSK_RA_GROUPS slots; a slot
 * whose group has no routes and no events this window is freed at window
 * close.
 */
#include <nfsketch/route_anom.h>
#include <nfsketch/route_class.h>
#include <nfsketch/tunables.h>

void nfsk_ra_cfg_default(struct nfsk_ra_cfg *cfg)
{
	cfg->burst_permille = nfsk_tunables[NFSK_T_withdraw_burst_permille].def;
	cfg->burst_min = nfsk_tunables[NFSK_T_withdraw_burst_min].def;
	cfg->more_specific = nfsk_tunables[NFSK_T_more_specific].def;
}

void nfsk_ra_init(struct nfsk_ra_state *s, const struct nfsk_ra_cfg *cfg)
{
	memset(s, 0, sizeof(*s));
	s->cfg = *cfg;
}

void nfsk_ra_reset(struct nfsk_ra_state *s)
{
	memset(s->grp, 0, sizeof(s->grp));
	memset(s->def, 0, sizeof(s->def));
	s->last = 0;
}

static bool grp_is(const struct nfsk_ra_group *g, u8 family, u32 table,
		   u8 protocol)
{
	return g->used && g->family == family && g->table == table &&
	       g->protocol == protocol;
}

/* The group's slot, a new one if @create; NULL when none is free. */
static struct nfsk_ra_group *grp_get(struct nfsk_ra_state *s, u8 family,
				     u32 table, u8 protocol, bool create)
{
	struct nfsk_ra_group *free = NULL;
	u32 i;

	if (grp_is(&s->grp[s->last], family, table, protocol))
		return &s->grp[s->last];
	for (i = 0; i < NFSK_RA_GROUPS; i++) {
		if (grp_is(&s->grp[i], family, table, protocol)) {
			s->last = i;
			return &s->grp[i];
		}
		if (!s->grp[i].used && !free)
			free = &s->grp[i];
	}
	if (!create || !free)
		return NULL;
	memset(free, 0, sizeof(*free));
	free->used = 1;
	free->family = family;
	free->table = table;
	free->protocol = protocol;
	s->last = free - s->grp;
	return free;
}

static void grp_add(struct nfsk_ra_group *g, bool baseline)
{
	g->size++;
	if (baseline)
		g->start++;
	else
		g->added++;
}

static void grp_del(struct nfsk_ra_group *g)
{
	if (g->size)
		g->size--;
}

/* Withdrawals and table sizes of the groups; a burst check at a DEL. */
static void judge_burst(struct nfsk_ra_state *s, const struct nfsk_ra_route *rt,
			struct nfsk_ra_verdict *v)
{
	struct nfsk_ra_group *g, *old;
	u64 routes;

	if (rt->event == NFSK_RC_REPLACE) {
		/* a route moved to another protocol: to its group */
		if (!rt->prior_known || rt->prior_protocol == rt->protocol)
			return;
		old = grp_get(s, rt->family, rt->table, rt->prior_protocol,
			      false);
		if (!old)
			return;
		grp_del(old);
		if (old->start > old->size)
			old->start = old->size;
		g = grp_get(s, rt->family, rt->table, rt->protocol, true);
		if (g) {
			g->size++;
			g->start++;
		} else {
			s->untracked++;
		}
		return;
	}
	if (!rt->delta)
		return;
	g = grp_get(s, rt->family, rt->table, rt->protocol, rt->delta > 0);
	if (!g) {
		s->untracked++;
		return;
	}
	if (rt->delta > 0) {
		grp_add(g, rt->baseline);
		return;
	}
	grp_del(g);
	if (rt->baseline)
		return;
	g->withdrawn++;
	if (g->flagged || g->withdrawn < s->cfg.burst_min)
		return;
	routes = (u64)g->start + g->added;
	if ((u64)g->withdrawn * 1000 <= (u64)s->cfg.burst_permille * routes)
		return;
	g->flagged = 1;
	s->bursts++;
	v->flags |= NFSK_FLAG_ROUTE_WITHDRAW_BURST;
	v->withdrawn = g->withdrawn;
	v->routes = routes > 0xffffffffULL ? 0xffffffffU : (u32)routes;
}

static struct nfsk_ra_default *def_get(struct nfsk_ra_state *s, u8 family,
				       u32 table)
{
	struct nfsk_ra_default *free = NULL;
	u32 i;

	for (i = 0; i < NFSK_RA_DEFAULTS; i++) {
		struct nfsk_ra_default *d = &s->def[i];

		if (d->used && d->family == family && d->table == table)
			return d;
		if (!d->used && !free)
			free = d;
	}
	if (free) {
		memset(free, 0, sizeof(*free));
		free->used = 1;
		free->family = family;
		free->table = table;
	}
	return free;
}

static void def_store(struct nfsk_ra_default *d, const struct nfsk_ra_route *rt)
{
	d->present = 1;
	d->protocol = rt->protocol;
	d->nexthops = rt->nexthops;
	d->oif = rt->oif;
	memcpy(d->gw, rt->gw, sizeof(d->gw));
}

static void judge_default(struct nfsk_ra_state *s,
			  const struct nfsk_ra_route *rt,
			  struct nfsk_ra_verdict *v)
{
	struct nfsk_ra_default *d;
	u32 reason = 0;

	if (rt->plen)
		return;
	d = def_get(s, rt->family, rt->table);
	if (!d) {
		s->untracked++;
		return;
	}
	if (rt->baseline) {
		if (rt->event == NFSK_RC_DEL)
			d->present = 0;
		else
			def_store(d, rt);
		return;
	}
	switch (rt->event) {
	case NFSK_RC_DEL:
		/* withdrawn, even if we never saw it come */
		reason = NFSK_RA_WITHDRAWN;
		v->old_protocol = d->present ? d->protocol : rt->protocol;
		d->present = 0;
		break;
	case NFSK_RC_REPLACE:
		if (d->present && rt->sibling_only) {
			if (d->nexthops != rt->nexthops)
				reason |= NFSK_RA_NEXTHOP;
			v->old_protocol = d->protocol;
			d->nexthops = rt->nexthops;	/* first next hop kept */
			break;
		}
		if (d->present) {
			if (d->oif != rt->oif || d->nexthops != rt->nexthops ||
			    memcmp(d->gw, rt->gw, sizeof(d->gw)))
				reason |= NFSK_RA_NEXTHOP;
			if (d->protocol != rt->protocol)
				reason |= NFSK_RA_PROTOCOL;
			v->old_protocol = d->protocol;
		}
		def_store(d, rt);
		break;
	default:	/* a default route coming is no loss */
		def_store(d, rt);
		break;
	}
	if (!reason)
		return;
	s->defaults_lost++;
	v->flags |= NFSK_FLAG_DEFAULT_ROUTE_LOST;
	v->reason = reason;
}

u32 nfsk_ra_event(struct nfsk_ra_state *s, const struct nfsk_ra_route *rt,
		  struct nfsk_ra_verdict *v)
{
	struct nfsk_ra_verdict dummy;

	if (!v)
		v = &dummy;
	memset(v, 0, sizeof(*v));
	judge_burst(s, rt, v);
	judge_default(s, rt, v);
	s->window_flags |= v->flags;
	return v->flags;
}

bool nfsk_ra_more_specific_due(const struct nfsk_ra_state *s,
			       const struct nfsk_ra_route *rt)
{
	/* a /1 has no cover but the /0, which never counts */
	return s->cfg.more_specific && rt->event == NFSK_RC_ADD &&
	       !rt->baseline && rt->plen > 1;
}

u32 nfsk_ra_more_specific(struct nfsk_ra_state *s,
			  const struct nfsk_ms_cover *c,
			  struct nfsk_ra_verdict *v)
{
	if (!c->reason)
		return 0;
	s->more_specifics++;
	s->window_flags |= NFSK_FLAG_ROUTE_MORE_SPECIFIC;
	v->flags |= NFSK_FLAG_ROUTE_MORE_SPECIFIC;
	v->cover = *c;
	return NFSK_FLAG_ROUTE_MORE_SPECIFIC;
}

u32 nfsk_ra_window_close(struct nfsk_ra_state *s)
{
	u32 flags = s->window_flags, i;

	for (i = 0; i < NFSK_RA_GROUPS; i++) {
		struct nfsk_ra_group *g = &s->grp[i];

		if (!g->used)
			continue;
		if (!g->size && !g->withdrawn && !g->added) {
			g->used = 0;
			continue;
		}
		g->start = g->size;
		g->added = 0;
		g->withdrawn = 0;
		g->flagged = 0;
	}
	s->window_flags = 0;
	return flags;
}
