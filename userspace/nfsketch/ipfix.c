// SPDX-License-Identifier: GPL-2.0
/*
 * nfsketch export --ipfix: every closed window's top flows and a window
 * summary as IPFIX (RFC 7011) to one or more collectors, with libfixbuf.
 *
 * On each WINDOW_NTF the top flows of that window are asked for (TOPK_GET,
 * which answers for the newest closed window: its id is checked, and a
 * window that a newer one overtook before the request is counted as missed
 * and said on stderr). Records:
 *  - a flow (template 256 for IPv4, 257 for IPv6): flowStart/EndMilliseconds
 *    = the window's bounds, octetDeltaCount/packetDeltaCount = the counts
 *    Sample-and-Hold held (exact from admission, what `nfsketch top` shows),
 *    the 5-tuple (ICMP: sourceTransportPort 0, destinationTransportPort
 *    type << 8 | code, the NetFlow convention collectors read), and the
 *    Count-Min estimate and its bound as enterprise elements;
 *  - a window summary (template 258): the window's bounds and totals, id,
 *    flags and entropies.
 * Enterprise elements use PEN 32473, the number IANA reserves for
 * documentation and examples (RFC 5612): a placeholder until the project
 * has its own.
 *
 * Wall-clock: the kernel gives CLOCK_MONOTONIC starts; the bounds are
 * start + (CLOCK_REALTIME - CLOCK_MONOTONIC) measured when the window event
 * arrives, so a clock step between the window's start and its export shifts
 * that window's bounds by the step.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fixbuf/public.h>
#include <linux/nfsketch.h>
#include <nfsketch/bank.h>
#include "cmd.h"
#include "evsub.h"

static const char export_usage[] =
	"Usage: nfsketch export --ipfix HOST:PORT [--ipfix HOST:PORT...] [--udp|--tcp]\n"
	"Send every closed window's top flows and a window summary of this network\n"
	"namespace as IPFIX (RFC 7011) to each collector, until SIGINT/SIGTERM.\n"
	"Prints one line per exported window. Needs CAP_NET_ADMIN.\n"
	"  --ipfix HOST:PORT  a collector ([V6ADDR]:PORT for IPv6); up to 8\n"
	"  --udp              over UDP (default; templates resent every 30 s)\n"
	"  --tcp              over TCP (reconnects at the next window on error)\n"
	"(long options only: -i, -t and -c mean interval, timestamps and count in\n"
	"the other commands)\n";

#define NFSK_PEN		32473	/* RFC 5612 documentation PEN: placeholder */
#define TID_FLOW4		256
#define TID_FLOW6		257
#define TID_WINDOW		258
#define MAX_COLLECTORS		8
#define TEMPLATE_REFRESH_S	30

static fbInfoElement_t nfsk_elements[] = {
	FB_IE_INIT_FULL("nfsketchWindowId", NFSK_PEN, 1, 8, FB_IE_F_ENDIAN |
			FB_IE_IDENTIFIER, 0, 0, FB_UINT_64,
			"nfsketch window id"),
	FB_IE_INIT_FULL("nfsketchEstimatedOctets", NFSK_PEN, 2, 8, FB_IE_F_ENDIAN |
			FB_UNITS_OCTETS, 0, 0, FB_UINT_64,
			"Count-Min estimate of the flow's octets in the window"),
	FB_IE_INIT_FULL("nfsketchEstimateBoundOctets", NFSK_PEN, 3, 8, FB_IE_F_ENDIAN |
			FB_UNITS_OCTETS, 0, 0, FB_UINT_64,
			"estimate - truth <= this (Count-Min bound)"),
	FB_IE_INIT_FULL("nfsketchEstimatedPackets", NFSK_PEN, 4, 8, FB_IE_F_ENDIAN |
			FB_UNITS_PACKETS, 0, 0, FB_UINT_64,
			"Count-Min estimate of the flow's packets in the window"),
	FB_IE_INIT_FULL("nfsketchEstimateBoundPackets", NFSK_PEN, 5, 8, FB_IE_F_ENDIAN |
			FB_UNITS_PACKETS, 0, 0, FB_UINT_64,
			"estimate - truth <= this (Count-Min bound)"),
	FB_IE_INIT_FULL("nfsketchWindowFlags", NFSK_PEN, 6, 4, FB_IE_F_ENDIAN |
			FB_IE_FLAGS, 0, 0, FB_UINT_32,
			"NFSKETCH_FLAG_* raised in the window"),
	FB_IE_INIT_FULL("nfsketchSrcEntropyMilliBits", NFSK_PEN, 7, 4, FB_IE_F_ENDIAN,
			0, 0, FB_UINT_32, "entropy of source addresses, milli-bits"),
	FB_IE_INIT_FULL("nfsketchDstEntropyMilliBits", NFSK_PEN, 8, 4, FB_IE_F_ENDIAN,
			0, 0, FB_UINT_32, "entropy of destination addresses, milli-bits"),
	FB_IE_NULL
};

