// SPDX-License-Identifier: GPL-2.0
/* nfsketch reset: clear this namespace's history and totals (RESET). */
#include <stdio.h>
#include <linux/nfsketch.h>
#include "cmd.h"

static const char reset_usage[] =
	"Usage: nfsketch reset\n"
	"Clear this network namespace's window history, detector baselines and\n"
	"alert count, and restart the packet and byte totals from zero. The\n"
	"configuration is kept. Needs CAP_NET_ADMIN.\n";

int cmd_reset(struct cli *c, int argc, char **argv)
{
	struct nlmsghdr *nlh;

	if (cli_want_help(argc, argv, reset_usage))
		return 0;
	if (argc > 1)
		return cli_usage_error(reset_usage, "unexpected argument '%s'", argv[1]);
	if (cli_open(c))
		return EXIT_RUNTIME;
	nlh = nfsk_nl_request(&c->nl, NFSKETCH_CMD_RESET, 0);
	return nfsk_nl_talk(&c->nl, nlh, NULL, NULL) ? EXIT_RUNTIME : 0;
}
