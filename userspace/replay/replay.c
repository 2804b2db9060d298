// SPDX-License-Identifier: GPL-2.0
/*
 * nfsketch replay FILE [FILTER]: the portable core over a pcap / pcapng file.
 *
 * One bank stands for the kernel's per-CPU banks (the CMS is linear, so the
 * sum over CPUs equals one bank fed every packet); windows are cut by packet
 * time, [t0 + i*W, t0 + (i+1)*W) with t0 the first record's time; each is
 * closed by the kernel's own close sequence (kmod/core/close.c: fold,
 * judge, push into the history). With the key the kernel uses (config set
 * hash_key=...) the window CMS is the kernel's, cell for cell.
 *
 * Time is data, not a loop counter: a run of windows without a record is
 * one "empty windows" line, and the detectors see it as the kernel sees
 * idle windows (records of zero traffic in the history), pushed in
 * O(history) however long the gap, so the cost grows with the packets,
 * not with the time span. An idle window never raises a flag (volume is
 * judged upwards only, entropy only in busy windows, no flow for a heavy
 * hitter), so its records are pushed without being judged.
 *
 * Clock policy: a record older than the open window's start by more than
 * one window is counted as out_of_order and folded nowhere, and so is every
 * record after it until the clock is back at the latest time seen before
 * (a clock stepped back replays time: counting that again would inflate the
 * open window into a false VOLUME_SPIKE); a record less than one window
 * older is folded into the open window (late). pcap seconds are unsigned 32-bit, as the format says
 * (libpcap 1.10 returns them negative from 2038 on). A pcapng packet
 * without a timestamp (Simple Packet Block: libpcap gives 0) takes the
 * previous packet's time, or before any, the first timestamp in the file.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <pcap/pcap.h>
#include <nfsketch/bank.h>
#include <nfsketch/close.h>
#include <nfsketch/flags.h>
#include <nfsketch/sah.h>
#include <nfsketch/tunables.h>
#include <nfsketch/window.h>
#include "cmd.h"
#include "sketchdump.h"
#include "fmt.h"
#include "bgp_in.h"
#include "pcap_parse.h"
#include "route_in.h"
#include "rtnames.h"

/* The key without --key: "nfsketch-replay!" in ASCII (README). */
#define REPLAY_DEFAULT_KEY	"6e66736b657463682d7265706c617921"

static const char replay_usage[] =
	"Usage: nfsketch [-j [-p]] replay FILE [FILTER] [OPTIONS]\n"
	"       nfsketch [-j [-p]] replay [FILE [FILTER]] --routes RFILE [OPTIONS]\n"
	"Run the module's sketch core offline over a pcap or pcapng file\n"
	"(Ethernet with VLAN tags, Linux cooked SLL/SLL2, raw IPv4/IPv6) and\n"
	"print each window the module would have closed, then a summary.\n"
	"FILTER: a libpcap filter expression (as tcpdump's), e.g. 'udp port 53'.\n"
	"  --routes RFILE     route events, alone or merged by time with FILE\n"
	"                     ('-': stdin), one a line:\n"
	"                     <time_ns> base|add|replace|append|del <prefix>\n"
	"                     [via GW] [dev IFINDEX] [proto P] [table T]\n"
	"                     [nexthops N]  (time: Unix ns, not decreasing)\n"
	"  --key HEX|random   32 hex digits, as `config set hash_key=`, or a\n"
	"                     random key (default: " REPLAY_DEFAULT_KEY ")\n"
	"  --sketch           print the last window's Count-Min sketch only, as\n"
	"                     `nfsketch sketch` prints it (text and JSON)\n"
	"  --top N            alias of --topk\n"
	"  --query Q --window ID\n"
	"                     print only the estimate of Q in window ID: Q is an\n"
	"                     address (packets from and to it, address\n"
	"                     histograms) or a flow, 'proto P src A dst B\n"
	"                     [sport N] [dport N]' (Count-Min, and the held\n"
	"                     exact counts if it is a top flow)\n"
	"  -h, --help         this text\n"
	"The module's tunables, with the module's ranges and defaults:\n";

/* The tunables the replay uses: option name = tunable name, '_' -> '-'. */
static const enum nfsk_tunable_id replay_tunables[] = {
	NFSK_T_window_ms, NFSK_T_history, NFSK_T_cms_width, NFSK_T_cms_depth,
	NFSK_T_sah_entries, NFSK_T_topk, NFSK_T_k_sigma_milli,
	NFSK_T_density_w, NFSK_T_density_k, NFSK_T_min_history,
	NFSK_T_hh_permille, NFSK_T_min_packets, NFSK_T_min_bytes,
	NFSK_T_min_entropy_delta, NFSK_T_drift_w, NFSK_T_drift_slope_permille,
	NFSK_T_min_route_events, NFSK_T_flap_half_life_ms, NFSK_T_flap_suppress,
	NFSK_T_flap_reuse, NFSK_T_flap_track_max, NFSK_T_withdraw_burst_permille,
	NFSK_T_withdraw_burst_min, NFSK_T_more_specific, NFSK_T_bgp_sessions,
	NFSK_T_bgp_hold_ms, NFSK_T_bgp_silence_permille, NFSK_T_bgp_retrans_min,
};
#define N_REPLAY_TUNABLES	ARRAY_SIZE(replay_tunables)

struct replay {
	struct cli		*c;
	const char		*file;
	struct nfsk_geom	g;
	struct nfsk_hash_key	hk;
	struct nfsk_flags_cfg	fc;
	struct nfsk_bank	bank;
	void			*bank_mem;
	struct nfsk_cms		wcms;
	void			*wcms_mem;
	void			*scratch;
	struct nfsk_history	hist;
	struct nfsk_window	*rec;
	struct nfsk_window	*idle;		/* template of an idle window */
	u32			hist_len;
	u64			*series;
	u64			*dscratch;
	struct nfsk_detect_result res[NFSK_SERIES_MAX];
	u64			window_ns;
	bool			sketch;
	/* --routes */
	const char		*routes;
	struct route_in		ri;
	bool			have_routes;
	struct bgp_in		bgp;		/* port 179 of the capture */
	bool			have_bgp;
	/* --query: what, in which window, and the answer */
	const char		*query;
	u64			query_window;
	bool			query_flow;
	struct nfsk_flow_key	query_key;
	u8			query_addr[16];
	int			query_family;
	bool			answered;
	struct nfsk_cms_est	q_est;
	u64			q_src_packets;
	u64			q_dst_packets;
	u64			q_hist_bound;
	u64			q_window_packets;
	const struct nfsk_flow_stat *q_held;
	struct nfsk_flow_stat	q_held_copy;
	bool			pcapng;
	struct bpf_program	filter;
	bool			have_filter;
	/* progress */
	bool			started;
	u64			t0;		/* Unix ns of the first record */
	u64			last_ts;	/* time of the previous record */
	u64			max_ts;		/* the latest time seen */
	bool			stepped;	/* the clock stepped back: every
						 * record before max_ts is out of
						 * order */
	u64			cur;		/* index of the open window */
	u64			closed;		/* windows closed, idle included */
	u64			last_id;
	const struct nfsk_window *last_win;	/* in the ring: its top flows */
	/* summary */
	u64			records;
	u64			ip;
	u64			truncated;
	u64			unknown;
	u64			invalid;
	u64			inv[RP_INV_MAX];
	u64			loopback_in;
	u64			proto_unknown;
	u64			filtered;
	u64			bytes;		/* L3 bytes given to the bank */
	u64			late;
	u64			out_of_order;
	u64			no_timestamp;
	u64			empty_runs;
	u64			empty_windows;
	bool			complete;
	char			reason[PCAP_ERRBUF_SIZE + 128];
};

static void *zalloc_aligned(size_t size)
{
	void *p = NULL;

	if (posix_memalign(&p, 64, size ? size : 64))
		return NULL;
	memset(p, 0, size);
	return p;
}

static int replay_init(struct replay *r)
{
	r->bank_mem = zalloc_aligned(nfsk_bank_size(&r->g));
	r->wcms_mem = zalloc_aligned(nfsk_cms_size(r->g.cms_depth, r->g.cms_width));
	r->scratch = zalloc_aligned(nfsk_fold_scratch_size(&r->g, 1));
	r->rec = calloc(r->hist_len, sizeof(*r->rec));
	r->idle = calloc(1, sizeof(*r->idle));
	r->series = calloc(r->hist_len, sizeof(u64));
	r->dscratch = calloc(r->hist_len, sizeof(u64));
	if (!r->bank_mem || !r->wcms_mem || !r->scratch || !r->rec ||
	    !r->idle || !r->series || !r->dscratch) {
		fprintf(stderr, "nfsketch: replay: %s: out of memory\n", r->file);
		return -1;
	}
	/* a fixed PRNG seed per key: the same file gives the same output */
	nfsk_bank_init(&r->bank, &r->g,
		       r->hk.k0 ^ (r->hk.k1 << 1) ^ 0x9e3779b97f4a7c15ULL,
		       r->bank_mem);
	nfsk_cms_init(&r->wcms, r->g.cms_depth, r->g.cms_width,
		      r->g.cms_conservative, r->wcms_mem);
	nfsk_history_init(&r->hist, r->rec, r->hist_len);
	return 0;
}

