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

/* Top flows: JSON "top" array; text "  #1 udp a:1 -> b:2  bytes B packets P" */
static void window_top_print(struct cli *c, const struct nlattr *topk)
{
	const struct nlattr *ftb[NFSKETCH_A_FLOW_MAX + 1];
	struct print p = cli_print(c);
	const struct nlattr *f;
	char fs[160];
	int rank = 0;

	print_arr_open(&p, "top");
	mnl_attr_for_each_nested(f, topk) {
		if (c->json) {
			flow_parse(f, ftb);
			flow_json(c, NULL, ftb);
			json_obj_close(&c->j);
			continue;
		}
		if (mnl_attr_get_type(f) != NFSKETCH_A_FLOW)
			continue;
		flow_parse(f, ftb);
		fprintf(c->out, "%8s#%-2d %s  bytes %" PRIu64 " packets %" PRIu64 "\n", "",
			++rank, flow_str(ftb, fs, sizeof(fs)),
			nfsk_nl_u64(ftb[NFSKETCH_A_FLOW_BYTES]),
			nfsk_nl_u64(ftb[NFSKETCH_A_FLOW_PACKETS]));
	}
	if (!rank)
		print_text(&p, "%8s(no flow held)\n", "");
	print_arr_close(&p);
}

/*
 * A window nest, the same object for `windows` (@row: the table's row,
 * its route sub-series and its top flows) and monitor's [window] (one
 * line, window_line()); JSON
 * with the same keys in both.
 */
void window_print(struct cli *c, const struct nlattr *nest, const struct nlattr **tb,
		  const char *key, bool row)
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
	if (!c->json) {
		if (row)
			window_row(tb, text, sizeof(text));
		else
			window_line(tb, text, sizeof(text));
		print_str(&p, PRINT_FP, NULL, "%s\n", text);
	}
	/* the `windows` table's sub-series lines under the row */
	if (tb[NFSKETCH_A_WINDOW_ROUTE_SERIES] && !c->json && row)
		rseries_text(c->out, "        ", nest, NFSKETCH_A_WINDOW_ROUTE_SERIES);
	if (tb[NFSKETCH_A_WINDOW_TOPK] && (c->json || row))
		window_top_print(c, tb[NFSKETCH_A_WINDOW_TOPK]);
	print_obj_close(&p);
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
		window_print(c, a, tb, NULL, true);
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
