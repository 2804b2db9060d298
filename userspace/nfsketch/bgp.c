// SPDX-License-Identifier: GPL-2.0
/* nfsketch bgp: the BGP sessions the hooks track (BGP_GET). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <linux/nfsketch.h>
#include "cmd.h"
#include "fmt.h"

static const char bgp_usage[] =
	"Usage: nfsketch [-j [-p]] bgp\n"
	"The BGP sessions (TCP connections on port 179) the hooks of this network\n"
	"namespace track: both ends, state (open, silent, closed, reset), segments\n"
	"and retransmitted segments seen, the open window's retransmissions, RSTs\n"
	"and FINs, the retransmission baseline they are judged against, the time\n"
	"since the last segment and since each end's last new data, and the hold\n"
	"time learned from the BGP OPENs seen (the smaller of the two ends'\n"
	"proposals; \"*\": one OPEN seen, its proposal; \"none\": 0, no KEEPALIVEs,\n"
	"never silent; \"-\": no OPEN seen, silence judged by bgp_hold_ms).\n"
	"Needs CAP_NET_ADMIN.\n";

static const char *const bgp_states[] = { "open", "silent", "closed", "reset" };

/* "addr:port", IPv6 in brackets; "?" for a missing or short address */
static const char *bgp_end(const struct nlattr **tb, int addr, int port,
			   char *buf, size_t len)
{
	char a[ADDR_STR_LEN];
	uint8_t family = nfsk_nl_u64(tb[NFSKETCH_A_BGP_FAMILY]);

	if (!tb[addr] || mnl_attr_get_payload_len(tb[addr]) != 16)
		snprintf(a, sizeof(a), "?");
	else
		fmt_addr(family, mnl_attr_get_payload(tb[addr]), a);
	snprintf(buf, len, family == AF_INET6 ? "[%s]:%u" : "%s:%u", a,
		 (unsigned int)nfsk_nl_u64(tb[port]));
	return buf;
}

static const char *bgp_addr(const struct nlattr **tb, int addr, char *buf)
{
	if (!tb[addr] || mnl_attr_get_payload_len(tb[addr]) != 16)
		return "?";
	return fmt_addr(nfsk_nl_u64(tb[NFSKETCH_A_BGP_FAMILY]),
			mnl_attr_get_payload(tb[addr]), buf);
}

/* the learned hold time: "-" (no OPEN), "none" (0), seconds ("*": one OPEN) */
static const char *bgp_hold(const struct nlattr **tb, char *buf, size_t len)
{
	uint64_t opens = nfsk_nl_u64(tb[NFSKETCH_A_BGP_OPENS]);
	uint64_t ms = nfsk_nl_u64(tb[NFSKETCH_A_BGP_HOLD_MS]);

	if (!opens || !tb[NFSKETCH_A_BGP_HOLD_MS])
		return "-";
	if (!ms)
		return "none";
	snprintf(buf, len, "%.1fs%s", ms / 1e3, opens < 2 ? "*" : "");
	return buf;
}

/* seconds with one decimal, or "-" when absent */
static const char *bgp_age(const struct nlattr *a, char *buf, size_t len)
{
	if (!a)
		return "-";
	snprintf(buf, len, "%.1fs", nfsk_nl_u64(a) / 1e3);
	return buf;
}

/* The counters: JSON when present; text in the table's columns (0, "-") */
static const struct {
	unsigned int	attr;
	const char	*name;
	const char	*fmt;	/* NULL: a time in ms, text bgp_age() */
} bgp_fields[] = {
	{ NFSKETCH_A_BGP_SEGMENTS,		"segments",		" %8" PRIu64 },
	{ NFSKETCH_A_BGP_RETRANS,		"retrans",		" %7" PRIu64 },
	{ NFSKETCH_A_BGP_WIN_RETRANS,		"win_retrans",		" %4" PRIu64 },
	{ NFSKETCH_A_BGP_BASELINE,		"baseline",		" %4" PRIu64 },
	{ NFSKETCH_A_BGP_WIN_RST,		"win_rst",		" %3" PRIu64 },
	{ NFSKETCH_A_BGP_WIN_FIN,		"win_fin",		" %3" PRIu64 },
	{ NFSKETCH_A_BGP_AGE_MS,		"age_ms",		NULL },
	{ NFSKETCH_A_BGP_SRC_DATA_AGE_MS,	"src_data_age_ms",	NULL },
	{ NFSKETCH_A_BGP_DST_DATA_AGE_MS,	"dst_data_age_ms",	NULL },
};