static void replay_free(struct replay *r)
{
	free(r->bank_mem);
	free(r->wcms_mem);
	free(r->scratch);
	free(r->rec);
	free(r->idle);
	free(r->series);
	free(r->dscratch);
	if (r->have_filter)
		pcap_freecode(&r->filter);
	if (r->have_routes)
		ri_free(&r->ri);
	if (r->have_bgp)
		bi_free(&r->bgp);
}

static const char *hits_name(u8 hits)
{
	if (hits & NFSK_DETECT_HIT_DRIFT)
		return (hits & NFSK_DETECT_HIT_SIGMA) &&
		       (hits & NFSK_DETECT_HIT_DENSITY) ?
		       "sigma+density+drift" : "drift";
	switch (hits & (NFSK_DETECT_HIT_SIGMA | NFSK_DETECT_HIT_DENSITY)) {
	case NFSK_DETECT_HIT_SIGMA:
		return "sigma";
	case NFSK_DETECT_HIT_DENSITY:
		return "density";
	case NFSK_DETECT_HIT_SIGMA | NFSK_DETECT_HIT_DENSITY:
		return "sigma+density";
	default:
		return "none";
	}
}

/*
 * A milli-unit value (JSON): raw under @milli_key (signed or not), in its
 * unit under @key.
 */
static void print_milli(struct print *p, const char *milli_key, const char *key,
			u64 v, bool sign)
{
	if (sign)
		print_s64(p, PRINT_JSON, milli_key, NULL, (s64)v);
	else
		print_u64(p, PRINT_JSON, milli_key, NULL, v);
	print_fixed(p, PRINT_JSON, key, NULL, (s64)v, 3);
}

/* Every series' verdict (JSON): value, baseline and what each detector saw. */
static void print_detect(struct print *p, const struct nfsk_detect_result *d)
{
	print_u64(p, PRINT_JSON, "value", NULL, d->value);
	print_milli(p, "baseline_mean_milli", "baseline_mean", d->mean_milli, false);
	print_milli(p, "baseline_sigma_milli", "baseline_sigma", d->sigma_milli, false);
	print_milli(p, "upper_milli", "upper", d->upper_milli, false);
	print_milli(p, "lower_milli", "lower", d->lower_milli, false);
	print_milli(p, "score_milli_sigma", "score_sigma", d->score, true);
	print_milli(p, "drift_permille_per_window", "drift_per_window", d->drift_permille, true);
	print_u64(p, PRINT_JSON, "p5", NULL, d->p5);
	print_u64(p, PRINT_JSON, "p95", NULL, d->p95);
	print_u64(p, PRINT_JSON, "radius", NULL, d->radius);
	print_u64(p, PRINT_JSON, "neighbours", NULL, d->neighbours);
	print_u64(p, PRINT_JSON, "history", NULL, d->history);
	print_u64(p, PRINT_JSON, "drift_span", NULL, d->drift_span);
	print_str(p, PRINT_JSON, "detectors_hit", NULL, hits_name(d->hits));
	print_bool(p, PRINT_JSON, "warm", NULL, d->warm);
	print_bool(p, PRINT_JSON, "flagged", NULL, d->flagged);
}

/*
 * The alerts of a window, written in the nest the module sends
 * (kmod/nlmsg.c's nfsk_alert_put(), with the values kmod/events.c,
 * anomalies.c and bgp.c give it) and printed by monitor's printer
 * (alert.c): a replayed alert has the keys and the text of a live one.
 * The replay adds its window's start (the module's route alerts have none)
 * and a session's segments (flow packets) that the module leaves out.
 */
struct alert_msg {
	union {
		struct nlmsghdr	h;
		char		buf[1024];	/* one ALERT nest: < 400 bytes */
	} u;
	struct nlattr	*nest;
};

static struct nlmsghdr *alert_start(struct alert_msg *m, const struct replay *r,
				    const struct nfsk_window *w, u32 flag, u32 series,
				    u64 value, u64 baseline, s64 score)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(m->u.buf);

	m->nest = mnl_attr_nest_start(nlh, NFSKETCH_A_ALERT);
	mnl_attr_put_u32(nlh, NFSKETCH_A_ALERT_FLAG, flag);
	mnl_attr_put_u64(nlh, NFSKETCH_A_ALERT_WINDOW_ID, w->id);
	mnl_attr_put_u32(nlh, NFSKETCH_A_ALERT_SERIES, series);
	mnl_attr_put_u64(nlh, NFSKETCH_A_ALERT_VALUE, value);
	mnl_attr_put_u64(nlh, NFSKETCH_A_ALERT_BASELINE, baseline);
	nfsk_nl_put_s64(nlh, NFSKETCH_A_ALERT_SCORE, score);
	mnl_attr_put_u64(nlh, NFSKETCH_A_ALERT_START_REALTIME_NS, r->t0 + w->start_ns);
	return nlh;
}

/* A FLOW nest of @type; the held counts if any, the estimates if @est. */
static void flow_nest(struct nlmsghdr *nlh, u16 type, const struct nfsk_flow_key *k,
		      u64 packets, u64 bytes, const struct nfsk_cms_est *est)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);

	mnl_attr_put_u8(nlh, NFSKETCH_A_FLOW_FAMILY, k->family);
	mnl_attr_put(nlh, NFSKETCH_A_FLOW_SRC, 16, k->saddr);
	mnl_attr_put(nlh, NFSKETCH_A_FLOW_DST, 16, k->daddr);
	mnl_attr_put_u8(nlh, NFSKETCH_A_FLOW_PROTO, k->proto);
	mnl_attr_put_u16(nlh, NFSKETCH_A_FLOW_SPORT, ntohs(k->sport));
	mnl_attr_put_u16(nlh, NFSKETCH_A_FLOW_DPORT, ntohs(k->dport));
	if (packets || bytes || est) {
		mnl_attr_put_u64(nlh, NFSKETCH_A_FLOW_PACKETS, packets);
		mnl_attr_put_u64(nlh, NFSKETCH_A_FLOW_BYTES, bytes);
	}
	if (est) {
		mnl_attr_put_u64(nlh, NFSKETCH_A_FLOW_EST_BYTES, est->bytes);
		mnl_attr_put_u64(nlh, NFSKETCH_A_FLOW_ERR_BYTES, est->err_bytes);
		mnl_attr_put_u64(nlh, NFSKETCH_A_FLOW_EST_PACKETS, est->packets);
		mnl_attr_put_u64(nlh, NFSKETCH_A_FLOW_ERR_PACKETS, est->err_packets);
	}
	mnl_attr_nest_end(nlh, nest);
}

/* A ROUTE (or COVER) nest: @addr has IPv4 in its first 4 bytes (flap.h). */
static void alert_route(struct nlmsghdr *nlh, u16 type, const struct replay *r,
			const struct ri_reason *x, const u8 *addr, u8 plen,
			u8 protocol)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);
	u8 dst[16] = { 0 };

	if (x->family == NFSK_AF_INET) {
		dst[10] = dst[11] = 0xff;
		memcpy(dst + 12, addr, 4);
	} else {
		memcpy(dst, addr, 16);
	}
	if (type == NFSKETCH_A_ALERT_ROUTE) {
		mnl_attr_put_u64(nlh, NFSKETCH_A_ROUTE_TIME_NS,
				 x->time_ns > r->t0 ? x->time_ns - r->t0 : 0);
		mnl_attr_put_u64(nlh, NFSKETCH_A_ROUTE_TIME_REALTIME_NS, x->time_ns);
	}
	mnl_attr_put_u8(nlh, NFSKETCH_A_ROUTE_FAMILY, x->family);
	mnl_attr_put(nlh, NFSKETCH_A_ROUTE_DST, 16, dst);
	mnl_attr_put_u8(nlh, NFSKETCH_A_ROUTE_DST_LEN, plen);
	mnl_attr_put_u32(nlh, NFSKETCH_A_ROUTE_TABLE, x->table);
	if (type == NFSKETCH_A_ALERT_ROUTE) {
		mnl_attr_put_u8(nlh, NFSKETCH_A_ROUTE_EVENT, x->event);
		mnl_attr_put_u32(nlh, NFSKETCH_A_ROUTE_PENALTY, x->penalty);
	}
	mnl_attr_put_u8(nlh, NFSKETCH_A_ROUTE_PROTOCOL, protocol);
	mnl_attr_nest_end(nlh, nest);
}