/* The records as libfixbuf lays them out: the template's order, packed. */
#define FLOW_COMMON \
	uint64_t	start_ms, end_ms, octets, packets;	\
	uint64_t	est_octets, err_octets, est_packets, err_packets; \
	uint64_t	window_id

struct __attribute__((packed)) flow4_rec {
	FLOW_COMMON;
	uint32_t	src, dst;	/* host order, as fixbuf takes them */
	uint16_t	sport, dport;
	uint8_t		proto;
};

struct __attribute__((packed)) flow6_rec {
	FLOW_COMMON;
	uint8_t		src[16], dst[16];
	uint16_t	sport, dport;
	uint8_t		proto;
};

struct __attribute__((packed)) window_rec {
	uint64_t	start_ms, end_ms, octets, packets, window_id;
	uint32_t	flags, src_entropy, dst_entropy;
};

#define FLOW_SPEC_COMMON \
	{ "flowStartMilliseconds", 8, 0 }, { "flowEndMilliseconds", 8, 0 },	\
	{ "octetDeltaCount", 8, 0 }, { "packetDeltaCount", 8, 0 },		\
	{ "nfsketchEstimatedOctets", 8, 0 }, { "nfsketchEstimateBoundOctets", 8, 0 }, \
	{ "nfsketchEstimatedPackets", 8, 0 }, { "nfsketchEstimateBoundPackets", 8, 0 }, \
	{ "nfsketchWindowId", 8, 0 }

static fbInfoElementSpec_t flow4_spec[] = {
	FLOW_SPEC_COMMON,
	{ "sourceIPv4Address", 4, 0 }, { "destinationIPv4Address", 4, 0 },
	{ "sourceTransportPort", 2, 0 }, { "destinationTransportPort", 2, 0 },
	{ "protocolIdentifier", 1, 0 },
	FB_IESPEC_NULL
};

static fbInfoElementSpec_t flow6_spec[] = {
	FLOW_SPEC_COMMON,
	{ "sourceIPv6Address", 16, 0 }, { "destinationIPv6Address", 16, 0 },
	{ "sourceTransportPort", 2, 0 }, { "destinationTransportPort", 2, 0 },
	{ "protocolIdentifier", 1, 0 },
	FB_IESPEC_NULL
};

static fbInfoElementSpec_t window_spec[] = {
	{ "flowStartMilliseconds", 8, 0 }, { "flowEndMilliseconds", 8, 0 },
	{ "octetDeltaCount", 8, 0 }, { "packetDeltaCount", 8, 0 },
	{ "nfsketchWindowId", 8, 0 }, { "nfsketchWindowFlags", 4, 0 },
	{ "nfsketchSrcEntropyMilliBits", 4, 0 }, { "nfsketchDstEntropyMilliBits", 4, 0 },
	FB_IESPEC_NULL
};

struct collector {
	char		*host, *port, *name;
	fBuf_t		*buf;		/* owns its session and exporter; NULL: closed */
	time_t		templates_sent;
};

struct ipfix {
	fbInfoModel_t	*model;
	fbTransport_t	transport;
	struct collector coll[MAX_COLLECTORS];
	unsigned int	ncoll;
	struct nfsk_nl	req;		/* TOPK_GET; the events have their own */
	struct evsub	ev;
	unsigned long long missed;	/* windows overtaken before TOPK_GET */
	int		err;		/* a request failed: stop */
};

static void print_gerror(const struct collector *col, const char *what, GError *err)
{
	fprintf(stderr, "nfsketch: %s: %s: %s\n", col->name, what,
		err ? err->message : "?");
	g_clear_error(&err);
}

