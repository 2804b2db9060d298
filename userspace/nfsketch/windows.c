// SPDX-License-Identifier: GPL-2.0
/* nfsketch windows: the history of closed windows (WINDOW_GET dump). */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/nfsketch.h>
#include "cmd.h"
#include "fmt.h"
#include "rseries.h"

static const char windows_usage[] =
	"Usage: nfsketch [-j [-p]] windows [--last N] [--top]\n"
	"Closed windows of this network namespace, oldest first: totals,\n"
	"protocols, address entropy (bits), route events, flags; under each\n"
	"window its route events by routing protocol and by table.\n"
	"  -l, --last N   only the newest N windows\n"
	"  -t, --top      each window's top flows too, by bytes (held bytes and\n"
	"                 packets, exact since admitted); needs CAP_NET_ADMIN\n";

static const struct {
	unsigned int	attr;
	const char	*name;
} window_fields[] = {
	{ NFSKETCH_A_WINDOW_ID,			"id" },
	{ NFSKETCH_A_WINDOW_START_NS,		"start_ns" },
	{ NFSKETCH_A_WINDOW_LENGTH_NS,		"length_ns" },
	{ NFSKETCH_A_WINDOW_PACKETS,		"packets" },
	{ NFSKETCH_A_WINDOW_BYTES,		"bytes" },
	{ NFSKETCH_A_WINDOW_TCP,		"tcp" },
	{ NFSKETCH_A_WINDOW_UDP,		"udp" },
	{ NFSKETCH_A_WINDOW_ICMP,		"icmp" },
	{ NFSKETCH_A_WINDOW_ICMPV6,		"icmpv6" },
	{ NFSKETCH_A_WINDOW_OTHER,		"other" },
	{ NFSKETCH_A_WINDOW_IPV4,		"ipv4" },
	{ NFSKETCH_A_WINDOW_IPV6,		"ipv6" },
	{ NFSKETCH_A_WINDOW_TRUNCATED,		"truncated" },
	{ NFSKETCH_A_WINDOW_SRC_ENTROPY,	"src_entropy_mbits" },
	{ NFSKETCH_A_WINDOW_DST_ENTROPY,	"dst_entropy_mbits" },
	{ NFSKETCH_A_WINDOW_ROUTE_ADD4,		"route_add4" },
	{ NFSKETCH_A_WINDOW_ROUTE_DEL4,		"route_del4" },
	{ NFSKETCH_A_WINDOW_ROUTE_REPLACE4,	"route_replace4" },
	{ NFSKETCH_A_WINDOW_ROUTE_ADD6,		"route_add6" },
	{ NFSKETCH_A_WINDOW_ROUTE_DEL6,		"route_del6" },
	{ NFSKETCH_A_WINDOW_ROUTE_REPLACE6,	"route_replace6" },
	{ NFSKETCH_A_WINDOW_ROUTES4,		"routes4" },
	{ NFSKETCH_A_WINDOW_ROUTES6,		"routes6" },
	{ NFSKETCH_A_WINDOW_SAH_HITS,		"sah_hits" },
	{ NFSKETCH_A_WINDOW_SAH_MISSES,		"sah_misses" },
	{ NFSKETCH_A_WINDOW_SAH_FULL,		"sah_full" },
	{ NFSKETCH_A_WINDOW_SAH_HELD,		"sah_flows" },
	{ NFSKETCH_A_WINDOW_SAH_PROB,		"sah_p_fx32" },
	{ NFSKETCH_A_WINDOW_FLAGS,		"flags" },
	{ NFSKETCH_A_WINDOW_START_REALTIME_NS,	"start_realtime_ns" },
};

bool window_scores(const struct nlattr *nest, int64_t score[NSERIES])
{
	const struct nlattr *s;

	memset(score, 0, NSERIES * sizeof(score[0]));
	if (!nest)
		return false;
	mnl_attr_for_each_nested(s, nest) {
		unsigned int t = mnl_attr_get_type(s) - NFSKETCH_A_SCORE_PACKETS;

		if (t < NSERIES)
			score[t] = (int64_t)nfsk_nl_u64(s);
	}
	return true;
}

