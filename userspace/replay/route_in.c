// SPDX-License-Identifier: GPL-2.0
/*
 * route_in.c - the route input of `nfsketch replay --routes FILE`.
 *
 * One event a line, times in Unix nanoseconds, never going backwards:
 *
 *   <time_ns> base|add|replace|append|del <prefix> [via GW] [dev IFINDEX]
 *             [proto P] [table T] [nexthops N]
 *
 *   prefix   A.B.C.D[/len], X:X::X[/len] or "default" (0.0.0.0/0); host
 *            bits beyond len are cleared, as the kernel stores them
 *   base     a route present when monitoring starts: what the kernel's
 *            registration dump lists (table size, no event)
 *   add, replace   the notifier's ENTRY_REPLACE (the kernel's add too)
 *   append   ENTRY_APPEND: IPv6 nexthops appended to the prefix's route
 *   del      ENTRY_DEL; IPv6: nexthops N deletes a multipath route whole,
 *            without it one nexthop goes (a route that keeps others stays)
 *   proto    RTPROT_* number or iproute2 name (bgp, ospf, static...);
 *            default: boot for add/replace/append/base, the route's own
 *            for del
 *   table    number or main/local/default; default main (254)
 *   nexthops the route's paths (IPv4) or the nexthops notified (IPv6,
 *            nsiblings + 1); default 1
 *   '#' starts a comment; blank lines are skipped.
 *
 * Each event goes through the core's calls in kmod/routes.c's order under
 * its lock: the set's prior -> nfsk_route_classify() -> nfsk_ra_event()
 * (kmod/anomalies.c's struct nfsk_ra_route) -> store in the set ->
 * nfsk_flap_event() -> the event's protocol and table series
 * (nfsk_rs_event()) at the event's time; window close is
 * nfsk_routes_close_window()'s. The set is unbounded here (tsearch(3), the
 * C library's tree), so every prefix is known: the kernel's too, up to its
 * route_track_max.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <search.h>
#include <stdlib.h>
#include <string.h>
#include <nfsketch/flow.h>
#include <nfsketch/series.h>
#include <nfsketch/tunables.h>
#include "route_in.h"

#define RI_FLAP_ENTRIES	1024	/* the kernel's NFSK_FLAP_ENTRIES */
#define RI_RTPROT_BOOT	3
#define RI_TABLE_MAIN	254

struct ri_route {
	struct nfsk_flap_key	key;
	u16			nexthops;
	u8			protocol;
};

static const struct { unsigned int id; const char *name; } ri_protos[] = {
	{ 0, "unspec" }, { 1, "redirect" }, { 2, "kernel" }, { 3, "boot" },
	{ 4, "static" }, { 8, "gated" }, { 9, "ra" }, { 10, "mrt" },
	{ 11, "zebra" }, { 12, "bird" }, { 13, "dnrouted" }, { 14, "xorp" },
	{ 15, "ntk" }, { 16, "dhcp" }, { 17, "mrouted" }, { 18, "keepalived" },
	{ 42, "babel" }, { 99, "openr" }, { 186, "bgp" }, { 187, "isis" },
	{ 188, "ospf" }, { 189, "rip" }, { 192, "eigrp" },
};

const char *ri_proto_name(unsigned int p, char *buf, size_t len)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ri_protos); i++)
		if (ri_protos[i].id == p)
			return ri_protos[i].name;
	snprintf(buf, len, "%u", p);
	return buf;
}

const char *ri_prefix_str(u8 family, const u8 *addr, u8 plen, char *buf,
			  size_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(family == NFSK_AF_INET ? AF_INET : AF_INET6, addr, a,
		  sizeof(a));
	snprintf(buf, len, "%s/%u", a, plen);
	return buf;
}

static int ri_cmp(const void *a, const void *b)
{
	return memcmp(&((const struct ri_route *)a)->key,
		      &((const struct ri_route *)b)->key,
		      sizeof(struct nfsk_flap_key));
}

