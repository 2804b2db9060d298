// SPDX-License-Identifier: GPL-2.0
/* nfsketch stats: namespace totals (STATS_GET). */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/nfsketch.h>
#include "cmd.h"
#include "rseries.h"
#include "netns.h"

static const char stats_usage[] =
	"Usage: nfsketch [-j [-p]] stats\n"
	"       nfsketch stats --prometheus\n"
	"       nfsketch [-j [-p]] stats --all-netns\n"
	"Totals of this network namespace since load or reset.\n"
	"  --all-netns   the same for every namespace of ip netns (/run/netns),\n"
	"                each under its name; one not monitored is listed as\n"
	"                monitor off, not enabled\n"
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
	{ NFSKETCH_A_STATS_FLAP_UNNAMED,	"flap_unnamed" },
	{ NFSKETCH_A_STATS_NEXTHOP_CHANGES,	"nexthop_changes" },
	{ NFSKETCH_A_STATS_SUPPRESSED,		"suppressed" },
	{ NFSKETCH_A_STATS_FLAP_CROSSINGS,	"flap_crossings" },
	{ NFSKETCH_A_STATS_FLAP_EVICTIONS,	"flap_evictions" },
	{ NFSKETCH_A_STATS_FLAP_REFUSED,	"flap_refused" },
	{ NFSKETCH_A_STATS_ROUTE_TRACK_ENTRIES,	"route_track_entries" },
	{ NFSKETCH_A_STATS_ROUTE_TRACK_BYTES,	"route_track_bytes" },
	{ NFSKETCH_A_STATS_ROUTE_TRACK_FULL,	"route_track_full" },
	{ NFSKETCH_A_STATS_ROUTE_TRACK_NOMEM,	"route_track_nomem" },
	{ NFSKETCH_A_STATS_ROUTE_TRACK_UNTRACKED, "route_track_untracked" },
	{ NFSKETCH_A_STATS_BGP_SESSIONS,	"bgp_sessions" },
	{ NFSKETCH_A_STATS_BGP_FULL,		"bgp_full" },
	{ NFSKETCH_A_STATS_BGP_EVICTED,		"bgp_evicted" },
	{ NFSKETCH_A_STATS_LCMS_FORCED,		"lcms_forced" },
	{ NFSKETCH_A_STATS_LCMS_SPILLED,	"lcms_spilled" },
};

/* One namespace's answer; netns: its name with --all-netns, else NULL. */
struct stats_ctx {
	struct cli	*c;
	const char	*netns;
};

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NFSKETCH_A_STATS_MAX + 1];
	struct stats_ctx *x = data;
	struct cli *c = x->c;
	struct print p = cli_print(c);
	const struct nlattr *a;
	unsigned int i;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != NFSKETCH_A_STATS)
			continue;
		nfsk_nl_parse_nest(a, tb, NFSKETCH_A_STATS_MAX);
		print_obj_open(&p, NULL);
		if (x->netns)
			print_str(&p, PRINT_ANY, "netns", "netns %s\n", x->netns);
		for (i = 0; i < sizeof(stats_fields) / sizeof(stats_fields[0]); i++) {
			const struct stats_field *f = &stats_fields[i];

			if (!tb[f->attr])
				continue;
			print_text(&p, "%s%-18s ", x->netns ? "  " : "", f->name);
			print_u64(&p, PRINT_ANY, f->name, "%" PRIu64 "\n",
				  nfsk_nl_u64(tb[f->attr]));
		}
		if (tb[NFSKETCH_A_STATS_ROUTE_SERIES]) {
			if (c->json)
				rseries_json(c, "route_series", a,
					     NFSKETCH_A_STATS_ROUTE_SERIES);
			else
				rseries_text(c->out, x->netns ? "  " : "", a,
					     NFSKETCH_A_STATS_ROUTE_SERIES);
		}
		print_obj_close(&p);
		if (c->json && !x->netns)
			json_end(&c->j);
	}
	return MNL_CB_OK;
}