/* Print the alert, left open in JSON for the replay's own keys. */
static void alert_emit(struct replay *r, struct alert_msg *m)
{
	struct print p = cli_print(r->c);

	mnl_attr_nest_end(&m->u.h, m->nest);
	print_text(&p, "  [alert] ");
	alert_print_open(r->c, m->nest, NULL);
}

static void route_alerts(struct replay *r, const struct nfsk_window *w)
{
	struct print p = cli_print(r->c);
	struct alert_msg m;
	u32 i;

	for (i = 0; i < r->ri.nreasons; i++) {
		const struct ri_reason *x = &r->ri.reasons[i];
		struct nlmsghdr *nlh;
		u64 value = x->value, base = x->threshold;

		if (x->flag == NFSK_FLAG_DEFAULT_ROUTE_LOST) {
			value = x->old_protocol;
			base = x->reason & NFSK_RA_WITHDRAWN ? 0 : x->protocol;
		} else if (x->flag == NFSK_FLAG_ROUTE_MORE_SPECIFIC) {
			value = x->cover.protocol;
			base = x->protocol;
		}
		nlh = alert_start(&m, r, w, x->flag, NFSK_SERIES_ROUTE_EVENTS,
				  value, base, 0);
		alert_route(nlh, NFSKETCH_A_ALERT_ROUTE, r, x, x->addr, x->plen,
			    x->protocol);
		if (x->flag == NFSK_FLAG_DEFAULT_ROUTE_LOST && x->reason)
			mnl_attr_put_u32(nlh, NFSKETCH_A_ALERT_REASON, x->reason);
		if (x->flag == NFSK_FLAG_ROUTE_MORE_SPECIFIC) {
			mnl_attr_put_u32(nlh, NFSKETCH_A_ALERT_REASON, x->reason);
			alert_route(nlh, NFSKETCH_A_ALERT_COVER, r, x, x->cover.addr,
				    x->cover.plen, x->cover.protocol);
		}
		alert_emit(r, &m);
		print_obj_close(&p);
	}
}

/* BGP_SESSION: one alert per session and reason bit, as the module's. */
static void bgp_alerts(struct replay *r, const struct nfsk_window *w)
{
	struct print p = cli_print(r->c);
	struct alert_msg m;
	u32 i, bit;

	for (i = 0; i < r->bgp.nreasons; i++) {
		const struct bi_reason *x = &r->bgp.reasons[i];
		struct nfsk_flow_key k = {
			.family = x->sess.family, .proto = IPPROTO_TCP,
			.sport = x->sess.port[0], .dport = x->sess.port[1],
		};
		struct nlmsghdr *nlh;

		memcpy(k.saddr, x->sess.addr[0], 16);
		memcpy(k.daddr, x->sess.addr[1], 16);
		for (bit = 1; bit <= NFSK_BGP_SILENT; bit <<= 1) {
			if (!(x->v.reasons & bit))
				continue;
			nlh = alert_start(&m, r, w, NFSK_FLAG_BGP_SESSION, NFSK_SERIES_PACKETS,
					  bit == NFSK_BGP_RETRANS ? x->v.retrans :
					  bit == NFSK_BGP_RESET ? x->v.rst :
					  bit == NFSK_BGP_CLOSED ? x->v.fin : x->v.silence_ms,
					  bit == NFSK_BGP_RETRANS ? x->v.baseline :
					  bit == NFSK_BGP_SILENT ? x->v.threshold_ms : 0, 0);
			flow_nest(nlh, NFSKETCH_A_ALERT_FLOW, &k, x->sess.segments, 0, NULL);
			mnl_attr_put_u32(nlh, NFSKETCH_A_ALERT_REASON, bit);
			alert_emit(r, &m);
			print_obj_close(&p);
		}
	}
}

/*
 * Every alert of @w, in the module's order (series, HEAVY_HITTER, then
 * the route and BGP alerts); in JSON the detector that hit and the heavy
 * hitter's threshold besides.
 */
static void print_alerts(struct replay *r, const struct nfsk_window *w)
{
	struct print p = cli_print(r->c);
	struct alert_msg m;
	unsigned int s;

	for (s = 0; s < NFSK_SERIES_MAX; s++) {
		const struct nfsk_detect_result *d = &r->res[s];

		if (!d->flagged)
			continue;
		alert_start(&m, r, w, nfsk_detect_series_flag(s), s, d->value,
			    d->mean_milli / 1000, d->score);
		alert_emit(r, &m);
		print_str(&p, PRINT_JSON, "detector", NULL, hits_name(d->hits));
		print_obj_close(&p);
	}
	if ((w->flags & NFSK_FLAG_HEAVY_HITTER) && w->ntop) {
		const struct nfsk_flow_stat *fs = &w->top[0];
		struct nlmsghdr *nlh;

		nlh = alert_start(&m, r, w, NFSK_FLAG_HEAVY_HITTER, NFSK_SERIES_BYTES,
				  fs->bytes, w->bytes, 0);
		flow_nest(nlh, NFSKETCH_A_ALERT_FLOW, &fs->key, fs->packets, fs->bytes, NULL);
		alert_emit(r, &m);
		print_u64(&p, PRINT_JSON, "threshold_bytes", NULL,
			  w->bytes / 1000 * r->fc.hh_permille +
			  w->bytes % 1000 * r->fc.hh_permille / 1000);
		print_obj_close(&p);
	}
	if (r->have_routes)
		route_alerts(r, w);
	if (r->have_bgp)
		bgp_alerts(r, w);
}

/* JSON: every series' verdict, the alerts of @w (text: the alerts). */
static void print_reasons(struct replay *r, const struct nfsk_window *w)
{
	struct print p = cli_print(r->c);
	unsigned int s;

	print_obj_open(&p, "detect");
	for (s = 0; s < NFSK_SERIES_MAX; s++) {
		print_obj_open(&p, series_name[s]);
		print_detect(&p, &r->res[s]);
		print_obj_close(&p);
	}
	print_obj_close(&p);
	print_arr_open(&p, "alerts");
	print_alerts(r, w);
	print_arr_close(&p);
	if (r->have_routes)
		print_u64(&p, PRINT_JSON, "route_alerts_dropped", NULL, r->ri.reasons_dropped);
	if (r->have_bgp)
		print_u64(&p, PRINT_JSON, "bgp_alerts_dropped", NULL, r->bgp.reasons_dropped);
}

/* Slot @s of @kind is a series of @w (a slot in use, or other)? */
static bool rs_shown(const struct nfsk_window *w, unsigned int kind,
		     unsigned int s)
{
	return s == NFSK_RS_OTHER || s < w->rs.used[kind];
}

/* The ROUTE_SERIES nests, as kmod/nlmsg.c's nfsk_rseries_put_all(). */
static void window_rseries(struct nlmsghdr *nlh, const struct nfsk_window *w)
{
	struct nlattr *nest;
	unsigned int k, s;

	for (k = 0; k < NFSK_RS_KINDS; k++)
		for (s = 0; s < NFSK_RS_ALL; s++) {
			if (!rs_shown(w, k, s))
				continue;
			nest = mnl_attr_nest_start(nlh, NFSKETCH_A_WINDOW_ROUTE_SERIES);
			mnl_attr_put_u8(nlh, NFSKETCH_A_RSERIES_KIND, k);
			if (s == NFSK_RS_OTHER)
				mnl_attr_put(nlh, NFSKETCH_A_RSERIES_OTHER, 0, NULL);
			else
				mnl_attr_put_u32(nlh, NFSKETCH_A_RSERIES_ID, w->rs.id[k][s]);
			mnl_attr_put_u64(nlh, NFSKETCH_A_RSERIES_EVENTS, w->rs.events[k][s]);
			nfsk_nl_put_s64(nlh, NFSKETCH_A_RSERIES_SCORE, w->rs.score[k][s]);
			mnl_attr_put_u64(nlh, NFSKETCH_A_RSERIES_BASELINE,
					 w->rs.mean_milli[k][s] / 1000);
			if (w->rs.flagged[k] & (1U << s))
				mnl_attr_put(nlh, NFSKETCH_A_RSERIES_FLAGGED, 0, NULL);
			mnl_attr_nest_end(nlh, nest);
		}
}

/*
 * A closed window in the nest the module sends (kmod/nlmsg.c's
 * nfsk_window_put() with its top flows), printed by the CLI's window
 * printer (windows.c): a replayed window has the keys of `nfsketch -j
 * windows`. Its start in real time is the capture's; the route counts
 * and sub-series only with --routes.
 */
