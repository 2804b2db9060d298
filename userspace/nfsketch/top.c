// SPDX-License-Identifier: GPL-2.0
/*
 * nfsketch top: the heaviest flows of the last closed window (TOPK_GET),
 * and the flow helpers query and monitor share.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/nfsketch.h>
#include "cmd.h"
#include "fmt.h"

static const char top_usage[] =
	"Usage: nfsketch [-j [-p]] top [-c N] [--by bytes|packets] [--window ID]\n"
	"The heaviest flows of the last closed window, as Sample-and-Hold found\n"
	"them: bytes and packets counted exactly since the flow was admitted\n"
	"(a lower bound of the truth), the Count-Min estimate (an upper bound)\n"
	"with its error bound, and the share of the window's traffic.\n"
	"  -c, --count N         at most N flows (default: all kept, see config topk)\n"
	"  -b, --by bytes|packets  order (default bytes)\n"
	"  -w, --window ID       that window of the history instead (ids: `nfsketch\n"
	"                        windows`); every window keeps its top flows until\n"
	"                        the history drops it\n"
	"Needs CAP_NET_ADMIN.\n";

void flow_parse(const struct nlattr *nest, const struct nlattr **tb)
{
	nfsk_nl_parse_nest(nest, tb, NFSKETCH_A_FLOW_MAX);
}

static const char *flow_addr(const struct nlattr **tb, unsigned int attr,
			     char *buf)
{
	if (!tb[attr] || mnl_attr_get_payload_len(tb[attr]) != 16) {
		snprintf(buf, ADDR_STR_LEN, "?");
		return buf;
	}
	return fmt_addr(nfsk_nl_u64(tb[NFSKETCH_A_FLOW_FAMILY]),
			mnl_attr_get_payload(tb[attr]), buf);
}

const char *flow_src(const struct nlattr **tb, char *buf)
{
	return flow_addr(tb, NFSKETCH_A_FLOW_SRC, buf);
}

const char *flow_dst(const struct nlattr **tb, char *buf)
{
	return flow_addr(tb, NFSKETCH_A_FLOW_DST, buf);
}

/* "udp 10.0.0.1:5000 -> 10.0.0.2:6000", "icmp 10.0.0.1 -> 10.0.0.2 type 8 code 0" */
const char *flow_str(const struct nlattr **tb, char *buf, size_t len)
{
	char s[ADDR_STR_LEN], d[ADDR_STR_LEN];

	return fmt_flow(nfsk_nl_u64(tb[NFSKETCH_A_FLOW_FAMILY]),
			nfsk_nl_u64(tb[NFSKETCH_A_FLOW_PROTO]),
			flow_src(tb, s), nfsk_nl_u64(tb[NFSKETCH_A_FLOW_SPORT]),
			flow_dst(tb, d), nfsk_nl_u64(tb[NFSKETCH_A_FLOW_DPORT]), buf, len);
}

/*
 * Every attribute of a flow nest that is present, as a JSON object (keys
 * only: a flow's text is flow_str()); left open for the caller's fields.
 */
void flow_print(struct print *p, const char *key, const struct nlattr **tb)
{
	static const struct {
		unsigned int	attr;
		const char	*name;
	} counts[] = {
		{ NFSKETCH_A_FLOW_BYTES,	"bytes" },
		{ NFSKETCH_A_FLOW_PACKETS,	"packets" },
		{ NFSKETCH_A_FLOW_EST_BYTES,	"est_bytes" },
		{ NFSKETCH_A_FLOW_ERR_BYTES,	"err_bytes" },
		{ NFSKETCH_A_FLOW_EST_PACKETS,	"est_packets" },
		{ NFSKETCH_A_FLOW_ERR_PACKETS,	"err_packets" },
	};
	char a[ADDR_STR_LEN], pb[8];
	uint8_t family = nfsk_nl_u64(tb[NFSKETCH_A_FLOW_FAMILY]);
	unsigned int i;

	print_obj_open(p, key);
	print_u64(p, PRINT_JSON, "family", NULL, family == AF_INET ? 4 : 6);
	if (tb[NFSKETCH_A_FLOW_SRC])
		print_str(p, PRINT_JSON, "src", NULL, flow_src(tb, a));
	if (tb[NFSKETCH_A_FLOW_DST])
		print_str(p, PRINT_JSON, "dst", NULL, flow_dst(tb, a));
	if (tb[NFSKETCH_A_FLOW_PROTO]) {
		uint8_t proto = nfsk_nl_u64(tb[NFSKETCH_A_FLOW_PROTO]);

		print_u64(p, PRINT_JSON, "proto", NULL, proto);
		print_str(p, PRINT_JSON, "proto_name", NULL, fmt_proto(proto, pb, sizeof(pb)));
	}
	if (tb[NFSKETCH_A_FLOW_SPORT])
		print_u64(p, PRINT_JSON, "sport", NULL, nfsk_nl_u64(tb[NFSKETCH_A_FLOW_SPORT]));
	if (tb[NFSKETCH_A_FLOW_DPORT])
		print_u64(p, PRINT_JSON, "dport", NULL, nfsk_nl_u64(tb[NFSKETCH_A_FLOW_DPORT]));
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		if (tb[counts[i].attr])
			print_u64(p, PRINT_JSON, counts[i].name, NULL,
				  nfsk_nl_u64(tb[counts[i].attr]));
	/* the object is held open by the caller, which may add fields */
}

