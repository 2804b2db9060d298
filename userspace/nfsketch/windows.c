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

/* Two attributes added: the IPv4 and IPv6 counts of a kind, ICMP and ICMPv6. */
static uint64_t window_sum(const struct nlattr **tb, unsigned int a, unsigned int b)
{
	return nfsk_nl_u64(tb[a]) + nfsk_nl_u64(tb[b]);
}

/*
 * One line: "123 2026-11-29T15:16:25.012+01:00: 1.0 s, 100 packets, 8.40k
 * bytes, H(src) 1.00 ..." (the local start time when the module sends it)
 */
static void window_line(const struct nlattr **tb, char *buf, size_t len)
{
	char p[16], b[16], fl[128], ts[FMT_TIME_LEN] = "";
	int n = 0;

	if (tb[NFSKETCH_A_WINDOW_START_REALTIME_NS]) {
		ts[0] = ' ';
		fmt_time_ms(nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_START_REALTIME_NS]),
			    ts + 1, sizeof(ts) - 1);
	}
	n = snprintf(buf, len, "%" PRIu64 "%s", nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_ID]), ts);
	if (n < 0 || (size_t)n >= len)
		return;
	snprintf(buf + n, len - n, ": %.1f s, %s packets, %s bytes, "
		 "H(src) %.2f H(dst) %.2f bits, routes +%" PRIu64 " -%" PRIu64
		 ", flags %s",
		 nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_LENGTH_NS]) / 1e9,
		 fmt_si(nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_PACKETS]), p, sizeof(p)),
		 fmt_si(nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_BYTES]), b, sizeof(b)),
		 nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_SRC_ENTROPY]) / 1000.0,
		 nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_DST_ENTROPY]) / 1000.0,
		 window_sum(tb, NFSKETCH_A_WINDOW_ROUTE_ADD4, NFSKETCH_A_WINDOW_ROUTE_ADD6),
		 window_sum(tb, NFSKETCH_A_WINDOW_ROUTE_DEL4, NFSKETCH_A_WINDOW_ROUTE_DEL6),
		 fmt_flags(nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_FLAGS]), fl, sizeof(fl)));
}

/*
 * The `windows` table's row: "     5 2026-...+01:00   1.0s  100  8.40k ..."
 * (seconds are enough in a table of windows: the start of each).
 */
static void window_row(const struct nlattr **tb, char *buf, size_t len)
{
	char b1[16], b2[16], fl[128], ts[FMT_TIME_LEN];

	if (tb[NFSKETCH_A_WINDOW_START_REALTIME_NS])
		fmt_rfc3339(nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_START_REALTIME_NS]) /
			    1000000000 * 1000000000, true, ts, sizeof(ts));
	else
		snprintf(ts, sizeof(ts), "-");
	snprintf(buf, len, "%6" PRIu64 " %-25s %6.1fs %8s %8s %7" PRIu64 " %7" PRIu64
		 " %7" PRIu64 " %6.2f %6.2f  +%-3" PRIu64 " -%-3" PRIu64 " ~%-3" PRIu64 " %s",
		 nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_ID]), ts,
		 nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_LENGTH_NS]) / 1e9,
		 fmt_si(nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_PACKETS]), b1, sizeof(b1)),
		 fmt_si(nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_BYTES]), b2, sizeof(b2)),
		 nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_TCP]),
		 nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_UDP]),
		 window_sum(tb, NFSKETCH_A_WINDOW_ICMP, NFSKETCH_A_WINDOW_ICMPV6),
		 nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_SRC_ENTROPY]) / 1000.0,
		 nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_DST_ENTROPY]) / 1000.0,
		 window_sum(tb, NFSKETCH_A_WINDOW_ROUTE_ADD4, NFSKETCH_A_WINDOW_ROUTE_ADD6),
		 window_sum(tb, NFSKETCH_A_WINDOW_ROUTE_DEL4, NFSKETCH_A_WINDOW_ROUTE_DEL6),
		 window_sum(tb, NFSKETCH_A_WINDOW_ROUTE_REPLACE4,
			    NFSKETCH_A_WINDOW_ROUTE_REPLACE6),
		 fmt_flags(nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_FLAGS]), fl, sizeof(fl)));
}

/*
 * The replay's block: "window 3  2023-11-14T22:13:20Z  +2.000s  length
 * 1.000s  packets ..." and a line of protocols and entropies, its route
 * counts and sub-series when it has routes (UTC: a capture's time).
 */
