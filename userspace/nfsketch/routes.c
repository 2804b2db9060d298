// SPDX-License-Identifier: GPL-2.0
/* nfsketch routes: recent route events with flap penalties (ROUTE_GET). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <linux/nfsketch.h>
#include "cmd.h"
#include "fmt.h"
#include "rtnames.h"

static const char routes_usage[] =
	"Usage: nfsketch [-j [-p]] routes [--suppressed]\n"
	"Recent route events of this network namespace, oldest first, with the\n"
	"RFC 2439 flap penalty of the prefix after each event; table and protocol\n"
	"by name as `ip route` prints them (iproute2's rt_tables, rt_protos).\n"
	"  --suppressed  the prefixes suppressed now, with their penalty and the\n"
	"                time until they are reused\n"
	"Needs CAP_NET_ADMIN.\n";

static const char *const route_events[] = { "add", "del", "replace" };

void route_where(const struct nlattr *const *tb, struct route_where *w)
{
	const struct nlattr *dst = tb[NFSKETCH_A_ROUTE_DST];
	char addr[ADDR_STR_LEN];

	if (dst && mnl_attr_get_payload_len(dst) == 16)
		fmt_addr(nfsk_nl_u64(tb[NFSKETCH_A_ROUTE_FAMILY]),
			 mnl_attr_get_payload(dst), addr);
	else
		snprintf(addr, sizeof(addr), "?");
	snprintf(w->pfx, sizeof(w->pfx), "%s/%u", addr,
		 (unsigned int)nfsk_nl_u64(tb[NFSKETCH_A_ROUTE_DST_LEN]));
	rtname_protocol(nfsk_nl_u64(tb[NFSKETCH_A_ROUTE_PROTOCOL]), w->proto);
	rtname_table(nfsk_nl_u64(tb[NFSKETCH_A_ROUTE_TABLE]), w->table);
}

void route_where_print(struct print *p, const struct nlattr *const *tb,
		       const struct route_where *w, bool columns)
{
	print_u64(p, PRINT_JSON, "family", NULL,
		  nfsk_nl_u64(tb[NFSKETCH_A_ROUTE_FAMILY]) == AF_INET ? 4 : 6);
	print_str(p, PRINT_ANY, "prefix", columns ? "%-40s" : "%s", w->pfx);
	print_u64(p, PRINT_JSON, "table", NULL, nfsk_nl_u64(tb[NFSKETCH_A_ROUTE_TABLE]));
	print_str(p, PRINT_ANY, "table_name", columns ? " table %-7s" : " table %s", w->table);
	print_u64(p, PRINT_JSON, "protocol", NULL, nfsk_nl_u64(tb[NFSKETCH_A_ROUTE_PROTOCOL]));
	print_str(p, PRINT_ANY, "protocol_name", columns ? " proto %-8s" : " proto %s", w->proto);
}

/*
 * A ROUTE nest: a route event (`routes`, monitor's [route], an alert's
 * route) or, with REUSE_NS, a suppressed prefix (`routes --suppressed`).
 */
void route_print(struct cli *c, const struct nlattr *nest, const char *key)
{
	const struct nlattr *tb[NFSKETCH_A_ROUTE_MAX + 1];
	struct print p = cli_print(c);
	struct route_where w;
	char ts[FMT_TIME_LEN];
	bool suppressed;
	uint8_t ev;

	nfsk_nl_parse_nest(nest, tb, NFSKETCH_A_ROUTE_MAX);
	ev = nfsk_nl_u64(tb[NFSKETCH_A_ROUTE_EVENT]);
	suppressed = tb[NFSKETCH_A_ROUTE_REUSE_NS];
	route_where(tb, &w);

	print_obj_open(&p, key);
	print_u64(&p, PRINT_JSON, "time_ns", NULL, nfsk_nl_u64(tb[NFSKETCH_A_ROUTE_TIME_NS]));
	if (tb[NFSKETCH_A_ROUTE_TIME_REALTIME_NS]) {
		uint64_t t = nfsk_nl_u64(tb[NFSKETCH_A_ROUTE_TIME_REALTIME_NS]);

		print_u64(&p, PRINT_JSON, "time_realtime_ns", NULL, t);
		print_str(&p, PRINT_JSON, "time", NULL, fmt_rfc3339(t, false, ts, sizeof(ts)));
		fmt_time_ms(t, ts, sizeof(ts));
	} else {
		/* a module without the wall-clock time: the event's age */
		struct timespec now;

		clock_gettime(CLOCK_MONOTONIC, &now);
		snprintf(ts, sizeof(ts), "%.1fs ago",
			 (now.tv_sec * 1e9 + now.tv_nsec -
			  (double)nfsk_nl_u64(tb[NFSKETCH_A_ROUTE_TIME_NS])) / 1e9);
	}
	if (!suppressed)
		print_str(&p, PRINT_FP, NULL, "%-29s ", ts);
	print_str(&p, suppressed ? PRINT_JSON : PRINT_ANY, "event", "%-7s ",
		  ev < 3 ? route_events[ev] : "?");
	route_where_print(&p, tb, &w, true);
	print_u64(&p, PRINT_ANY, "penalty",
		  suppressed ? " penalty %-6" PRIu64 : " penalty %" PRIu64,
		  nfsk_nl_u64(tb[NFSKETCH_A_ROUTE_PENALTY]));
	if (suppressed) {
		uint64_t reuse_ns = nfsk_nl_u64(tb[NFSKETCH_A_ROUTE_REUSE_NS]);

		print_u64(&p, PRINT_JSON, "reuse_ns", NULL, reuse_ns);
		print_double(&p, PRINT_FP, NULL, " reuse in %.0fs", reuse_ns / 1e9);
	}
	if (tb[NFSKETCH_A_ROUTE_COALESCED])
		print_u64(&p, PRINT_JSON, "coalesced", NULL,
			  nfsk_nl_u64(tb[NFSKETCH_A_ROUTE_COALESCED]));
	print_nl(&p);
	print_obj_close(&p);
}

static int routes_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == NFSKETCH_A_ROUTE)
			route_print(data, a, NULL);
	return MNL_CB_OK;
}

int cmd_routes(struct cli *c, int argc, char **argv)
{
	struct nlmsghdr *nlh;
	int suppressed = 0;
	int err;

	if (cli_want_help(argc, argv, routes_usage))
		return 0;
	if (argc > 1 && !strcmp(argv[1], "--suppressed")) {
		suppressed = 1;
		argc--;
		argv++;
	}
	if (argc > 1)
		return cli_usage_error(routes_usage, "unexpected argument '%s'", argv[1]);
	if (cli_open(c))
		return EXIT_RUNTIME;
	nlh = nfsk_nl_request(&c->nl, NFSKETCH_CMD_ROUTE_GET, NLM_F_DUMP);
	if (suppressed)
		mnl_attr_put(nlh, NFSKETCH_A_ROUTE_SUPPRESSED, 0, NULL);
	if (c->json)
		json_arr_open(&c->j, NULL);
	err = nfsk_nl_talk(&c->nl, nlh, routes_cb, c);
	if (c->json) {
		json_arr_close(&c->j);
		json_end(&c->j);
	}
	return err ? EXIT_RUNTIME : 0;
}