int ri_open(struct route_in *ri, const char *file, const u32 *vals, u64 seed)
{
	struct nfsk_flap_cfg fc;
	struct nfsk_ra_cfg rc;

	memset(ri, 0, sizeof(*ri));
	ri->file = file;
	/* kmod/routes.c's nfsk_flap_cfg_of() */
	nfsk_flap_cfg_default(&fc);
	fc.half_life_ns = (u64)vals[NFSK_T_flap_half_life_ms] * 1000000;
	fc.suppress = vals[NFSK_T_flap_suppress];
	fc.reuse = vals[NFSK_T_flap_reuse];
	if (fc.ceiling < fc.suppress)
		fc.ceiling = fc.suppress;
	if (!nfsk_flap_cfg_ok(&fc)) {
		fprintf(stderr, "nfsketch: replay: --flap-reuse must be below --flap-suppress\n");
		return -1;
	}
	ri->flap_mem = calloc(1, nfsk_flap_size(RI_FLAP_ENTRIES));
	if (!ri->flap_mem) {
		fprintf(stderr, "nfsketch: replay: out of memory\n");
		return -1;
	}
	nfsk_flap_init(&ri->flap, &fc, RI_FLAP_ENTRIES, seed, ri->flap_mem);
	rc.burst_permille = vals[NFSK_T_withdraw_burst_permille];
	rc.burst_min = vals[NFSK_T_withdraw_burst_min];
	nfsk_ra_init(&ri->anom, &rc);
	ri->f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	if (!ri->f) {
		fprintf(stderr, "nfsketch: replay: %s: %s\n", file, strerror(errno));
		free(ri->flap_mem);
		ri->flap_mem = NULL;
		return -1;
	}
	return 0;
}

void ri_free(struct route_in *ri)
{
	if (ri->f && ri->f != stdin)
		fclose(ri->f);
	ri->f = NULL;
	tdestroy(ri->set, free);
	ri->set = NULL;
	free(ri->flap_mem);
	ri->flap_mem = NULL;
}

static int ri_bad(struct route_in *ri, const char *what, const char *tok)
{
	fprintf(stderr, "nfsketch: replay: %s:%lu: %s '%s'\n", ri->file,
		ri->line, what, tok ? tok : "");
	ri->failed = true;
	return -1;
}

static bool ri_num(const char *s, u64 max, u64 *out)
{
	unsigned long long v;
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

static bool ri_parse_prefix(const char *s, struct nfsk_flap_key *k)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash;
	u64 plen, max;
	unsigned int i;

	memset(k, 0, sizeof(*k));
	if (!strcmp(s, "default")) {
		k->family = NFSK_AF_INET;
		return true;
	}
	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = 0;
	if (inet_pton(AF_INET, buf, k->addr) == 1) {
		k->family = NFSK_AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, k->addr) == 1) {
		k->family = NFSK_AF_INET6;
		max = 128;
	} else {
		return false;
	}
	plen = max;
	if (slash && !ri_num(slash, max, &plen))
		return false;
	k->plen = (u8)plen;
	for (i = 0; i < 16; i++) {	/* clear the host bits */
		if (plen >= 8 * (i + 1))
			continue;
		k->addr[i] &= plen > 8 * i ? (u8)(0xff << (8 - (plen - 8 * i))) : 0;
	}
	return true;
}

static bool ri_parse_proto(const char *s, u8 *p)
{
	unsigned int i;
	u64 v;

	for (i = 0; i < ARRAY_SIZE(ri_protos); i++)
		if (!strcmp(s, ri_protos[i].name)) {
			*p = (u8)ri_protos[i].id;
			return true;
		}
	if (!ri_num(s, 255, &v))
		return false;
	*p = (u8)v;
	return true;
}

static bool ri_parse_table(const char *s, u32 *t)
{
	u64 v;

	if (!strcmp(s, "main"))
		*t = RI_TABLE_MAIN;
	else if (!strcmp(s, "local"))
		*t = 255;
	else if (!strcmp(s, "default"))
		*t = 253;
	else if (ri_num(s, 0xffffffffULL, &v) && v)
		*t = (u32)v;
	else
		return false;
	return true;
}