static struct nlattr *window_nest(struct nlmsghdr *nlh, const struct replay *r,
				  const struct nfsk_window *w)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, NFSKETCH_A_WINDOW), *sub;
	unsigned int i;

	mnl_attr_put_u64(nlh, NFSKETCH_A_WINDOW_ID, w->id);
	mnl_attr_put_u64(nlh, NFSKETCH_A_WINDOW_START_NS, w->start_ns);
	mnl_attr_put_u64(nlh, NFSKETCH_A_WINDOW_START_REALTIME_NS, r->t0 + w->start_ns);
	mnl_attr_put_u64(nlh, NFSKETCH_A_WINDOW_LENGTH_NS, w->length_ns);
	mnl_attr_put_u64(nlh, NFSKETCH_A_WINDOW_PACKETS, w->packets);
	mnl_attr_put_u64(nlh, NFSKETCH_A_WINDOW_BYTES, w->bytes);
	for (i = 0; i < NFSK_PROTO_MAX; i++)
		mnl_attr_put_u64(nlh, NFSKETCH_A_WINDOW_TCP + i, w->proto[i]);
	mnl_attr_put_u64(nlh, NFSKETCH_A_WINDOW_IPV4, w->family[NFSK_FAM_V4]);
	mnl_attr_put_u64(nlh, NFSKETCH_A_WINDOW_IPV6, w->family[NFSK_FAM_V6]);
	mnl_attr_put_u64(nlh, NFSKETCH_A_WINDOW_TRUNCATED, w->truncated);
	mnl_attr_put_u32(nlh, NFSKETCH_A_WINDOW_SRC_ENTROPY, w->src_entropy);
	mnl_attr_put_u32(nlh, NFSKETCH_A_WINDOW_DST_ENTROPY, w->dst_entropy);
	if (r->have_routes) {
		for (i = 0; i < NFSK_RC_FAMILIES; i++) {
			mnl_attr_put_u32(nlh, NFSKETCH_A_WINDOW_ROUTE_ADD4 + 3 * i, w->route_add[i]);
			mnl_attr_put_u32(nlh, NFSKETCH_A_WINDOW_ROUTE_DEL4 + 3 * i, w->route_del[i]);
			mnl_attr_put_u32(nlh, NFSKETCH_A_WINDOW_ROUTE_REPLACE4 + 3 * i,
					 w->route_replace[i]);
			mnl_attr_put_u32(nlh, NFSKETCH_A_WINDOW_ROUTES4 + i, w->routes[i]);
		}
		window_rseries(nlh, w);
	}
	mnl_attr_put_u64(nlh, NFSKETCH_A_WINDOW_SAH_HITS, w->sah.hits);
	mnl_attr_put_u64(nlh, NFSKETCH_A_WINDOW_SAH_MISSES, w->sah.misses);
	mnl_attr_put_u64(nlh, NFSKETCH_A_WINDOW_SAH_FULL, w->sah.full);
	mnl_attr_put_u32(nlh, NFSKETCH_A_WINDOW_SAH_HELD, w->sah.flows);
	mnl_attr_put_u32(nlh, NFSKETCH_A_WINDOW_SAH_PROB, w->sah.p_fx);
	mnl_attr_put_u32(nlh, NFSKETCH_A_WINDOW_FLAGS, w->flags);
	sub = mnl_attr_nest_start(nlh, NFSKETCH_A_WINDOW_SCORE);
	for (i = 0; i < NFSK_SERIES_MAX; i++)
		nfsk_nl_put_s64(nlh, NFSKETCH_A_SCORE_PACKETS + i, w->score[i]);
	mnl_attr_nest_end(nlh, sub);
	sub = mnl_attr_nest_start(nlh, NFSKETCH_A_WINDOW_TOPK);
	for (i = 0; i < w->ntop; i++)
		flow_nest(nlh, NFSKETCH_A_FLOW, &w->top[i].key, w->top[i].packets,
			  w->top[i].bytes, &w->top[i].est);
	mnl_attr_nest_end(nlh, sub);
	mnl_attr_nest_end(nlh, nest);
	return nest;
}

/*
 * A window: the CLI's window object (replay's block in text), with the
 * replay's own keys (what the module does not send: the byte sampling's
 * admissions, the CMS self-check, every series' verdict) and its alerts.
 */
static void print_window(struct replay *r, const struct nfsk_window *w)
{
	/* < 7 KiB: 32 flows of 136 bytes, 18 sub-series of 64, the rest */
	static union {
		struct nlmsghdr	h;
		char		buf[16384];
	} u;
	const struct nlattr *tb[NFSKETCH_A_WINDOW_MAX + 1];
	struct print p = cli_print(r->c);
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(u.buf);
	struct nlattr *nest = window_nest(nlh, r, w);

	nfsk_nl_parse_nest(nest, tb, NFSKETCH_A_WINDOW_MAX);
	window_print_open(r->c, nest, tb, NULL, WINDOW_BLOCK);
	print_u64(&p, PRINT_JSON, "sah_admitted", NULL, w->sah.admitted);
	print_u64(&p, PRINT_JSON, "cms_check_fail", NULL, w->cms_check_fail);
	print_reasons(r, w);
	window_print_close(r->c, tb, WINDOW_BLOCK);
}

/* The --query estimate in the window just folded (its CMS, histograms). */
static void answer_query(struct replay *r, const struct nfsk_window *win)
{
	u32 i;

	r->answered = true;
	r->q_window_packets = win->packets;
	if (r->query_flow) {
		u64 hash = nfsk_flow_hash(&r->hk, &r->query_key);

		nfsk_cms_query(&r->wcms, hash, &r->q_est);
		for (i = 0; i < win->ntop; i++)
			if (win->top[i].hash == hash &&
			    nfsk_flow_key_eq(&win->top[i].key, &r->query_key)) {
				r->q_held_copy = win->top[i];
				r->q_held = &r->q_held_copy;
			}
		return;
	}
	r->q_src_packets = nfsk_fold_addr_packets(&r->g, r->scratch,
			nfsk_addr_hash(&r->hk, r->query_addr), false);
	r->q_dst_packets = nfsk_fold_addr_packets(&r->g, r->scratch,
			nfsk_addr_hash(&r->hk, r->query_addr), true);
	r->q_hist_bound = nfsk_cms_bound(win->packets, r->g.hist_buckets);
}

/* The replay's part of the core's close sequence: one bank, printing. */
static struct nfsk_bank *replay_close_bank(void *arg, u32 i)
{
	struct replay *r = arg;

	return &r->bank;
}

static void replay_close_closed(void *arg, const struct nfsk_window *win)
{
	struct replay *r = arg;

	if (r->query && win->id == r->query_window)
		answer_query(r, win);
	if (r->sketch || r->query)
		return;
	print_window(r, win);
}

/* The route counts and flags, as the kernel's nfsk_close_annotate(). */
static void replay_close_annotate(void *arg, struct nfsk_window *win)
{
	struct replay *r = arg;

	if (r->have_routes)
		ri_close_window(&r->ri, win,
				r->t0 + (r->cur + 1) * r->window_ns);
	/* kmod/windows.c's nfsk_bgp_close_window(), at the window's end */
	if (r->have_bgp)
		win->flags |= bi_close_window(&r->bgp,
					      r->t0 + (r->cur + 1) * r->window_ns);
}

static const struct nfsk_close_ops replay_close_ops = {
	.bank		= replay_close_bank,
	.annotate	= replay_close_annotate,
	.closed		= replay_close_closed,
};

/* Close the open window with the kernel's sequence (kmod/core/close.c). */
static void close_window(struct replay *r)
{
	const struct nfsk_close close = {
		.hist		= &r->hist,
		.wcms		= &r->wcms,
		.g		= &r->g,
		.fold_scratch	= r->scratch,
		.nbanks		= 1,
		.max_banks	= 1,
		.fc		= &r->fc,
		.series		= r->series,
		.dscratch	= r->dscratch,
		.buf_len	= r->hist_len,
		.res		= r->res,
		.ops		= &replay_close_ops,
		.arg		= r,
	};

	r->last_win = nfsk_window_close(&close, r->cur + 1,
					r->cur * r->window_ns, r->window_ns);
	r->last_id = r->last_win->id;
	if (r->have_routes)
		ri_reasons_reset(&r->ri);
	if (r->have_bgp)
		bi_reasons_reset(&r->bgp);
	r->closed++;
	r->cur++;
}

/*
 * Text "3 empty windows from A to B (ids 2..4)"; JSON {empty_windows,
 * start_realtime_ns, end_realtime_ns, start_time, end_time, first_id,
 * last_id}, the window's naming of its start.
 */
