// SPDX-License-Identifier: GPL-2.0
/* nfsketch enable|disable: monitoring of this namespace (MONITOR_SET). */
#include <stdio.h>
#include <string.h>
#include <linux/nfsketch.h>
#include "cmd.h"

static const char enable_usage[] =
	"Usage: nfsketch [-n NETNS] enable\n"
	"       nfsketch [-n NETNS] disable\n"
	"Start or stop monitoring this network namespace. Enabling allocates its\n"
	"sketches, history and route state (about 1 MiB per CPU at the default\n"
	"sizes), registers its hooks and learns the routes already present;\n"
	"counting starts from zero. Disabling frees all of it but the\n"
	"configuration. The initial namespace is always monitored. Which other\n"
	"namespaces are monitored without being enabled is the module parameter\n"
	"netns_monitor (/sys/kernel/nfsketch/netns_monitor): all, none, or\n"
	"on-demand (at the first read: stats, windows, top, query, sketch,\n"
	"routes, monitor). `nfsketch config get` shows the state. Needs\n"
	"CAP_NET_ADMIN.\n";

int cmd_enable(struct cli *c, int argc, char **argv)
{
	bool on = !strcmp(argv[0], "enable");
	struct nlmsghdr *nlh;

	if (cli_want_help(argc, argv, enable_usage))
		return 0;
	if (argc > 1)
		return cli_usage_error(enable_usage, "unexpected argument '%s'", argv[1]);
	if (cli_open(c))
		return EXIT_RUNTIME;
	nlh = nfsk_nl_request(&c->nl, NFSKETCH_CMD_MONITOR_SET, 0);
	mnl_attr_put_u8(nlh, NFSKETCH_A_MONITOR,
			on ? NFSKETCH_MONITOR_ON : NFSKETCH_MONITOR_OFF);
	return nfsk_nl_talk(&c->nl, nlh, NULL, NULL) ? EXIT_RUNTIME : 0;
}
