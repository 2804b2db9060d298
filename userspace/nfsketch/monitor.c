// SPDX-License-Identifier: GPL-2.0
/*
 * nfsketch monitor: print the "events" multicast group as it arrives
 * (WINDOW_NTF, ALERT_NTF, ROUTE_NTF), through the printers of alert.c,
 * routes.c and windows.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <linux/nfsketch.h>
#include <systemd/sd-journal.h>
#include "cmd.h"
#include "rseries.h"
#include "fmt.h"
#include "hooks.h"
#include "rtnames.h"

static const char monitor_usage[] =
	"Usage: nfsketch [-j [-p]] monitor [-t] [-f] [-s] [-e PROGRAM [-m N] [-T SECONDS]]\n"
	"Print this network namespace's events as they arrive, until Ctrl-C:\n"
	"  [window]  a window closed: totals, entropy, flags\n"
	"  [alert]   a detector raised a flag (with the flow for HEAVY_HITTER,\n"
	"            the prefix for ROUTE_FLAP, the route, table and protocol for\n"
	"            ROUTE_WITHDRAW_BURST and DEFAULT_ROUTE_LOST, and what\n"
	"            happened to the default route; for ROUTE_MORE_SPECIFIC the\n"
	"            new prefix, its cover and how they differ; the TCP\n"
	"            connection, its segments and the reason - retrans, reset,\n"
	"            closed, silent - for BGP_SESSION)\n"
	"  [route]   a route was added, deleted or replaced; under load the\n"
	"            kernel coalesces route events into one summary\n"
	"With -j, one JSON object per line: {\"type\":\"window\",\"window\":{...}},\n"
	"{\"type\":\"alert\",\"alert\":{...}}, {\"type\":\"route\",\"route\":{...}}.\n"
	"Events lost to a full socket buffer are reported on stderr.\n"
	"When the module is removed, monitor exits with status 1, or waits for it.\n"
	"Times are local RFC 3339 in text, UTC and ns since the epoch in JSON.\n"
	"  -t, --timestamp         each event with the time it was received\n"
	"  -f, --follow            wait for the module and resubscribe, as often\n"
	"                          as it goes and comes back\n"
	"  -s, --syslog            events to journald (NFSK_* fields), or to\n"
	"                          syslog(3) without it, instead of stdout\n"
	"  -e, --exec PROGRAM      run PROGRAM once per alert: the alert as one\n"
	"                          JSON line on its stdin, NFSK_* variables in\n"
	"                          its environment\n"
	"  -m, --exec-max N        at most N hooks at once (default 4); later\n"
	"                          alerts wait, up to 256\n"
	"  -T, --exec-timeout SECONDS  kill a hook after this (default 10)\n";

/* monitor -t: the receive time of the event being printed, else NULL */
static const char *event_stamp;

/* The top-level object of an event line: its type and, with -t, its time. */
static void event_json_open(struct cli *c, const char *type)
{
	json_obj_open(&c->j, NULL);
	json_str(&c->j, "type", type);
	if (event_stamp)
		json_str(&c->j, "time", event_stamp);
}

/* An event's start: its JSON object, or its tag in text ("[alert] "). */
static void event_open(struct cli *c, const char *type, const char *tag)
{
	if (c->json)
		event_json_open(c, type);
	else
		fputs(tag, c->out);
}

/* An event's end: the JSON object that event_open() opened. */
static void event_close(struct cli *c)
{
	if (!c->json)
		return;
	json_obj_close(&c->j);
	json_end(&c->j);
}

static void print_alert(struct cli *c, const struct nlattr *nest)
{
	event_open(c, "alert", "[alert] ");
	alert_print(c, nest, "alert");
	event_close(c);
}

