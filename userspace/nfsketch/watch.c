// SPDX-License-Identifier: GPL-2.0
/*
 * nfsketch watch: a live terminal view, redrawn at every window close:
 * STATS_GET, WINDOW_GET (last 60) and, when permitted, TOPK_GET.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/nfsketch.h>
#include "cmd.h"
#include "fmt.h"

static const char watch_usage[] =
	"Usage: nfsketch watch [-i SECONDS] [-c COUNT]\n"
	"A live view of this network namespace, redrawn after every window\n"
	"close: totals, a sparkline of packets per window over the last 60\n"
	"windows, the last window's entropies, scores and flags, and the top 5\n"
	"flows (with CAP_NET_ADMIN). Ctrl-C to quit.\n"
	"  -i, --interval SECONDS  redraw every SECONDS instead (decimals allowed)\n"
	"  -c, --count COUNT       draw COUNT times, then exit\n";

#define WATCH_HISTORY	60
#define WATCH_TOP	5
/* every line fits a terminal of this width, whatever the numbers' widths */
#define WATCH_COLS	80

struct watch {
	struct cli	*c;
	struct print	p;		/* text: watch has no JSON */
	uint64_t	st[NFSKETCH_A_STATS_MAX + 1];
	bool		st_has[NFSKETCH_A_STATS_MAX + 1];
	uint64_t	hist[WATCH_HISTORY];
	unsigned int	nhist;
	uint64_t	win[NFSKETCH_A_WINDOW_MAX + 1];
	int64_t		score[NSERIES];
	bool		has_win, has_score;
	char		top_flow[WATCH_TOP][160];	/* flow_str() */
	char		top_tail[WATCH_TOP][48];	/* bytes and share */
	unsigned int	ntop;
	uint64_t	window_ms;
};

static int watch_stats_cb(const struct nlmsghdr *nlh, void *data)
{
	struct watch *w = data;

	nfsk_nl_nest_values(nlh, NFSKETCH_A_STATS, NFSKETCH_A_STATS_MAX, w->st,
			    w->st_has);
	return MNL_CB_OK;
}

static int watch_window_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NFSKETCH_A_WINDOW_MAX + 1];
	struct watch *w = data;
	const struct nlattr *a;
	unsigned int i;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != NFSKETCH_A_WINDOW)
			continue;
		nfsk_nl_parse_nest(a, tb, NFSKETCH_A_WINDOW_MAX);
		/* oldest first: the last one seen is the newest */
		if (w->nhist == WATCH_HISTORY) {
			memmove(w->hist, w->hist + 1, sizeof(w->hist) - sizeof(w->hist[0]));
			w->nhist--;
		}
		w->hist[w->nhist++] = nfsk_nl_u64(tb[NFSKETCH_A_WINDOW_PACKETS]);
		for (i = 0; i <= NFSKETCH_A_WINDOW_MAX; i++)
			w->win[i] = nfsk_nl_u64(tb[i]);
		w->has_win = true;
		w->has_score = window_scores(tb[NFSKETCH_A_WINDOW_SCORE], w->score);
	}
	return MNL_CB_OK;
}

static int watch_top_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *wtb[NFSKETCH_A_WINDOW_MAX + 1];
	const struct nlattr *tb[NFSKETCH_A_FLOW_MAX + 1];
	struct watch *w = data;
	const struct nlattr *a, *f;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		uint64_t total;

		if (mnl_attr_get_type(a) != NFSKETCH_A_WINDOW)
			continue;
		nfsk_nl_parse_nest(a, wtb, NFSKETCH_A_WINDOW_MAX);
		total = nfsk_nl_u64(wtb[NFSKETCH_A_WINDOW_BYTES]);
		if (!wtb[NFSKETCH_A_WINDOW_TOPK])
			continue;
		mnl_attr_for_each_nested(f, wtb[NFSKETCH_A_WINDOW_TOPK]) {
			char fs[160], b[16];
			uint64_t bytes;

			if (w->ntop == WATCH_TOP)
				break;
			flow_parse(f, tb);
			bytes = nfsk_nl_u64(tb[NFSKETCH_A_FLOW_BYTES]);
			snprintf(w->top_flow[w->ntop], sizeof(w->top_flow[0]), "%s",
				 flow_str(tb, fs, sizeof(fs)));
			snprintf(w->top_tail[w->ntop], sizeof(w->top_tail[0]),
				 "%s bytes %5.1f%%", fmt_si(bytes, b, sizeof(b)),
				 total ? 100.0 * bytes / total : 0);
			w->ntop++;
		}
	}
	return MNL_CB_OK;
}

