// SPDX-License-Identifier: GPL-2.0
/*
 * nfsketch exporter: a Prometheus endpoint (libmicrohttpd) that follows the
 * events group, so that what happened between two scrapes is in counters:
 * alerts per flag, packets per protocol and family, route events per kind
 * (and protocol, from ROUTE_NTF), histograms of window sizes. Each scrape
 * adds the namespace totals and the last window's gauges, written by the
 * same code as `stats --prometheus` (prometheus.c).
 *
 * With --netns all, one such set per namespace of ip netns (/run/netns),
 * each sample labelled netns="NAME": the list is rescanned every second
 * and at each scrape, so namespaces created or deleted meanwhile are
 * followed (a namespace's counters start when it is first seen).
 *
 * Threads: the main thread receives events and updates the counters; the
 * HTTP thread of libmicrohttpd (one, MHD_USE_INTERNAL_POLLING_THREAD)
 * answers scrapes with its own request socket(s). exporter_lock protects
 * the counters and the namespace list; a request socket is the HTTP
 * thread's alone. Both threads add namespaces (setns() is per thread), only
 * the main thread frees them, so its event sockets stay valid while it
 * polls them unlocked.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netdb.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <poll.h>
#include <sched.h>
#include <unistd.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <microhttpd.h>
#include <linux/nfsketch.h>
#include "cmd.h"
#include "evsub.h"
#include "rtnames.h"
#include "fmt.h"
#include "promtext.h"

static const char exporter_usage[] =
	"Usage: nfsketch exporter --listen ADDR:PORT [--netns all]\n"
	"Serve Prometheus metrics of this network namespace on\n"
	"http://ADDR:PORT/metrics until SIGINT/SIGTERM, counting every event in\n"
	"between scrapes (alerts per flag, packets per protocol and family, route\n"
	"events per kind and protocol, window size histograms).\n"
	"  -l, --listen ADDR:PORT  127.0.0.1:9917, [::1]:9917, or :9917 for every\n"
	"                          address (IPv4 and IPv6)\n"
	"  --netns all             every namespace of ip netns (/run/netns) at\n"
	"                          once, each series labelled netns=\"NAME\";\n"
	"                          namespaces created or deleted while running\n"
	"                          are followed\n"
	"Without --netns all: this namespace (-n NETNS or ip netns exec).\n";

#define NFLAGS		9
_Static_assert(NFSKETCH_FLAG_MASK == (1U << NFLAGS) - 1, "flag count");

/* Window size histograms: upper bounds, powers of ten. */
#define NBUCKETS	8
static const uint64_t pkt_le[NBUCKETS] = {
	10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
};
static const uint64_t byte_le[NBUCKETS] = {
	1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000,
	10000000000ULL,
};

struct histo {
	uint64_t	bucket[NBUCKETS];	/* not cumulative; summed when written */
	uint64_t	count, sum;
};

static pthread_mutex_t exporter_lock = PTHREAD_MUTEX_INITIALIZER;

struct exporter {
	struct evsub	ev;
	/* --netns all: the namespace, its identity, and the list */
	char		name[NAME_MAX + 1];
	dev_t		dev;
	ino_t		ino;
	int		nsfd;
	bool		gone;		/* deleted (or its socket failed) */
	struct exporter	*next;
	/* counters from the events, under exporter_lock */
	uint64_t	alerts[NFLAGS];
	uint64_t	flagged_windows[NFLAGS];
	uint64_t	windows;
	uint64_t	last_window_id;
	uint64_t	proto_pkts[NPROM_PROTOS];
	uint64_t	family_pkts[NPROM_FAMILIES];
	uint64_t	route_kind[NPROM_ROUTE_KINDS];
	uint64_t	route_ntf[2][NFSKETCH_ROUTE_MAX + 1][256];	/* family, event, rtprot */
	uint64_t	route_coalesced;
	struct histo	win_packets, win_bytes;
	/* the HTTP thread's own */
	struct nfsk_nl	req;
	bool		req_open;
};

static void histo_add(struct histo *h, const uint64_t *le, uint64_t v)
{
	unsigned int i;

	for (i = 0; i < NBUCKETS; i++)
		if (v <= le[i]) {
			h->bucket[i]++;
			break;
		}
	h->count++;
	h->sum += v;
}