static void print_empty_run(struct replay *r, u64 first, u64 n)
{
	u64 start = r->t0 + first * r->window_ns;
	u64 end = start + n * r->window_ns;
	struct print p = cli_print(r->c);
	char a[64], b[64];

	if (r->sketch || r->query)
		return;
	print_obj_open(&p, NULL);
	print_u64(&p, PRINT_ANY, "empty_windows", "%" PRIu64, n);
	print_text(&p, " empty window%s", n == 1 ? "" : "s");
	print_u64(&p, PRINT_JSON, "start_realtime_ns", NULL, start);
	print_u64(&p, PRINT_JSON, "end_realtime_ns", NULL, end);
	print_str(&p, PRINT_ANY, "start_time", " from %s",
		  fmt_rfc3339(start, false, a, sizeof(a)));
	print_str(&p, PRINT_ANY, "end_time", " to %s", fmt_rfc3339(end, false, b, sizeof(b)));
	print_u64(&p, PRINT_ANY, "first_id", " (ids %" PRIu64, first + 1);
	print_u64(&p, PRINT_ANY, "last_id", "..%" PRIu64 ")\n", first + n);
	print_obj_close(&p);
}

/*
 * @n windows without a record, from the open index on: what the kernel's
 * history holds after @n idle windows, in O(min(n, history)). The first
 * idle record is a real fold of the (cleared) bank, the others copies of it
 * with their own id, start and byte-sampling p (which doubles per idle
 * window up to its cap, so it settles within 32 windows).
 */
static void skip_idle(struct replay *r, u64 n)
{
	const struct nfsk_bank *banks[1] = { &r->bank };
	u64 first = r->cur, i, push_from;
	u32 p = r->bank.sah.p_fx;

	print_empty_run(r, first, n);
	if (r->query && r->query_window > first && r->query_window <= first + n)
		r->answered = true;	/* an idle window: all zero */
	r->empty_runs++;
	r->empty_windows += n;
	memset(r->idle, 0, sizeof(*r->idle));
	r->idle->length_ns = r->window_ns;
	nfsk_window_fold(r->idle, &r->wcms, banks, 1, &r->g, r->scratch);
	if (r->have_routes) {
		/* no event since the close before: only the table sizes */
		for (i = 0; i < NFSK_RC_FAMILIES; i++)
			r->idle->routes[i] = r->ri.core.tab.size[i];
	}

	push_from = n > r->hist_len ? n - r->hist_len : 0;
	for (i = 0; i < n; i++) {
		if (i >= push_from) {
			struct nfsk_window *w = nfsk_history_reserve(&r->hist);

			memcpy(w, r->idle, sizeof(*w));
			w->id = first + i + 1;
			w->start_ns = (first + i) * r->window_ns;
			w->sah.p_fx = p;
			w->sah.p_next_fx = nfsk_sah_adapt(p, 0, r->g.sah_entries,
							  r->g.sah_p_max_fx);
			nfsk_history_commit(&r->hist);
		}
		p = nfsk_sah_adapt(p, 0, r->g.sah_entries, r->g.sah_p_max_fx);
		/* p settled: jump to the records that stay in the history */
		if (i >= 64 && i + 1 < push_from)
			i = push_from - 1;
	}
	nfsk_bank_set_p(&r->bank, p);
	r->last_id = first + n;
	r->closed += n;
	r->cur += n;
}

static void count_frame(struct replay *r, int dlt,
			const struct pcap_pkthdr *h, const u8 *data, u64 ts)
{
	struct rp_result res;

	switch (rp_parse(dlt, data, h->caplen, h->len, &res)) {
	case RP_IP:
		r->ip++;
		r->bytes += res.len;
		r->proto_unknown += res.proto_unknown;
		nfsk_bank_update(&r->bank, &r->hk, &res.key, res.len);
		if (r->have_bgp)
			bi_frame(&r->bgp, &res, ts);
		break;
	case RP_TRUNCATED:
		r->truncated++;
		r->bytes += res.len;
		nfsk_bank_truncated(&r->bank, res.len);
		break;
	case RP_UNKNOWN:
		r->unknown++;
		break;
	case RP_INVALID:
		r->invalid++;
		r->inv[res.invalid]++;
		break;
	case RP_LOOPBACK_IN:
		r->loopback_in++;
		break;
	}
}

/*
 * Move the clock to a record of time @ts (a packet or a route event),
 * closing the windows it ends; false when the record is out of order and
 * is to be folded nowhere.
 */
static bool replay_advance(struct replay *r, u64 ts)
{
	u64 open_start, idx;

	if (!r->started) {
		r->started = true;
		r->t0 = ts;
		r->cur = 0;
	}
	open_start = r->t0 + r->cur * r->window_ns;
	if (r->stepped) {
		/* after a step back, until the clock is back where it was */
		if (ts < r->max_ts) {
			r->out_of_order++;
			return false;
		}
		r->stepped = false;
	}
	if (ts > r->max_ts)
		r->max_ts = ts;
	if (ts < open_start) {
		if (open_start - ts > r->window_ns) {
			r->out_of_order++;	/* folded nowhere */
			r->stepped = true;
			return false;
		}
		r->late++;			/* folded into the open window */
	} else {
		idx = (ts - r->t0) / r->window_ns;
		if (idx > r->cur) {
			close_window(r);
			if (idx > r->cur)
				skip_idle(r, idx - r->cur);
		}
	}
	return true;
}

/* Route events up to time @until (all of them: ~0), in their windows. */
static int replay_routes(struct replay *r, u64 until)
{
	u64 ts;
	int rc;

	if (!r->have_routes)
		return 0;
	while ((rc = ri_peek(&r->ri, &ts)) == 1 && ts <= until) {
		/*
		 * Before later packets, so in order unless the capture's clock
		 * stepped back: then into the open window, as a late record.
		 */
		if (!r->started || (ts >= r->t0 + r->cur * r->window_ns &&
				    !(r->stepped && ts < r->max_ts)))
			replay_advance(r, ts);
		ri_apply(&r->ri);
	}
	return rc < 0 ? -1 : 0;
}

static void replay_packet(struct replay *r, int dlt,
			  const struct pcap_pkthdr *h, const u8 *data, u64 ts)
{
	r->records++;
	if (!replay_advance(r, ts))
		return;
	if (r->have_filter && !pcap_offline_filter(&r->filter, h, data)) {
		r->filtered++;
		return;
	}
	count_frame(r, dlt, h, data, ts);
}

/* A count in JSON always, in text when @text: "; 3 late" */
static enum print_type print_if(bool text)
{
	return text ? PRINT_ANY : PRINT_JSON;
}

/* Text "routes FILE: N events (B baseline); table ipv4 ..."; JSON "routes". */
static void print_routes_summary(struct replay *r)
{
	const struct route_in *ri = &r->ri;
	struct print p = cli_print(r->c);

	print_obj_open(&p, "routes");
	print_str(&p, PRINT_ANY, "file", "routes %s", r->routes);
	print_u64(&p, PRINT_ANY, "events", ": %" PRIu64 " events", ri->events);
	print_u64(&p, PRINT_ANY, "baseline", " (%" PRIu64 " baseline)", ri->baseline);
	print_u64(&p, PRINT_ANY, "size_ipv4", "; table ipv4 %" PRIu64,
		  ri->core.tab.size[NFSK_RC_V4]);
	print_u64(&p, PRINT_ANY, "size_ipv6", ", ipv6 %" PRIu64, ri->core.tab.size[NFSK_RC_V6]);
	print_u64(&p, PRINT_JSON, "nexthop_changes", NULL, ri->core.tab.nexthop_changes);
	print_u64(&p, PRINT_ANY, "suppress_crossings",
		  "; %" PRIu64 " suppress crossings (ROUTE_FLAP)", ri->suppress_crossings);
	print_u64(&p, PRINT_ANY, "withdraw_bursts", ", %" PRIu64 " withdraw bursts",
		  ri->bursts);
	print_u64(&p, PRINT_ANY, "defaults_lost", ", %" PRIu64 " default routes lost",
		  ri->defaults_lost);
	print_u64(&p, PRINT_ANY, "more_specifics", ", %" PRIu64 " more-specifics\n",
		  ri->more_specifics);
	print_u64(&p, PRINT_JSON, "flap_entries", NULL, ri->flap.count);
	print_u64(&p, PRINT_JSON, "flap_refused", NULL, ri->core.flap.refused);
	print_u64(&p, PRINT_JSON, "anomaly_untracked", NULL, ri->core.anom.untracked);
	print_obj_close(&p);
}

/* Text "bgp: N segments on port 179 (...)" when it saw any; JSON "bgp". */
static void print_bgp_summary(struct replay *r)
{
	enum print_type t = print_if(r->bgp.segments);
	struct print p = cli_print(r->c);

	print_obj_open(&p, "bgp");
	print_u64(&p, t, "segments", "bgp: %" PRIu64 " segments on port 179", r->bgp.segments);
	print_u64(&p, t, "untracked", " (%" PRIu64 " untracked", r->bgp.untracked);
	print_u64(&p, t, "header_cut", ", %" PRIu64 " headers cut)", r->bgp.cut);
	print_u64(&p, t, "sessions_flagged", ", %" PRIu64 " BGP_SESSION verdicts\n",
		  r->bgp.raised);
	print_obj_close(&p);
}