static void window_block(struct print *p, const struct nlattr *nest,
			 const struct nlattr **tb)
{
	char fl[128], ts[FMT_TIME_LEN];
	unsigned int i;

	print_text(p, "window %" PRIu64 "  %s  +%.3fs  length %.3fs  packets %" PRIu64
		   "  bytes %" PRIu64 "  truncated %" PRIu64 "  flags %s\n",
		   nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_ID]),
		   fmt_rfc3339(nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_START_REALTIME_NS]),
			       false, ts, sizeof(ts)),
		   nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_START_NS]) / 1e9,
		   nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_LENGTH_NS]) / 1e9,
		   nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_PACKETS]),
		   nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_BYTES]),
		   nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_TRUNCATED]),
		   fmt_flags(nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_FLAGS]), fl, sizeof(fl)));
	/* "  tcp N  udp N ... ipv6 N": the counts under their JSON names */
	for (i = 0; i < sizeof(window_fields) / sizeof(window_fields[0]); i++)
		if (window_fields[i].attr >= NFSKETCH_A_WINDOW_TCP &&
		    window_fields[i].attr <= NFSKETCH_A_WINDOW_IPV6)
			print_text(p, "  %s %" PRIu64, window_fields[i].name,
				   nfsk_nl_u64(tb[window_fields[i].attr]));
	print_text(p, "  H(src) %.3f  H(dst) %.3f bits\n",
		   nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_SRC_ENTROPY]) / 1000.0,
		   nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_DST_ENTROPY]) / 1000.0);
	if (!tb[NFSKETCH_A_WINDOW_ROUTE_ADD4])
		return;
	/* the IPv6 attributes follow the IPv4 ones (ADD, DEL, REPLACE; ROUTES) */
	for (i = 0; i < 2; i++)
		print_text(p, "%s ipv%u +%" PRIu64 " -%" PRIu64 " ~%" PRIu64 " size %" PRIu64 "%s",
			   i ? "," : "  routes:", i ? 6 : 4,
			   nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_ROUTE_ADD4 + 3 * i]),
			   nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_ROUTE_DEL4 + 3 * i]),
			   nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_ROUTE_REPLACE4 + 3 * i]),
			   nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_ROUTES4 + i]), i ? "\n" : "");
	if (tb[NFSKETCH_A_WINDOW_ROUTE_SERIES])
		rseries_text(p->out, "  ", nest, NFSKETCH_A_WINDOW_ROUTE_SERIES);
}

/*
 * Top flows: JSON "top" array; text under a `windows` row "  #1 udp a:1
 * -> b:2  bytes B packets P", under the replay's block a table with the
 * Count-Min estimates.
 */
static void window_top_print(struct print *p, const struct nlattr *topk,
			     enum window_style style)
{
	const struct nlattr *ftb[NFSKETCH_A_FLOW_MAX + 1];
	char fs[160], s[ADDR_STR_LEN], d[ADDR_STR_LEN], pb[8];
	const struct nlattr *f;
	int rank = 0;

	print_arr_open(p, "top");
	mnl_attr_for_each_nested(f, topk) {
		if (!p->json && mnl_attr_get_type(f) != NFSKETCH_A_FLOW)
			continue;
		flow_parse(f, ftb);
		if (p->json) {
			flow_print(p, NULL, ftb);
			print_obj_close(p);
		} else if (style == WINDOW_BLOCK) {
			if (!rank++)
				print_text(p, "  %-39s %-39s %-6s %5s %5s %10s %7s %10s %8s\n",
					   "src", "dst", "proto", "sport", "dport", "bytes",
					   "packets", "cms_bytes", "+-bound");
			print_text(p, "  %-39s %-39s %-6s %5" PRIu64 " %5" PRIu64
				   " %10" PRIu64 " %7" PRIu64 " %10" PRIu64 " %8" PRIu64 "\n",
				   flow_src(ftb, s), flow_dst(ftb, d),
				   fmt_proto(nfsk_nl_u64(ftb[NFSKETCH_A_FLOW_PROTO]), pb,
					     sizeof(pb)),
				   nfsk_nl_u64(ftb[NFSKETCH_A_FLOW_SPORT]),
				   nfsk_nl_u64(ftb[NFSKETCH_A_FLOW_DPORT]),
				   nfsk_nl_u64(ftb[NFSKETCH_A_FLOW_BYTES]),
				   nfsk_nl_u64(ftb[NFSKETCH_A_FLOW_PACKETS]),
				   nfsk_nl_u64(ftb[NFSKETCH_A_FLOW_EST_BYTES]),
				   nfsk_nl_u64(ftb[NFSKETCH_A_FLOW_ERR_BYTES]));
		} else {
			print_text(p, "%8s#%-2d %s  bytes %" PRIu64 " packets %" PRIu64 "\n",
				   "", ++rank, flow_str(ftb, fs, sizeof(fs)),
				   nfsk_nl_u64(ftb[NFSKETCH_A_FLOW_BYTES]),
				   nfsk_nl_u64(ftb[NFSKETCH_A_FLOW_PACKETS]));
		}
	}
	if (!rank && style == WINDOW_ROW)
		print_text(p, "%8s(no flow held)\n", "");
	print_arr_close(p);
}

