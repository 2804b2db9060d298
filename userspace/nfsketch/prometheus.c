// SPDX-License-Identifier: GPL-2.0
/*
 * nfsketch stats --prometheus: Prometheus text exposition (format 0.0.4) of
 * the namespace totals (STATS_GET) and the last closed window (WINDOW_GET
 * with LAST_N 1), for node_exporter's textfile collector or a scrape
 * wrapper. Checked by `promtool check metrics` in the VM test.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <linux/nfsketch.h>
#include "cmd.h"
#include "fmt.h"
#include "promtext.h"
#include "rseries.h"

struct prom {
	uint64_t	st[NFSKETCH_A_STATS_MAX + 1];
	bool		st_has[NFSKETCH_A_STATS_MAX + 1];
	uint64_t	win[NFSKETCH_A_WINDOW_MAX + 1];
	bool		win_has[NFSKETCH_A_WINDOW_MAX + 1];
	int64_t		score[NSERIES];
	bool		has_win, has_score;
	/* route sub-series: since load (stats), of the last window */
	struct rseries	st_rs[PROM_RSERIES_MAX], win_rs[PROM_RSERIES_MAX];
	unsigned int	n_st_rs, n_win_rs;
};

/* Copy the @attr RSERIES nests of @parent into @out (at most the max). */
static unsigned int prom_rseries_collect(const struct nlattr *parent,
					 unsigned int attr, struct rseries *out)
{
	const struct nlattr *a;
	unsigned int n = 0;

	mnl_attr_for_each_nested(a, parent)
		if (mnl_attr_get_type(a) == attr && n < PROM_RSERIES_MAX)
			rseries_parse(a, &out[n++]);
	return n;
}

static int prom_stats_cb(const struct nlmsghdr *nlh, void *data)
{
	struct prom *p = data;
	const struct nlattr *a;

	nfsk_nl_nest_values(nlh, NFSKETCH_A_STATS, NFSKETCH_A_STATS_MAX, p->st,
			    p->st_has);
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == NFSKETCH_A_STATS)
			p->n_st_rs = prom_rseries_collect(a,
					NFSKETCH_A_STATS_ROUTE_SERIES, p->st_rs);
	return MNL_CB_OK;
}

static int prom_window_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NFSKETCH_A_WINDOW_MAX + 1];
	struct prom *p = data;
	const struct nlattr *a;
	unsigned int i;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != NFSKETCH_A_WINDOW)
			continue;
		nfsk_nl_parse_nest(a, tb, NFSKETCH_A_WINDOW_MAX);
		for (i = 0; i <= NFSKETCH_A_WINDOW_MAX; i++) {
			p->win_has[i] = tb[i];
			p->win[i] = nfsk_nl_u64(tb[i]);
		}
		p->has_win = true;
		p->has_score = window_scores(tb[NFSKETCH_A_WINDOW_SCORE], p->score);
		p->n_win_rs = prom_rseries_collect(a,
				NFSKETCH_A_WINDOW_ROUTE_SERIES, p->win_rs);
	}
	return MNL_CB_OK;
}

