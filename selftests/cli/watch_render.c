// SPDX-License-Identifier: GPL-2.0
/*
 * watch_render - draws `nfsketch watch`'s screen from fixtures, for
 * test_watch.sh: the replies (STATS_GET, WINDOW_GET, TOPK_GET) are built
 * here with libmnl and handed to watch's own callbacks, then watch_draw()
 * prints. Fixture "max": every number at its widest (u64 and s64 limits,
 * u32 entropies, all flags, IPv6 flows with 5-digit ports, ICMPv6), the
 * longest header (-i 86400, window_ms 2^32 - 1); "min": zeros and short
 * IPv4 flows. The CLI's sources are included (watch's functions are
 * static), as selftests/fuzz/fuzz_nl_reply.c does.
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
#include "../../userspace/nfsketch/rseries.c"
#include "../../userspace/nfsketch/routes.c"
#include "../../userspace/nfsketch/sketch.c"
#include "../../userspace/nfsketch/stats.c"
#include "../../userspace/nfsketch/top.c"
#include "../../userspace/nfsketch/watch.c"
#include "../../userspace/nfsketch/windows.c"
#include <arpa/inet.h>
#include <stdint.h>

int cmd_exporter(struct cli *c, int argc, char **argv) { return EXIT_USAGE; }
int cmd_export(struct cli *c, int argc, char **argv) { return EXIT_USAGE; }
int cmd_merge(struct cli *c, int argc, char **argv) { return EXIT_USAGE; }

static char buf[65536];

static struct nlmsghdr *msg(uint8_t cmd)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = NFSKETCH_FAMILY_VERSION;
	return nlh;
}

static void put_flow(struct nlmsghdr *nlh, int v6, const char *s, const char *d,
		     uint8_t proto, uint16_t sp, uint16_t dp, uint64_t bytes)
{
	uint8_t a[16] = { 0 }, b[16] = { 0 };
	struct nlattr *f;

	if (v6) {
		inet_pton(AF_INET6, s, a);
		inet_pton(AF_INET6, d, b);
	} else {
		a[10] = a[11] = b[10] = b[11] = 0xff;
		inet_pton(AF_INET, s, a + 12);
		inet_pton(AF_INET, d, b + 12);
	}
	f = mnl_attr_nest_start(nlh, NFSKETCH_A_FLOW);
	mnl_attr_put_u8(nlh, NFSKETCH_A_FLOW_FAMILY, v6 ? AF_INET6 : AF_INET);
	mnl_attr_put(nlh, NFSKETCH_A_FLOW_SRC, 16, a);
	mnl_attr_put(nlh, NFSKETCH_A_FLOW_DST, 16, b);
	mnl_attr_put_u8(nlh, NFSKETCH_A_FLOW_PROTO, proto);
	mnl_attr_put_u16(nlh, NFSKETCH_A_FLOW_SPORT, sp);
	mnl_attr_put_u16(nlh, NFSKETCH_A_FLOW_DPORT, dp);
	mnl_attr_put_u64(nlh, NFSKETCH_A_FLOW_PACKETS, bytes / 100);
	mnl_attr_put_u64(nlh, NFSKETCH_A_FLOW_BYTES, bytes);
	mnl_attr_nest_end(nlh, f);
}

int main(int argc, char **argv)
{
	bool big = argc > 1 && !strcmp(argv[1], "max");
	uint64_t u = big ? UINT64_MAX : 0;
	static const char *const v6a = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe";
	static const char *const v6b = "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
	struct cli c = { 0 };
	struct nlmsghdr *nlh;
	struct nlattr *n, *t;
	struct watch w;
	unsigned int i, k;

	c.out = stdout;
	memset(&w, 0, sizeof(w));
	w.c = &c;
	w.p = cli_print(&c);
	w.window_ms = big ? UINT32_MAX : 1000;

	nlh = msg(NFSKETCH_CMD_STATS_GET);
	n = mnl_attr_nest_start(nlh, NFSKETCH_A_STATS);
	for (i = NFSKETCH_A_STATS_PACKETS; i <= NFSKETCH_A_STATS_MAX; i++)
		mnl_attr_put_u64(nlh, i, u);
	mnl_attr_nest_end(nlh, n);
	watch_stats_cb(nlh, &w);

	/* 60 windows, one message each, as the dump sends them */
	for (k = 0; k < WATCH_HISTORY; k++) {
		nlh = msg(NFSKETCH_CMD_WINDOW_GET);
		n = mnl_attr_nest_start(nlh, NFSKETCH_A_WINDOW);
		for (i = NFSKETCH_A_WINDOW_ID; i <= NFSKETCH_A_WINDOW_MAX; i++) {
			if (i == NFSKETCH_A_WINDOW_SCORE || i == NFSKETCH_A_WINDOW_TOPK)
				continue;
			if (i == NFSKETCH_A_WINDOW_SRC_ENTROPY ||
			    i == NFSKETCH_A_WINDOW_DST_ENTROPY ||
			    i == NFSKETCH_A_WINDOW_FLAGS)
				mnl_attr_put_u32(nlh, i, big ? UINT32_MAX : 0);
			else
				mnl_attr_put_u64(nlh, i, big ? u - k : k);
		}
		t = mnl_attr_nest_start(nlh, NFSKETCH_A_WINDOW_SCORE);
		for (i = NFSKETCH_A_SCORE_PACKETS; i <= NFSKETCH_A_SCORE_MAX; i++)
			mnl_attr_put_u64(nlh, i, big ? (uint64_t)(i % 2 ? INT64_MIN : INT64_MAX) : 0);
		mnl_attr_nest_end(nlh, t);
		mnl_attr_nest_end(nlh, n);
		watch_window_cb(nlh, &w);
	}

	nlh = msg(NFSKETCH_CMD_TOPK_GET);
	n = mnl_attr_nest_start(nlh, NFSKETCH_A_WINDOW);
	mnl_attr_put_u64(nlh, NFSKETCH_A_WINDOW_ID, u);
	mnl_attr_put_u64(nlh, NFSKETCH_A_WINDOW_BYTES, big ? 1 : 1000);
	t = mnl_attr_nest_start(nlh, NFSKETCH_A_WINDOW_TOPK);
	if (big) {
		put_flow(nlh, 1, v6a, v6b, 17, 65535, 65535, UINT64_MAX);
		put_flow(nlh, 1, v6a, v6b, 132, 65534, 65533, UINT64_MAX - 1);
		put_flow(nlh, 1, v6a, v6b, 58, 255, 255, UINT64_MAX - 2);
		put_flow(nlh, 1, v6a, v6b, 255, 0, 0, UINT64_MAX - 3);
		put_flow(nlh, 0, "255.255.255.255", "255.255.255.254", 6, 65535, 65535,
			 UINT64_MAX - 4);
	} else {
		put_flow(nlh, 0, "10.0.0.1", "10.0.0.2", 17, 1, 2, 0);
	}
	mnl_attr_nest_end(nlh, t);
	mnl_attr_nest_end(nlh, n);
	watch_top_cb(nlh, &w);

	watch_draw(&w, false, argc > 2 ? strtod(argv[2], NULL) : 0, NULL);
	return 0;
}
