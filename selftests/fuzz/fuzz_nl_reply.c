// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_nl_reply.c - libFuzzer target for the CLI's parsing of the kernel's
 * replies and events: the libmnl callbacks of config, windows, stats,
 * routes, bgp, query, top, sketch, monitor, watch and stats --prometheus, fed
 * one generic netlink message each, as nfsk_nl_talk() would hand it over.
 *
 * The callbacks are static: this file includes the CLI's sources (main()
 * renamed) to reach them. Input: byte 0 picks the callback, byte 1 the
 * output mode (text or JSON), byte 2 the genl command (for monitor), the
 * rest is the message's attributes after the genl header. The message is
 * copied into a buffer of exactly its (aligned) size so that AddressSanitizer sees
 * any read past it. Output goes to /dev/null.
 */
#define main nfsk_cli_main
#include "../../userspace/nfsketch/main.c"
#undef main
#include "../../userspace/nfsketch/alert.c"
#include "../../userspace/nfsketch/bgp.c"
#include "../../userspace/nfsketch/config.c"
#include "../../userspace/nfsketch/enable.c"
#include "../../userspace/nfsketch/fmt.c"
#include "../../userspace/nfsketch/hooks.c"
#include "../../userspace/nfsketch/monitor.c"
#include "../../userspace/nfsketch/prometheus.c"
#include "../../userspace/nfsketch/query.c"
#include "../../userspace/nfsketch/reset.c"
#include "../../userspace/nfsketch/routes.c"
#include "../../userspace/nfsketch/rseries.c"
#include "../../userspace/nfsketch/sketch.c"
#include "../../userspace/nfsketch/stats.c"
#include "../../userspace/nfsketch/top.c"
#include "../../userspace/nfsketch/watch.c"
#include "../../userspace/nfsketch/windows.c"

/*
 * exporter and export (libmicrohttpd, libfixbuf) and merge (jansson, no
 * netlink) are not linked here: their input is not fuzzed yet; stubs for
 * main.c's command table.
 */
int cmd_exporter(struct cli *c, int argc, char **argv) { return EXIT_USAGE; }
int cmd_export(struct cli *c, int argc, char **argv) { return EXIT_USAGE; }
int cmd_merge(struct cli *c, int argc, char **argv) { return EXIT_USAGE; }

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (!freopen("/dev/null", "w", stdout))
		abort();
	return 0;
}

enum { T_CONFIG, T_WINDOWS, T_STATS, T_ROUTES, T_QUERY, T_TOP, T_SKETCH,
       T_MONITOR, T_PROM_STATS, T_PROM_WINDOW, T_WATCH_STATS,
       T_WATCH_WINDOW, T_WATCH_TOP, T_WATCH_CONFIG, T_NEST_VALUES, T_BGP, T_MAX };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cli c = { 0 };
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	size_t len;

	if (size < 3)
		return 0;
	/* netlink messages are 4-byte aligned; libmnl relies on it */
	len = MNL_ALIGN(MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*g)) + (size - 3));
	nlh = calloc(1, len);
	if (!nlh)
		return 0;
	nlh->nlmsg_len = len;
	g = mnl_nlmsg_get_payload(nlh);
	g->cmd = data[2];
	g->version = NFSKETCH_FAMILY_VERSION;
	memcpy((char *)nlh + MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*g)), data + 3,
	       size - 3);

	c.json = data[1] & 1;
	c.out = stdout;
	json_init(&c.j, stdout, data[1] & 2);
	switch (data[0] % T_MAX) {
	case T_CONFIG:
		config_cb(nlh, &c);
		break;
	case T_WINDOWS:
		window_cb(nlh, &c);
		break;
	case T_STATS: {
		struct stats_ctx x = { .c = &c, .netns = data[1] & 4 ? "fuzz" : NULL };

		stats_cb(nlh, &x);
		if (x.netns && c.json)
			json_end(&c.j);
		break;
	}
	case T_ROUTES:
		routes_cb(nlh, &c);
		break;
	case T_BGP:
		bgp_cb(nlh, &c);
		break;
	case T_QUERY:
		query_cb(nlh, &c);
		break;
	case T_TOP: {
		struct top_ctx t = { .c = &c, .by_packets = data[1] & 4 };

		top_cb(nlh, &t);
		break;
	}
	case T_SKETCH: {
		struct sketch_buf s = { 0 };

		/* twice: the second message is checked against the first */
		sketch_cb(nlh, &s);
		sketch_cb(nlh, &s);
		if (s.packets && !s.bad) {
			struct sketch_dump d = {
				.window_id = s.window_id, .key_fp = s.key_fp,
				.depth = s.depth, .width = s.width,
				.packets = s.packets, .bytes = s.bytes,
				.top = s.top, .ntop = s.ntop,
			};

			sketch_print(&c, &d);
		}
		sketch_free(&s);
		break;
	}
	case T_MONITOR: {
		struct monitor m = { 0 };	/* no hook, no syslog: print only */

		event_cb(nlh, &m, &c);
		break;
	}
	case T_PROM_STATS:
	case T_PROM_WINDOW: {
		struct prom p;

		memset(&p, 0, sizeof(p));
		if (data[0] % T_MAX == T_PROM_STATS)
			prom_stats_cb(nlh, &p);
		else
			prom_window_cb(nlh, &p);
		break;
	}
	case T_WATCH_STATS:
	case T_WATCH_WINDOW:
	case T_WATCH_TOP:
	case T_WATCH_CONFIG: {
		struct watch w;

		memset(&w, 0, sizeof(w));
		w.c = &c;
		switch (data[0] % T_MAX) {
		case T_WATCH_STATS: watch_stats_cb(nlh, &w); break;
		case T_WATCH_WINDOW: watch_window_cb(nlh, &w); break;
		case T_WATCH_TOP: watch_top_cb(nlh, &w); break;
		default: watch_config_cb(nlh, &w); break;
		}
		break;
	}
	case T_NEST_VALUES: {
		uint64_t val[NFSKETCH_A_STATS_MAX + 1];
		bool has[NFSKETCH_A_STATS_MAX + 1];

		nfsk_nl_nest_values(nlh, NFSKETCH_A_STATS, NFSKETCH_A_STATS_MAX,
				    val, has);
		break;
	}
	}
	fflush(stdout);
	free(nlh);
	return 0;
}
