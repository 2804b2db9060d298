// SPDX-License-Identifier: GPL-2.0
/* Route sub-series (route events per protocol and per table) as text/JSON. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <linux/nfsketch.h>
#include "rseries.h"

void rseries_parse(const struct nlattr *nest, struct rseries *r)
{
	const struct nlattr *tb[NFSKETCH_A_RSERIES_MAX + 1];

	memset(r, 0, sizeof(*r));
	nfsk_nl_parse_nest(nest, tb, NFSKETCH_A_RSERIES_MAX);
	r->kind = nfsk_nl_u64(tb[NFSKETCH_A_RSERIES_KIND]);
	r->other = tb[NFSKETCH_A_RSERIES_OTHER] || !tb[NFSKETCH_A_RSERIES_ID];
	r->id = nfsk_nl_u64(tb[NFSKETCH_A_RSERIES_ID]);
	r->events = nfsk_nl_u64(tb[NFSKETCH_A_RSERIES_EVENTS]);
	r->have_score = tb[NFSKETCH_A_RSERIES_SCORE] != NULL;
	r->score = (int64_t)nfsk_nl_u64(tb[NFSKETCH_A_RSERIES_SCORE]);
	r->baseline = nfsk_nl_u64(tb[NFSKETCH_A_RSERIES_BASELINE]);
	r->flagged = tb[NFSKETCH_A_RSERIES_FLAGGED] != NULL;
}

const char *rseries_kind_name(unsigned int kind)
{
	return kind == NFSKETCH_RSERIES_TABLE ? "table" : "protocol";
}

const char *rseries_name(const struct rseries *r, char *buf)
{
	if (r->other) {
		snprintf(buf, RTNAME_LEN, "other");
		return buf;
	}
	if (r->kind == NFSKETCH_RSERIES_TABLE)
		return rtname_table(r->id, buf);
	return rtname_protocol(r->id, buf);
}

void rseries_json(struct cli *c, const char *key, const struct nlattr *parent,
		  unsigned int attr)
{
	const struct nlattr *a;
	unsigned int kind;
	char name[RTNAME_LEN];
	struct rseries r;

	json_obj_open(&c->j, key);
	for (kind = 0; kind <= NFSKETCH_RSERIES_MAX; kind++) {
		json_arr_open(&c->j, rseries_kind_name(kind));
		mnl_attr_for_each_nested(a, parent) {
			if (mnl_attr_get_type(a) != attr)
				continue;
			rseries_parse(a, &r);
			if (r.kind != kind)
				continue;
			json_obj_open(&c->j, NULL);
			json_str(&c->j, "name", rseries_name(&r, name));
			if (r.other)
				json_bool(&c->j, "other", true);
			else
				json_u64(&c->j, "id", r.id);
			json_u64(&c->j, "events", r.events);
			if (r.have_score) {
				json_s64(&c->j, "score_milli_sigma", r.score);
				json_u64(&c->j, "baseline", r.baseline);
				json_bool(&c->j, "route_churn", r.flagged);
			}
			json_obj_close(&c->j);
		}
		json_arr_close(&c->j);
	}
	json_obj_close(&c->j);
}

void rseries_text(FILE *out, const char *indent, const struct nlattr *parent,
		  unsigned int attr)
{
	const struct nlattr *a;
	unsigned int kind, n;
	char name[RTNAME_LEN];
	struct rseries r;

	for (kind = 0; kind <= NFSKETCH_RSERIES_MAX; kind++) {
		n = 0;
		mnl_attr_for_each_nested(a, parent) {
			if (mnl_attr_get_type(a) != attr)
				continue;
			rseries_parse(a, &r);
			if (r.kind != kind)
				continue;
			if (!n)
				fprintf(out, "%sroute events by %s:", indent,
					rseries_kind_name(kind));
			fprintf(out, "%s %s %" PRIu64 "%s", n ? "," : "",
				rseries_name(&r, name), r.events,
				r.flagged ? " ROUTE_CHURN" : "");
			n++;
		}
		if (n)
			fputc('\n', out);
	}
}