void prom_head(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* One unlabelled sample, only if the kernel sent the attribute. */
static void stat_metric(FILE *out, const struct prom *p, unsigned int attr,
			const char *name, const char *type, const char *help)
{
	if (!p->st_has[attr])
		return;
	prom_head(out, name, type, help);
	fprintf(out, "%s %" PRIu64 "\n", name, p->st[attr]);
}

static void win_metric(FILE *out, const struct prom *p, unsigned int attr,
		       const char *name, const char *help)
{
	if (!p->win_has[attr])
		return;
	prom_head(out, name, "gauge", help);
	fprintf(out, "%s %" PRIu64 "\n", name, p->win[attr]);
}

#define PROM_N(a)	(sizeof(a) / sizeof((a)[0]))

/* A sample of one attribute: the attribute and its metric. */
struct prom_metric {
	unsigned int	attr;
	const char	*name;
	const char	*type;
	const char	*help;
};

static void stat_metrics(FILE *out, const struct prom *p,
			 const struct prom_metric *m, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		stat_metric(out, p, m[i].attr, m[i].name, m[i].type, m[i].help);
}

static const struct prom_metric prom_stats_head[] = {
	{ NFSKETCH_A_STATS_PACKETS, "nfsketch_packets_total", "counter",
	  "Packets seen by the hooks since load or reset." },
	{ NFSKETCH_A_STATS_BYTES, "nfsketch_bytes_total", "counter",
	  "Bytes (IP length) seen by the hooks since load or reset." },
	{ NFSKETCH_A_STATS_TRUNCATED, "nfsketch_truncated_packets_total", "counter",
	  "Packets too short to parse since load or reset." },
	{ NFSKETCH_A_STATS_WINDOWS, "nfsketch_windows_total", "counter",
	  "Windows closed." },
	{ NFSKETCH_A_STATS_WINDOW_ID, "nfsketch_open_window_id", "gauge",
	  "Id of the window now open." },
	{ NFSKETCH_A_STATS_HISTORY_LEN, "nfsketch_history_windows", "gauge",
	  "Closed windows held in the history ring." },
	{ NFSKETCH_A_STATS_MEM_BYTES, "nfsketch_memory_bytes", "gauge",
	  "Memory used by this namespace's sketches, tables and history." },
	{ NFSKETCH_A_STATS_CPUS, "nfsketch_cpus", "gauge",
	  "Per-CPU banks." },
};

/* after the per-family route sizes */
static const struct prom_metric prom_stats_tail[] = {
	{ NFSKETCH_A_STATS_EVENTS_SENT, "nfsketch_events_sent_total", "counter",
	  "Events sent to the events multicast group." },
	{ NFSKETCH_A_STATS_EVENTS_COALESCED, "nfsketch_events_coalesced_total", "counter",
	  "Route events coalesced into summaries under load." },
	{ NFSKETCH_A_STATS_EVENTS_DROPPED, "nfsketch_events_dropped_total", "counter",
	  "Events dropped (queue full or pacing)." },
	{ NFSKETCH_A_STATS_ROUTE_TRACK_ENTRIES, "nfsketch_route_track_entries", "gauge",
	  "Present routes held in the set that makes add vs replace and the sizes exact." },
	{ NFSKETCH_A_STATS_ROUTE_TRACK_BYTES, "nfsketch_route_track_bytes", "gauge",
	  "Memory of that set: entries and hash buckets." },
	{ NFSKETCH_A_STATS_ROUTE_TRACK_FULL, "nfsketch_route_track_full_total", "counter",
	  "Routes not tracked: the set was at route_track_max." },
	{ NFSKETCH_A_STATS_ROUTE_TRACK_NOMEM, "nfsketch_route_track_nomem_total", "counter",
	  "Routes not tracked: no memory for their entry." },
	{ NFSKETCH_A_STATS_ROUTE_TRACK_UNTRACKED, "nfsketch_route_track_untracked", "gauge",
	  "Present routes the set does not hold; while above 0 the route sizes may be approximate." },
	{ NFSKETCH_A_STATS_BGP_SESSIONS, "nfsketch_bgp_sessions", "gauge",
	  "BGP sessions (TCP port 179 connections) tracked." },
	{ NFSKETCH_A_STATS_BGP_FULL, "nfsketch_bgp_full_total", "counter",
	  "BGP sessions not tracked: their bucket held only live sessions." },
	{ NFSKETCH_A_STATS_BGP_EVICTED, "nfsketch_bgp_evicted_total", "counter",
	  "BGP sessions evicted (closed or idle past the hold time) for new ones." },
	{ NFSKETCH_A_STATS_LCMS_FORCED, "nfsketch_lcms_forced_total", "counter",
	  "Flows held by the light Count-Min's overflow rule (narrow cells full), closed windows." },
	{ NFSKETCH_A_STATS_LCMS_SPILLED, "nfsketch_lcms_spilled_total", "counter",
	  "Light packets spilled into every cell (narrow cells full, set full), closed windows." },
};

static void win_metrics(FILE *out, const struct prom *p,
			const struct prom_metric *m, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		win_metric(out, p, m[i].attr, m[i].name, m[i].help);
}

/* of the last closed window, after its id and length */
static const struct prom_metric prom_window_counts[] = {
	{ NFSKETCH_A_WINDOW_PACKETS, "nfsketch_window_packets", "gauge",
	  "Packets in the last closed window." },
	{ NFSKETCH_A_WINDOW_BYTES, "nfsketch_window_bytes", "gauge",
	  "Bytes in the last closed window." },
	{ NFSKETCH_A_WINDOW_TRUNCATED, "nfsketch_window_truncated_packets", "gauge",
	  "Packets too short to parse in the last closed window." },
};

/* Sample-and-Hold's, after the route events */
static const struct prom_metric prom_window_sah[] = {
	{ NFSKETCH_A_WINDOW_SAH_HITS, "nfsketch_window_sah_hits", "gauge",
	  "Sample-and-Hold: packets of held flows in the last closed window." },
	{ NFSKETCH_A_WINDOW_SAH_MISSES, "nfsketch_window_sah_misses", "gauge",
	  "Sample-and-Hold: packets of flows not held in the last closed window." },
	{ NFSKETCH_A_WINDOW_SAH_FULL, "nfsketch_window_sah_full", "gauge",
	  "Sample-and-Hold: sampled flows not admitted, table full." },
	{ NFSKETCH_A_WINDOW_SAH_HELD, "nfsketch_window_sah_flows", "gauge",
	  "Sample-and-Hold: flows held in the last closed window." },
};

/* A sub-series' labels: kind="protocol",name="bgp" (escaped). */
static void prom_rseries_labels(FILE *out, const struct rseries *r)
{
	char name[RTNAME_LEN];
	const char *c;

	fprintf(out, "{kind=\"%s\",name=\"", rseries_kind_name(r->kind));
	for (c = rseries_name(r, name); *c; c++) {
		if (*c == '"' || *c == '\\')
			fputc('\\', out);
		if (*c == '\n')
			fputs("\\n", out);
		else
			fputc(*c, out);
	}
	fputs("\"}", out);
}

/* A route sub-series metric: labels kind and name, one sample a series. */
enum prom_rs_value { PROM_RS_EVENTS, PROM_RS_CHURN, PROM_RS_SCORE };

struct prom_rs_metric {
	enum prom_rs_value	value;
	const char		*name;
	const char		*type;
	const char		*help;
};

/* since load (STATS_GET) */
static const struct prom_rs_metric prom_rs_stats[] = {
	{ PROM_RS_EVENTS, "nfsketch_route_series_events_total", "counter",
	  "Route events since load per routing protocol and per table (kind); name other: those without a series of their own." },
};

/* of the last closed window, after its scores */
static const struct prom_rs_metric prom_rs_window[] = {
	{ PROM_RS_EVENTS, "nfsketch_window_route_series_events", "gauge",
	  "Route events in the last closed window per routing protocol and per table." },
	{ PROM_RS_CHURN, "nfsketch_window_route_series_churn", "gauge",
	  "1 if the protocol's or table's route events raised route_churn in the last closed window." },
	{ PROM_RS_SCORE, "nfsketch_window_route_series_score_sigmas", "gauge",
	  "Detector score of each protocol's and table's route events in the last closed window." },
};

static void rs_metrics(FILE *out, const struct rseries *rs, unsigned int nrs,
		       const struct prom_rs_metric *m, size_t n)
{
	unsigned int i;
	size_t k;

	if (!nrs)
		return;
	for (k = 0; k < n; k++) {
		prom_head(out, m[k].name, m[k].type, m[k].help);
		for (i = 0; i < nrs; i++) {
			fputs(m[k].name, out);
			prom_rseries_labels(out, &rs[i]);
			if (m[k].value == PROM_RS_SCORE)
				fprintf(out, " %.3f\n", rs[i].score / 1000.0);
			else if (m[k].value == PROM_RS_CHURN)
				fprintf(out, " %u\n", rs[i].flagged);
			else
				fprintf(out, " %" PRIu64 "\n", rs[i].events);
		}
	}
}

const struct prom_attr_label prom_protos[NPROM_PROTOS] = {
	{ NFSKETCH_A_WINDOW_TCP, "tcp", NULL }, { NFSKETCH_A_WINDOW_UDP, "udp", NULL },
	{ NFSKETCH_A_WINDOW_ICMP, "icmp", NULL }, { NFSKETCH_A_WINDOW_ICMPV6, "icmpv6", NULL },
	{ NFSKETCH_A_WINDOW_OTHER, "other", NULL },
};

const struct prom_attr_label prom_families[NPROM_FAMILIES] = {
	{ NFSKETCH_A_WINDOW_IPV4, "ipv4", NULL }, { NFSKETCH_A_WINDOW_IPV6, "ipv6", NULL },
};

/* label: family, label2: event (the route_event names) */
const struct prom_attr_label prom_route_kinds[NPROM_ROUTE_KINDS] = {
	{ NFSKETCH_A_WINDOW_ROUTE_ADD4, "ipv4", "add" },
	{ NFSKETCH_A_WINDOW_ROUTE_DEL4, "ipv4", "del" },
	{ NFSKETCH_A_WINDOW_ROUTE_REPLACE4, "ipv4", "replace" },
	{ NFSKETCH_A_WINDOW_ROUTE_ADD6, "ipv6", "add" },
	{ NFSKETCH_A_WINDOW_ROUTE_DEL6, "ipv6", "del" },
	{ NFSKETCH_A_WINDOW_ROUTE_REPLACE6, "ipv6", "replace" },
};

/* A flag's label value: its name in lower case ("volume_spike"). */
const char *prom_flag_label(unsigned int bit, char *buf, size_t len)
{
	size_t k;

	for (k = 0; flag_names[bit][k] && k < len - 1; k++)
		buf[k] = tolower((unsigned char)flag_names[bit][k]);
	buf[k] = 0;
	return buf;
}

int prom_snapshot(FILE *out, struct nfsk_nl *nl, unsigned int opts)
{
	struct prom p = { 0 };
	struct nlmsghdr *nlh;
	unsigned int i;

	nlh = nfsk_nl_request(nl, NFSKETCH_CMD_STATS_GET, 0);
	if (nfsk_nl_talk(nl, nlh, prom_stats_cb, &p))
		return -1;
	nlh = nfsk_nl_request(nl, NFSKETCH_CMD_WINDOW_GET, NLM_F_DUMP);
	mnl_attr_put_u32(nlh, NFSKETCH_A_LAST_N, 1);
	if (nfsk_nl_talk(nl, nlh, prom_window_cb, &p))
		return -1;

	stat_metrics(out, &p, prom_stats_head, PROM_N(prom_stats_head));
	if (p.st_has[NFSKETCH_A_STATS_ROUTES4] || p.st_has[NFSKETCH_A_STATS_ROUTES6]) {
		prom_head(out, "nfsketch_routes", "gauge", "Routes in the table, per family.");
		fprintf(out, "nfsketch_routes{family=\"ipv4\"} %" PRIu64 "\n",
		       p.st[NFSKETCH_A_STATS_ROUTES4]);
		fprintf(out, "nfsketch_routes{family=\"ipv6\"} %" PRIu64 "\n",
		       p.st[NFSKETCH_A_STATS_ROUTES6]);
	}
	stat_metrics(out, &p, prom_stats_tail, PROM_N(prom_stats_tail));
	/* the exporter counts alerts per flag from the events instead */
	if (!(opts & PROM_NO_ALERTS_TOTAL))
		stat_metric(out, &p, NFSKETCH_A_STATS_ALERTS, "nfsketch_alerts_total",
			    "counter", "Anomaly flags raised since load or reset.");

	rs_metrics(out, p.st_rs, p.n_st_rs, prom_rs_stats, PROM_N(prom_rs_stats));
	if (!p.has_win)
		goto out;
	win_metric(out, &p, NFSKETCH_A_WINDOW_ID, "nfsketch_window_id",
		   "Id of the last closed window.");
	if (p.win_has[NFSKETCH_A_WINDOW_LENGTH_NS]) {
		prom_head(out, "nfsketch_window_duration_seconds", "gauge",
		     "Length of the last closed window.");
		fprintf(out, "nfsketch_window_duration_seconds %.9f\n",
		       p.win[NFSKETCH_A_WINDOW_LENGTH_NS] / 1e9);
	}
	win_metrics(out, &p, prom_window_counts, PROM_N(prom_window_counts));
	prom_head(out, "nfsketch_window_protocol_packets", "gauge",
	     "Packets per L4 protocol in the last closed window.");
	for (i = 0; i < NPROM_PROTOS; i++)
		fprintf(out, "nfsketch_window_protocol_packets{protocol=\"%s\"} %" PRIu64 "\n",
			prom_protos[i].label, p.win[prom_protos[i].attr]);
	prom_head(out, "nfsketch_window_family_packets", "gauge",
	     "Packets per address family in the last closed window.");
	for (i = 0; i < NPROM_FAMILIES; i++)
		fprintf(out, "nfsketch_window_family_packets{family=\"%s\"} %" PRIu64 "\n",
			prom_families[i].label, p.win[prom_families[i].attr]);
	/* in bits; no _bits suffix: promtool's lint takes "bits" for a data size */
	prom_head(out, "nfsketch_window_src_entropy", "gauge",
	     "Shannon entropy of source addresses in the last closed window, in bits.");
	fprintf(out, "nfsketch_window_src_entropy %.3f\n",
	       p.win[NFSKETCH_A_WINDOW_SRC_ENTROPY] / 1000.0);
	prom_head(out, "nfsketch_window_dst_entropy", "gauge",
	     "Shannon entropy of destination addresses in the last closed window, in bits.");
	fprintf(out, "nfsketch_window_dst_entropy %.3f\n",
	       p.win[NFSKETCH_A_WINDOW_DST_ENTROPY] / 1000.0);
	prom_head(out, "nfsketch_window_route_events", "gauge",
	     "Route events in the last closed window, per family and kind.");
	for (i = 0; i < NPROM_ROUTE_KINDS; i++)
		fprintf(out, "nfsketch_window_route_events{family=\"%s\",event=\"%s\"} %" PRIu64 "\n",
			prom_route_kinds[i].label, prom_route_kinds[i].label2,
			p.win[prom_route_kinds[i].attr]);
	prom_head(out, "nfsketch_window_routes", "gauge",
	     "Routes in the table when the last window closed, per family.");
	fprintf(out, "nfsketch_window_routes{family=\"ipv4\"} %" PRIu64 "\n",
	       p.win[NFSKETCH_A_WINDOW_ROUTES4]);
	fprintf(out, "nfsketch_window_routes{family=\"ipv6\"} %" PRIu64 "\n",
	       p.win[NFSKETCH_A_WINDOW_ROUTES6]);
	win_metrics(out, &p, prom_window_sah, PROM_N(prom_window_sah));
	if (p.win_has[NFSKETCH_A_WINDOW_SAH_PROB]) {
		prom_head(out, "nfsketch_window_sah_sampling_probability", "gauge",
		     "Sample-and-Hold byte sampling probability of the last window.");
		fprintf(out, "nfsketch_window_sah_sampling_probability %.9g\n",
		       p.win[NFSKETCH_A_WINDOW_SAH_PROB] / 4294967296.0);
	}
	prom_head(out, "nfsketch_window_flag", "gauge",
	     "1 if the anomaly flag was raised in the last closed window.");
	for (i = 0; flag_names[i]; i++) {
		char lc[32];

		fprintf(out, "nfsketch_window_flag{flag=\"%s\"} %u\n",
			prom_flag_label(i, lc, sizeof(lc)),
			!!(p.win[NFSKETCH_A_WINDOW_FLAGS] & (1U << i)));
	}
	if (p.has_score) {
		prom_head(out, "nfsketch_window_score_sigmas", "gauge",
		     "Detector score of the last closed window: (value - mean) / sigma.");
		for (i = 0; i < 5; i++)
			fprintf(out, "nfsketch_window_score_sigmas{series=\"%s\"} %.3f\n",
			       series_name[i], p.score[i] / 1000.0);
	}
	rs_metrics(out, p.win_rs, p.n_win_rs, prom_rs_window,
		   PROM_N(prom_rs_window));
out:
	return 0;
}

int stats_prometheus(struct cli *c)
{
	if (cli_open(c))
		return EXIT_RUNTIME;
	if (prom_snapshot(stdout, &c->nl, 0) || fflush(stdout) == EOF)
		return EXIT_RUNTIME;
	return 0;
}