static int add_template(fbSession_t *s, fbInfoModel_t *m,
			fbInfoElementSpec_t *spec, uint16_t tid, GError **err)
{
	fbTemplate_t *t = fbTemplateAlloc(m);

	if (!fbTemplateAppendSpecArray(t, spec, UINT32_MAX, err)) {
		fbTemplateFreeUnused(t);
		return -1;
	}
	/* the same layout inside and on the wire */
	if (!fbSessionAddTemplate(s, TRUE, tid, t, err) ||
	    !fbSessionAddTemplate(s, FALSE, tid, t, err))
		return -1;
	return 0;
}

static void collector_close(struct collector *col)
{
	if (col->buf)
		fBufFree(col->buf);	/* frees its session and exporter */
	col->buf = NULL;
}

static int collector_open(struct ipfix *x, struct collector *col)
{
	fbConnSpec_t spec = { .transport = x->transport, .host = col->host,
			      .svc = col->port };
	GError *err = NULL;
	fbSession_t *s = fbSessionAlloc(x->model);
	fbExporter_t *e;

	if (add_template(s, x->model, flow4_spec, TID_FLOW4, &err) ||
	    add_template(s, x->model, flow6_spec, TID_FLOW6, &err) ||
	    add_template(s, x->model, window_spec, TID_WINDOW, &err)) {
		print_gerror(col, "template", err);
		fbSessionFree(s);
		return -1;
	}
	e = fbExporterAllocNet(&spec);
	if (!e) {
		fprintf(stderr, "nfsketch: %s: cannot set up the exporter\n", col->name);
		fbSessionFree(s);
		return -1;
	}
	col->buf = fBufAllocForExport(s, e);
	col->templates_sent = 0;
	return 0;
}

static uint64_t realtime_offset_ns(void)
{
	struct timespec rt, mono;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	return (rt.tv_sec - mono.tv_sec) * 1000000000ULL + rt.tv_nsec - mono.tv_nsec;
}

struct window_ctx {
	struct ipfix	*x;
	uint64_t	id;
	struct window_rec w;
	struct flow4_rec f4[NFSK_TOPK_MAX];
	struct flow6_rec f6[NFSK_TOPK_MAX];
	unsigned int	n4, n6;
	bool		matched;
};

static void flow_record(struct window_ctx *wc, const struct nlattr **tb)
{
	const uint8_t *src = mnl_attr_get_payload(tb[NFSKETCH_A_FLOW_SRC]);
	const uint8_t *dst = mnl_attr_get_payload(tb[NFSKETCH_A_FLOW_DST]);
	uint8_t proto = nfsk_nl_u64(tb[NFSKETCH_A_FLOW_PROTO]);
	uint16_t sport = nfsk_nl_u64(tb[NFSKETCH_A_FLOW_SPORT]);
	uint16_t dport = nfsk_nl_u64(tb[NFSKETCH_A_FLOW_DPORT]);
	bool v4 = nfsk_nl_u64(tb[NFSKETCH_A_FLOW_FAMILY]) == AF_INET;
	struct flow6_rec *r6 = NULL;
	struct flow4_rec *r4 = NULL;

	if (proto == 1 || proto == 58) {	/* type, code */
		dport = sport << 8 | (dport & 0xff);
		sport = 0;
	}
#define FILL(r) do {							\
		(r)->start_ms = wc->w.start_ms;				\
		(r)->end_ms = wc->w.end_ms;				\
		(r)->octets = nfsk_nl_u64(tb[NFSKETCH_A_FLOW_BYTES]);	\
		(r)->packets = nfsk_nl_u64(tb[NFSKETCH_A_FLOW_PACKETS]); \
		(r)->est_octets = nfsk_nl_u64(tb[NFSKETCH_A_FLOW_EST_BYTES]); \
		(r)->err_octets = nfsk_nl_u64(tb[NFSKETCH_A_FLOW_ERR_BYTES]); \
		(r)->est_packets = nfsk_nl_u64(tb[NFSKETCH_A_FLOW_EST_PACKETS]); \
		(r)->err_packets = nfsk_nl_u64(tb[NFSKETCH_A_FLOW_ERR_PACKETS]); \
		(r)->window_id = wc->id;				\
		(r)->sport = sport;					\
		(r)->dport = dport;					\
		(r)->proto = proto;					\
	} while (0)
	if (v4 && wc->n4 < NFSK_TOPK_MAX) {
		r4 = &wc->f4[wc->n4++];
		FILL(r4);
		r4->src = (uint32_t)src[12] << 24 | src[13] << 16 | src[14] << 8 | src[15];
		r4->dst = (uint32_t)dst[12] << 24 | dst[13] << 16 | dst[14] << 8 | dst[15];
	} else if (!v4 && wc->n6 < NFSK_TOPK_MAX) {
		r6 = &wc->f6[wc->n6++];
		FILL(r6);
		memcpy(r6->src, src, 16);
		memcpy(r6->dst, dst, 16);
	}