/* Under load the kernel sends a count of route events instead of each. */
static void print_route_coalesced(struct cli *c, const struct nlattr **tb)
{
	struct print p = cli_print(c);
	char ts[FMT_TIME_LEN];

	print_obj_open(&p, "route");
	if (tb[NFSKETCH_A_ROUTE_TIME_NS])
		print_u64(&p, PRINT_JSON, "time_ns", NULL,
			  nfsk_nl_u64(tb[NFSKETCH_A_ROUTE_TIME_NS]));
	if (tb[NFSKETCH_A_ROUTE_TIME_REALTIME_NS]) {
		uint64_t t = nfsk_nl_u64(tb[NFSKETCH_A_ROUTE_TIME_REALTIME_NS]);

		print_u64(&p, PRINT_JSON, "time_realtime_ns", NULL, t);
		print_str(&p, PRINT_JSON, "time", NULL, fmt_rfc3339(t, false, ts, sizeof(ts)));
	}
	print_u64(&p, PRINT_ANY, "coalesced", "%" PRIu64 " route events coalesced"
		  " (event queue over its high watermark)",
		  nfsk_nl_u64(tb[NFSKETCH_A_ROUTE_COALESCED]));
	print_nl(&p);
	print_obj_close(&p);
}

static void print_route(struct cli *c, const struct nlattr *nest)
{
	const struct nlattr *tb[NFSKETCH_A_ROUTE_MAX + 1];

	nfsk_nl_parse_nest(nest, tb, NFSKETCH_A_ROUTE_MAX);
	event_open(c, "route", "[route] ");
	if (tb[NFSKETCH_A_ROUTE_COALESCED] && !tb[NFSKETCH_A_ROUTE_DST])
		print_route_coalesced(c, tb);
	else
		route_print(c, nest, "route");
	event_close(c);
}

static void print_window(struct cli *c, const struct nlattr *nest)
{
	const struct nlattr *tb[NFSKETCH_A_WINDOW_MAX + 1];

	nfsk_nl_parse_nest(nest, tb, NFSKETCH_A_WINDOW_MAX);
	event_open(c, "window", "[window] ");
	window_print(c, nest, tb, "window", WINDOW_LINE);
	event_close(c);
}

/* What monitor does besides printing, from its options. */
struct monitor {
	bool		follow;
	bool		syslog;
	bool		timestamp;
	struct hooks	*hooks;
};