static void on_window(struct exporter *ex, const struct nlattr *nest)
{
	const struct nlattr *tb[NFSKETCH_A_WINDOW_MAX + 1];
	uint64_t flags;
	unsigned int i;

	nfsk_nl_parse_nest(nest, tb, NFSKETCH_A_WINDOW_MAX);
	flags = nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_FLAGS]);
	ex->windows++;
	ex->last_window_id = nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_ID]);
	for (i = 0; i < NFLAGS; i++)
		if (flags & (1U << i))
			ex->flagged_windows[i]++;
	for (i = 0; i < NPROM_PROTOS; i++)
		ex->proto_pkts[i] += nfsk_nl_u64(tb[prom_protos[i].attr]);
	for (i = 0; i < NPROM_FAMILIES; i++)
		ex->family_pkts[i] += nfsk_nl_u64(tb[prom_families[i].attr]);
	for (i = 0; i < NPROM_ROUTE_KINDS; i++)
		ex->route_kind[i] += nfsk_nl_u64(tb[prom_route_kinds[i].attr]);
	histo_add(&ex->win_packets, pkt_le, nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_PACKETS]));
	histo_add(&ex->win_bytes, byte_le, nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_BYTES]));
}

static void on_alert(struct exporter *ex, const struct nlattr *nest)
{
	const struct nlattr *tb[NFSKETCH_A_ALERT_MAX + 1];
	uint64_t flag;
	unsigned int i;

	nfsk_nl_parse_nest(nest, tb, NFSKETCH_A_ALERT_MAX);
	flag = nfsk_nl_u64(tb[NFSKETCH_A_ALERT_FLAG]);
	for (i = 0; i < NFLAGS; i++)
		if (flag == (1U << i))
			ex->alerts[i]++;
}

static void on_route(struct exporter *ex, const struct nlattr *nest)
{
	const struct nlattr *tb[NFSKETCH_A_ROUTE_MAX + 1];
	uint64_t ev;

	nfsk_nl_parse_nest(nest, tb, NFSKETCH_A_ROUTE_MAX);
	if (tb[NFSKETCH_A_ROUTE_COALESCED] && !tb[NFSKETCH_A_ROUTE_DST]) {
		ex->route_coalesced += nfsk_nl_u64(tb[NFSKETCH_A_ROUTE_COALESCED]);
		return;
	}
	ev = nfsk_nl_u64(tb[NFSKETCH_A_ROUTE_EVENT]);
	if (ev > NFSKETCH_ROUTE_MAX)
		return;
	ex->route_ntf[nfsk_nl_u64(tb[NFSKETCH_A_ROUTE_FAMILY]) == AF_INET6]
		     [ev][nfsk_nl_u64(tb[NFSKETCH_A_ROUTE_PROTOCOL]) & 0xff]++;
}

static void exporter_event(uint8_t cmd, const struct nlmsghdr *nlh, void *data)
{
	struct exporter *ex = data;
	const struct nlattr *a;

	pthread_mutex_lock(&exporter_lock);
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		unsigned int t = mnl_attr_get_type(a);

		if (cmd == NFSKETCH_CMD_WINDOW_NTF && t == NFSKETCH_A_WINDOW)
			on_window(ex, a);
		else if (cmd == NFSKETCH_CMD_ALERT_NTF && t == NFSKETCH_A_ALERT)
			on_alert(ex, a);
		else if (cmd == NFSKETCH_CMD_ROUTE_NTF && t == NFSKETCH_A_ROUTE)
			on_route(ex, a);
	}
	pthread_mutex_unlock(&exporter_lock);
}

static void write_histo(FILE *out, const char *name, const char *help,
			const struct histo *h, const uint64_t *le)
{
	uint64_t cum = 0;
	unsigned int i;

	prom_head(out, name, "histogram", help);
	for (i = 0; i < NBUCKETS; i++) {
		cum += h->bucket[i];
		fprintf(out, "%s_bucket{le=\"%" PRIu64 "\"} %" PRIu64 "\n", name, le[i], cum);
	}
	fprintf(out, "%s_bucket{le=\"+Inf\"} %" PRIu64 "\n", name, h->count);
	fprintf(out, "%s_sum %" PRIu64 "\n%s_count %" PRIu64 "\n", name, h->sum,
		name, h->count);
}