/* One line into @e: 1 an event, 0 nothing (blank, comment), -1 bad. */
static int ri_parse_line(struct route_in *ri, char *line, struct ri_event *e)
{
	static const char *const verbs[] = { "base", "add", "replace", "append", "del" };
	char *tok[16], *save = NULL, *t, *hash;
	unsigned int n = 0, i, verb;
	u64 v;

	hash = strchr(line, '#');
	if (hash)
		*hash = 0;
	for (t = strtok_r(line, " \t\r\n", &save); t;
	     t = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == ARRAY_SIZE(tok))
			return ri_bad(ri, "too many words from", t);
		tok[n++] = t;
	}
	if (!n)
		return 0;
	if (n < 3)
		return ri_bad(ri, "needs <time_ns> <verb> <prefix>", tok[0]);
	memset(e, 0, sizeof(*e));
	if (!ri_num(tok[0], ~0ULL, &e->time_ns))
		return ri_bad(ri, "bad time", tok[0]);
	for (verb = 0; verb < ARRAY_SIZE(verbs); verb++)
		if (!strcmp(tok[1], verbs[verb]))
			break;
	switch (verb) {
	case 0:
		e->baseline = true;
		e->fib = NFSK_RC_FIB_REPLACE;
		break;
	case 1:
	case 2:
		e->fib = NFSK_RC_FIB_REPLACE;
		break;
	case 3:
		e->fib = NFSK_RC_FIB_APPEND;
		break;
	case 4:
		e->fib = NFSK_RC_FIB_DEL;
		break;
	default:
		return ri_bad(ri, "unknown event (base|add|replace|append|del)",
			      tok[1]);
	}
	if (!ri_parse_prefix(tok[2], &e->key))
		return ri_bad(ri, "bad prefix", tok[2]);
	e->key.table = RI_TABLE_MAIN;
	e->nexthops = 1;
	e->protocol = RI_RTPROT_BOOT;
	if ((n - 3) % 2)
		return ri_bad(ri, "option without a value", tok[n - 1]);
	for (i = 3; i < n; i += 2) {
		const char *k = tok[i], *val = tok[i + 1];

		if (!strcmp(k, "via")) {
			if (inet_pton(AF_INET, val, e->gw + 12) != 1 &&
			    inet_pton(AF_INET6, val, e->gw) != 1)
				return ri_bad(ri, "bad gateway", val);
		} else if (!strcmp(k, "dev")) {
			if (!ri_num(val, 0xffffffffULL, &v))
				return ri_bad(ri, "dev needs an ifindex, got", val);
			e->oif = (u32)v;
		} else if (!strcmp(k, "proto")) {
			if (!ri_parse_proto(val, &e->protocol))
				return ri_bad(ri, "bad proto", val);
			e->have_proto = true;
		} else if (!strcmp(k, "table")) {
			if (!ri_parse_table(val, &e->key.table))
				return ri_bad(ri, "bad table", val);
		} else if (!strcmp(k, "nexthops")) {
			if (!ri_num(val, 0xffff, &v) || !v)
				return ri_bad(ri, "bad nexthops", val);
			e->nexthops = (u32)v;
		} else {
			return ri_bad(ri, "unknown option", k);
		}
	}
	return 1;
}

int ri_peek(struct route_in *ri, u64 *time_ns)
{
	char buf[1024];
	int rc;

	if (ri->failed)
		return -1;
	while (!ri->have_next) {
		if (!ri->f || !fgets(buf, sizeof(buf), ri->f)) {
			if (ri->f && ferror(ri->f)) {
				fprintf(stderr, "nfsketch: replay: %s: %s\n",
					ri->file, strerror(errno));
				ri->failed = true;
				return -1;
			}
			return 0;
		}
		ri->line++;
		if (!strchr(buf, '\n') && !feof(ri->f))
			return ri_bad(ri, "line too long", "");
		{
			u64 prev = ri->next.time_ns;

			rc = ri_parse_line(ri, buf, &ri->next);
			if (rc < 0)
				return -1;
			if (rc && ri->events && ri->next.time_ns < prev) {
				ri->next.time_ns = prev;
				return ri_bad(ri, "time goes backwards", "");
			}
		}
		ri->have_next = rc > 0;
	}
	*time_ns = ri->next.time_ns;
	return 1;
}

static void ri_reason_add(struct route_in *ri, const struct ri_event *e,
			  u32 flag, u32 value, u32 threshold, u32 reason,
			  u8 old_protocol)
{
	struct ri_reason *r;

	if (ri->nreasons == RI_REASONS_MAX) {
		ri->reasons_dropped++;
		return;
	}
	r = &ri->reasons[ri->nreasons++];
	memset(r, 0, sizeof(*r));
	r->flag = flag;
	r->family = e->key.family;
	r->plen = e->key.plen;
	r->protocol = e->protocol;
	r->old_protocol = old_protocol;
	memcpy(r->addr, e->key.addr, sizeof(r->addr));
	r->table = e->key.table;
	r->value = value;
	r->threshold = threshold;
	r->reason = reason;
	r->time_ns = e->time_ns;
}

/* The set's part of kmod/route_set.c: nfsk_route_set_store(). */
static void ri_store(struct route_in *ri, struct ri_route *held,
		     const struct nfsk_flap_key *k,
		     const struct nfsk_rc_prefix *next, u8 protocol)
{
	struct ri_route *e;

	if (held && next->present) {
		held->nexthops = next->nexthops;
		held->protocol = protocol;
		return;
	}
	if (held) {
		tdelete(held, &ri->set, ri_cmp);
		free(held);
		ri->entries--;
		return;
	}
	if (!next->present)
		return;
	e = malloc(sizeof(*e));
	if (!e)
		return;	/* as the kernel's set out of memory: untracked */
	e->key = *k;
	e->nexthops = next->nexthops;
	e->protocol = protocol;
	if (!tsearch(e, &ri->set, ri_cmp)) {
		free(e);
		return;
	}
	ri->entries++;
}