/*
 * The run: text "summary: N packets read (LINKTYPE): ..." (a capture's
 * counts only with a capture, @dlt >= 0), JSON the "summary" object.
 */
static void print_summary(struct replay *r, int dlt, const char *key_hex,
			  const char *filter)
{
	struct print p = cli_print(r->c);
	enum print_type pk = print_if(dlt >= 0);
	const char *sep = " (";
	unsigned int i;
	char a[64];

	print_obj_open(&p, "summary");
	if (r->have_routes)
		print_routes_summary(r);
	if (r->have_bgp)
		print_bgp_summary(r);
	print_str(&p, PRINT_JSON, "file", NULL, r->file);
	print_bool(&p, PRINT_JSON, "complete", NULL, r->complete);
	if (dlt >= 0)
		print_str(&p, PRINT_JSON, "linktype", NULL, rp_linktype_name(dlt));
	print_str(&p, PRINT_JSON, "key", NULL, key_hex);
	if (filter)
		print_str(&p, PRINT_JSON, "filter", NULL, filter);
	print_u64(&p, pk, "packets", "summary: %" PRIu64 " packets read", r->records);
	if (dlt >= 0)
		print_text(&p, " (%s)", rp_linktype_name(dlt));
	print_u64(&p, pk, "ip", ": %" PRIu64 " IP", r->ip);
	print_u64(&p, pk, "truncated", ", %" PRIu64 " truncated", r->truncated);
	print_u64(&p, pk, "unknown", ", %" PRIu64 " unknown (not IP)", r->unknown);
	print_u64(&p, pk, "invalid", ", %" PRIu64 " invalid", r->invalid);
	print_u64(&p, pk, "bytes", "; %" PRIu64 " bytes", r->bytes);
	print_u64(&p, PRINT_ANY, "windows", dlt >= 0 ? "; %" PRIu64 " windows" :
		  "summary: %" PRIu64 " windows", r->closed);
	print_double(&p, PRINT_FP, NULL, " of %.3fs", r->window_ns / 1e9);
	print_u64(&p, PRINT_JSON, "window_ns", NULL, r->window_ns);
	print_u64(&p, PRINT_JSON, "printed_windows", NULL, r->closed - r->empty_windows);
	print_u64(&p, print_if(r->empty_windows), "empty_windows", " (%" PRIu64 " empty)",
		  r->empty_windows);
	print_u64(&p, PRINT_JSON, "empty_runs", NULL, r->empty_runs);
	if (r->started) {
		print_u64(&p, PRINT_JSON, "start_realtime_ns", NULL, r->t0);
		print_str(&p, PRINT_ANY, "start_time", " from %s",
			  fmt_rfc3339(r->t0, false, a, sizeof(a)));
	}
	if (dlt >= 0 && r->invalid)
		print_text(&p, "; invalid");
	print_obj_open(&p, "invalid_reasons");
	for (i = 1; i < RP_INV_MAX; i++) {
		print_u64(&p, PRINT_JSON, rp_invalid_names[i], NULL, r->inv[i]);
		if (dlt < 0 || !r->inv[i])
			continue;
		print_text(&p, "%s%s %" PRIu64, sep, rp_invalid_names[i], r->inv[i]);
		sep = ", ";
	}
	print_obj_close(&p);
	if (dlt >= 0 && r->invalid)
		print_text(&p, ")");
	print_u64(&p, print_if(dlt >= 0 && r->loopback_in), "loopback_in",
		  "; %" PRIu64 " loopback incoming copies not counted", r->loopback_in);
	print_u64(&p, print_if(dlt >= 0 && r->filtered), "filtered",
		  "; %" PRIu64 " filtered out", r->filtered);
	print_u64(&p, print_if(dlt >= 0 && r->proto_unknown), "proto_unknown",
		  "; %" PRIu64 " with the protocol cut by the capture", r->proto_unknown);
	print_u64(&p, print_if(dlt >= 0 && r->late), "late", "; %" PRIu64 " late", r->late);
	print_u64(&p, print_if(dlt >= 0 && r->out_of_order), "out_of_order",
		  "; %" PRIu64 " out of order", r->out_of_order);
	print_u64(&p, print_if(dlt >= 0 && r->no_timestamp), "no_timestamp",
		  "; %" PRIu64 " without timestamp", r->no_timestamp);
	print_nl(&p);
	if (!r->complete)
		print_str(&p, PRINT_ANY, "reason", "incomplete: %s\n", r->reason);
	print_obj_close(&p);
}

/*
 * The window CMS of the last closed window through `nfsketch sketch`'s
 * printer: the same text, and the same JSON, which `nfsketch merge` reads.
 */
static void print_sketch(struct replay *r)
{
	const struct nfsk_cms *cms = &r->wcms;
	size_t cells = (size_t)cms->depth * cms->width, i;
	u32 ntop = r->last_win ? r->last_win->ntop : 0;
	struct sketch_flow *top = calloc(ntop ? ntop : 1, sizeof(*top));
	u64 *packets = calloc(cells, sizeof(*packets));
	struct sketch_dump d = {
		.window_id = r->last_id, .key_fp = nfsk_hash_key_fingerprint(&r->hk),
		.depth = cms->depth, .width = cms->width,
		.packets = packets, .bytes = cms->bytes, .top = top, .ntop = ntop,
	};

	if (!top || !packets) {
		fprintf(stderr, "nfsketch: replay: out of memory\n");
		exit(EXIT_RUNTIME);
	}
	for (i = 0; i < cells; i++)
		packets[i] = cms->packets[i];
	for (i = 0; i < ntop; i++) {
		const struct nfsk_flow_stat *fs = &r->last_win->top[i];

		top[i].family = fs->key.family;
		memcpy(top[i].src, fs->key.saddr, 16);
		memcpy(top[i].dst, fs->key.daddr, 16);
		top[i].proto = fs->key.proto;
		top[i].sport = ntohs(fs->key.sport);
		top[i].dport = ntohs(fs->key.dport);
		top[i].packets = fs->packets;
		top[i].bytes = fs->bytes;
	}
	sketch_print(r->c, &d);
	free(top);
	free(packets);
}

static void print_tunables_help(void)
{
	unsigned int i;

	fputs(replay_usage, stdout);
	for (i = 0; i < N_REPLAY_TUNABLES; i++) {
		const struct nfsk_tunable *t = &nfsk_tunables[replay_tunables[i]];
		char name[40];
		size_t k;

		snprintf(name, sizeof(name), "%s", t->name);
		for (k = 0; name[k]; k++)
			if (name[k] == '_')
				name[k] = '-';
		printf("  --%-19s %s (%u..%u%s, default %u)\n", name, t->help,
		       t->min, t->max, t->pow2 ? ", a power of two" : "",
		       t->def);
	}
}