/* The counters of the events; called with ex->lock held. */
static void write_counters(FILE *out, const struct exporter *ex)
{
	static const char *const ev_name[] = { "add", "del", "replace" };
	char lc[32], pb[16];
	unsigned int i, f, e, p;

	prom_head(out, "nfsketch_alerts_total", "counter",
		  "Alerts (ALERT_NTF) received per flag since the exporter started.");
	for (i = 0; i < NFLAGS; i++)
		fprintf(out, "nfsketch_alerts_total{flag=\"%s\"} %" PRIu64 "\n",
			prom_flag_label(i, lc, sizeof(lc)), ex->alerts[i]);
	prom_head(out, "nfsketch_flagged_windows_total", "counter",
		  "Closed windows that carried the flag, since the exporter started.");
	for (i = 0; i < NFLAGS; i++)
		fprintf(out, "nfsketch_flagged_windows_total{flag=\"%s\"} %" PRIu64 "\n",
			prom_flag_label(i, lc, sizeof(lc)), ex->flagged_windows[i]);
	prom_head(out, "nfsketch_windows_seen_total", "counter",
		  "Window events (WINDOW_NTF) received since the exporter started.");
	fprintf(out, "nfsketch_windows_seen_total %" PRIu64 "\n", ex->windows);
	prom_head(out, "nfsketch_exporter_last_window_id", "gauge",
		  "Id of the newest window event received: the counters cover up to it.");
	fprintf(out, "nfsketch_exporter_last_window_id %" PRIu64 "\n", ex->last_window_id);
	prom_head(out, "nfsketch_protocol_packets_total", "counter",
		  "Packets per L4 protocol in the closed windows since the exporter started.");
	for (i = 0; i < NPROM_PROTOS; i++)
		fprintf(out, "nfsketch_protocol_packets_total{protocol=\"%s\"} %" PRIu64 "\n",
			prom_protos[i].label, ex->proto_pkts[i]);
	prom_head(out, "nfsketch_family_packets_total", "counter",
		  "Packets per address family in the closed windows since the exporter started.");
	for (i = 0; i < NPROM_FAMILIES; i++)
		fprintf(out, "nfsketch_family_packets_total{family=\"%s\"} %" PRIu64 "\n",
			prom_families[i].label, ex->family_pkts[i]);
	prom_head(out, "nfsketch_route_events_total", "counter",
		  "Route events per family and kind in the closed windows since the exporter started.");
	for (i = 0; i < NPROM_ROUTE_KINDS; i++)
		fprintf(out, "nfsketch_route_events_total{family=\"%s\",event=\"%s\"} %" PRIu64 "\n",
			prom_route_kinds[i].label, prom_route_kinds[i].label2,
			ex->route_kind[i]);
	prom_head(out, "nfsketch_route_notifications_total", "counter",
		  "Route events received one by one (ROUTE_NTF) per family, kind and routing protocol.");
	for (f = 0; f < 2; f++)
		for (e = 0; e <= NFSKETCH_ROUTE_MAX; e++)
			for (p = 0; p < 256; p++)
				if (ex->route_ntf[f][e][p])
					fprintf(out, "nfsketch_route_notifications_total{family=\"%s\","
						"event=\"%s\",protocol=\"%s\"} %" PRIu64 "\n",
						f ? "ipv6" : "ipv4", ev_name[e],
						rtname_protocol_fixed(p, pb, sizeof(pb)), ex->route_ntf[f][e][p]);
	prom_head(out, "nfsketch_route_notifications_coalesced_total", "counter",
		  "Route events the kernel sent only as a count (event queue over its watermark).");
	fprintf(out, "nfsketch_route_notifications_coalesced_total %" PRIu64 "\n",
		ex->route_coalesced);
	prom_head(out, "nfsketch_exporter_event_overruns_total", "counter",
		  "Times the exporter's socket overran and events were lost.");
	fprintf(out, "nfsketch_exporter_event_overruns_total %llu\n", ex->ev.overruns);
	write_histo(out, "nfsketch_window_size_packets",
		    "Packets per closed window.", &ex->win_packets, pkt_le);
	write_histo(out, "nfsketch_window_size_bytes",
		    "Bytes per closed window.", &ex->win_bytes, byte_le);
}

/*
 * One namespace's series: totals and last window from the kernel, then the
 * event counters. @locked: exporter_lock is held (--netns all), else taken
 * for the counters only. @nsfd: the namespace to open a request socket in
 * (-1: this thread's).
 */