/* The alert's NFSK_* fields: the hook's environment, journald's fields. */
static void alert_fields(const struct nlattr *nest, struct event_fields *f)
{
	const struct nlattr *tb[NFSKETCH_A_ALERT_MAX + 1];
	const struct nlattr *ftb[NFSKETCH_A_FLOW_MAX + 1];
	uint32_t series;

	nfsk_nl_parse_nest(nest, tb, NFSKETCH_A_ALERT_MAX);
	event_fields_add(f, "EVENT", "alert");
	event_fields_add(f, "FLAG", "%s", alert_flag_name(nfsk_nl_u64(tb[NFSKETCH_A_ALERT_FLAG])));
	event_fields_add(f, "WINDOW_ID", "%" PRIu64,
			 nfsk_nl_u64(tb[NFSKETCH_A_ALERT_WINDOW_ID]));
	if (tb[NFSKETCH_A_ALERT_START_REALTIME_NS]) {
		uint64_t t = nfsk_nl_u64(tb[NFSKETCH_A_ALERT_START_REALTIME_NS]);
		char ts[FMT_TIME_LEN];

		event_fields_add(f, "WINDOW_START_NS", "%" PRIu64, t);
		event_fields_add(f, "WINDOW_START", "%s", fmt_rfc3339(t, false, ts, sizeof(ts)));
	}
	if (tb[NFSKETCH_A_ALERT_SERIES]) {
		series = nfsk_nl_u64(tb[NFSKETCH_A_ALERT_SERIES]);
		event_fields_add(f, "SERIES", "%s",
				 series < NSERIES ? series_name[series] : "?");
	}
	if (tb[NFSKETCH_A_ALERT_VALUE])
		event_fields_add(f, "VALUE", "%" PRIu64,
				 nfsk_nl_u64(tb[NFSKETCH_A_ALERT_VALUE]));
	if (tb[NFSKETCH_A_ALERT_BASELINE])
		event_fields_add(f, "BASELINE", "%" PRIu64,
				 nfsk_nl_u64(tb[NFSKETCH_A_ALERT_BASELINE]));
	if (tb[NFSKETCH_A_ALERT_SCORE]) {
		int64_t score = (int64_t)nfsk_nl_u64(tb[NFSKETCH_A_ALERT_SCORE]);

		event_fields_add(f, "SCORE_SIGMA", "%.3f", score / 1000.0);
		event_fields_add(f, "SCORE_MILLI_SIGMA", "%" PRId64, score);
	}
	if (tb[NFSKETCH_A_ALERT_FLOW]) {
		char buf[160], pb[8];

		flow_parse(tb[NFSKETCH_A_ALERT_FLOW], ftb);
		event_fields_add(f, "FLOW", "%s", flow_str(ftb, buf, sizeof(buf)));
		event_fields_add(f, "FLOW_SRC", "%s", flow_src(ftb, buf));
		event_fields_add(f, "FLOW_DST", "%s", flow_dst(ftb, buf));
		event_fields_add(f, "FLOW_PROTO", "%s",
				 fmt_proto(nfsk_nl_u64(ftb[NFSKETCH_A_FLOW_PROTO]), pb, sizeof(pb)));
		event_fields_add(f, "FLOW_SPORT", "%" PRIu64, nfsk_nl_u64(ftb[NFSKETCH_A_FLOW_SPORT]));
		event_fields_add(f, "FLOW_DPORT", "%" PRIu64, nfsk_nl_u64(ftb[NFSKETCH_A_FLOW_DPORT]));
		if (ftb[NFSKETCH_A_FLOW_BYTES])
			event_fields_add(f, "FLOW_BYTES", "%" PRIu64,
					 nfsk_nl_u64(ftb[NFSKETCH_A_FLOW_BYTES]));
		if (ftb[NFSKETCH_A_FLOW_PACKETS])
			event_fields_add(f, "FLOW_PACKETS", "%" PRIu64,
					 nfsk_nl_u64(ftb[NFSKETCH_A_FLOW_PACKETS]));
	}
	if (tb[NFSKETCH_A_ALERT_ROUTE]) {
		const struct nlattr *rtb[NFSKETCH_A_ROUTE_MAX + 1];
		char addr[ADDR_STR_LEN];

		nfsk_nl_parse_nest(tb[NFSKETCH_A_ALERT_ROUTE], rtb, NFSKETCH_A_ROUTE_MAX);
		if (rtb[NFSKETCH_A_ROUTE_DST] &&
		    mnl_attr_get_payload_len(rtb[NFSKETCH_A_ROUTE_DST]) == 16) {
			fmt_addr(nfsk_nl_u64(rtb[NFSKETCH_A_ROUTE_FAMILY]),
				 mnl_attr_get_payload(rtb[NFSKETCH_A_ROUTE_DST]), addr);
			event_fields_add(f, "ROUTE_PREFIX", "%s/%u", addr,
					 (unsigned int)nfsk_nl_u64(rtb[NFSKETCH_A_ROUTE_DST_LEN]));
		}
		event_fields_add(f, "ROUTE_PENALTY", "%" PRIu64,
				 nfsk_nl_u64(rtb[NFSKETCH_A_ROUTE_PENALTY]));
	}
	if (tb[NFSKETCH_A_ALERT_ROUTE_SERIES]) {
		struct rseries r;
		char name[RTNAME_LEN];

		rseries_parse(tb[NFSKETCH_A_ALERT_ROUTE_SERIES], &r);
		event_fields_add(f, r.kind == NFSKETCH_RSERIES_TABLE ?
				 "ROUTE_TABLE" : "ROUTE_PROTOCOL", "%s",
				 rseries_name(&r, name));
	}
	if (tb[NFSKETCH_A_ALERT_UNNAMED])
		event_fields_add(f, "UNNAMED", "%" PRIu64,
				 nfsk_nl_u64(tb[NFSKETCH_A_ALERT_UNNAMED]));
	if (tb[NFSKETCH_A_ALERT_REASON]) {
		char rb[40];

		event_fields_add(f, "REASON", "%s",
				 alert_reason_str(nfsk_nl_u64(tb[NFSKETCH_A_ALERT_FLAG]),
					    nfsk_nl_u64(tb[NFSKETCH_A_ALERT_REASON]),
					    rb, sizeof(rb)));
	}
}

