// SPDX-License-Identifier: GPL-2.0
/*
 * nfsketch monitor: print the "events" multicast group as it arrives
 * (WINDOW_NTF, ALERT_NTF, ROUTE_NTF), and the window helpers watch shares.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/nfsketch.h>
#include "cmd.h"
#include "fmt.h"

static const char monitor_usage[] =
	"Usage: nfsketch [-j [-p]] monitor\n"
	"Print this network namespace's events as they arrive, until Ctrl-C:\n"
	"  [window]  a window closed: totals, entropy, flags\n"
	"  [alert]   a detector raised a flag (with the flow for HEAVY_HITTER,\n"
	"            the prefix for ROUTE_FLAP)\n"
	"  [route]   a route was added, deleted or replaced; under load the\n"
	"            kernel coalesces route events into one summary\n"
	"With -j, one JSON object per line: {\"type\":\"window\",\"window\":{...}},\n"
	"{\"type\":\"alert\",\"alert\":{...}}, {\"type\":\"route\",\"route\":{...}}.\n"
	"Events lost to a full socket buffer are reported on stderr.\n";

/* One line: "123: 1.0 s, 100 packets, 8.40k bytes, H(src) 1.00 ..." */
void window_line(const struct nlattr **tb, char *buf, size_t len)
{
	char p[16], b[16], fl[128];

	snprintf(buf, len, "%" PRIu64 ": %.1f s, %s packets, %s bytes, "
		 "H(src) %.2f H(dst) %.2f bits, routes +%" PRIu64 " -%" PRIu64
		 ", flags %s",
		 nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_ID]),
		 nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_LENGTH_NS]) / 1e9,
		 fmt_si(nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_PACKETS]), p, sizeof(p)),
		 fmt_si(nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_BYTES]), b, sizeof(b)),
		 nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_SRC_ENTROPY]) / 1000.0,
		 nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_DST_ENTROPY]) / 1000.0,
		 nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_ROUTE_ADD4]) +
		 nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_ROUTE_ADD6]),
		 nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_ROUTE_DEL4]) +
		 nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_ROUTE_DEL6]),
		 fmt_flags(nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_FLAGS]), fl, sizeof(fl)));
}

static const char *flag_name(uint32_t flag)
{
	unsigned int i;

	for (i = 0; flag_names[i]; i++)
		if (flag == (1U << i))
			return flag_names[i];
	return "?";
}