static void scrape_ns(FILE *out, struct exporter *ex, bool locked, int nsfd,
		      int selffd)
{
	bool up = false;

	/* the module may have gone and come back: reopen on failure */
	if (!ex->req_open) {
		if (nsfd < 0 || !setns(nsfd, CLONE_NEWNET))
			ex->req_open = !nfsk_nl_open(&ex->req);
		if (nsfd >= 0 && setns(selffd, CLONE_NEWNET))
			perror("nfsketch: exporter: back to its own network namespace");
	}
	if (ex->req_open) {
		up = !prom_snapshot(out, &ex->req, PROM_NO_ALERTS_TOTAL);
		if (!up) {
			nfsk_nl_close(&ex->req);
			ex->req_open = false;
		}
	}
	prom_head(out, "nfsketch_up", "gauge",
		  "1 if the module answered this scrape's requests.");
	fprintf(out, "nfsketch_up %d\n", up);
	if (!locked)
		pthread_mutex_lock(&exporter_lock);
	write_counters(out, ex);
	if (!locked)
		pthread_mutex_unlock(&exporter_lock);
}

/* --netns all: the namespaces followed, and the exporter's own */
static struct exporter *ns_list;
static bool ns_all;
static int ns_self = -1;

static void ns_free(struct exporter *ex)
{
	evsub_close(&ex->ev);
	if (ex->req_open)
		nfsk_nl_close(&ex->req);
	close(ex->nsfd);
	free(ex);
}

static int ns_filter(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/*
 * A new namespace: its event and request sockets, made inside it. NULL
 * when it cannot be entered or the module does not answer there (the next
 * rescan tries again).
 */
static struct exporter *ns_add(const char *name, const struct stat *st)
{
	struct exporter *ex = calloc(1, sizeof(*ex));
	char path[PATH_MAX];

	if (!ex)
		return NULL;
	snprintf(ex->name, sizeof(ex->name), "%s", name);
	ex->dev = st->st_dev;
	ex->ino = st->st_ino;
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	ex->nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (ex->nsfd < 0 || setns(ex->nsfd, CLONE_NEWNET)) {
		if (ex->nsfd >= 0)
			close(ex->nsfd);
		free(ex);
		return NULL;
	}
	if (evsub_open(&ex->ev)) {
		close(ex->nsfd);
		free(ex);
		ex = NULL;
	} else {
		ex->req_open = !nfsk_nl_open(&ex->req);
	}
	if (setns(ns_self, CLONE_NEWNET))
		perror("nfsketch: exporter: back to its own network namespace");
	return ex;
}

/*
 * The list against /run/netns, exporter_lock held: new names (or a name
 * now of another namespace) added, vanished ones marked gone.
 */
static void ns_rescan(void)
{
	struct dirent **names = NULL;
	struct exporter *ex;
	int n, i;

	n = scandir("/run/netns", &names, ns_filter, alphasort);
	if (n < 0)
		n = 0;
	for (ex = ns_list; ex; ex = ex->next) {
		struct stat st;
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "/run/netns/%s", ex->name);
		if (stat(path, &st) || st.st_dev != ex->dev || st.st_ino != ex->ino)
			ex->gone = true;
	}
	for (i = 0; i < n; i++) {
		char path[PATH_MAX];
		struct stat st;

		snprintf(path, sizeof(path), "/run/netns/%s", names[i]->d_name);
		for (ex = ns_list; ex; ex = ex->next)
			if (!ex->gone && !strcmp(ex->name, names[i]->d_name))
				break;
		if (!ex && !stat(path, &st)) {
			ex = ns_add(names[i]->d_name, &st);
			if (ex) {
				ex->next = ns_list;
				ns_list = ex;
			}
		}
		free(names[i]);
	}
	free(names);
}