/* The alert as one JSON line (what `monitor -j` prints), malloc'd. */
static char *alert_json_line(struct cli *c, const struct nlattr *nest)
{
	struct cli jc = *c;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);

	if (!mem)
		return NULL;
	jc.json = true;
	jc.out = mem;
	json_init(&jc.j, mem, false);
	print_alert(&jc, nest);
	if (fclose(mem)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/*
 * journald with the NFSK_* fields when it listens; otherwise syslog(3),
 * which has only the message. sd_journal_sendv() returns success when the
 * journal's socket does not exist ("fail silently"): look for it first, at
 * every event, so that a journald started or stopped later is followed.
 */
#define JOURNAL_SOCKET	"/run/systemd/journal/socket"

static void log_event(struct monitor *m, int prio, const char *msg,
		      const struct event_fields *f)
{
	struct iovec iov[EVENT_FIELDS_MAX + 3];
	char *message = NULL, priority[16];
	unsigned int i, n = 0;

	if (!access(JOURNAL_SOCKET, F_OK) &&
	    asprintf(&message, "MESSAGE=%s", msg) >= 0) {
		snprintf(priority, sizeof(priority), "PRIORITY=%d", prio);
		iov[n].iov_base = message;
		iov[n++].iov_len = strlen(message);
		iov[n].iov_base = priority;
		iov[n++].iov_len = strlen(priority);
		iov[n].iov_base = (char *)"SYSLOG_IDENTIFIER=nfsketch";
		iov[n].iov_len = strlen(iov[n].iov_base);
		n++;
		for (i = 0; f && i < f->n; i++) {
			iov[n].iov_base = f->v[i];
			iov[n++].iov_len = strlen(f->v[i]);
		}
		if (sd_journal_sendv(iov, n) >= 0) {
			free(message);
			return;
		}
	}
	free(message);
	syslog(prio, "%s", msg);
}

static void handle_event(struct monitor *m, struct cli *c, uint8_t cmd,
			 const struct nlattr *a)
{
	struct event_fields f = { .n = 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *mem = NULL;
	int prio = LOG_INFO;
	char stamp[FMT_TIME_LEN];

	event_stamp = NULL;
	if (m->timestamp)
		event_stamp = fmt_time_ms(now_unix_ns(), stamp, sizeof(stamp));
	if (m->syslog) {
		mem = open_memstream(&text, &len);
		if (!mem)
			return;
		c->out = mem;
		c->j.f = mem;
	}
	if (event_stamp && !c->json)
		fprintf(c->out, "%s ", event_stamp);
	switch (cmd) {
	case NFSKETCH_CMD_WINDOW_NTF:
		print_window(c, a);
		event_fields_add(&f, "EVENT", "window");
		break;
	case NFSKETCH_CMD_ALERT_NTF:
		print_alert(c, a);
		alert_fields(a, &f);
		prio = LOG_WARNING;
		break;
	case NFSKETCH_CMD_ROUTE_NTF:
		print_route(c, a);
		event_fields_add(&f, "EVENT", "route");
		break;
	}
	if (mem) {
		c->out = stdout;
		c->j.f = stdout;
		if (!fclose(mem)) {
			while (len && text[len - 1] == '\n')
				text[--len] = '\0';
			log_event(m, prio, text, &f);
		}
		free(text);
	}
	if (m->hooks && cmd == NFSKETCH_CMD_ALERT_NTF) {
		char *json = alert_json_line(c, a);

		if (json)
			hooks_submit(m->hooks, json, &f);
	}
	event_fields_free(&f);
}

static int event_cb(const struct nlmsghdr *nlh, struct monitor *m,
		    struct cli *c)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	static const unsigned int nest_of[] = {
		[NFSKETCH_CMD_WINDOW_NTF] = NFSKETCH_A_WINDOW,
		[NFSKETCH_CMD_ALERT_NTF] = NFSKETCH_A_ALERT,
		[NFSKETCH_CMD_ROUTE_NTF] = NFSKETCH_A_ROUTE,
	};
	const struct nlattr *a;

	if (g->cmd >= sizeof(nest_of) / sizeof(nest_of[0]) || !nest_of[g->cmd])
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*g))
		if (mnl_attr_get_type(a) == nest_of[g->cmd])
			handle_event(m, c, g->cmd, a);
	return MNL_CB_OK;
}