void window_print_open(struct cli *c, const struct nlattr *nest, const struct nlattr **tb,
		       const char *key, enum window_style style)
{
	struct print p = cli_print(c);
	char text[320];
	unsigned int i;

	print_obj_open(&p, key);
	for (i = 0; i < sizeof(window_fields) / sizeof(window_fields[0]); i++)
		if (tb[window_fields[i].attr])
			print_u64(&p, PRINT_JSON, window_fields[i].name, NULL,
				  nfsk_nl_u64(tb[window_fields[i].attr]));
	/* natural units next to the raw fixed-point values */
	if (tb[NFSKETCH_A_WINDOW_SRC_ENTROPY])
		print_fixed(&p, PRINT_JSON, "src_entropy_bits", NULL,
			    nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_SRC_ENTROPY]), 3);
	if (tb[NFSKETCH_A_WINDOW_DST_ENTROPY])
		print_fixed(&p, PRINT_JSON, "dst_entropy_bits", NULL,
			    nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_DST_ENTROPY]), 3);
	if (tb[NFSKETCH_A_WINDOW_SAH_PROB])
		print_double(&p, PRINT_JSON, "sah_p", NULL,
			     nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_SAH_PROB]) / 4294967296.0);
	if (tb[NFSKETCH_A_WINDOW_START_REALTIME_NS]) {
		char ts[FMT_TIME_LEN];

		print_str(&p, PRINT_JSON, "start_time", NULL,
			  fmt_rfc3339(nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_START_REALTIME_NS]),
				      false, ts, sizeof(ts)));
	}
	print_arr_open(&p, "flag_names");
	for (i = 0; flag_names[i]; i++)
		if (nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_FLAGS]) & (1U << i))
			print_str(&p, PRINT_JSON, NULL, NULL, flag_names[i]);
	print_arr_close(&p);
	if (tb[NFSKETCH_A_WINDOW_SCORE]) {
		int64_t score[NSERIES];

		window_scores(tb[NFSKETCH_A_WINDOW_SCORE], score);
		print_obj_open(&p, "score_milli_sigma");
		for (i = 0; i < NSERIES; i++)
			print_s64(&p, PRINT_JSON, series_name[i], NULL, score[i]);
		print_obj_close(&p);
		print_obj_open(&p, "score_sigma");
		for (i = 0; i < NSERIES; i++)
			print_fixed(&p, PRINT_JSON, series_name[i], NULL, score[i], 3);
		print_obj_close(&p);
	}
	if (tb[NFSKETCH_A_WINDOW_ROUTE_SERIES] && c->json)
		rseries_json(c, "route_series", nest, NFSKETCH_A_WINDOW_ROUTE_SERIES);
	if (c->json)
		return;
	if (style == WINDOW_BLOCK) {
		window_block(&p, nest, tb);
		return;
	}
	if (style == WINDOW_ROW)
		window_row(tb, text, sizeof(text));
	else
		window_line(tb, text, sizeof(text));
	print_str(&p, PRINT_FP, NULL, "%s\n", text);
	/* the `windows` table's sub-series lines under the row */
	if (tb[NFSKETCH_A_WINDOW_ROUTE_SERIES] && style == WINDOW_ROW)
		rseries_text(c->out, "        ", nest, NFSKETCH_A_WINDOW_ROUTE_SERIES);
}

void window_print_close(struct cli *c, const struct nlattr **tb, enum window_style style)
{
	struct print p = cli_print(c);

	if (tb[NFSKETCH_A_WINDOW_TOPK] && (c->json || style != WINDOW_LINE))
		window_top_print(&p, tb[NFSKETCH_A_WINDOW_TOPK], style);
	print_obj_close(&p);
}

void window_print(struct cli *c, const struct nlattr *nest, const struct nlattr **tb,
		  const char *key, enum window_style style)
{
	window_print_open(c, nest, tb, key, style);
	window_print_close(c, tb, style);
}

static int window_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NFSKETCH_A_WINDOW_MAX + 1];
	struct cli *c = data;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != NFSKETCH_A_WINDOW)
			continue;
		nfsk_nl_parse_nest(a, tb, NFSKETCH_A_WINDOW_MAX);
		window_print(c, a, tb, NULL, WINDOW_ROW);
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
