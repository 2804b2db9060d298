/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rseries.h - route sub-series (the rseries nests of the spec: route events
 * per routing protocol and per table) as text and JSON, named as
 * `ip route` names protocols and tables.
 */
#ifndef NFSK_CLI_RSERIES_H
#define NFSK_CLI_RSERIES_H

#include <stdbool.h>
#include <stdint.h>
#include <libmnl/libmnl.h>
#include "cmd.h"
#include "rtnames.h"

struct rseries {
	unsigned int	kind;		/* enum nfsketch_rseries_kind */
	bool		other;
	bool		flagged;
	bool		have_score;	/* a window's */
	uint32_t	id;
	uint64_t	events;
	int64_t		score;
	uint64_t	baseline;
};

/* Parse one RSERIES nest. */
void rseries_parse(const struct nlattr *nest, struct rseries *r);
/* "kernel", "bgp", "main", "100", "other" into @buf (RTNAME_LEN). */
const char *rseries_name(const struct rseries *r, char *buf);
/* "protocol" or "table". */
const char *rseries_kind_name(unsigned int kind);
/*
 * The @attr nests of @parent as JSON: an object @key of two arrays,
 * "protocol" and "table", each of {name, id|other, events[, score...]}.
 */
void rseries_json(struct cli *c, const char *key, const struct nlattr *parent,
		  unsigned int attr);
/*
 * The @attr nests of @parent as text lines on @out:
 * "<indent>route events by protocol: kernel 3, bgp 60 CHURN, other 0".
 */
void rseries_text(FILE *out, const char *indent, const struct nlattr *parent,
		  unsigned int attr);

#endif