static int watch_config_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NFSKETCH_A_CONFIG_MAX + 1];
	struct watch *w = data;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != NFSKETCH_A_CONFIG)
			continue;
		nfsk_nl_parse_nest(a, tb, NFSKETCH_A_CONFIG_MAX);
		w->window_ms = nfsk_nl_u64(tb[NFSKETCH_A_CONFIG_WINDOW_MS]);
	}
	return MNL_CB_OK;
}

static void sparkline(const uint64_t *v, unsigned int n, char *buf, size_t len)
{
	static const char *const bars[] = {
		"\u2581", "\u2582", "\u2583", "\u2584",
		"\u2585", "\u2586", "\u2587", "\u2588",
	};
	uint64_t max = 0;
	unsigned int i;
	size_t off = 0;

	for (i = 0; i < n; i++)
		if (v[i] > max)
			max = v[i];
	buf[0] = 0;
	for (i = 0; i < n && off + 4 < len; i++) {
		unsigned int l = max ? (unsigned int)((v[i] * 7 + max / 2) / max) : 0;

		off += snprintf(buf + off, len - off, "%s", bars[l > 7 ? 7 : l]);
	}
}

/*
 * A line of items two spaces apart after @prefix; an item that would go
 * past WATCH_COLS starts a new line indented by @indent columns. Items are
 * ASCII and shorter than WATCH_COLS - @indent, so no line is wider.
 */
struct wline {
	struct print	*p;
	unsigned int	col;
	unsigned int	indent;
	bool		empty;
};

static void wline_start(struct wline *l, struct print *p, const char *prefix,
			unsigned int indent)
{
	l->p = p;
	print_text(p, "%s", prefix);
	l->col = strlen(prefix);
	l->indent = indent;
	l->empty = true;
}

static void __attribute__((format(printf, 2, 3)))
wline_item(struct wline *l, const char *fmt, ...)
{
	char item[WATCH_COLS];
	unsigned int sep;
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(item, sizeof(item) - l->indent, fmt, ap);
	va_end(ap);
	n = strlen(item);
	/* after the prefix one space, between items two */
	sep = l->empty ? (l->col > l->indent ? 1 : 0) : 2;
	if (l->col + sep + n > WATCH_COLS && l->col > l->indent) {
		print_text(l->p, "\n%*s", (int)l->indent, "");
		l->col = l->indent;
		sep = 0;
	}
	print_text(l->p, "%*s%s", (int)sep, "", item);
	l->col += sep + n;
	l->empty = false;
}

static void wline_end(struct wline *l)
{
	print_nl(l->p);
}

/* @left, and @right flush with the last column (or on its own line). */
static void line_lr(struct print *p, const char *left, const char *right)
{
	size_t l = strlen(left), r = strlen(right);

	if (l + 1 + r <= WATCH_COLS)
		print_text(p, "%s%*s\n", left, (int)(WATCH_COLS - l), right);
	else
		print_text(p, "%s\n%*s\n", left, WATCH_COLS, right);
}

/*
 * One top flow: "  N  FLOW" and its bytes and share flush right; on two
 * lines when it is too long, and the flow split at its arrow when even
 * the flow alone is (IPv6 with ports).
 */