#undef FILL
}

static int topk_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *wtb[NFSKETCH_A_WINDOW_MAX + 1];
	const struct nlattr *tb[NFSKETCH_A_FLOW_MAX + 1];
	struct window_ctx *wc = data;
	const struct nlattr *a, *f;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != NFSKETCH_A_WINDOW)
			continue;
		nfsk_nl_parse_nest(a, wtb, NFSKETCH_A_WINDOW_MAX);
		if (nfsk_nl_u64(wtb[NFSKETCH_A_WINDOW_ID]) != wc->id ||
		    !wtb[NFSKETCH_A_WINDOW_TOPK])
			continue;
		wc->matched = true;
		mnl_attr_for_each_nested(f, wtb[NFSKETCH_A_WINDOW_TOPK]) {
			if (mnl_attr_get_type(f) != NFSKETCH_A_FLOW)
				continue;
			flow_parse(f, tb);
			if (!tb[NFSKETCH_A_FLOW_SRC] || !tb[NFSKETCH_A_FLOW_DST] ||
			    mnl_attr_get_payload_len(tb[NFSKETCH_A_FLOW_SRC]) != 16 ||
			    mnl_attr_get_payload_len(tb[NFSKETCH_A_FLOW_DST]) != 16)
				continue;
			flow_record(wc, tb);
		}
	}
	return MNL_CB_OK;
}

static bool append(struct collector *col, uint16_t tid, void *rec, size_t len)
{
	GError *err = NULL;

	if (!fBufSetInternalTemplate(col->buf, tid, &err) ||
	    !fBufSetExportTemplate(col->buf, tid, &err) ||
	    !fBufAppend(col->buf, rec, len, &err)) {
		print_gerror(col, "append", err);
		return false;
	}
	return true;
}

/* One window's records to one collector; false (closed) on error. */
static bool send_window(struct ipfix *x, struct collector *col,
			struct window_ctx *wc)
{
	GError *err = NULL;
	time_t now = time(NULL);
	unsigned int i;

	if (!col->buf && collector_open(x, col))
		return false;
	if (!col->templates_sent ||
	    (x->transport == FB_UDP && now - col->templates_sent >= TEMPLATE_REFRESH_S)) {
		if (!fbSessionExportTemplates(fBufGetSession(col->buf), &err)) {
			print_gerror(col, "templates", err);
			goto fail;
		}
		col->templates_sent = now;
	}
	for (i = 0; i < wc->n4; i++)
		if (!append(col, TID_FLOW4, &wc->f4[i], sizeof(wc->f4[i])))
			goto fail;
	for (i = 0; i < wc->n6; i++)
		if (!append(col, TID_FLOW6, &wc->f6[i], sizeof(wc->f6[i])))
			goto fail;
	if (!append(col, TID_WINDOW, &wc->w, sizeof(wc->w)))
		goto fail;
	if (!fBufEmit(col->buf, &err)) {
		print_gerror(col, "send", err);
		goto fail;
	}
	return true;
fail:
	collector_close(col);
	return false;
}