/*
 * A controller notification about the nfsketch family: +1 it was
 * registered (module loaded), -1 unregistered (module removed), 0 other.
 */
static int ctrl_family_change(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*g)) ||
	    (g->cmd != CTRL_CMD_NEWFAMILY && g->cmd != CTRL_CMD_DELFAMILY))
		return 0;
	mnl_attr_for_each(a, nlh, sizeof(*g)) {
		if (mnl_attr_get_type(a) != CTRL_ATTR_FAMILY_NAME ||
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
			continue;
		if (strcmp(mnl_attr_get_str(a), NFSKETCH_FAMILY_NAME))
			return 0;
		return g->cmd == CTRL_CMD_NEWFAMILY ? 1 : -1;
	}
	return 0;
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

static void monitor_sigchld(int sig)
{
	/* only to interrupt ppoll: the loop reaps */
}

/* The family is (back): its id and events group, and join the group. */
static int monitor_attach(struct cli *c)
{
	if (nfsk_nl_resolve(&c->nl, true))
		return -1;
	return nfsk_nl_subscribe(&c->nl) ? -1 : 0;
}

static int monitor_parse(struct monitor *m, int argc, char **argv,
			 const char **exec, unsigned long *exec_max,
			 unsigned long *exec_timeout)
{
	static const struct option opts[] = {
		{ "follow", no_argument, NULL, 'f' },
		{ "timestamp", no_argument, NULL, 't' },
		{ "syslog", no_argument, NULL, 's' },
		{ "exec", required_argument, NULL, 'e' },
		{ "exec-max", required_argument, NULL, 'm' },
		{ "exec-timeout", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int o;

	optind = 1;
	opterr = 0;
	while ((o = getopt_long(argc, argv, "ftse:m:T:h", opts, NULL)) != -1) {
		switch (o) {
		case 'f':
			m->follow = true;
			break;
		case 't':
			m->timestamp = true;
			break;
		case 's':
			m->syslog = true;
			break;
		case 'e':
			*exec = optarg;
			break;
		case 'm':
			*exec_max = cli_parse_count(optarg, 64);
			if (!*exec_max)
				return cli_usage_error(monitor_usage, "--exec-max: '%s' "
						       "is not a number in 1..64", optarg);
			break;
		case 'T':
			*exec_timeout = cli_parse_count(optarg, 86400);
			if (!*exec_timeout)
				return cli_usage_error(monitor_usage, "--exec-timeout: '%s' "
						       "is not a number of seconds in 1..86400",
						       optarg);
			break;
		default:
			return cli_usage_error(monitor_usage, "unknown option '%s'",
					       argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(monitor_usage, "unexpected argument '%s'", argv[optind]);
	return 0;
}

int cmd_monitor(struct cli *c, int argc, char **argv)
{
	unsigned long exec_max = 4, exec_timeout = 10;
	struct sigaction sa = { .sa_handler = monitor_sigchld };
	unsigned long long overruns = 0;
	struct monitor m = { 0 };
	const char *exec = NULL;
	int fd, ret = 0;
	bool attached;
	sigset_t orig, chld;

	if (cli_want_help(argc, argv, monitor_usage))
		return 0;
	ret = monitor_parse(&m, argc, argv, &exec, &exec_max, &exec_timeout);
	if (ret)
		return ret;
	cli_catch_signals(monitor_signal, &orig);
	if (exec) {
		/* SIGCHLD, like SIGINT, only while waiting in ppoll */
		sigemptyset(&sa.sa_mask);
		sa.sa_flags = SA_NOCLDSTOP;
		sigaction(SIGCHLD, &sa, NULL);
		sigemptyset(&chld);
		sigaddset(&chld, SIGCHLD);
		sigprocmask(SIG_BLOCK, &chld, NULL);
		m.hooks = hooks_new(exec, exec_max, exec_timeout, &orig);
		if (!m.hooks) {
			fprintf(stderr, "nfsketch: out of memory\n");
			return EXIT_RUNTIME;
		}
	}
	if (m.syslog)
		openlog("nfsketch", LOG_PID, LOG_DAEMON);
	if (nfsk_nl_open_socket(&c->nl))
		return EXIT_RUNTIME;
	fd = mnl_socket_get_fd(c->nl.sk);
	/* room for a burst; the kernel paces its events anyway */
	nfsk_nl_set_rcvbuf(&c->nl, 8 << 20);
	/* first the controller, so that no unload/load can fall in between */
	if (nfsk_nl_subscribe_ctrl(&c->nl))
		return EXIT_RUNTIME;
	attached = !monitor_attach(c);
	if (!attached && !m.follow) {
		nfsk_nl_resolve(&c->nl, false);	/* says why */
		hooks_free(m.hooks);
		return EXIT_RUNTIME;
	}
	if (!attached)
		fprintf(stderr, "nfsketch: module not loaded, waiting for it\n");
	else if (!c->json)
		fprintf(stderr, "nfsketch: listening for events (Ctrl-C to stop)\n");

	while (!monitor_stop) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct timespec ts, *tsp = NULL;
		const struct nlmsghdr *h;
		int n, wait_ms;

		if (m.hooks) {
			hooks_poll(m.hooks);
			wait_ms = hooks_next_deadline_ms(m.hooks);
			if (wait_ms >= 0) {
				ts.tv_sec = wait_ms / 1000;
				ts.tv_nsec = (wait_ms % 1000) * 1000000L;
				tsp = &ts;
			}
		}
		n = ppoll(&pfd, 1, tsp, &orig);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "nfsketch: poll: %s\n", strerror(errno));
			ret = EXIT_RUNTIME;
			break;
		}
		if (!n)
			continue;
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
			ret = EXIT_RUNTIME;
			break;
		}
		/*
		 * mnl_nlmsg_ok() compares nlmsg_len as an int: a length of 2 GiB
		 * or more would pass it. Check it as the unsigned it is.
		 */
		for (h = (const void *)c->nl.buf;
		     n >= (int)sizeof(*h) && h->nlmsg_len >= sizeof(*h) &&
		     h->nlmsg_len <= (unsigned int)n;
		     h = mnl_nlmsg_next(h, &n)) {
			if (h->nlmsg_type == GENL_ID_CTRL) {
				int change = ctrl_family_change(h);

				if (change < 0 && attached) {
					attached = false;
					c->nl.family_id = 0;
					if (!m.follow) {
						fprintf(stderr, "nfsketch: the nfsketch family "
							"was unregistered (module removed)\n");
						ret = EXIT_RUNTIME;
						goto out;
					}
					fprintf(stderr, "nfsketch: module removed, waiting "
						"for it to come back\n");
				} else if (change > 0 && !attached) {
					attached = !monitor_attach(c);
					fprintf(stderr, attached ?
						"nfsketch: module loaded, listening again\n" :
						"nfsketch: module loaded, but its family "
						"could not be joined; waiting\n");
				}
				continue;
			}
			if (!attached || h->nlmsg_type != c->nl.family_id ||
			    h->nlmsg_len < mnl_nlmsg_size(sizeof(struct genlmsghdr)))
				continue;
			event_cb(h, &m, c);
			/* one event at a time to whoever reads us */
			if (fflush(stdout) == EOF || ferror(stdout)) {
				if (errno == EPIPE)
					goto out;	/* the reader is gone */
				fprintf(stderr, "nfsketch: write: %s\n", strerror(errno));
				ret = EXIT_RUNTIME;
				goto out;
			}
		}
	}
out:
	fflush(stdout);
	hooks_free(m.hooks);
	if (m.syslog)
		closelog();
	return ret;
}