void ri_apply(struct route_in *ri)
{
	struct ri_event *e = &ri->next;
	enum nfsk_rc_family fam = e->key.family == NFSK_AF_INET ? NFSK_RC_V4 :
								   NFSK_RC_V6;
	struct ri_route probe, *held = NULL;
	struct nfsk_flap_verdict fv;
	struct nfsk_ra_verdict av;
	struct nfsk_rc_prefix prior;
	struct nfsk_rc_verdict v;
	struct nfsk_ra_route rt;
	void **found;
	u32 nsiblings, size;
	s32 delta;

	if (!ri->have_next)
		return;
	ri->have_next = false;
	ri->events++;
	ri->baseline += e->baseline;
	probe.key = e->key;
	found = tfind(&probe, &ri->set, ri_cmp);
	if (found)
		held = *found;
	/* a del names the route's own protocol unless the line does */
	if (!e->have_proto && e->fib == NFSK_RC_FIB_DEL && held)
		e->protocol = held->protocol;
	/* IPv6 notifies nsiblings; IPv4 a multipath route as one alias */
	nsiblings = fam == NFSK_RC_V6 ? e->nexthops - 1 : 0;

	nfsk_route_prior(&prior, held, held ? held->nexthops : 0,
			 nfsk_route_untracked(&ri->tab, ri->entries));
	size = ri->tab.size[fam];
	nfsk_route_classify(&ri->tab, fam, e->fib, nsiblings, &prior,
			    e->baseline, &v);
	delta = (s32)(ri->tab.size[fam] - size);
	/* kmod/anomalies.c's nfsk_anom_route() */
	memset(&rt, 0, sizeof(rt));
	rt.table = e->key.table;
	rt.family = fam;
	rt.plen = e->key.plen;
	rt.protocol = e->protocol;
	rt.event = v.event;
	rt.delta = delta > 0 ? 1 : delta < 0 ? -1 : 0;
	rt.baseline = e->baseline;
	rt.prior_known = !!held;
	rt.prior_protocol = held ? held->protocol : 0;
	rt.nexthops = fam == NFSK_RC_V6 ? v.next.nexthops :
			(u16)(e->nexthops > 0xffff ? 0xffff : e->nexthops);
	rt.sibling_only = e->fib == NFSK_RC_FIB_APPEND ||
			  (e->fib == NFSK_RC_FIB_DEL && v.event == NFSK_RC_REPLACE);
	rt.oif = e->oif;
	memcpy(rt.gw, e->gw, sizeof(rt.gw));
	nfsk_ra_event(&ri->anom, &rt, &av);

	ri_store(ri, held, &e->key, &v.next, e->protocol);
	nfsk_flap_event(&ri->flap, &e->key, (enum nfsk_flap_event)v.event,
			e->time_ns, &fv);
	nfsk_flap_set_route(&ri->flap, &e->key, e->protocol, v.next.nexthops);
	if (!v.report)
		return;
	nfsk_rs_event(&ri->rs, e->protocol, e->key.table);
	if (fv.crossed) {
		ri->flap_crossed++;
		ri->suppress_crossings++;
		ri_reason_add(ri, e, NFSK_FLAG_ROUTE_FLAP, fv.penalty,
			      ri->flap.cfg.suppress, 0, 0);
	}
	if (av.flags & NFSK_FLAG_ROUTE_WITHDRAW_BURST) {
		ri->bursts++;
		ri_reason_add(ri, e, NFSK_FLAG_ROUTE_WITHDRAW_BURST,
			      av.withdrawn, av.routes, 0, 0);
	}
	if (av.flags & NFSK_FLAG_DEFAULT_ROUTE_LOST) {
		ri->defaults_lost++;
		ri_reason_add(ri, e, NFSK_FLAG_DEFAULT_ROUTE_LOST, 0, 0,
			      av.reason, av.old_protocol);
	}
}

void ri_close_window(struct route_in *ri, struct nfsk_window *win)
{
	u32 ev[NFSK_RC_FAMILIES][NFSK_RC_EVENTS];
	unsigned int f;

	nfsk_route_window_take(&ri->tab, ev);
	nfsk_rs_window_take(&ri->rs, &win->rs);
	for (f = 0; f < NFSK_RC_FAMILIES; f++) {
		win->route_add[f] = ev[f][NFSK_RC_ADD];
		win->route_del[f] = ev[f][NFSK_RC_DEL];
		win->route_replace[f] = ev[f][NFSK_RC_REPLACE];
		win->routes[f] = ri->tab.size[f];
	}
	if (ri->flap_crossed)
		win->flags |= NFSK_FLAG_ROUTE_FLAP;
	win->flags |= nfsk_ra_window_close(&ri->anom);
	ri->flap_crossed = 0;
}

void ri_reasons_reset(struct route_in *ri)
{
	ri->nreasons = 0;
	ri->reasons_dropped = 0;
}
