/* SPDX-License-Identifier: GPL-2.0 */
#ifndef NFSK_CLI_CMD_H
#define NFSK_CLI_CMD_H

#include <stdbool.h>
#include "json.h"
#include "nl.h"

/* Exit codes: 0 ok, 1 runtime error, 2 usage. */
#define EXIT_RUNTIME	1
#define EXIT_USAGE	2

struct cli {
	bool		json;
	bool		pretty;
	struct json	j;
	struct nfsk_nl	nl;
};

/* Every command: argv[0] is the command's own name. */
int cmd_stats(struct cli *c, int argc, char **argv);
int cmd_windows(struct cli *c, int argc, char **argv);
int cmd_routes(struct cli *c, int argc, char **argv);
int cmd_config(struct cli *c, int argc, char **argv);

void route_print(struct cli *c, const struct nlattr *nest, const char *key);
int parse_hex_key(const char *s, uint8_t key[16]);

/* Shared helpers. */
int cli_open(struct cli *c);
bool cli_want_help(int argc, char **argv, const char *usage);
int cli_usage_error(const char *usage, const char *fmt, ...);

#endif
