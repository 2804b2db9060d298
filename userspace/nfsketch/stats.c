// SPDX-License-Identifier: GPL-2.0
/* nfsketch stats: namespace totals (STATS_GET). */
#include <stdio.h>
#include <string.h>
#include <linux/nfsketch.h>
#include "cmd.h"

static const char stats_usage[] =
	"Usage: nfsketch [-j [-p]] stats\n"
	"       nfsketch stats --prometheus\n"
	"Totals of this network namespace since load or reset.\n"
	"  --prometheus  Prometheus text exposition: the totals and the last\n"
	"                closed window's gauges (nfsketch_* metrics)\n";

static const struct stats_field {
	unsigned int	attr;
	const char	*name;
} stats_fields[] = {
	{ NFSKETCH_A_STATS_PACKETS,		"packets" },
	{ NFSKETCH_A_STATS_BYTES,		"bytes" },
	{ NFSKETCH_A_STATS_TRUNCATED,		"truncated" },
	{ NFSKETCH_A_STATS_WINDOWS,		"windows" },
	{ NFSKETCH_A_STATS_WINDOW_ID,		"window_id" },
	{ NFSKETCH_A_STATS_HISTORY_LEN,		"history_len" },
	{ NFSKETCH_A_STATS_MEM_BYTES,		"mem_bytes" },
	{ NFSKETCH_A_STATS_CPUS,		"cpus" },
	{ NFSKETCH_A_STATS_ROUTES4,		"routes4" },
	{ NFSKETCH_A_STATS_ROUTES6,		"routes6" },
	{ NFSKETCH_A_STATS_EVENTS_SENT,		"events_sent" },
	{ NFSKETCH_A_STATS_EVENTS_COALESCED,	"events_coalesced" },
	{ NFSKETCH_A_STATS_EVENTS_DROPPED,	"events_dropped" },
	{ NFSKETCH_A_STATS_ALERTS,		"alerts" },
	{ NFSKETCH_A_STATS_ALERTS_DROPPED,	"alerts_dropped" },
	{ NFSKETCH_A_STATS_NEXTHOP_CHANGES,	"nexthop_changes" },
	{ NFSKETCH_A_STATS_SUPPRESSED,		"suppressed" },
	{ NFSKETCH_A_STATS_FLAP_CROSSINGS,	"flap_crossings" },
	{ NFSKETCH_A_STATS_FLAP_EVICTIONS,	"flap_evictions" },
	{ NFSKETCH_A_STATS_FLAP_REFUSED,	"flap_refused" },
};

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NFSKETCH_A_STATS_MAX + 1];
	struct cli *c = data;
	const struct nlattr *a;
	unsigned int i;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != NFSKETCH_A_STATS)
			continue;
		nfsk_nl_parse_nest(a, tb, NFSKETCH_A_STATS_MAX);
		if (c->json)
			json_obj_open(&c->j, NULL);
		for (i = 0; i < sizeof(stats_fields) / sizeof(stats_fields[0]); i++) {
			const struct stats_field *f = &stats_fields[i];

			if (!tb[f->attr])
				continue;
			if (c->json)
				json_u64(&c->j, f->name, nfsk_nl_u64(tb[f->attr]));
			else
				printf("%-18s %llu\n", f->name,
				       (unsigned long long)nfsk_nl_u64(tb[f->attr]));
		}
		if (c->json) {
			json_obj_close(&c->j);
			json_end(&c->j);
		}
	}
	return MNL_CB_OK;
}

int cmd_stats(struct cli *c, int argc, char **argv)
{
	struct nlmsghdr *nlh;

	if (cli_want_help(argc, argv, stats_usage))
		return 0;
	if (argc == 2 && !strcmp(argv[1], "--prometheus")) {
		if (c->json)
			return cli_usage_error(stats_usage,
					       "--prometheus and -j exclude each other");
		return stats_prometheus(c);
	}
	if (argc > 1)
		return cli_usage_error(stats_usage, "unexpected argument '%s'", argv[1]);
	if (cli_open(c))
		return EXIT_RUNTIME;
	nlh = nfsk_nl_request(&c->nl, NFSKETCH_CMD_STATS_GET, 0);
	return nfsk_nl_talk(&c->nl, nlh, stats_cb, c) ? EXIT_RUNTIME : 0;
}