struct top_ctx {
	struct cli	*c;
	bool		by_packets;
	uint64_t	window_id;
	int		nflows;
};

/*
 * One held flow of `top`: text "   1 SRC DST PROTO SPORT DPORT BYTES
 * PACKETS EST +- BOUND SHARE%"; JSON the flow's keys, its rank and share.
 */
static void top_flow_print(struct print *p, const struct top_ctx *t,
			   const struct nlattr **tb, int rank, uint64_t total)
{
	char s[ADDR_STR_LEN], d[ADDR_STR_LEN], pb[8], est[40];
	uint64_t held = nfsk_nl_u64(tb[t->by_packets ? NFSKETCH_A_FLOW_PACKETS :
					 NFSKETCH_A_FLOW_BYTES]);

	flow_print(p, NULL, tb);
	print_u64(p, PRINT_ANY, "rank", "%4" PRIu64, rank);
	print_u64(p, PRINT_JSON, "share_ppm", NULL, total ? held * 1000000 / total : 0);
	print_double(p, PRINT_JSON, "share", NULL, total ? (double)held / total : 0);
	snprintf(est, sizeof(est), "%" PRIu64 " +- %" PRIu64,
		 nfsk_nl_u64(tb[t->by_packets ? NFSKETCH_A_FLOW_EST_PACKETS :
				NFSKETCH_A_FLOW_EST_BYTES]),
		 nfsk_nl_u64(tb[t->by_packets ? NFSKETCH_A_FLOW_ERR_PACKETS :
				NFSKETCH_A_FLOW_ERR_BYTES]));
	print_text(p, " %-39s %-39s %-6s %5" PRIu64 " %5" PRIu64 " %12" PRIu64
		   " %9" PRIu64 " %24s %5.1f%%\n", flow_src(tb, s), flow_dst(tb, d),
		   fmt_proto(nfsk_nl_u64(tb[NFSKETCH_A_FLOW_PROTO]), pb, sizeof(pb)),
		   nfsk_nl_u64(tb[NFSKETCH_A_FLOW_SPORT]),
		   nfsk_nl_u64(tb[NFSKETCH_A_FLOW_DPORT]),
		   nfsk_nl_u64(tb[NFSKETCH_A_FLOW_BYTES]),
		   nfsk_nl_u64(tb[NFSKETCH_A_FLOW_PACKETS]), est,
		   total ? 100.0 * held / total : 0);
	print_obj_close(p);
}

/*
 * A TOPK_GET window: text "window 5: 100 packets, 8400 bytes; top flows
 * by bytes", the table's head and a row per flow; JSON {window_id,
 * window_packets, window_bytes, by, flows: [...]}.
 */
