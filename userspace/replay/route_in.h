/* SPDX-License-Identifier: GPL-2.0 */
/*
 * route_in.h - `nfsketch replay --routes FILE`: timestamped route events
 * fed into the core's route code (nfsk_route_event()) as kmod/routes.c feeds
 * it from the fib notifier (classification, flap penalties, withdraw bursts,
 * lost default routes, more-specifics), with a set of present routes of its own standing in
 * for the kernel's rhashtable (kmod/route_set.c). Line format in route_in.c
 * and the README.
 */
#ifndef _NFSK_REPLAY_ROUTE_IN_H
#define _NFSK_REPLAY_ROUTE_IN_H

#include <stdbool.h>
#include <stdio.h>
#include <nfsketch/route_event.h>
#include "flap_hash.h"

/* Why a route flag was raised in the open window (its alert's content). */
struct ri_reason {
	u32	flag;		/* NFSK_FLAG_ROUTE_FLAP, _WITHDRAW_BURST, ... */
	u8	family;		/* NFSK_AF_INET, NFSK_AF_INET6 */
	u8	plen;
	u8	protocol;	/* of the route notified */
	u8	old_protocol;	/* DEFAULT_ROUTE_LOST: the protocol it had */
	u8	addr[16];	/* IPv4 in the first 4 bytes */
	u32	table;
	u32	value;		/* flap: penalty; burst: withdrawn */
	u32	threshold;	/* flap: suppress; burst: routes of the group */
	u32	reason;		/* DEFAULT_ROUTE_LOST: NFSK_RA_* bits;
				 * MORE_SPECIFIC: NFSK_MS_* bits
				 */
	u64	time_ns;	/* of the event, Unix ns */
	u8	event;		/* enum nfsk_rc_event: add, del, replace */
	u32	penalty;	/* the prefix's flap penalty after it */
	struct nfsk_ms_cover cover;	/* MORE_SPECIFIC: the cover */
};

#define RI_REASONS_MAX	16

struct ri_event {
	u64			time_ns;
	bool			baseline;	/* "base": the existing table */
	enum nfsk_rc_fib	fib;
	struct nfsk_flap_key	key;
	bool			have_proto;
	u8			protocol;
	u32			nexthops;	/* 1 unless "nexthops N" */
	u32			oif;
	u8			gw[16];
};

struct route_in {
	const char		*file;
	FILE			*f;
	unsigned long		line;
	bool			have_next;
	bool			failed;		/* a bad line: no more events */
	struct ri_event		next;
	/* the core's state, as struct nfsk_routes holds it in the kernel */
	struct nfsk_route_core	core;
	struct flap_hash	flap;		/* core.flap's entries */
	void			*set;		/* tsearch() root: present routes */
	struct nfsk_ms_plens	plens;		/* the set's prefix lengths */
	u32			entries;
	/* the open window's route reasons */
	struct ri_reason	reasons[RI_REASONS_MAX];
	u32			nreasons;
	u32			reasons_dropped;
	/* summary */
	u64			events;		/* lines applied */
	u64			baseline;	/* of them "base" */
	u64			suppress_crossings;
	u64			bursts;
	u64			defaults_lost;
	u64			more_specifics;
};

/*
 * Open @file ("-": stdin) with the flap and withdraw-burst settings of the
 * tunable values @vals (enum nfsk_tunable_id). Returns 0, or -1 with a
 * message on stderr.
 */
int ri_open(struct route_in *ri, const char *file, const u32 *vals);
void ri_free(struct route_in *ri);
/* The time of the next event: 1, 0 at the end, -1 on a bad line (stderr). */
int ri_peek(struct route_in *ri, u64 *time_ns);
/* Apply the peeked event into the open window. */
void ri_apply(struct route_in *ri);
/*
 * Window close at @now_ns, its end (the kernel's nfsk_routes_close_window()
 * and flap sweep): counts, flags, released flap histories freed.
 */
void ri_close_window(struct route_in *ri, struct nfsk_window *win,
		     u64 now_ns);
/* The next window's reasons start empty. */
void ri_reasons_reset(struct route_in *ri);
/* "10.0.0.0/8", "2001:db8::/32" */
const char *ri_prefix_str(u8 family, const u8 *addr, u8 plen, char *buf,
			  size_t len);

#endif /* _NFSK_REPLAY_ROUTE_IN_H */