/* CONFIG_GET's monitor attribute: 1 on, 0 off, -1 absent. */
static int monitor_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == NFSKETCH_A_MONITOR)
			*(int *)data = mnl_attr_get_u8(a) == NFSKETCH_MONITOR_ON;
	return MNL_CB_OK;
}

/* A namespace not monitored: listed as such, not enabled by reading it. */
static void stats_not_monitored(struct cli *c, const char *netns)
{
	struct print p = cli_print(c);

	print_obj_open(&p, NULL);
	print_str(&p, PRINT_ANY, "netns", "netns %s\n", netns);
	print_bool(&p, PRINT_JSON, "monitor", NULL, false);
	print_text(&p, "  %-18s off\n", "monitor");
	print_obj_close(&p);
}

static int netns_filter(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/*
 * Every namespace of ip netns in turn, as `ip -all netns exec` visits them:
 * a new socket in each (a socket stays in the namespace it was made in),
 * then back to the caller's namespace. Exit 1 when any one failed. One
 * not monitored is listed so, and not enabled (netns_monitor=on-demand
 * would enable every namespace of the host at once).
 */
static int stats_all_netns(struct cli *c)
{
	struct stats_ctx x = { .c = c };
	struct dirent **names = NULL;
	int self, n, i, ret = 0;

	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0) {
		perror("nfsketch: /proc/self/ns/net");
		return EXIT_RUNTIME;
	}
	n = scandir("/run/netns", &names, netns_filter, alphasort);
	if (n < 0) {
		n = 0;	/* no directory: no named namespace */
		names = NULL;
	}
	if (c->json)
		json_arr_open(&c->j, NULL);
	for (i = 0; i < n; i++) {
		struct nlmsghdr *nlh;

		x.netns = names[i]->d_name;
		if (nfsk_netns_enter(x.netns) || cli_open(c)) {
			nfsk_nl_close(&c->nl);
			ret = EXIT_RUNTIME;
		} else {
			int monitor = -1;

			nlh = nfsk_nl_request(&c->nl, NFSKETCH_CMD_CONFIG_GET, 0);
			if (nfsk_nl_talk(&c->nl, nlh, monitor_cb, &monitor))
				ret = EXIT_RUNTIME;
			if (!monitor) {
				stats_not_monitored(c, x.netns);
			} else {
				nlh = nfsk_nl_request(&c->nl, NFSKETCH_CMD_STATS_GET, 0);
				if (nfsk_nl_talk(&c->nl, nlh, stats_cb, &x))
					ret = EXIT_RUNTIME;
			}
			nfsk_nl_close(&c->nl);
		}
		if (setns(self, CLONE_NEWNET)) {
			perror("nfsketch: back to the caller's network namespace");
			ret = EXIT_RUNTIME;
			break;
		}
	}
	if (c->json) {
		json_arr_close(&c->j);
		json_end(&c->j);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	close(self);
	return ret;
}

int cmd_stats(struct cli *c, int argc, char **argv)
{
	struct stats_ctx x = { .c = c };
	struct nlmsghdr *nlh;

	if (cli_want_help(argc, argv, stats_usage))
		return 0;
	if (argc == 2 && !strcmp(argv[1], "--prometheus")) {
		if (c->json)
			return cli_usage_error(stats_usage,
					       "--prometheus and -j exclude each other");
		return stats_prometheus(c);
	}
	if (argc == 2 && !strcmp(argv[1], "--all-netns"))
		return stats_all_netns(c);
	if (argc > 1)
		return cli_usage_error(stats_usage, "unexpected argument '%s'", argv[1]);
	if (cli_open(c))
		return EXIT_RUNTIME;
	nlh = nfsk_nl_request(&c->nl, NFSKETCH_CMD_STATS_GET, 0);
	return nfsk_nl_talk(&c->nl, nlh, stats_cb, &x) ? EXIT_RUNTIME : 0;
}
