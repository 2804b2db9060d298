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

void route_where_json(struct cli *c, const struct nlattr *const *tb,
		      const struct route_where *w)
{
	json_u64(&c->j, "family",
		 nfsk_nl_u64(tb[NFSKETCH_A_ROUTE_FAMILY]) == AF_INET ? 4 : 6);
	json_str(&c->j, "prefix", w->pfx);
	json_u64(&c->j, "table", nfsk_nl_u64(tb[NFSKETCH_A_ROUTE_TABLE]));
	json_str(&c->j, "table_name", w->table);
	json_u64(&c->j, "protocol", nfsk_nl_u64(tb[NFSKETCH_A_ROUTE_PROTOCOL]));
	json_str(&c->j, "protocol_name", w->proto);
}

void route_print(struct cli *c, const struct nlattr *nest, const char *key)
{
	const struct nlattr *tb[NFSKETCH_A_ROUTE_MAX + 1];
	struct route_where w;
	char ts[FMT_TIME_LEN];
	uint64_t reuse_ns = 0;
	uint8_t ev;
	struct timespec now;
	double age;

	nfsk_nl_parse_nest(nest, tb, NFSKETCH_A_ROUTE_MAX);
	ev = nfsk_nl_u64(tb[NFSKETCH_A_ROUTE_EVENT]);
	route_where(tb, &w);
	clock_gettime(CLOCK_MONOTONIC, &now);
	age = (now.tv_sec * 1e9 + now.tv_nsec -
	       (double)nfsk_nl_u64(tb[NFSKETCH_A_ROUTE_TIME_NS])) / 1e9;
	if (tb[NFSKETCH_A_ROUTE_REUSE_NS])
		reuse_ns = nfsk_nl_u64(tb[NFSKETCH_A_ROUTE_REUSE_NS]);

	if (c->json) {
		json_obj_open(&c->j, key);
		json_u64(&c->j, "time_ns", nfsk_nl_u64(tb[NFSKETCH_A_ROUTE_TIME_NS]));
		if (tb[NFSKETCH_A_ROUTE_TIME_REALTIME_NS]) {
			uint64_t t = nfsk_nl_u64(tb[NFSKETCH_A_ROUTE_TIME_REALTIME_NS]);

			json_u64(&c->j, "time_realtime_ns", t);
			json_str(&c->j, "time", fmt_rfc3339(t, false, ts, sizeof(ts)));
		}
		json_str(&c->j, "event", ev < 3 ? route_events[ev] : "?");
		route_where_json(c, tb, &w);
		json_u64(&c->j, "penalty", nfsk_nl_u64(tb[NFSKETCH_A_ROUTE_PENALTY]));
		if (tb[NFSKETCH_A_ROUTE_REUSE_NS])
			json_u64(&c->j, "reuse_ns", reuse_ns);
		if (tb[NFSKETCH_A_ROUTE_COALESCED])
			json_u64(&c->j, "coalesced",
				 nfsk_nl_u64(tb[NFSKETCH_A_ROUTE_COALESCED]));
		json_obj_close(&c->j);
		return;
	}
	if (tb[NFSKETCH_A_ROUTE_REUSE_NS]) {
		fprintf(c->out, "%-40s table %-7s proto %-8s penalty %-6" PRIu64
			" reuse in %.0fs\n", w.pfx, w.table, w.proto,
			nfsk_nl_u64(tb[NFSKETCH_A_ROUTE_PENALTY]), reuse_ns / 1e9);
		return;
	}
	/* the wall-clock time of the event; a module without it: its age */
	if (tb[NFSKETCH_A_ROUTE_TIME_REALTIME_NS])
		fmt_time_ms(nfsk_nl_u64(tb[NFSKETCH_A_ROUTE_TIME_REALTIME_NS]), ts, sizeof(ts));
	else
		snprintf(ts, sizeof(ts), "%.1fs ago", age);
	fprintf(c->out, "%-29s %-7s %-40s table %-7s proto %-8s penalty %" PRIu64
		"\n", ts, ev < 3 ? route_events[ev] : "?", w.pfx, w.table, w.proto,
	       nfsk_nl_u64(tb[NFSKETCH_A_ROUTE_PENALTY]));
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