/* Every namespace's series under one HELP/TYPE per family (prommerge.c). */
static void scrape_all(FILE *out)
{
	struct exporter *ex;
	const char **vals = NULL;
	char **texts = NULL;
	size_t n = 0, cap = 0, i;

	pthread_mutex_lock(&exporter_lock);
	ns_rescan();
	for (ex = ns_list; ex; ex = ex->next) {
		size_t len;
		FILE *m;

		if (ex->gone)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 8;
			vals = realloc(vals, cap * sizeof(*vals));
			texts = realloc(texts, cap * sizeof(*texts));
			if (!vals || !texts)
				break;
		}
		texts[n] = NULL;
		m = open_memstream(&texts[n], &len);
		if (!m)
			break;
		scrape_ns(m, ex, true, ex->nsfd, ns_self);
		if (fclose(m)) {
			free(texts[n]);
			break;
		}
		vals[n++] = ex->name;
	}
	prom_head(out, "nfsketch_exporter_namespaces", "gauge",
		  "Network namespaces of ip netns followed by this exporter.");
	fprintf(out, "nfsketch_exporter_namespaces %zu\n", n);
	if (vals && texts)
		prom_merge_labelled(out, "netns", vals, texts, n);
	pthread_mutex_unlock(&exporter_lock);
	for (i = 0; i < n; i++)
		free(texts[i]);
	free(texts);
	free(vals);
}

static char *scrape(struct exporter *ex, size_t *len)
{
	char *buf = NULL;
	FILE *out = open_memstream(&buf, len);

	if (!out)
		return NULL;
	prom_head(out, "nfsketch_build_info", "gauge",
		  "Always 1; the nfsketch CLI's version as a label.");
	fprintf(out, "nfsketch_build_info{version=\"%s\"} 1\n", NFSKETCH_CLI_VERSION);
	if (ns_all)
		scrape_all(out);
	else
		scrape_ns(out, ex, false, -1, -1);
	if (fclose(out)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/*
 * --netns all: receive every namespace's events; rescan each second, free
 * what is gone. A socket that fails is dropped and made anew by the next
 * rescan (counters of that namespace start again: a counter reset).
 */
static int ns_loop(volatile sig_atomic_t *stop, const sigset_t *orig)
{
	const struct timespec second = { .tv_sec = 1 };
	struct pollfd *pfd = NULL;
	struct exporter **who = NULL;
	size_t n, cap = 0, i;
	int ret = 0;

	while (!*stop) {
		struct exporter **pp, *ex;

		pthread_mutex_lock(&exporter_lock);
		ns_rescan();
		for (pp = &ns_list; (ex = *pp);) {
			if (ex->gone) {
				*pp = ex->next;
				ns_free(ex);
			} else {
				pp = &ex->next;
			}
		}
		n = 0;
		for (ex = ns_list; ex; ex = ex->next) {
			if (n == cap) {
				cap = cap ? 2 * cap : 8;
				pfd = realloc(pfd, cap * sizeof(*pfd));
				who = realloc(who, cap * sizeof(*who));
				if (!pfd || !who) {
					pthread_mutex_unlock(&exporter_lock);
					ret = -1;
					goto out;
				}
			}
			pfd[n].fd = mnl_socket_get_fd(ex->ev.nl.sk);
			pfd[n].events = POLLIN;
			pfd[n].revents = 0;
			who[n++] = ex;
		}
		pthread_mutex_unlock(&exporter_lock);
		if (ppoll(pfd, n, &second, orig) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "nfsketch: poll: %s\n", strerror(errno));
			ret = -1;
			break;
		}
		for (i = 0; i < n; i++) {
			if (!pfd[i].revents)
				continue;
			if (evsub_read(&who[i]->ev, exporter_event, who[i])) {
				pthread_mutex_lock(&exporter_lock);
				who[i]->gone = true;
				pthread_mutex_unlock(&exporter_lock);
			}
		}
	}
out:
	free(pfd);
	free(who);
	return ret;
}

static enum MHD_Result http_cb(void *cls, struct MHD_Connection *conn,
			       const char *url, const char *method,
			       const char *version, const char *upload_data,
			       size_t *upload_data_size, void **con_cls)
{
	static const char not_found[] = "try /metrics\n";
	struct MHD_Response *resp;
	enum MHD_Result ret;
	unsigned int status = MHD_HTTP_OK;
	size_t len = 0;
	char *body;

	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return MHD_NO;
	if (strcmp(url, "/metrics")) {
		resp = MHD_create_response_from_buffer(sizeof(not_found) - 1,
						       (void *)not_found,
						       MHD_RESPMEM_PERSISTENT);
		status = MHD_HTTP_NOT_FOUND;
	} else {
		body = scrape(cls, &len);
		if (!body)
			return MHD_NO;
		resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
					"text/plain; version=0.0.4; charset=utf-8");
	}
	if (!resp)
		return MHD_NO;
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* "ADDR:PORT", "[V6]:PORT" or ":PORT" (every address, dual stack). */
static int parse_listen(const char *s, struct sockaddr_storage *ss, bool *any,
			uint16_t *port)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(s, ':');
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
				  .ai_socktype = SOCK_STREAM };
	struct addrinfo *res;
	unsigned long p;
	size_t hl;

	if (!colon)
		return -1;
	p = cli_parse_count(colon + 1, 65535);
	if (!p)
		return -1;
	*port = p;
	hl = colon - s;
	if (hl >= 2 && s[0] == '[' && s[hl - 1] == ']') {
		s++;
		hl -= 2;
	}
	*any = !hl;
	if (*any)
		return 0;
	if (hl >= sizeof(host))
		return -1;
	memcpy(host, s, hl);
	host[hl] = 0;
	if (getaddrinfo(host, colon + 1, &hints, &res))
		return -1;
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	return 0;
}

