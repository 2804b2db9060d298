// SPDX-License-Identifier: GPL-2.0
/*
 * nfsketch - read the nfsketch kernel module's statistics over generic
 * netlink. One file per command group; commands are cmd_<object>().
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "cmd.h"
#include "netns.h"

static const char main_usage[] =
	"Usage: nfsketch [OPTIONS] COMMAND [ARGS]\n"
	"Options:\n"
	"  -j, --json      JSON output\n"
	"  -p, --pretty    indent JSON\n"
	"  -n, --netns NETNS\n"
	"                  run in network namespace NETNS (ip netns name, or a\n"
	"                  path such as /proc/PID/ns/net), as ip -n does\n"
	"  -h, --help      this text; COMMAND -h for a command's help\n"
	"  -V, --version   print the version\n"
	"Commands:\n"
	"  stats           totals of this network namespace\n"
	"  windows         closed windows: totals, entropy, routes, flags\n"
	"  routes          recent route events and flap penalties\n"
	"  bgp             BGP sessions seen on port 179 and their health\n"
	"  config          get or set this namespace's configuration\n"
	"  top             heaviest flows of the last window\n"
	"  query           Count-Min estimate of one flow in the last window\n"
	"  sketch          raw Count-Min rows of the last window\n"
	"  merge DUMP...   sum `sketch -j` dumps of a fleet sharing one key\n"
	"  reset           clear history and totals\n"
	"  enable, disable start or stop monitoring this namespace\n"
	"  monitor         print events (windows, alerts, routes) as they come\n"
	"  watch           live terminal view\n"
	"  replay FILE     offline: the same sketch core over a pcap/pcapng\n"
	"  exporter        Prometheus endpoint that follows the events\n"
	"  export          every window's top flows to IPFIX collectors\n";

static const struct command {
	const char *name;
	int (*fn)(struct cli *c, int argc, char **argv);
} commands[] = {
	{ "stats", cmd_stats },
	{ "windows", cmd_windows },
	{ "routes", cmd_routes },
	{ "bgp", cmd_bgp },
	{ "config", cmd_config },
	{ "top", cmd_top },
	{ "query", cmd_query },
	{ "sketch", cmd_sketch },
	{ "merge", cmd_merge },
	{ "reset", cmd_reset },
	{ "enable", cmd_enable },
	{ "disable", cmd_enable },
	{ "monitor", cmd_monitor },
	{ "watch", cmd_watch },
	{ "replay", cmd_replay },
	{ "exporter", cmd_exporter },
	{ "export", cmd_export },
};

/* The command being run, for "try `nfsketch COMMAND -h`". */
static const char *cli_command;

int cli_open(struct cli *c)
{
	return nfsk_nl_open(&c->nl);
}

bool cli_want_help(int argc, char **argv, const char *usage)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help") ||
		    !strcmp(argv[i], "help")) {
			fputs(usage, stdout);
			return true;
		}
	}
	return false;
}

/* One line of what is wrong and where the help is, not the whole help. */
int cli_usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	fputs("nfsketch: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (cli_command)
		fprintf(stderr, "Try 'nfsketch %s -h'.\n", cli_command);
	else
		fputs("Try 'nfsketch -h'.\n", stderr);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json",	no_argument, NULL, 'j' },
		{ "pretty",	no_argument, NULL, 'p' },
		{ "netns",	required_argument, NULL, 'n' },
		{ "help",	no_argument, NULL, 'h' },
		{ "version",	no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli c = { 0 };
	unsigned int i;
	int o, ret;

	while ((o = getopt_long(argc, argv, "+jpn:hV", opts, NULL)) != -1) {
		switch (o) {
		case 'j':
			c.json = true;
			break;
		case 'p':
			c.pretty = true;
			break;
		case 'n':
			if (nfsk_netns_enter(optarg))
				return EXIT_RUNTIME;
			break;
		case 'h':
			fputs(main_usage, stdout);
			return 0;
		case 'V':
			printf("nfsketch %s\n", NFSKETCH_CLI_VERSION);
			return 0;
		default:
			fputs(main_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fputs(main_usage, stderr);
		return EXIT_USAGE;
	}
	c.out = stdout;
	json_init(&c.j, stdout, c.pretty);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(argv[optind], commands[i].name)) {
			cli_command = commands[i].name;
			ret = commands[i].fn(&c, argc - optind, argv + optind);
			nfsk_nl_close(&c.nl);
			return ret;
		}
	}
	return cli_usage_error(main_usage, "unknown command '%s'", argv[optind]);
}
