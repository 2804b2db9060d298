// SPDX-License-Identifier: GPL-2.0
/* nfsketch query: Count-Min point estimate of a flow or an address (QUERY). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netdb.h>
#include <linux/nfsketch.h>
#include "cmd.h"
#include "fmt.h"

static const char query_usage[] =
	"Usage: nfsketch [-j [-p]] query proto PROTO src ADDR dst ADDR [sport N] [dport N]\n"
	"                                [--window ID]\n"
	"       nfsketch [-j [-p]] query --src ADDR | --dst ADDR\n"
	"Count-Min estimate of a flow's packets and bytes in the last closed\n"
	"window. The estimate never undercounts; it overcounts by at most the\n"
	"error bound (eps * window total, with probability 1 - delta), so the\n"
	"true count lies in [estimate - bound, estimate]. A flow never seen gets a\n"
	"small estimate, not an error. A flow among the window's top flows also\n"
	"gets its held counts (exact since it was admitted).\n"
	"  --window ID past window ID of the history: only its top flows are kept,\n"
	"              so a held flow gets its held counts and the estimate made\n"
	"              at the window's close, any other flow no count at all (the\n"
	"              Count-Min sketch is kept for the last window only)\n"
	"  PROTO       tcp, udp, icmp, icmpv6, sctp or a number 0-255\n"
	"  ADDR        IPv4 or IPv6 address (both of the same family)\n"
	"  sport/dport ports, default 0; for icmp/icmpv6 the type and code\n"
	"              (also accepted as 'type N' and 'code N')\n"
	"  --src/--dst packets from / to one address, from the window's address\n"
	"              histograms (one row: the bound holds with probability\n"
	"              1 - 1/e only; no byte count; last window only)\n"
	"Example: nfsketch query proto udp src 10.0.0.1 dst 10.0.0.2 sport 5000 dport 6000\n"
	"Needs CAP_NET_ADMIN.\n";

int parse_proto(const char *s)
{
	static const struct { const char *n; int p; } names[] = {
		{ "icmp", 1 }, { "tcp", 6 }, { "udp", 17 }, { "icmpv6", 58 },
		{ "ipv6-icmp", 58 }, { "sctp", 132 },
	};
	unsigned long v;
	unsigned int i;
	char *end;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i].n))
			return names[i].p;
	if (*s < '0' || *s > '9')
		return -1;
	v = strtoul(s, &end, 10);
	return *end || v > 255 ? -1 : (int)v;
}

int parse_port(const char *s)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtoul(s, &end, 10);
	return *end || v > 65535 ? -1 : (int)v;
}

/* Text: "packets  estimate E, error bound B (true count is in [E-B, E])" */
static void query_est_print(struct print *p, const char *what, uint64_t est,
			    uint64_t bound)
{
	print_text(p, "%-8s estimate %" PRIu64 ", error bound %" PRIu64
		   " (true count is in [%" PRIu64 ", %" PRIu64 "])\n", what, est,
		   bound, est > bound ? est - bound : 0, est);
}

/*
 * The answer's flow: JSON the "flow" object (with "held" for a flow
 * query); text the flow or the address, its held counts and the estimates.
 */
static void query_flow_print(struct print *p, const struct nlattr **tb,
			     uint64_t window_id)
{
	const struct nlattr *addr = tb[NFSKETCH_A_FLOW_SRC] ?: tb[NFSKETCH_A_FLOW_DST];
	bool flow = tb[NFSKETCH_A_FLOW_SRC] && tb[NFSKETCH_A_FLOW_DST];
	char buf[160];

	flow_print(p, "flow", tb);
	/* a flow query: whether the window held it */
	if (flow)
		print_bool(p, PRINT_JSON, "held", NULL, tb[NFSKETCH_A_FLOW_BYTES] != NULL);
	print_obj_close(p);
	if (flow)
		print_str(p, PRINT_FP, NULL, "flow     %s\n", flow_str(tb, buf, sizeof(buf)));
	else if (addr && mnl_attr_get_payload_len(addr) == 16)
		print_text(p, "%-8s %s\n", addr == tb[NFSKETCH_A_FLOW_SRC] ? "from" : "to",
			   fmt_addr(nfsk_nl_u64(tb[NFSKETCH_A_FLOW_FAMILY]),
				    mnl_attr_get_payload(addr), buf));
	if (tb[NFSKETCH_A_FLOW_BYTES])
		print_text(p, "held     %" PRIu64 " packets, %" PRIu64
			   " bytes (exact since admitted)\n",
			   nfsk_nl_u64(tb[NFSKETCH_A_FLOW_PACKETS]),
			   nfsk_nl_u64(tb[NFSKETCH_A_FLOW_BYTES]));
	if (!tb[NFSKETCH_A_FLOW_EST_PACKETS]) {
		print_text(p, "not among window %" PRIu64 "'s top flows; a past "
			   "window keeps only those (the Count-Min\n"
			   "estimate is for the last window only)\n", window_id);
		return;
	}
	query_est_print(p, "packets", nfsk_nl_u64(tb[NFSKETCH_A_FLOW_EST_PACKETS]),
			nfsk_nl_u64(tb[NFSKETCH_A_FLOW_ERR_PACKETS]));
	/* address queries count packets only */
	if (tb[NFSKETCH_A_FLOW_EST_BYTES])
		query_est_print(p, "bytes", nfsk_nl_u64(tb[NFSKETCH_A_FLOW_EST_BYTES]),
				nfsk_nl_u64(tb[NFSKETCH_A_FLOW_ERR_BYTES]));
}