static void watch_top_line(struct print *p, unsigned int rank, const char *flow,
			   const char *tail)
{
	const char *arrow = strstr(flow, " -> ");
	char head[WATCH_COLS + 1];
	size_t hl;

	hl = snprintf(head, sizeof(head), "  %u  %s", rank, flow);
	if (hl + 2 + strlen(tail) <= WATCH_COLS) {
		line_lr(p, head, tail);
		return;
	}
	if (hl <= WATCH_COLS) {
		print_text(p, "%s\n", head);
	} else if (arrow) {
		print_text(p, "  %u  %.*s\n", rank, (int)(arrow - flow), flow);
		print_text(p, "       %.*s\n", WATCH_COLS - 7, arrow + 1);
	} else {
		print_text(p, "%.*s\n", WATCH_COLS, head);
	}
	print_text(p, "%*s\n", WATCH_COLS, tail);
}

static void watch_draw(struct watch *w, bool tty, double interval,
		       const char *top_note)
{
	char b1[16], b2[16], b3[16], spark[WATCH_HISTORY * 4 + 4], fl[128];
	char left[WATCH_COLS + 1], head[WATCH_COLS + 1];
	uint64_t max = 0;
	struct wline l;
	struct tm tm;
	time_t now;
	unsigned int i;
	char ts[16];

	now = time(NULL);
	localtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
	if (tty)
		print_text(&w->p, "\033[H\033[2J");
	if (interval > 0)
		snprintf(left, sizeof(left), "nfsketch watch: every %.1f s, Ctrl-C to quit",
			 interval);
	else
		snprintf(left, sizeof(left), "nfsketch watch: at every window close (%"
			 PRIu64 " ms), Ctrl-C to quit", w->window_ms);
	line_lr(&w->p, left, ts);
	wline_start(&l, &w->p, "totals   ", 9);
	wline_item(&l, "packets %s", fmt_si(w->st[NFSKETCH_A_STATS_PACKETS], b1, sizeof(b1)));
	wline_item(&l, "bytes %s", fmt_si(w->st[NFSKETCH_A_STATS_BYTES], b2, sizeof(b2)));
	wline_item(&l, "windows %" PRIu64 " (open %" PRIu64 ")",
		   w->st[NFSKETCH_A_STATS_WINDOWS], w->st[NFSKETCH_A_STATS_WINDOW_ID]);
	wline_item(&l, "memory %sB", fmt_si(w->st[NFSKETCH_A_STATS_MEM_BYTES], b3, sizeof(b3)));
	wline_item(&l, "cpus %" PRIu64, w->st[NFSKETCH_A_STATS_CPUS]);
	wline_end(&l);
	wline_start(&l, &w->p, "routes   ", 9);
	wline_item(&l, "ipv4 %" PRIu64, w->st[NFSKETCH_A_STATS_ROUTES4]);
	wline_item(&l, "ipv6 %" PRIu64, w->st[NFSKETCH_A_STATS_ROUTES6]);
	wline_item(&l, "alerts %" PRIu64, w->st[NFSKETCH_A_STATS_ALERTS]);
	if (w->st_has[NFSKETCH_A_STATS_EVENTS_SENT]) {
		wline_item(&l, "events sent %" PRIu64, w->st[NFSKETCH_A_STATS_EVENTS_SENT]);
		wline_item(&l, "coalesced %" PRIu64, w->st[NFSKETCH_A_STATS_EVENTS_COALESCED]);
		wline_item(&l, "dropped %" PRIu64, w->st[NFSKETCH_A_STATS_EVENTS_DROPPED]);
	}
	wline_end(&l);

	for (i = 0; i < w->nhist; i++)
		if (w->hist[i] > max)
			max = w->hist[i];
	sparkline(w->hist, w->nhist, spark, sizeof(spark));
	print_text(&w->p, "\npackets per window, last %u (max %s):\n  %s\n", w->nhist,
	       fmt_si(max, b1, sizeof(b1)), w->nhist ? spark : "(no window closed yet)");

	if (w->has_win) {
		snprintf(head, sizeof(head), "\nlast window %" PRIu64 " (%.1f s):",
			 w->win[NFSKETCH_A_WINDOW_ID],
			 w->win[NFSKETCH_A_WINDOW_LENGTH_NS] / 1e9);
		wline_start(&l, &w->p, head, 2);
		l.col--;	/* the newline */
		wline_item(&l, "%s packets, %s bytes;",
			   fmt_si(w->win[NFSKETCH_A_WINDOW_PACKETS], b1, sizeof(b1)),
			   fmt_si(w->win[NFSKETCH_A_WINDOW_BYTES], b2, sizeof(b2)));
		wline_item(&l, "tcp %" PRIu64, w->win[NFSKETCH_A_WINDOW_TCP]);
		wline_item(&l, "udp %" PRIu64, w->win[NFSKETCH_A_WINDOW_UDP]);
		wline_item(&l, "icmp %" PRIu64, w->win[NFSKETCH_A_WINDOW_ICMP] +
			   w->win[NFSKETCH_A_WINDOW_ICMPV6]);
		wline_item(&l, "other %" PRIu64, w->win[NFSKETCH_A_WINDOW_OTHER]);
		wline_end(&l);
		wline_start(&l, &w->p, "  ", 2);
		wline_item(&l, "H(src) %.2f bits", w->win[NFSKETCH_A_WINDOW_SRC_ENTROPY] / 1000.0);
		wline_item(&l, "H(dst) %.2f bits", w->win[NFSKETCH_A_WINDOW_DST_ENTROPY] / 1000.0);
		wline_item(&l, "flags %s", fmt_flags(w->win[NFSKETCH_A_WINDOW_FLAGS],
						     fl, sizeof(fl)));
		wline_end(&l);
		if (w->has_score) {
			static const char *const sname[NSERIES] = {
				"packets", "bytes", "H(src)", "H(dst)", "routes",
			};

			wline_start(&l, &w->p, "  scores (sigma):", 4);
			for (i = 0; i < NSERIES; i++)
				wline_item(&l, "%s %.2f", sname[i], w->score[i] / 1000.0);
			wline_end(&l);
		}
	}
	print_text(&w->p, "\ntop flows of the last window, by bytes:\n");
	if (top_note)
		print_text(&w->p, "  (%s)\n", top_note);
	else if (!w->ntop)
		print_text(&w->p, "  (none held)\n");
	for (i = 0; i < w->ntop; i++)
		watch_top_line(&w->p, i + 1, w->top_flow[i], w->top_tail[i]);
	if (!tty)
		print_nl(&w->p);
}