/* A window nest as JSON, with the same keys as `nfsketch -j windows`. */
void window_json(struct cli *c, const char *key, const struct nlattr *nest,
		 const struct nlattr **tb)
{
	const struct nlattr *f;
	unsigned int i;

	json_obj_open(&c->j, key);
	for (i = 0; i < sizeof(window_fields) / sizeof(window_fields[0]); i++)
		if (tb[window_fields[i].attr])
			json_u64(&c->j, window_fields[i].name,
				 nfsk_nl_u64(tb[window_fields[i].attr]));
	/* natural units next to the raw fixed-point values */
	if (tb[NFSKETCH_A_WINDOW_SRC_ENTROPY])
		json_fixed(&c->j, "src_entropy_bits",
			   nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_SRC_ENTROPY]), 3);
	if (tb[NFSKETCH_A_WINDOW_DST_ENTROPY])
		json_fixed(&c->j, "dst_entropy_bits",
			   nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_DST_ENTROPY]), 3);
	if (tb[NFSKETCH_A_WINDOW_SAH_PROB])
		json_double(&c->j, "sah_p",
			    nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_SAH_PROB]) / 4294967296.0);
	if (tb[NFSKETCH_A_WINDOW_START_REALTIME_NS]) {
		char ts[FMT_TIME_LEN];

		json_str(&c->j, "start_time",
			 fmt_rfc3339(nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_START_REALTIME_NS]),
				     false, ts, sizeof(ts)));
	}
	json_arr_open(&c->j, "flag_names");
	for (i = 0; flag_names[i]; i++)
		if (nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_FLAGS]) & (1U << i))
			json_str(&c->j, NULL, flag_names[i]);
	json_arr_close(&c->j);
	if (tb[NFSKETCH_A_WINDOW_SCORE]) {
		int64_t score[NSERIES];

		window_scores(tb[NFSKETCH_A_WINDOW_SCORE], score);
		json_obj_open(&c->j, "score_milli_sigma");
		for (i = 0; i < NSERIES; i++)
			json_s64(&c->j, series_name[i], score[i]);
		json_obj_close(&c->j);
		json_obj_open(&c->j, "score_sigma");
		for (i = 0; i < NSERIES; i++)
			json_fixed(&c->j, series_name[i], score[i], 3);
		json_obj_close(&c->j);
	}
	if (tb[NFSKETCH_A_WINDOW_ROUTE_SERIES])
		rseries_json(c, "route_series", nest,
			     NFSKETCH_A_WINDOW_ROUTE_SERIES);
	if (tb[NFSKETCH_A_WINDOW_TOPK]) {
		const struct nlattr *ftb[NFSKETCH_A_FLOW_MAX + 1];

		json_arr_open(&c->j, "top");
		mnl_attr_for_each_nested(f, tb[NFSKETCH_A_WINDOW_TOPK]) {
			flow_parse(f, ftb);
			flow_json(c, NULL, ftb);
			json_obj_close(&c->j);
		}
		json_arr_close(&c->j);
	}
	json_obj_close(&c->j);
}

/* A window's top flows under its line: "  #1 udp a:1 -> b:2  bytes B packets P" */
static void window_top_text(const struct nlattr *topk)
{
	const struct nlattr *ftb[NFSKETCH_A_FLOW_MAX + 1];
	const struct nlattr *f;
	char fs[160];
	int rank = 0;

	mnl_attr_for_each_nested(f, topk) {
		if (mnl_attr_get_type(f) != NFSKETCH_A_FLOW)
			continue;
		flow_parse(f, ftb);
		printf("%8s#%-2d %s  bytes %" PRIu64 " packets %" PRIu64 "\n", "",
		       ++rank, flow_str(ftb, fs, sizeof(fs)),
		       nfsk_nl_u64(ftb[NFSKETCH_A_FLOW_BYTES]),
		       nfsk_nl_u64(ftb[NFSKETCH_A_FLOW_PACKETS]));
	}
	if (!rank)
		printf("%8s(no flow held)\n", "");
}