static void print_alert(struct cli *c, const struct nlattr *nest)
{
	const struct nlattr *tb[NFSKETCH_A_ALERT_MAX + 1];
	const struct nlattr *ftb[NFSKETCH_A_FLOW_MAX + 1];
	uint32_t flag, series;
	int64_t score;
	char buf[160];

	nfsk_nl_parse_nest(nest, tb, NFSKETCH_A_ALERT_MAX);
	flag = nfsk_nl_u64(tb[NFSKETCH_A_ALERT_FLAG]);
	series = nfsk_nl_u64(tb[NFSKETCH_A_ALERT_SERIES]);
	score = (int64_t)nfsk_nl_u64(tb[NFSKETCH_A_ALERT_SCORE]);
	if (tb[NFSKETCH_A_ALERT_FLOW])
		flow_parse(tb[NFSKETCH_A_ALERT_FLOW], ftb);

	if (c->json) {
		json_obj_open(&c->j, NULL);
		json_str(&c->j, "type", "alert");
		json_obj_open(&c->j, "alert");
		json_str(&c->j, "flag", flag_name(flag));
		json_u64(&c->j, "window_id", nfsk_nl_u64(tb[NFSKETCH_A_ALERT_WINDOW_ID]));
		if (tb[NFSKETCH_A_ALERT_SERIES])
			json_str(&c->j, "series", series < NSERIES ? series_name[series] : "?");
		if (tb[NFSKETCH_A_ALERT_VALUE])
			json_u64(&c->j, "value", nfsk_nl_u64(tb[NFSKETCH_A_ALERT_VALUE]));
		if (tb[NFSKETCH_A_ALERT_BASELINE])
			json_u64(&c->j, "baseline", nfsk_nl_u64(tb[NFSKETCH_A_ALERT_BASELINE]));
		if (tb[NFSKETCH_A_ALERT_SCORE])
			json_s64(&c->j, "score_milli_sigma", score);
		if (tb[NFSKETCH_A_ALERT_FLOW]) {
			flow_json(c, "flow", ftb);
			json_obj_close(&c->j);
		}
		if (tb[NFSKETCH_A_ALERT_ROUTE])
			route_print(c, tb[NFSKETCH_A_ALERT_ROUTE], "route");
		json_obj_close(&c->j);
		json_obj_close(&c->j);
		json_end(&c->j);
		return;
	}
	printf("[alert] %s window %" PRIu64, flag_name(flag),
	       nfsk_nl_u64(tb[NFSKETCH_A_ALERT_WINDOW_ID]));
	if (tb[NFSKETCH_A_ALERT_SERIES])
		printf(" %s %" PRIu64 " baseline %" PRIu64 " score %.2f sigma",
		       series < NSERIES ? series_name[series] : "?",
		       nfsk_nl_u64(tb[NFSKETCH_A_ALERT_VALUE]),
		       nfsk_nl_u64(tb[NFSKETCH_A_ALERT_BASELINE]), score / 1000.0);
	if (tb[NFSKETCH_A_ALERT_FLOW]) {
		printf(" flow %s", flow_str(ftb, buf, sizeof(buf)));
		if (ftb[NFSKETCH_A_FLOW_BYTES])
			printf(" bytes %" PRIu64, nfsk_nl_u64(ftb[NFSKETCH_A_FLOW_BYTES]));
		if (ftb[NFSKETCH_A_FLOW_EST_BYTES])
			printf(" est %" PRIu64 " +- %" PRIu64,
			       nfsk_nl_u64(ftb[NFSKETCH_A_FLOW_EST_BYTES]),
			       nfsk_nl_u64(ftb[NFSKETCH_A_FLOW_ERR_BYTES]));
	}
	if (tb[NFSKETCH_A_ALERT_ROUTE]) {
		printf(" route ");
		route_print(c, tb[NFSKETCH_A_ALERT_ROUTE], NULL);
	} else {
		putchar('\n');
	}
}

static void print_route(struct cli *c, const struct nlattr *nest)
{
	const struct nlattr *tb[NFSKETCH_A_ROUTE_MAX + 1];

	nfsk_nl_parse_nest(nest, tb, NFSKETCH_A_ROUTE_MAX);
	if (tb[NFSKETCH_A_ROUTE_COALESCED] && !tb[NFSKETCH_A_ROUTE_DST]) {
		uint64_t n = nfsk_nl_u64(tb[NFSKETCH_A_ROUTE_COALESCED]);

		if (c->json) {
			json_obj_open(&c->j, NULL);
			json_str(&c->j, "type", "route");
			json_obj_open(&c->j, "route");
			if (tb[NFSKETCH_A_ROUTE_TIME_NS])
				json_u64(&c->j, "time_ns",
					 nfsk_nl_u64(tb[NFSKETCH_A_ROUTE_TIME_NS]));
			json_u64(&c->j, "coalesced", n);
			json_obj_close(&c->j);
			json_obj_close(&c->j);
			json_end(&c->j);
		} else {
			printf("[route] %" PRIu64 " route events coalesced (event queue "
			       "over its high watermark)\n", n);
		}
		return;
	}
	if (c->json) {
		json_obj_open(&c->j, NULL);
		json_str(&c->j, "type", "route");
		route_print(c, nest, "route");
		json_obj_close(&c->j);
		json_end(&c->j);
	} else {
		printf("[route] ");
		route_print(c, nest, NULL);
	}
}

