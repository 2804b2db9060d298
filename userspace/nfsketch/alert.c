// SPDX-License-Identifier: GPL-2.0
/*
 * An ALERT nest, printed once for text and JSON (print.h): what `monitor`
 * prints for ALERT_NTF, and what `replay` prints for the alerts it raises
 * (it writes them in the same nest the module sends, alert_nest_put()).
 */
#include <inttypes.h>
#include <string.h>
#include <linux/nfsketch.h>
#include "cmd.h"
#include "fmt.h"
#include "rseries.h"
#include "rtnames.h"

const char *alert_flag_name(uint32_t flag)
{
	unsigned int i;

	for (i = 0; flag_names[i]; i++)
		if (flag == (1U << i))
			return flag_names[i];
	return "?";
}

/*
 * An alert's reason bits by name: DEFAULT_ROUTE_LOST and ROUTE_MORE_SPECIFIC
 * "withdrawn", "nexthop,protocol"; BGP_SESSION "retrans", "reset", "closed", "silent".
 */
const char *alert_reason_str(uint32_t flag, uint32_t reason, char *buf, size_t len)
{
	static const char *const dflt[] = { "withdrawn", "nexthop", "protocol", NULL };
	static const char *const bgp[] = { "retrans", "reset", "closed", "silent", NULL };
	const char *const *names = flag == NFSKETCH_FLAG_BGP_SESSION ? bgp : dflt;
	size_t off = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; names[i] && off < len; i++)
		if (reason & (1U << i))
			off += snprintf(buf + off, len - off, "%s%s",
					off ? "," : "", names[i]);
	return buf;
}

/* ROUTE_MORE_SPECIFIC's cover: "10.1.0.0/24" and its table and protocol */
static void cover_print(struct cli *c, const struct nlattr *nest)
{
	const struct nlattr *tb[NFSKETCH_A_ROUTE_MAX + 1];
	struct print p = cli_print(c);
	struct route_where w;

	nfsk_nl_parse_nest(nest, tb, NFSKETCH_A_ROUTE_MAX);
	route_where(tb, &w);
	print_obj_open(&p, "cover");
	print_text(&p, " cover ");
	route_where_print(&p, tb, &w, false);
	print_obj_close(&p);
}

/* BGP_SESSION in text: "session FLOW segments N REASON VALUE (LIMIT)" */
static void bgp_session_text(struct print *p, const struct nlattr **tb,
			     const struct nlattr **ftb)
{
	uint32_t r = nfsk_nl_u64(tb[NFSKETCH_A_ALERT_REASON]);
	char buf[160];

	print_str(p, PRINT_FP, NULL, " session %s",
		  tb[NFSKETCH_A_ALERT_FLOW] ? flow_str(ftb, buf, sizeof(buf)) : "?");
	print_u64(p, PRINT_FP, NULL, " segments %" PRIu64,
		  tb[NFSKETCH_A_ALERT_FLOW] ? nfsk_nl_u64(ftb[NFSKETCH_A_FLOW_PACKETS]) : 0);
	print_str(p, PRINT_FP, NULL, " %s",
		  alert_reason_str(NFSKETCH_FLAG_BGP_SESSION, r, buf, sizeof(buf)));
	print_u64(p, PRINT_FP, NULL, " %" PRIu64, nfsk_nl_u64(tb[NFSKETCH_A_ALERT_VALUE]));
	if (r == NFSKETCH_BGP_SILENT)
		print_u64(p, PRINT_FP, NULL, " ms (limit %" PRIu64 " ms)",
			  nfsk_nl_u64(tb[NFSKETCH_A_ALERT_BASELINE]));
	else if (r == NFSKETCH_BGP_RETRANS)
		print_u64(p, PRINT_FP, NULL, " (baseline %" PRIu64 " per window)",
			  nfsk_nl_u64(tb[NFSKETCH_A_ALERT_BASELINE]));
}

