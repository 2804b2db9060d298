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
 * Each event goes through nfsk_route_event() (kmod/core/route_event.c) as
 * kmod/routes.c's do: the set's prior -> the core (classification,
 * anomalies, flap penalty at the event's time) -> store in the set; window
 * close is nfsk_route_close_window(), the kernel's too. The set is
 * unbounded here (tsearch(3), the C library's tree), so every prefix is
 * known: the kernel's too, up to its route_track_max.
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
#include "rtnames.h"

#define RI_RTPROT_BOOT	3
#define RI_TABLE_MAIN	254

struct ri_route {
	struct nfsk_flap_key	key;
	u16			nexthops;
	u8			protocol;
	u32			nh_fp;	/* nfsk_ms_nh_fp() of its first next hop */
};

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

int ri_open(struct route_in *ri, const char *file, const u32 *vals)
{
	struct nfsk_flap_cfg fc;
	struct nfsk_ra_cfg rc;

	memset(ri, 0, sizeof(*ri));
	ri->file = file;
	nfsk_route_flap_cfg(&fc, vals[NFSK_T_flap_half_life_ms],
			    vals[NFSK_T_flap_suppress], vals[NFSK_T_flap_reuse]);
	if (!nfsk_flap_cfg_ok(&fc)) {
		fprintf(stderr, "nfsketch: replay: --flap-reuse must be below --flap-suppress\n");
		return -1;
	}
	if (flap_hash_init(&ri->flap, vals[NFSK_T_flap_track_max])) {
		fprintf(stderr, "nfsketch: replay: out of memory\n");
		return -1;
	}
	nfsk_flap_init(&ri->core.flap, &fc, &flap_hash_ops, &ri->flap);
	memset(&rc, 0, sizeof(rc));
	rc.burst_permille = vals[NFSK_T_withdraw_burst_permille];
	rc.burst_min = vals[NFSK_T_withdraw_burst_min];
	rc.more_specific = vals[NFSK_T_more_specific];
	nfsk_ra_init(&ri->core.anom, &rc);
	ri->f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	if (!ri->f) {
		fprintf(stderr, "nfsketch: replay: %s: %s\n", file, strerror(errno));
		flap_hash_destroy(&ri->flap);
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
	flap_hash_destroy(&ri->flap);
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
	int id = rtname_protocol_fixed_id(s);
	u64 v;

	if (id >= 0) {
		*p = (u8)id;
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

/* The reason recorded, or NULL when the window has no room left (counted). */
static struct ri_reason *ri_reason_add(struct route_in *ri,
				       const struct ri_event *e,
				       const struct nfsk_route_verdict *rv, u32 flag,
				       u32 value, u32 threshold, u32 reason,
				       u8 old_protocol)
{
	struct ri_reason *r;

	if (ri->nreasons == RI_REASONS_MAX) {
		ri->reasons_dropped++;
		return NULL;
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
	r->event = rv->rc.event;
	r->penalty = rv->flap.penalty;
	return r;
}

/*
 * The set's part of kmod/route_set.c: nfsk_route_set_store(); @nh_fp NULL
 * when the event touched an IPv6 sibling only (the first next hop stays).
 */
static void ri_store(struct route_in *ri, struct ri_route *held,
		     const struct nfsk_flap_key *k,
		     const struct nfsk_rc_prefix *next, u8 protocol,
		     const u32 *nh_fp)
{
	struct ri_route *e;

	if (held && next->present) {
		held->nexthops = next->nexthops;
		held->protocol = protocol;
		if (nh_fp)
			held->nh_fp = *nh_fp;
		return;
	}
	if (held) {
		tdelete(held, &ri->set, ri_cmp);
		free(held);
		ri->entries--;
		nfsk_ms_plen_del(&ri->plens, k);
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
	e->nh_fp = nh_fp ? *nh_fp : 0;
	if (!tsearch(e, &ri->set, ri_cmp)) {
		free(e);
		return;
	}
	ri->entries++;
	nfsk_ms_plen_add(&ri->plens, k);
}

/* kmod/route_set.c's nfsk_route_set_find_hop(), for nfsk_ms_judge() */
static bool ri_find_hop(void *ctx, const struct nfsk_flap_key *k,
			struct nfsk_ms_hop *hop)
{
	struct route_in *ri = ctx;
	struct ri_route probe, *e;
	void **found;

	probe.key = *k;
	found = tfind(&probe, &ri->set, ri_cmp);
	if (!found)
		return false;
	e = *found;
	hop->nh_fp = e->nh_fp;
	hop->protocol = e->protocol;
	return true;
}

/* nfsk_route_event()'s cover lookup: kmod/route_set.c's over this set. */
static u32 ri_cover(void *ctx, const struct nfsk_flap_key *k,
		    const struct nfsk_ms_hop *hop, struct nfsk_ms_cover *c)
{
	struct route_in *ri = ctx;

	return nfsk_ms_judge(&ri->plens, k, hop, ri_find_hop, ri, c);
}

void ri_apply(struct route_in *ri)
{
	struct ri_event *e = &ri->next;
	struct ri_route probe, *held = NULL;
	struct nfsk_route_verdict rv;
	struct nfsk_route_ev ev;
	void **found;

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

	memset(&ev, 0, sizeof(ev));
	ev.key = e->key;
	ev.now_ns = e->time_ns;
	/* IPv6 notifies nsiblings; IPv4 a multipath route as one alias */
	ev.nsiblings = e->key.family != NFSK_AF_INET ? e->nexthops - 1 : 0;
	ev.oif = e->oif;
	memcpy(ev.gw, e->gw, sizeof(ev.gw));
	ev.nexthops = (u16)(e->nexthops > 0xffff ? 0xffff : e->nexthops);
	ev.fib = e->fib;
	ev.protocol = e->protocol;
	ev.baseline = e->baseline;
	ev.held = !!held;
	ev.held_protocol = held ? held->protocol : 0;
	nfsk_route_prior(&ev.prior, held, held ? held->nexthops : 0,
			 nfsk_route_untracked(&ri->core.tab, ri->entries));
	nfsk_route_event(&ri->core, &ev, ri_cover, ri, &rv);
	ri_store(ri, held, &e->key, &rv.rc.next, e->protocol,
		 rv.sibling_only ? NULL : &rv.nh_fp);
	if (!rv.rc.report)
		return;
	if (rv.emit & NFSK_FLAG_ROUTE_FLAP) {
		ri->suppress_crossings++;
		ri_reason_add(ri, e, &rv, NFSK_FLAG_ROUTE_FLAP, rv.flap.penalty,
			      ri->core.flap.cfg.suppress, 0, 0);
	}
	if (rv.emit & NFSK_FLAG_ROUTE_WITHDRAW_BURST) {
		ri->bursts++;
		ri_reason_add(ri, e, &rv, NFSK_FLAG_ROUTE_WITHDRAW_BURST,
			      rv.ra.withdrawn, rv.ra.routes, 0, 0);
	}
	if (rv.emit & NFSK_FLAG_DEFAULT_ROUTE_LOST) {
		ri->defaults_lost++;
		ri_reason_add(ri, e, &rv, NFSK_FLAG_DEFAULT_ROUTE_LOST, 0, 0,
			      rv.ra.reason, rv.ra.old_protocol);
	}
	if (rv.emit & NFSK_FLAG_ROUTE_MORE_SPECIFIC) {
		struct ri_reason *x;

		ri->more_specifics++;
		x = ri_reason_add(ri, e, &rv, NFSK_FLAG_ROUTE_MORE_SPECIFIC, 0, 0,
				  rv.ra.cover.reason, 0);
		if (x)
			x->cover = rv.ra.cover;
	}
}

/* As the kernel: the window's route counts, then the flap store's sweep. */
void ri_close_window(struct route_in *ri, struct nfsk_window *win,
		     u64 now_ns)
{
	nfsk_route_close_window(&ri->core, win);
	flap_hash_sweep(&ri->flap, &ri->core.flap, now_ns);
}

void ri_reasons_reset(struct route_in *ri)
{
	ri->nreasons = 0;
	ri->reasons_dropped = 0;
}