/* The answer: text "window   5" then the flow's lines; JSON one object. */
static int query_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NFSKETCH_A_FLOW_MAX + 1];
	const struct nlattr *wtb[NFSKETCH_A_WINDOW_MAX + 1];
	struct cli *c = data;
	struct print p = cli_print(c);
	const struct nlattr *a;
	uint64_t window_id = 0;
	bool open = false;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		unsigned int type = mnl_attr_get_type(a);

		if (type != NFSKETCH_A_WINDOW && type != NFSKETCH_A_FLOW)
			continue;
		if (!open)
			print_obj_open(&p, NULL);
		open = true;
		if (type == NFSKETCH_A_WINDOW) {
			nfsk_nl_parse_nest(a, wtb, NFSKETCH_A_WINDOW_MAX);
			window_id = nfsk_nl_u64(wtb[NFSKETCH_A_WINDOW_ID]);
			print_u64(&p, PRINT_ANY, "window_id", "window   %" PRIu64 "\n",
				  window_id);
		} else {
			flow_parse(a, tb);
			query_flow_print(&p, tb, window_id);
		}
	}
	if (open) {
		print_obj_close(&p);
		if (c->json)
			json_end(&c->j);
	}
	return MNL_CB_OK;
}

int cmd_query(struct cli *c, int argc, char **argv)
{
	uint8_t src[16], dst[16], qaddr[16];
	int sfam = 0, dfam = 0, proto = -1, sport = 0, dport = 0;
	int qattr = 0;
	char *args[argc + 1];
	uint64_t window = 0;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	int i, n = 0;

	if (cli_want_help(argc, argv, query_usage))
		return 0;
	/* --window ID may come anywhere: take it out of the keywords */
	for (i = 0; i < argc; i++) {
		if (i && !strcmp(argv[i], "--window")) {
			if (i + 1 >= argc)
				return cli_usage_error(query_usage,
						       "--window needs a window id");
			window = cli_parse_u64(argv[++i]);
			if (!window)
				return cli_usage_error(query_usage,
						       "--window needs a window id, not '%s'",
						       argv[i]);
			continue;
		}
		args[n++] = argv[i];
	}
	args[n] = NULL;
	argc = n;
	argv = args;
	if (argc < 2)
		return cli_usage_error(query_usage, "query needs a flow or an address");
	if (!strcmp(argv[1], "--src") || !strcmp(argv[1], "--dst")) {
		if (argc != 3)
			return cli_usage_error(query_usage, argc < 3 ?
					       "%s needs an address" :
					       "unexpected argument '%s'",
					       argc < 3 ? argv[1] : argv[3]);
		if (!parse_addr(argv[2], qaddr))
			return cli_usage_error(query_usage, "bad address '%s'", argv[2]);
		qattr = !strcmp(argv[1], "--src") ? NFSKETCH_A_QUERY_SRC :
						      NFSKETCH_A_QUERY_DST;
	} else {
		for (i = 1; i < argc; i += 2) {
			const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

			if (!v)
				return cli_usage_error(query_usage, "'%s' needs a value", k);
			if (!strcmp(k, "proto")) {
				proto = parse_proto(v);
				if (proto < 0)
					return cli_usage_error(query_usage,
							       "bad protocol '%s'", v);
			} else if (!strcmp(k, "src")) {
				sfam = parse_addr(v, src);
				if (!sfam)
					return cli_usage_error(query_usage,
							       "bad address '%s'", v);
			} else if (!strcmp(k, "dst")) {
				dfam = parse_addr(v, dst);
				if (!dfam)
					return cli_usage_error(query_usage,
							       "bad address '%s'", v);
			} else if (!strcmp(k, "sport") || !strcmp(k, "type")) {
				sport = parse_port(v);
				if (sport < 0)
					return cli_usage_error(query_usage,
							       "bad %s '%s'", k, v);
			} else if (!strcmp(k, "dport") || !strcmp(k, "code")) {
				dport = parse_port(v);
				if (dport < 0)
					return cli_usage_error(query_usage,
							       "bad %s '%s'", k, v);
			} else {
				return cli_usage_error(query_usage,
						       "unknown keyword '%s'", k);
			}
		}
		if (proto < 0 || !sfam || !dfam)
			return cli_usage_error(query_usage,
					       "a flow needs proto, src and dst");
		if (sfam != dfam)
			return cli_usage_error(query_usage,
					       "src and dst are not of the same family");
	}

	if (cli_open(c))
		return EXIT_RUNTIME;
	nlh = nfsk_nl_request(&c->nl, NFSKETCH_CMD_QUERY, 0);
	if (qattr) {
		mnl_attr_put(nlh, qattr, 16, qaddr);
	} else {
		nest = mnl_attr_nest_start(nlh, NFSKETCH_A_FLOW);
		mnl_attr_put_u8(nlh, NFSKETCH_A_FLOW_FAMILY, sfam);
		mnl_attr_put(nlh, NFSKETCH_A_FLOW_SRC, 16, src);
		mnl_attr_put(nlh, NFSKETCH_A_FLOW_DST, 16, dst);
		mnl_attr_put_u8(nlh, NFSKETCH_A_FLOW_PROTO, proto);
		mnl_attr_put_u16(nlh, NFSKETCH_A_FLOW_SPORT, sport);
		mnl_attr_put_u16(nlh, NFSKETCH_A_FLOW_DPORT, dport);
		mnl_attr_nest_end(nlh, nest);
	}
	if (window)
		mnl_attr_put_u64(nlh, NFSKETCH_A_SELECT_WINDOW, window);
	return nfsk_nl_talk(&c->nl, nlh, query_cb, c) ? EXIT_RUNTIME : 0;
}
