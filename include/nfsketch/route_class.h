/* SPDX-License-Identifier: GPL-2.0 */
/*
 * route_class.h - what a fib notification means for a prefix: add, delete
 * or replace, and the per-family table size it leaves.
 *
 * The unit is the prefix (family, table, address/length), as `ip route`
 * lists one route per prefix of a table and as both fib notifiers speak:
 *   IPv4  notifies only the first alias of a prefix (the one forwarding
 *         uses): REPLACE when that alias is new or changed, including when
 *         a route of another metric/TOS takes its place, DEL only when the
 *         prefix's last alias goes. A multipath route is one alias.
 *   IPv6  notifies only the first route of a node and the ECMP siblings
 *         of that route: REPLACE (nsiblings = other nexthops), APPEND for
 *         nexthops appended to it (`ip -6 route append`, nsiblings + 1 of
 *         them), DEL with nsiblings for a whole multipath route gone, and
 *         (6.1, 6.12) DEL without nsiblings for each single nexthop removed
 *         from a multipath route that stays.
 * So a nexthop is not a prefix: the classifier keeps the number of
 * nexthops of each IPv6 prefix's first route, and a DEL that leaves
 * nexthops is a REPLACE, not a withdrawal.
 *
 * The caller stores, per prefix, what nfsk_route_classify() returns in
 * `next` (present, nexthops) and hands it back as `prior`; a prefix the
 * caller does not know (never seen or forgotten) is passed with known = 0
 * and is classified from the notification alone (REPLACE of an unknown
 * prefix = ADD, DEL = DEL). Pure logic, no state of its own.
 */
#ifndef _NFSKETCH_ROUTE_CLASS_H
#define _NFSKETCH_ROUTE_CLASS_H

#include <nfsketch/compat.h>

enum nfsk_rc_family {
	NFSK_RC_V4,
	NFSK_RC_V6,
	NFSK_RC_FAMILIES,
};

/* The notifier's event kinds (FIB_EVENT_ENTRY_*), as the glue maps them. */
enum nfsk_rc_fib {
	NFSK_RC_FIB_REPLACE,	/* ENTRY_REPLACE, and the old ENTRY_ADD */
	NFSK_RC_FIB_APPEND,	/* ENTRY_APPEND */
	NFSK_RC_FIB_DEL,	/* ENTRY_DEL */
};

/* Same values as enum nfsketch_route_event in the UAPI. */
enum nfsk_rc_event {
	NFSK_RC_ADD,
	NFSK_RC_DEL,
	NFSK_RC_REPLACE,
	NFSK_RC_EVENTS,
};

/* What the caller knows of a prefix. */
struct nfsk_rc_prefix {
	u8	known;		/* the rest is valid */
	u8	present;	/* in the table now */
	u16	nexthops;	/* of its first route, when present */
};

/* Per-family table accounting, owned by the caller, serialised by it. */
struct nfsk_rc_tables {
	u32	size[NFSK_RC_FAMILIES];		/* prefixes present */
	u32	window[NFSK_RC_FAMILIES][NFSK_RC_EVENTS];	/* this window */
	u64	total;				/* events, all time */
	u64	nexthop_changes;	/* REPLACEs that were nexthops coming or going */
};

struct nfsk_rc_verdict {
	struct nfsk_rc_prefix	next;	/* store this for the prefix */
	u8	event;			/* enum nfsk_rc_event */
	u8	report;			/* an event to count and report */
	u8	nexthop_change;		/* the REPLACE was nexthops added/removed */
};

/*
 * Classify one notification and account it in @tab. @nsiblings is the
 * notifier's count of other nexthops (IPv6; 0 for IPv4). During the
 * registration replay (@baseline) a REPLACE is the existing table: it is
 * counted in the size but is no event (report = 0).
 */
void nfsk_route_classify(struct nfsk_rc_tables *tab, enum nfsk_rc_family fam,
			 enum nfsk_rc_fib fib, u32 nsiblings,
			 const struct nfsk_rc_prefix *prior, bool baseline,
			 struct nfsk_rc_verdict *v);

/* Window close: the window's counts go to the caller, then restart. */
void nfsk_route_window_take(struct nfsk_rc_tables *tab,
			    u32 out[NFSK_RC_FAMILIES][NFSK_RC_EVENTS]);

/* The replay was inconsistent and is redone: forget the sizes. */
void nfsk_route_tables_reset(struct nfsk_rc_tables *tab);

/*
 * A caller that keeps a set of the present prefixes (bounded: an insert may
 * be refused) builds `prior` from it. Prefixes the sizes count but the set
 * does not hold: sizes minus @entries (0 when the set holds them all).
 */
u32 nfsk_route_untracked(const struct nfsk_rc_tables *tab, u32 entries);

/*
 * @held: the set holds the prefix (with @nexthops): present. Not held:
 * absent when nothing is untracked, else unknown (it may be one of those).
 */
void nfsk_route_prior(struct nfsk_rc_prefix *p, bool held, u16 nexthops,
		      u32 untracked);

#endif /* _NFSKETCH_ROUTE_CLASS_H */