void alert_print_open(struct cli *c, const struct nlattr *nest, const char *key)
{
	const struct nlattr *tb[NFSKETCH_A_ALERT_MAX + 1];
	const struct nlattr *ftb[NFSKETCH_A_FLOW_MAX + 1];
	struct print p = cli_print(c);
	uint32_t flag, series;
	enum print_type any;
	uint64_t value, base;
	int64_t score;
	char buf[160];

	nfsk_nl_parse_nest(nest, tb, NFSKETCH_A_ALERT_MAX);
	flag = nfsk_nl_u64(tb[NFSKETCH_A_ALERT_FLAG]);
	series = nfsk_nl_u64(tb[NFSKETCH_A_ALERT_SERIES]);
	value = nfsk_nl_u64(tb[NFSKETCH_A_ALERT_VALUE]);
	base = nfsk_nl_u64(tb[NFSKETCH_A_ALERT_BASELINE]);
	score = (int64_t)nfsk_nl_u64(tb[NFSKETCH_A_ALERT_SCORE]);
	if (tb[NFSKETCH_A_ALERT_FLOW])
		flow_parse(tb[NFSKETCH_A_ALERT_FLOW], ftb);
	/* BGP_SESSION's text is a sentence of its own; its JSON the same keys */
	any = flag == NFSKETCH_FLAG_BGP_SESSION ? PRINT_JSON : PRINT_ANY;

	print_obj_open(&p, key);
	print_str(&p, PRINT_ANY, "flag", "%s", alert_flag_name(flag));
	print_u64(&p, PRINT_ANY, "window_id", " window %" PRIu64,
		  nfsk_nl_u64(tb[NFSKETCH_A_ALERT_WINDOW_ID]));
	if (tb[NFSKETCH_A_ALERT_START_REALTIME_NS]) {
		uint64_t t = nfsk_nl_u64(tb[NFSKETCH_A_ALERT_START_REALTIME_NS]);

		print_u64(&p, PRINT_JSON, "window_start_realtime_ns", NULL, t);
		print_str(&p, PRINT_JSON, "window_start_time", NULL,
			  fmt_rfc3339(t, false, buf, sizeof(buf)));
		print_str(&p, PRINT_FP, NULL, " (%s)", fmt_time_ms(t, buf, sizeof(buf)));
	}
	if (flag == NFSKETCH_FLAG_BGP_SESSION)
		bgp_session_text(&p, tb, ftb);
	/* ROUTE_CHURN of one routing protocol or table */
	if (tb[NFSKETCH_A_ALERT_ROUTE_SERIES] && (c->json || any == PRINT_ANY)) {
		struct rseries r;
		char name[RTNAME_LEN];

		rseries_parse(tb[NFSKETCH_A_ALERT_ROUTE_SERIES], &r);
		print_obj_open(&p, "route_series");
		print_str(&p, PRINT_ANY, "kind", " %s", rseries_kind_name(r.kind));
		print_str(&p, PRINT_ANY, "name", " %s", rseries_name(&r, name));
		if (r.other)
			print_bool(&p, PRINT_JSON, "other", NULL, true);
		else
			print_u64(&p, PRINT_JSON, "id", NULL, r.id);
		print_obj_close(&p);
	}
	/* the detector's numbers: text shows them with the series */
	if (tb[NFSKETCH_A_ALERT_SERIES]) {
		print_str(&p, any, "series", " %s",
			  series < NSERIES ? series_name[series] : "?");
		if (any == PRINT_ANY) {
			print_u64(&p, PRINT_FP, NULL, " %" PRIu64, value);
			print_u64(&p, PRINT_FP, NULL, " baseline %" PRIu64, base);
			print_fixed(&p, PRINT_FP, NULL, " score %.2f sigma", score, 3);
		}
	}
	if (tb[NFSKETCH_A_ALERT_VALUE])
		print_u64(&p, PRINT_JSON, "value", NULL, value);
	if (tb[NFSKETCH_A_ALERT_BASELINE])
		print_u64(&p, PRINT_JSON, "baseline", NULL, base);
	/* the entropy series count milli-bits: the same in bits */
	if (tb[NFSKETCH_A_ALERT_SERIES] &&
	    (series == NFSKETCH_SERIES_SRC_ENTROPY ||
	     series == NFSKETCH_SERIES_DST_ENTROPY)) {
		print_fixed(&p, PRINT_JSON, "value_bits", NULL, value, 3);
		print_fixed(&p, PRINT_JSON, "baseline_bits", NULL, base, 3);
	}
	/* HEAVY_HITTER: the top flow's share of the window's bytes */
	if (flag == NFSKETCH_FLAG_HEAVY_HITTER && base)
		print_double(&p, PRINT_JSON, "share", NULL, (double)value / base);
	if (tb[NFSKETCH_A_ALERT_SCORE]) {
		print_s64(&p, PRINT_JSON, "score_milli_sigma", NULL, score);
		print_fixed(&p, PRINT_JSON, "score_sigma", NULL, score, 3);
	}
	if (tb[NFSKETCH_A_ALERT_FLOW] && c->json) {
		flow_print(&p, "flow", ftb);
		print_obj_close(&p);
	} else if (tb[NFSKETCH_A_ALERT_FLOW] && any == PRINT_ANY) {
		print_str(&p, PRINT_FP, NULL, " flow %s", flow_str(ftb, buf, sizeof(buf)));
		if (ftb[NFSKETCH_A_FLOW_BYTES])
			print_u64(&p, PRINT_FP, NULL, " bytes %" PRIu64,
				  nfsk_nl_u64(ftb[NFSKETCH_A_FLOW_BYTES]));
		if (ftb[NFSKETCH_A_FLOW_EST_BYTES]) {
			print_u64(&p, PRINT_FP, NULL, " est %" PRIu64,
				  nfsk_nl_u64(ftb[NFSKETCH_A_FLOW_EST_BYTES]));
			print_u64(&p, PRINT_FP, NULL, " +- %" PRIu64,
				  nfsk_nl_u64(ftb[NFSKETCH_A_FLOW_ERR_BYTES]));
		}
	}
	if (tb[NFSKETCH_A_ALERT_UNNAMED])
		print_u64(&p, any, "unnamed", " %" PRIu64 " more prefixes suppressed,"
			  " not named one by one: see routes --suppressed",
			  nfsk_nl_u64(tb[NFSKETCH_A_ALERT_UNNAMED]));
	if (flag == NFSKETCH_FLAG_ROUTE_WITHDRAW_BURST) {
		print_u64(&p, PRINT_FP, NULL, " withdrawn %" PRIu64, value);
		print_u64(&p, PRINT_FP, NULL, " of %" PRIu64 " routes", base);
	}
	if (tb[NFSKETCH_A_ALERT_REASON])
		print_str(&p, any, "reason", " %s",
			  alert_reason_str(flag, nfsk_nl_u64(tb[NFSKETCH_A_ALERT_REASON]),
					   buf, sizeof(buf)));
	if (tb[NFSKETCH_A_ALERT_COVER] && (c->json || any == PRINT_ANY))
		cover_print(c, tb[NFSKETCH_A_ALERT_COVER]);
	if (tb[NFSKETCH_A_ALERT_ROUTE] && (c->json || any == PRINT_ANY)) {
		/* the route event's own line ends the alert's (routes.c) */
		print_text(&p, " route ");
		route_print(c, tb[NFSKETCH_A_ALERT_ROUTE], "route");
	} else {
		print_nl(&p);
	}
}

void alert_print(struct cli *c, const struct nlattr *nest, const char *key)
{
	struct print p = cli_print(c);

	alert_print_open(c, nest, key);
	print_obj_close(&p);
}