static volatile sig_atomic_t exporter_stop;

static void exporter_signal(int sig)
{
	exporter_stop = 1;
}

int cmd_exporter(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "netns", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct exporter ex;	/* 12 KiB of route counters: not on the stack */
	struct sockaddr_storage ss = { 0 };
	const char *listen = NULL;
	struct MHD_Daemon *d;
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	uint16_t port = 0;
	bool any = false;
	sigset_t orig;
	int o, ret;

	optind = 1;
	opterr = 0;
	while ((o = getopt_long(argc, argv, "l:h", opts, NULL)) != -1) {
		switch (o) {
		case 'l':
			listen = optarg;
			break;
		case 'N':
			if (strcmp(optarg, "all"))
				return cli_usage_error(exporter_usage,
						       "--netns takes 'all' (one namespace: nfsketch -n NETNS exporter), not '%s'",
						       optarg);
			ns_all = true;
			break;
		case 'h':
			fputs(exporter_usage, stdout);
			return 0;
		default:
			return cli_usage_error(exporter_usage, "bad option '%s'",
					       argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(exporter_usage, "unexpected argument '%s'", argv[optind]);
	if (!listen)
		return cli_usage_error(exporter_usage, "--listen ADDR:PORT is required");
	if (parse_listen(listen, &ss, &any, &port))
		return cli_usage_error(exporter_usage,
				       "--listen takes ADDR:PORT, [ADDR]:PORT or :PORT, not '%s'",
				       listen);
	if (c->json)
		return cli_usage_error(exporter_usage, "exporter writes no JSON");

	cli_catch_signals(exporter_signal, &orig);
	if (ns_all) {
		ns_self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (ns_self < 0) {
			perror("nfsketch: /proc/self/ns/net");
			return EXIT_RUNTIME;
		}
	} else if (evsub_open(&ex.ev)) {
		return EXIT_RUNTIME;
	}
	if (any || ss.ss_family == AF_INET6)
		flags |= any ? MHD_USE_DUAL_STACK : MHD_USE_IPv6;
	if (any)
		d = MHD_start_daemon(flags, port, NULL, NULL, http_cb, &ex,
				     MHD_OPTION_END);
	else
		d = MHD_start_daemon(flags, port, NULL, NULL, http_cb, &ex,
				     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				     MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "nfsketch: cannot listen on %s: %s\n", listen,
			strerror(errno));
		if (!ns_all)
			evsub_close(&ex.ev);
		return EXIT_RUNTIME;
	}
	fprintf(stderr, "nfsketch: exporter on http://%s/metrics%s\n", listen,
		ns_all ? " (every network namespace of ip netns)" : "");
	if (ns_all)
		ret = ns_loop(&exporter_stop, &orig);
	else
		ret = evsub_loop(&ex.ev, &exporter_stop, &orig, exporter_event, &ex);
	MHD_stop_daemon(d);
	if (ns_all) {
		while (ns_list) {
			struct exporter *next = ns_list->next;

			ns_free(ns_list);
			ns_list = next;
		}
		close(ns_self);
	} else {
		evsub_close(&ex.ev);
		if (ex.req_open)
			nfsk_nl_close(&ex.req);
	}
	return ret ? EXIT_RUNTIME : 0;
}