static int window_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NFSKETCH_A_WINDOW_MAX + 1];
	char b1[16], b2[16], fl[128], ts[FMT_TIME_LEN];
	struct cli *c = data;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		uint64_t r4, r6;

		if (mnl_attr_get_type(a) != NFSKETCH_A_WINDOW)
			continue;
		nfsk_nl_parse_nest(a, tb, NFSKETCH_A_WINDOW_MAX);
		if (c->json) {
			window_json(c, NULL, a, tb);
			continue;
		}
		r4 = nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_ROUTE_ADD4]) +
		     nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_ROUTE_ADD6]);
		r6 = nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_ROUTE_DEL4]) +
		     nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_ROUTE_DEL6]);
		/* seconds are enough in a table of windows: the start of each */
		if (tb[NFSKETCH_A_WINDOW_START_REALTIME_NS])
			fmt_rfc3339(nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_START_REALTIME_NS]) /
				    1000000000 * 1000000000, true, ts, sizeof(ts));
		else
			snprintf(ts, sizeof(ts), "-");
		printf("%6" PRIu64 " %-25s %6.1fs %8s %8s %7" PRIu64 " %7" PRIu64 " %7" PRIu64
		       " %6.2f %6.2f  +%-3" PRIu64 " -%-3" PRIu64 " ~%-3" PRIu64 " %s\n",
		       nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_ID]), ts,
		       nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_LENGTH_NS]) / 1e9,
		       fmt_si(nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_PACKETS]), b1, sizeof(b1)),
		       fmt_si(nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_BYTES]), b2, sizeof(b2)),
		       nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_TCP]),
		       nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_UDP]),
		       nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_ICMP]) +
		       nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_ICMPV6]),
		       nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_SRC_ENTROPY]) / 1000.0,
		       nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_DST_ENTROPY]) / 1000.0,
		       r4, r6,
		       nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_ROUTE_REPLACE4]) +
		       nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_ROUTE_REPLACE6]),
		       fmt_flags(nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_FLAGS]), fl, sizeof(fl)));
		if (tb[NFSKETCH_A_WINDOW_ROUTE_SERIES])
			rseries_text(stdout, "        ", a,
				     NFSKETCH_A_WINDOW_ROUTE_SERIES);
		if (tb[NFSKETCH_A_WINDOW_TOPK])
			window_top_text(tb[NFSKETCH_A_WINDOW_TOPK]);
	}
	return MNL_CB_OK;
}

int cmd_windows(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "last", required_argument, NULL, 'l' },
		{ "top", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct nlmsghdr *nlh;
	unsigned long last = 0;
	bool top = false;
	char *end;
	int o, err;

	optind = 1;
	opterr = 0;
	while ((o = getopt_long(argc, argv, "l:th", opts, NULL)) != -1) {
		switch (o) {
		case 't':
			top = true;
			break;
		case 'l':
			last = strtoul(optarg, &end, 10);
			if (*end || !last || last > UINT32_MAX)
				return cli_usage_error(windows_usage,
						       "--last needs a positive number");
			break;
		case 'h':
			fputs(windows_usage, stdout);
			return 0;
		default:
			return cli_usage_error(windows_usage, "bad option '%s'",
					       argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(windows_usage, "unexpected argument '%s'",
				       argv[optind]);
	if (cli_open(c))
		return EXIT_RUNTIME;
	nlh = nfsk_nl_request(&c->nl, NFSKETCH_CMD_WINDOW_GET, NLM_F_DUMP);
	if (last)
		mnl_attr_put_u32(nlh, NFSKETCH_A_LAST_N, last);
	if (top)
		mnl_attr_put(nlh, NFSKETCH_A_WITH_TOPK, 0, NULL);
	if (c->json)
		json_arr_open(&c->j, NULL);
	else
		printf("%6s %-25s %7s %8s %8s %7s %7s %7s %6s %6s  %-14s %s\n", "window",
		       "start", "length", "packets", "bytes", "tcp", "udp", "icmp",
		       "H(src)", "H(dst)", "routes", "flags");
	err = nfsk_nl_talk(&c->nl, nlh, window_cb, c);
	if (c->json) {
		json_arr_close(&c->j);
		json_end(&c->j);
	}
	return err ? EXIT_RUNTIME : 0;
}