static volatile sig_atomic_t watch_stop;

static void watch_signal(int sig)
{
	watch_stop = 1;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int watch_refresh(struct watch *w, const char **top_note)
{
	struct cli *c = w->c;
	struct nlmsghdr *nlh;
	int err;

	memset(w->st, 0, sizeof(w->st));
	memset(w->st_has, 0, sizeof(w->st_has));
	w->nhist = 0;
	w->has_win = false;
	w->ntop = 0;
	nlh = nfsk_nl_request(&c->nl, NFSKETCH_CMD_STATS_GET, 0);
	if (nfsk_nl_talk(&c->nl, nlh, watch_stats_cb, w))
		return -1;
	nlh = nfsk_nl_request(&c->nl, NFSKETCH_CMD_WINDOW_GET, NLM_F_DUMP);
	mnl_attr_put_u32(nlh, NFSKETCH_A_LAST_N, WATCH_HISTORY);
	if (nfsk_nl_talk(&c->nl, nlh, watch_window_cb, w))
		return -1;
	*top_note = NULL;
	nlh = nfsk_nl_request(&c->nl, NFSKETCH_CMD_TOPK_GET, 0);
	mnl_attr_put_u32(nlh, NFSKETCH_A_TOPK_N, WATCH_TOP);
	err = nfsk_nl_talk_quiet(&c->nl, nlh, watch_top_cb, w);
	if (err == -EPERM)
		*top_note = "needs CAP_NET_ADMIN";
	else if (err == -ENODATA)
		*top_note = "no window closed yet";
	else if (err)
		*top_note = strerror(-err);
	return 0;
}

int cmd_watch(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct watch *w;
	unsigned long count = 0, drawn = 0;
	double interval = 0;
	bool tty = isatty(STDOUT_FILENO);
	int o, ret = 0;
	sigset_t orig;
	char *end;

	optind = 1;
	opterr = 0;
	while ((o = getopt_long(argc, argv, "i:c:h", opts, NULL)) != -1) {
		switch (o) {
		case 'i':
			interval = strtod(optarg, &end);
			if (end == optarg || *end || !(interval >= 0.05) || interval > 86400)
				return cli_usage_error(watch_usage,
						       "-i needs seconds (0.05 to 86400), not '%s'",
						       optarg);
			break;
		case 'c':
			count = cli_parse_count(optarg, 1000000000UL);
			if (!count)
				return cli_usage_error(watch_usage,
						       "--count needs a positive number, not '%s'",
						       optarg);
			break;
		case 'h':
			fputs(watch_usage, stdout);
			return 0;
		default:
			return cli_usage_error(watch_usage, "bad option '%s'",
					       argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(watch_usage, "unexpected argument '%s'", argv[optind]);
	if (c->json)
		return cli_usage_error(watch_usage,
				       "watch has no JSON output (see windows -j, monitor -j)");

	cli_catch_signals(watch_signal, &orig);
	if (cli_open(c))
		return EXIT_RUNTIME;
	w = calloc(1, sizeof(*w));
	if (!w)
		return EXIT_RUNTIME;
	w->c = c;
	w->p = cli_print(c);
	{
		struct nlmsghdr *nlh = nfsk_nl_request(&c->nl, NFSKETCH_CMD_CONFIG_GET, 0);

		if (nfsk_nl_talk(&c->nl, nlh, watch_config_cb, w)) {
			free(w);
			return EXIT_RUNTIME;
		}
	}
	if (!w->window_ms)
		w->window_ms = 1000;
	if (tty)
		fputs("\033[?25l", stdout);	/* hide the cursor */

	while (!watch_stop) {
		const char *top_note;
		uint64_t wait_ns;
		struct timespec ts;

		if (watch_refresh(w, &top_note)) {
			ret = EXIT_RUNTIME;
			break;
		}
		watch_draw(w, tty, interval, top_note);
		if (fflush(stdout) == EOF || ferror(stdout)) {
			ret = errno == EPIPE ? 0 : EXIT_RUNTIME;
			tty = false;	/* nothing more can be written */
			break;
		}
		if (count && ++drawn >= count)
			break;

		if (interval > 0) {
			wait_ns = interval * 1e9;
		} else {
			/* just after the open window closes: it began when the
			 * last closed one ended
			 */
			uint64_t now = mono_ns(), next;

			wait_ns = w->window_ms * 1000000ULL;
			if (w->has_win) {
				next = w->win[NFSKETCH_A_WINDOW_START_NS] +
				       w->win[NFSKETCH_A_WINDOW_LENGTH_NS] +
				       wait_ns + 150000000ULL;
				while (next <= now)
					next += w->window_ms * 1000000ULL;
				wait_ns = next - now;
			}
		}
		ts.tv_sec = wait_ns / 1000000000ULL;
		ts.tv_nsec = wait_ns % 1000000000ULL;
		/* signals are blocked but here: Ctrl-C ends the wait at once */
		ppoll(NULL, 0, &ts, &orig);
	}
	if (tty) {
		fputs("\033[?25h", stdout);	/* the cursor back */
		fflush(stdout);
	}
	free(w);
	return ret;
}