static void print_window(struct cli *c, const struct nlattr *nest)
{
	const struct nlattr *tb[NFSKETCH_A_WINDOW_MAX + 1];
	char line[256];

	nfsk_nl_parse_nest(nest, tb, NFSKETCH_A_WINDOW_MAX);
	if (c->json) {
		json_obj_open(&c->j, NULL);
		json_str(&c->j, "type", "window");
		window_json(c, "window", tb);
		json_obj_close(&c->j);
		json_end(&c->j);
		return;
	}
	window_line(tb, line, sizeof(line));
	printf("[window] %s\n", line);
}

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	struct cli *c = data;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(*g)) {
		unsigned int t = mnl_attr_get_type(a);

		switch (g->cmd) {
		case NFSKETCH_CMD_WINDOW_NTF:
			if (t == NFSKETCH_A_WINDOW)
				print_window(c, a);
			break;
		case NFSKETCH_CMD_ALERT_NTF:
			if (t == NFSKETCH_A_ALERT)
				print_alert(c, a);
			break;
		case NFSKETCH_CMD_ROUTE_NTF:
			if (t == NFSKETCH_A_ROUTE)
				print_route(c, a);
			break;
		}
	}
	return MNL_CB_OK;
}

static volatile sig_atomic_t monitor_stop;

static void monitor_signal(int sig)
{
	monitor_stop = 1;
}

/*
 * Block SIGINT and SIGTERM, with a handler that sets @flag; @orig gets the
 * mask to wait with (ppoll), so that a signal can only arrive while waiting.
 */
void cli_catch_signals(void (*handler)(int), sigset_t *orig)
{
	struct sigaction sa = { .sa_handler = handler };
	sigset_t block;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, orig);
}

int cmd_monitor(struct cli *c, int argc, char **argv)
{
	unsigned long long overruns = 0;
	int rcvbuf = 1 << 20, fd;
	sigset_t orig;

	if (cli_want_help(argc, argv, monitor_usage))
		return 0;
	if (argc > 1)
		return cli_usage_error(monitor_usage, "unexpected argument '%s'", argv[1]);
	cli_catch_signals(monitor_signal, &orig);
	if (cli_open(c))
		return EXIT_RUNTIME;
	fd = mnl_socket_get_fd(c->nl.sk);
	/* room for a burst; the kernel paces its events anyway */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (nfsk_nl_subscribe(&c->nl))
		return EXIT_RUNTIME;
	if (!c->json)
		fprintf(stderr, "nfsketch: listening for events (Ctrl-C to stop)\n");

	while (!monitor_stop) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		const struct nlmsghdr *h;
		int n;

		n = ppoll(&pfd, 1, NULL, &orig);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "nfsketch: poll: %s\n", strerror(errno));
			return EXIT_RUNTIME;
		}
		n = recv(fd, c->nl.buf, NFSK_NL_BUF_SIZE, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			if (errno == ENOBUFS) {
				/* the kernel dropped events for us: say so, go on */
				overruns++;
				fprintf(stderr, "nfsketch: warning: events lost, socket "
					"receive buffer overrun (%llu so far)\n", overruns);
				continue;
			}
			fprintf(stderr, "nfsketch: receive: %s\n", strerror(errno));
			return EXIT_RUNTIME;
		}
		/*
		 * mnl_nlmsg_ok() compares nlmsg_len as an int: a length of 2 GiB
		 * or more would pass it. Check it as the unsigned it is.
		 */
		for (h = (const void *)c->nl.buf;
		     n >= (int)sizeof(*h) && h->nlmsg_len >= sizeof(*h) &&
		     h->nlmsg_len <= (unsigned int)n;
		     h = mnl_nlmsg_next(h, &n)) {
			if (h->nlmsg_type != c->nl.family_id)
				continue;
			event_cb(h, c);
			/* one event at a time to whoever reads us */
			if (fflush(stdout) == EOF || ferror(stdout)) {
				if (errno == EPIPE)
					return 0;	/* the reader is gone */
				fprintf(stderr, "nfsketch: write: %s\n", strerror(errno));
				return EXIT_RUNTIME;
			}
		}
	}
	fflush(stdout);
	return 0;
}