static void on_window(struct ipfix *x, const struct nlattr *nest)
{
	const struct nlattr *tb[NFSKETCH_A_WINDOW_MAX + 1];
	static struct window_ctx wc;	/* 2 x NFSK_TOPK_MAX records */
	uint64_t start_ns, off = realtime_offset_ns();
	struct nlmsghdr *nlh;
	unsigned int i, sent = 0;

	nfsk_nl_parse_nest(nest, tb, NFSKETCH_A_WINDOW_MAX);
	memset(&wc, 0, sizeof(wc));
	wc.x = x;
	wc.id = nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_ID]);
	start_ns = nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_START_NS]) + off;
	wc.w.start_ms = start_ns / 1000000;
	wc.w.end_ms = (start_ns + nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_LENGTH_NS])) / 1000000;
	wc.w.octets = nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_BYTES]);
	wc.w.packets = nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_PACKETS]);
	wc.w.window_id = wc.id;
	wc.w.flags = nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_FLAGS]);
	wc.w.src_entropy = nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_SRC_ENTROPY]);
	wc.w.dst_entropy = nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_DST_ENTROPY]);

	nlh = nfsk_nl_request(&x->req, NFSKETCH_CMD_TOPK_GET, 0);
	mnl_attr_put_u8(nlh, NFSKETCH_A_TOPK_BY, NFSKETCH_TOPK_BY_BYTES);
	if (nfsk_nl_talk(&x->req, nlh, topk_cb, &wc)) {
		x->err = -1;
		return;
	}
	if (!wc.matched) {
		x->missed++;
		fprintf(stderr, "nfsketch: window %" PRIu64 ": a newer window closed "
			"before its top flows were read; summary only (%llu missed)\n",
			wc.id, x->missed);
	}
	for (i = 0; i < x->ncoll; i++)
		sent += send_window(x, &x->coll[i], &wc);
	printf("window %" PRIu64 ": %u flows, summary to %u of %u collectors\n",
	       wc.id, wc.n4 + wc.n6, sent, x->ncoll);
	fflush(stdout);
}

static volatile sig_atomic_t export_stop;

static void export_signal(int sig)
{
	export_stop = 1;
}

static void export_event(uint8_t cmd, const struct nlmsghdr *nlh, void *data)
{
	struct ipfix *x = data;
	const struct nlattr *a;

	if (cmd != NFSKETCH_CMD_WINDOW_NTF)
		return;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == NFSKETCH_A_WINDOW)
			on_window(x, a);
	if (x->err)	/* the module went away, or refuses us: stop */
		export_stop = 1;
}

/* "HOST:PORT" or "[V6]:PORT" into newly allocated host and port. */
static int parse_hostport(const char *s, char **host, char **port)
{
	const char *colon = strrchr(s, ':');
	size_t hl;

	if (!colon || !colon[1] || !cli_parse_count(colon + 1, 65535))
		return -1;
	hl = colon - s;
	if (hl >= 2 && s[0] == '[' && s[hl - 1] == ']') {
		s++;
		hl -= 2;
	}
	if (!hl)
		return -1;
	*host = strndup(s, hl);
	*port = strdup(colon + 1);
	return *host && *port ? 0 : -1;
}

int cmd_export(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ipfix", required_argument, NULL, 'I' },
		{ "udp", no_argument, NULL, 'U' },
		{ "tcp", no_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ipfix x = { .transport = FB_UDP };
	sigset_t orig;
	unsigned int i;
	int o, ret;

	optind = 1;
	opterr = 0;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case 'I':
			if (x.ncoll == MAX_COLLECTORS)
				return cli_usage_error(export_usage, "at most %d collectors",
						       MAX_COLLECTORS);
			if (parse_hostport(optarg, &x.coll[x.ncoll].host,
					   &x.coll[x.ncoll].port))
				return cli_usage_error(export_usage,
						       "--ipfix takes HOST:PORT, not '%s'", optarg);
			x.coll[x.ncoll++].name = optarg;
			break;
		case 'U':
			x.transport = FB_UDP;
			break;
		case 'T':
			x.transport = FB_TCP;
			break;
		case 'h':
			fputs(export_usage, stdout);
			return 0;
		default:
			return cli_usage_error(export_usage, "bad option '%s'",
					       argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(export_usage, "unexpected argument '%s'", argv[optind]);
	if (!x.ncoll)
		return cli_usage_error(export_usage, "--ipfix HOST:PORT is required");

	x.model = fbInfoModelAlloc();
	fbInfoModelAddElementArray(x.model, nfsk_elements);
	cli_catch_signals(export_signal, &orig);
	ret = -1;
	if (nfsk_nl_open(&x.req))
		goto free_collectors;
	if (evsub_open(&x.ev))
		goto close_req;
	fprintf(stderr, "nfsketch: exporting every window's top flows over %s\n",
		x.transport == FB_TCP ? "TCP" : "UDP");
	ret = evsub_loop(&x.ev, &export_stop, &orig, export_event, &x);
	evsub_close(&x.ev);
close_req:
	nfsk_nl_close(&x.req);
free_collectors:
	for (i = 0; i < x.ncoll; i++) {
		collector_close(&x.coll[i]);
		free(x.coll[i].host);
		free(x.coll[i].port);
	}
	fbInfoModelFree(x.model);
	return ret || x.err ? EXIT_RUNTIME : 0;
}