static int parse_num(const char *s, u64 *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	if (!*s || *s == '-')
		return -1;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

enum {
	OPT_KEY = 256, OPT_SKETCH, OPT_TOP, OPT_QUERY, OPT_WINDOW, OPT_ROUTES,
	OPT_TUNABLE = 512,	/* + enum nfsk_tunable_id */
};

/* The options: fixed ones, then one per tunable the replay uses. */
static struct option *replay_options(char names[][40])
{
	static const struct option fixed[] = {
		{ "key",	required_argument, NULL, OPT_KEY },
		{ "top",	required_argument, NULL, OPT_TOP },
		{ "sketch",	no_argument, NULL, OPT_SKETCH },
		{ "query",	required_argument, NULL, OPT_QUERY },
		{ "window",	required_argument, NULL, OPT_WINDOW },
		{ "routes",	required_argument, NULL, OPT_ROUTES },
		{ "help",	no_argument, NULL, 'h' },
	};
	struct option *o;
	unsigned int i, n = ARRAY_SIZE(fixed);
	size_t k;

	o = calloc(n + N_REPLAY_TUNABLES + 1, sizeof(*o));
	if (!o)
		return NULL;
	memcpy(o, fixed, sizeof(fixed));
	for (i = 0; i < N_REPLAY_TUNABLES; i++) {
		snprintf(names[i], 40, "%s", nfsk_tunables[replay_tunables[i]].name);
		for (k = 0; names[i][k]; k++)
			if (names[i][k] == '_')
				names[i][k] = '-';
		o[n + i].name = names[i];
		o[n + i].has_arg = required_argument;
		o[n + i].val = OPT_TUNABLE + replay_tunables[i];
	}
	return o;
}

static int set_tunable(u32 *vals, enum nfsk_tunable_id id, const char *opt,
		       const char *arg)
{
	const struct nfsk_tunable *t = &nfsk_tunables[id];
	u64 v;

	if (parse_num(arg, &v))
		return cli_usage_error(replay_usage, "--%s: bad number '%s'",
				       opt, arg);
	switch (nfsk_tunable_check(t, v)) {
	case NFSK_TUNABLE_OK:
		vals[id] = (u32)v;
		return 0;
	case NFSK_TUNABLE_EPOW2:
		return cli_usage_error(replay_usage,
				       "--%s %s: not a power of two (%u..%u)",
				       opt, arg, t->min, t->max);
	default:
		return cli_usage_error(replay_usage,
				       "--%s %s: out of range (%u..%u)",
				       opt, arg, t->min, t->max);
	}
}

static void apply_tunables(struct replay *r, const u32 *v)
{
	r->window_ns = (u64)v[NFSK_T_window_ms] * 1000000;
	r->hist_len = v[NFSK_T_history];
	r->g.cms_width = v[NFSK_T_cms_width];
	r->g.cms_depth = v[NFSK_T_cms_depth];
	r->g.sah_entries = v[NFSK_T_sah_entries];
	r->g.topk = v[NFSK_T_topk];
	nfsk_close_flags_cfg(&r->fc, v);
}

/* Q of --query: an address, or 'proto P src A dst B [sport N] [dport N]'. */
static int parse_query(struct replay *r, const char *q)
{
	char buf[256], *tok[12], *save = NULL, *t;
	int n = 0, i, proto = -1, fs = 0, fd = 0;
	long sport = 0, dport = 0;
	u8 sa[16], da[16];
	char *end;

	if (strlen(q) >= sizeof(buf))
		return -1;
	strcpy(buf, q);
	for (t = strtok_r(buf, " \t", &save); t && n < 12;
	     t = strtok_r(NULL, " \t", &save))
		tok[n++] = t;
	if (n == 1) {
		r->query_family = parse_addr(tok[0], r->query_addr);
		return r->query_family ? 0 : -1;
	}
	if (n % 2)
		return -1;
	for (i = 0; i < n; i += 2) {
		const char *k = tok[i], *v = tok[i + 1];

		if (!strcmp(k, "proto")) {
			proto = parse_proto(v);
		} else if (!strcmp(k, "src")) {
			fs = parse_addr(v, sa);
		} else if (!strcmp(k, "dst")) {
			fd = parse_addr(v, da);
		} else if (!strcmp(k, "sport") || !strcmp(k, "type")) {
			sport = strtol(v, &end, 10);
			if (*end || sport < 0 || sport > 65535)
				return -1;
		} else if (!strcmp(k, "dport") || !strcmp(k, "code")) {
			dport = strtol(v, &end, 10);
			if (*end || dport < 0 || dport > 65535)
				return -1;
		} else {
			return -1;
		}
	}
	if (proto < 0 || !fs || fs != fd)
		return -1;
	if (fs == AF_INET)
		nfsk_flow_key_v4(&r->query_key, sa + 12, da + 12, proto,
				 htons(sport), htons(dport));
	else
		nfsk_flow_key_v6(&r->query_key, sa, da, proto, htons(sport),
				 htons(dport));
	r->query_flow = true;
	return 0;
}

/*
 * The --query answer: text "window 5 (100 packets): QUERY" and the
 * estimates; JSON {window_id, window_packets, query, est_*, err_*,
 * held_* | src_packets, dst_packets, err_packets}.
 */
static void print_query(struct replay *r)
{
	struct print p = cli_print(r->c);
	u64 b = r->q_hist_bound;

	print_obj_open(&p, NULL);
	print_u64(&p, PRINT_ANY, "window_id", "window %" PRIu64, r->query_window);
	print_u64(&p, PRINT_ANY, "window_packets", " (%" PRIu64 " packets)",
		  r->q_window_packets);
	print_str(&p, PRINT_ANY, "query", ": %s\n", r->query);
	if (r->query_flow) {
		print_u64(&p, PRINT_ANY, "est_packets", "packets  estimate %" PRIu64,
			  r->q_est.packets);
		print_u64(&p, PRINT_ANY, "err_packets", ", error bound %" PRIu64 "\n",
			  r->q_est.err_packets);
		print_u64(&p, PRINT_ANY, "est_bytes", "bytes    estimate %" PRIu64,
			  r->q_est.bytes);
		print_u64(&p, PRINT_ANY, "err_bytes", ", error bound %" PRIu64 "\n",
			  r->q_est.err_bytes);
		if (r->q_held) {
			print_u64(&p, PRINT_ANY, "held_packets",
				  "held (exact since admission): %" PRIu64 " packets",
				  r->q_held->packets);
			print_u64(&p, PRINT_ANY, "held_bytes", ", %" PRIu64 " bytes\n",
				  r->q_held->bytes);
		}
	} else {
		print_u64(&p, PRINT_ANY, "src_packets", "from     estimate %" PRIu64,
			  r->q_src_packets);
		print_u64(&p, PRINT_FP, NULL, ", error bound %" PRIu64 "\n", b);
		print_u64(&p, PRINT_ANY, "dst_packets", "to       estimate %" PRIu64,
			  r->q_dst_packets);
		print_u64(&p, PRINT_ANY, "err_packets", ", error bound %" PRIu64 "\n", b);
	}
	print_obj_close(&p);
	if (r->c->json)
		json_end(&r->c->j);
}

/* pcapng starts with a Section Header Block, type 0x0a0d0d0a. */
static bool is_pcapng(FILE *f)
{
	u8 m[4];
	bool ng;

	if (fread(m, 1, 4, f) != 4) {
		rewind(f);
		return false;
	}
	ng = m[0] == 0x0a && m[1] == 0x0d && m[2] == 0x0d && m[3] == 0x0a;
	rewind(f);
	return ng;
}

static pcap_t *open_capture(const char *file, bool *pcapng)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p;
	FILE *f;

	*pcapng = false;
	if (!strcmp(file, "-")) {
		f = stdin;	/* pcap rules for time: no look at the magic */
	} else {
		f = fopen(file, "rb");
		if (!f) {
			fprintf(stderr, "nfsketch: replay: %s: %s\n", file,
				strerror(errno));
			return NULL;
		}
		*pcapng = is_pcapng(f);
	}
	p = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO,
						     errbuf);
	if (!p) {
		fprintf(stderr, "nfsketch: replay: %s: %s\n", file, errbuf);
		if (f != stdin)
			fclose(f);
	}
	return p;
}

/* Unix ns of a record; 0 = none (a pcapng Simple Packet Block). */
static u64 record_ns(const struct replay *r, const struct pcap_pkthdr *h)
{
	u64 sec;

	if (r->pcapng)	/* 64-bit in the file: a negative value is pre-1970 */
		sec = h->ts.tv_sec < 0 ? 0 : (u64)h->ts.tv_sec;
	else		/* 32-bit unsigned in the file */
		sec = (u32)h->ts.tv_sec;
	return sec * 1000000000ULL + (u64)(u32)h->ts.tv_usec;
}

/* The first timestamp of a pcapng file, for packets without one before it. */
static u64 first_timestamp(struct replay *r)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	bool ng;
	u64 ts = 0;
	pcap_t *p;

	p = open_capture(r->file, &ng);
	if (!p)
		return 0;
	while (!ts && pcap_next_ex(p, &h, &data) == 1)
		ts = record_ns(r, h);
	pcap_close(p);
	return ts;
}

static void set_incomplete(struct replay *r, pcap_t *p)
{
	const char *e = pcap_geterr(p);

	r->complete = false;
	if (strstr(e, "different from the"))
		snprintf(r->reason, sizeof(r->reason),
			 "pcapng with interfaces of different link types or snapshot lengths, which %s cannot read (it needs every interface to match the first one): %s",
			 pcap_lib_version(), e);
	else
		snprintf(r->reason, sizeof(r->reason), "%s", e);
}