static int top_window_print(struct top_ctx *t, const struct nlattr **wtb)
{
	const struct nlattr *tb[NFSKETCH_A_FLOW_MAX + 1];
	struct print p = cli_print(t->c);
	uint64_t wbytes = nfsk_nl_u64(wtb[NFSKETCH_A_WINDOW_BYTES]);
	uint64_t wpackets = nfsk_nl_u64(wtb[NFSKETCH_A_WINDOW_PACKETS]);
	const char *by = t->by_packets ? "packets" : "bytes";
	const struct nlattr *f;
	int rank = 0;

	print_obj_open(&p, NULL);
	print_u64(&p, PRINT_ANY, "window_id", "window %" PRIu64, t->window_id);
	print_u64(&p, PRINT_ANY, "window_packets", ": %" PRIu64 " packets", wpackets);
	print_u64(&p, PRINT_ANY, "window_bytes", ", %" PRIu64 " bytes", wbytes);
	print_str(&p, PRINT_ANY, "by", "; top flows by %s\n", by);
	print_text(&p, "%4s %-39s %-39s %-6s %5s %5s %12s %9s %24s %6s\n",
		   "rank", "src", "dst", "proto", "sport", "dport", "bytes", "packets",
		   t->by_packets ? "est. packets +- bound" : "est. bytes +- bound",
		   "share");
	print_arr_open(&p, "flows");
	if (wtb[NFSKETCH_A_WINDOW_TOPK]) {
		mnl_attr_for_each_nested(f, wtb[NFSKETCH_A_WINDOW_TOPK]) {
			if (mnl_attr_get_type(f) != NFSKETCH_A_FLOW)
				continue;
			flow_parse(f, tb);
			top_flow_print(&p, t, tb, ++rank,
				       t->by_packets ? wpackets : wbytes);
		}
	}
	print_arr_close(&p);
	if (!rank)
		print_text(&p, "(no flow held in this window)\n");
	print_obj_close(&p);
	if (t->c->json)
		json_end(&t->c->j);
	return rank;
}

static int top_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *wtb[NFSKETCH_A_WINDOW_MAX + 1];
	struct top_ctx *t = data;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != NFSKETCH_A_WINDOW)
			continue;
		nfsk_nl_parse_nest(a, wtb, NFSKETCH_A_WINDOW_MAX);
		t->window_id = nfsk_nl_u64(wtb[NFSKETCH_A_WINDOW_ID]);
		t->nflows = top_window_print(t, wtb);
	}
	return MNL_CB_OK;
}

/* A window id: a positive decimal number; 0 on error. */
uint64_t cli_parse_u64(const char *s)
{
	unsigned long long v;
	char *end;

	if (!*s || *s < '0' || *s > '9')
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end || errno)
		return 0;
	return v;
}

/* Parse a positive decimal number <= max; 0 on error. */
unsigned long cli_parse_count(const char *s, unsigned long max)
{
	unsigned long v;
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return 0;
	v = strtoul(s, &end, 10);
	if (*end || v > max)
		return 0;
	return v;
}

int cmd_top(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'c' },
		{ "by", required_argument, NULL, 'b' },
		{ "window", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct top_ctx t = { .c = c };
	struct nlmsghdr *nlh;
	unsigned long n = 0;
	uint64_t window = 0;
	int o;

	optind = 1;
	opterr = 0;
	while ((o = getopt_long(argc, argv, "c:b:w:h", opts, NULL)) != -1) {
		switch (o) {
		case 'w':
			window = cli_parse_u64(optarg);
			if (!window)
				return cli_usage_error(top_usage,
						       "--window needs a window id, not '%s'",
						       optarg);
			break;
		case 'c':
			n = cli_parse_count(optarg, UINT32_MAX);
			if (!n)
				return cli_usage_error(top_usage,
						       "--count needs a positive number, not '%s'",
						       optarg);
			break;
		case 'b':
			if (!strcmp(optarg, "bytes"))
				t.by_packets = false;
			else if (!strcmp(optarg, "packets"))
				t.by_packets = true;
			else
				return cli_usage_error(top_usage,
						       "--by takes bytes or packets, not '%s'",
						       optarg);
			break;
		case 'h':
			fputs(top_usage, stdout);
			return 0;
		default:
			return cli_usage_error(top_usage, "bad option '%s'",
					       argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(top_usage, "unexpected argument '%s'", argv[optind]);
	if (cli_open(c))
		return EXIT_RUNTIME;
	nlh = nfsk_nl_request(&c->nl, NFSKETCH_CMD_TOPK_GET, 0);
	if (n)
		mnl_attr_put_u32(nlh, NFSKETCH_A_TOPK_N, n);
	mnl_attr_put_u8(nlh, NFSKETCH_A_TOPK_BY,
			t.by_packets ? NFSKETCH_TOPK_BY_PACKETS : NFSKETCH_TOPK_BY_BYTES);
	if (window)
		mnl_attr_put_u64(nlh, NFSKETCH_A_SELECT_WINDOW, window);
	return nfsk_nl_talk(&c->nl, nlh, top_cb, &t) ? EXIT_RUNTIME : 0;
}