static void bgp_print(struct cli *c, const struct nlattr *nest)
{
	const struct nlattr *tb[NFSKETCH_A_BGP_MAX + 1];
	char e[ADDR_STR_LEN + 10], a[ADDR_STR_LEN], age[24];
	struct print p = cli_print(c);
	unsigned int i;
	uint8_t state;

	nfsk_nl_parse_nest(nest, tb, NFSKETCH_A_BGP_MAX);
	state = nfsk_nl_u64(tb[NFSKETCH_A_BGP_STATE]);
	print_obj_open(&p, NULL);
	print_u64(&p, PRINT_JSON, "family", NULL,
		  nfsk_nl_u64(tb[NFSKETCH_A_BGP_FAMILY]) == AF_INET ? 4 : 6);
	print_str(&p, PRINT_JSON, "src", NULL, bgp_addr(tb, NFSKETCH_A_BGP_SRC, a));
	print_u64(&p, PRINT_JSON, "sport", NULL, nfsk_nl_u64(tb[NFSKETCH_A_BGP_SPORT]));
	print_str(&p, PRINT_JSON, "dst", NULL, bgp_addr(tb, NFSKETCH_A_BGP_DST, a));
	print_u64(&p, PRINT_JSON, "dport", NULL, nfsk_nl_u64(tb[NFSKETCH_A_BGP_DPORT]));
	print_str(&p, PRINT_FP, NULL, "%-46s ",
		  bgp_end(tb, NFSKETCH_A_BGP_SRC, NFSKETCH_A_BGP_SPORT, e, sizeof(e)));
	print_str(&p, PRINT_FP, NULL, "%-46s ",
		  bgp_end(tb, NFSKETCH_A_BGP_DST, NFSKETCH_A_BGP_DPORT, e, sizeof(e)));
	print_str(&p, PRINT_ANY, "state", "%-6s", state < 4 ? bgp_states[state] : "?");
	for (i = 0; i < sizeof(bgp_fields) / sizeof(bgp_fields[0]); i++) {
		const struct nlattr *v = tb[bgp_fields[i].attr];

		if (v)
			print_u64(&p, PRINT_JSON, bgp_fields[i].name, NULL, nfsk_nl_u64(v));
		if (bgp_fields[i].fmt)
			print_u64(&p, PRINT_FP, NULL, bgp_fields[i].fmt, nfsk_nl_u64(v));
		else
			print_str(&p, PRINT_FP, NULL, " %8s", bgp_age(v, age, sizeof(age)));
	}
	print_u64(&p, PRINT_JSON, "opens", NULL, nfsk_nl_u64(tb[NFSKETCH_A_BGP_OPENS]));
	if (tb[NFSKETCH_A_BGP_HOLD_MS])
		print_u64(&p, PRINT_JSON, "hold_ms", NULL,
			  nfsk_nl_u64(tb[NFSKETCH_A_BGP_HOLD_MS]));
	print_str(&p, PRINT_FP, NULL, " %7s", bgp_hold(tb, age, sizeof(age)));
	print_nl(&p);
	print_obj_close(&p);
}

static int bgp_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == NFSKETCH_A_BGP)
			bgp_print(data, a);
	return MNL_CB_OK;
}

int cmd_bgp(struct cli *c, int argc, char **argv)
{
	struct nlmsghdr *nlh;
	int err;

	if (cli_want_help(argc, argv, bgp_usage))
		return 0;
	if (argc > 1)
		return cli_usage_error(bgp_usage, "unexpected argument '%s'", argv[1]);
	if (cli_open(c))
		return EXIT_RUNTIME;
	nlh = nfsk_nl_request(&c->nl, NFSKETCH_CMD_BGP_GET, NLM_F_DUMP);
	if (c->json)
		json_arr_open(&c->j, NULL);
	else
		fprintf(c->out, "%-46s %-46s %-6s %8s %7s %4s %4s %3s %3s %8s %8s %8s %7s\n",
			"SRC", "DST", "STATE", "SEGMENTS", "RETRANS", "WIN", "BASE",
			"RST", "FIN", "LAST", "SRC-DATA", "DST-DATA", "HOLD");
	err = nfsk_nl_talk(&c->nl, nlh, bgp_cb, c);
	if (c->json) {
		json_arr_close(&c->j);
		json_end(&c->j);
	}
	return err ? EXIT_RUNTIME : 0;
}