int cmd_replay(struct cli *c, int argc, char **argv)
{
	char names[N_REPLAY_TUNABLES][40];
	struct replay r = { .c = c, .complete = true };
	u32 vals[NFSK_NR_TUNABLES];
	enum nfsk_tunables_cross_err xerr;
	const char *key_arg = REPLAY_DEFAULT_KEY;
	bool default_key = true;
	char key_hex[40], *filter = NULL;
	struct pcap_pkthdr *h;
	const u_char *data;
	struct option *opts;
	uint8_t key[16];
	int o, dlt, rc, ret = 0, i;
	u64 ts;
	pcap_t *p;

	nfsk_geom_default(&r.g);
	nfsk_flags_cfg_default(&r.fc);
	nfsk_tunables_defaults(vals);
	opts = replay_options(names);
	if (!opts) {
		fprintf(stderr, "nfsketch: replay: out of memory\n");
		return EXIT_RUNTIME;
	}

	/* 0, not 1: glibc then forgets main()'s "+" (stop at the first
	 * non-option) and lets FILE come before the options */
	optind = 0;
	opterr = 0;
	while ((o = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (o) {
		case OPT_KEY:
			key_arg = optarg;
			default_key = false;
			break;
		case OPT_SKETCH:
			r.sketch = true;
			break;
		case OPT_ROUTES:
			r.routes = optarg;
			break;
		case OPT_QUERY:
			r.query = optarg;
			if (parse_query(&r, optarg)) {
				cli_usage_error(replay_usage,
						"--query: bad address or flow '%s'",
						optarg);
				goto usage;
			}
			break;
		case OPT_WINDOW:
			if (parse_num(optarg, &r.query_window) || !r.query_window) {
				cli_usage_error(replay_usage,
						"--window: bad window id '%s'",
						optarg);
				goto usage;
			}
			break;
		case OPT_TOP:
			if (set_tunable(vals, NFSK_T_topk, "top", optarg))
				goto usage;
			break;
		case 'h':
			print_tunables_help();
			free(opts);
			return 0;
		case ':':
			cli_usage_error(replay_usage, "option '%s' needs a value",
					argv[optind - 1]);
			goto usage;
		case '?':
			cli_usage_error(replay_usage, "unknown option '%s'",
					argv[optind - 1]);
			goto usage;
		default:
			if (o < OPT_TUNABLE || o >= OPT_TUNABLE + NFSK_NR_TUNABLES)
				goto usage;	/* not reached: getopt's own values */
			for (i = 0; i < (int)N_REPLAY_TUNABLES; i++)
				if ((int)replay_tunables[i] == o - OPT_TUNABLE)
					break;
			if (set_tunable(vals, o - OPT_TUNABLE, names[i], optarg))
				goto usage;
			break;
		}
	}
	free(opts);
	opts = NULL;
	if (!!r.query != !!r.query_window)
		return cli_usage_error(replay_usage,
				       "--query and --window go together");
	if (r.query && r.sketch)
		return cli_usage_error(replay_usage,
				       "--query and --sketch exclude each other");
	xerr = nfsk_tunables_check_cross(vals);
	if (xerr != NFSK_CROSS_OK)
		return cli_usage_error(replay_usage, "%s",
				       nfsk_tunables_cross_msg(xerr));
	apply_tunables(&r, vals);
	if (!nfsk_geom_ok(&r.g))	/* the table's ranges imply it */
		return cli_usage_error(replay_usage, "bad geometry");

	if (optind >= argc && !r.routes)
		return cli_usage_error(replay_usage,
				       "replay needs a FILE or --routes RFILE");
	if (optind < argc && r.routes && !strcmp(argv[optind], "-") &&
	    !strcmp(r.routes, "-"))
		return cli_usage_error(replay_usage,
				       "FILE and --routes cannot both be stdin");
	r.file = optind < argc ? argv[optind++] : NULL;
	if (optind < argc) {
		/* the rest is the filter, as tcpdump joins its arguments */
		size_t len = 1;

		for (i = optind; i < argc; i++)
			len += strlen(argv[i]) + 1;
		filter = calloc(1, len);
		if (!filter) {
			fprintf(stderr, "nfsketch: replay: out of memory\n");
			return EXIT_RUNTIME;
		}
		for (i = optind; i < argc; i++) {
			if (i > optind)
				strcat(filter, " ");
			strcat(filter, argv[i]);
		}
	}

	if (!strcmp(key_arg, "random")) {
		if (getrandom(key, sizeof(key), 0) != sizeof(key)) {
			fprintf(stderr, "nfsketch: replay: getrandom: %s\n",
				strerror(errno));
			free(filter);
			return EXIT_RUNTIME;
		}
	} else if (parse_hex_key(key_arg, key)) {
		free(filter);
		return cli_usage_error(replay_usage,
				       "--key needs 32 hex digits or 'random'");
	}
	for (i = 0; i < 16; i++)
		snprintf(key_hex + 2 * i, 3, "%02x", key[i]);
	memcpy(&r.hk.k0, key, 8);	/* little-endian, as the kernel's */
	memcpy(&r.hk.k1, key + 8, 8);	/* get_unaligned_le64() */
	r.hk.k0 = le64toh(r.hk.k0);
	r.hk.k1 = le64toh(r.hk.k1);
	nfsk_hash_key_expand(&r.hk);

	p = NULL;
	dlt = -1;
	if (r.file) {
		p = open_capture(r.file, &r.pcapng);
		if (!p) {
			free(filter);
			return EXIT_RUNTIME;
		}
		dlt = pcap_datalink(p);
		if (!rp_linktype_ok(dlt)) {
			const char *n = pcap_datalink_val_to_name(dlt);

			fprintf(stderr,
				"nfsketch: replay: %s: unsupported link type %d (%s); supported: Ethernet, Linux SLL, SLL2, raw IPv4/IPv6\n",
				r.file, dlt, n ? n : "unknown");
			pcap_close(p);
			free(filter);
			return EXIT_RUNTIME;
		}
		if (filter) {
			if (pcap_compile(p, &r.filter, filter, 1,
					 PCAP_NETMASK_UNKNOWN) < 0) {
				fprintf(stderr, "nfsketch: replay: %s: filter '%s': %s\n",
					r.file, filter, pcap_geterr(p));
				pcap_close(p);
				free(filter);
				return EXIT_USAGE;
			}
			r.have_filter = true;
		}
	}
	if (r.routes) {
		if (ri_open(&r.ri, r.routes, vals)) {
			if (p)
				pcap_close(p);
			replay_free(&r);
			free(filter);
			return EXIT_RUNTIME;
		}
		r.have_routes = true;
		if (!r.file)
			r.file = r.routes;	/* for the messages */
	}
	if (p) {
		if (bi_open(&r.bgp, vals)) {
			pcap_close(p);
			replay_free(&r);
			free(filter);
			return EXIT_RUNTIME;
		}
		r.have_bgp = true;
	}
	if (replay_init(&r)) {
		if (p)
			pcap_close(p);
		replay_free(&r);
		free(filter);
		return EXIT_RUNTIME;
	}

	if (r.sketch || r.query) {
		fprintf(stderr, "nfsketch: replay: key %s\n", key_hex);
	} else if (c->json) {
		json_obj_open(&c->j, NULL);
		json_arr_open(&c->j, "windows");
	} else {
		printf("replay %s%s%s: key %s%s\n", p ? r.file : "",
		       p && r.routes ? ", routes " : r.routes ? "routes " : "",
		       r.routes ? r.routes : "", key_hex,
		       default_key ?
		       " (the fixed default; --key random for a random one)" : "");
	}
	rc = 1;
	while (p && (rc = pcap_next_ex(p, &h, &data)) == 1) {
		ts = record_ns(&r, h);
		if (r.pcapng && !ts) {
			r.no_timestamp++;
			ts = r.started ? r.last_ts : first_timestamp(&r);
		}
		r.last_ts = ts;
		if (replay_routes(&r, ts))
			break;
		replay_packet(&r, dlt, h, data, ts);
	}
	if (p && rc == PCAP_ERROR) {
		set_incomplete(&r, p);
		fprintf(stderr, "nfsketch: replay: %s: %s\n", r.file, r.reason);
		ret = EXIT_RUNTIME;
	}
	if (replay_routes(&r, ~0ULL)) {
		r.complete = false;
		snprintf(r.reason, sizeof(r.reason), "%s:%lu: bad line",
			 r.routes, r.ri.line);
		ret = EXIT_RUNTIME;
	}
	if (r.started)
		close_window(&r);
	if (r.query) {
		if (!r.answered) {
			fprintf(stderr, "nfsketch: replay: %s: no window %" PRIu64
				" (%" PRIu64 " windows)\n", r.file,
				r.query_window, r.closed);
			ret = ret ? ret : EXIT_RUNTIME;
		} else if (!ret) {
			print_query(&r);
		}
	} else if (r.sketch) {
		if (!r.started) {
			fprintf(stderr, "nfsketch: replay: %s: no packets, no window\n",
				r.file);
			ret = EXIT_RUNTIME;
		} else if (!ret) {
			print_sketch(&r);
		}
	} else {
		if (c->json)
			json_arr_close(&c->j);
		print_summary(&r, dlt, key_hex, filter);
		if (c->json) {
			json_obj_close(&c->j);
			json_end(&c->j);
		}
	}
	if (p)
		pcap_close(p);
	replay_free(&r);
	free(filter);
	return ret;

usage:
	free(opts);
	return EXIT_USAGE;
}
