/* SPDX-License-Identifier: GPL-2.0 */
#ifndef NFSK_CLI_CMD_H
#define NFSK_CLI_CMD_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "fmt.h"
#include "json.h"
#include "nl.h"
#include "rtnames.h"

/* Exit codes: 0 ok, 1 runtime error, 2 usage. */
#define EXIT_RUNTIME	1
#define EXIT_USAGE	2

struct cli {
	bool		json;
	bool		pretty;
	struct json	j;
	FILE		*out;	/* text output: stdout, or monitor's syslog buffer */
	struct nfsk_nl	nl;
};

/* Every command: argv[0] is the command's own name. */
int cmd_stats(struct cli *c, int argc, char **argv);
int cmd_windows(struct cli *c, int argc, char **argv);
int cmd_routes(struct cli *c, int argc, char **argv);
int cmd_bgp(struct cli *c, int argc, char **argv);
int cmd_config(struct cli *c, int argc, char **argv);
int cmd_top(struct cli *c, int argc, char **argv);
int cmd_query(struct cli *c, int argc, char **argv);
int cmd_sketch(struct cli *c, int argc, char **argv);
int cmd_reset(struct cli *c, int argc, char **argv);
int cmd_enable(struct cli *c, int argc, char **argv);
int cmd_monitor(struct cli *c, int argc, char **argv);
int cmd_watch(struct cli *c, int argc, char **argv);
int cmd_replay(struct cli *c, int argc, char **argv);
int cmd_exporter(struct cli *c, int argc, char **argv);
int cmd_export(struct cli *c, int argc, char **argv);

void route_print(struct cli *c, const struct nlattr *nest, const char *key);
/* Where a parsed ROUTE nest's route is, as text. */
struct route_where {
	char	pfx[ADDR_STR_LEN + 8];	/* "10.1.0.0/24", "?/24" without DST */
	char	table[RTNAME_LEN];	/* rt_tables name or number */
	char	proto[RTNAME_LEN];	/* rt_protos name or number */
};
void route_where(const struct nlattr *const *tb, struct route_where *w);
/* Its JSON keys: family, prefix, table, table_name, protocol, protocol_name */
void route_where_json(struct cli *c, const struct nlattr *const *tb,
		      const struct route_where *w);
int parse_hex_key(const char *s, uint8_t key[16]);

/* stats --prometheus (prometheus.c) */
int stats_prometheus(struct cli *c);
/* Flow nests (top.c): parse; "src"/"dst" text; one-line text; JSON object
 * left open under @key so the caller may add fields, then json_obj_close().
 */
void flow_parse(const struct nlattr *nest, const struct nlattr **tb);
const char *flow_src(const struct nlattr **tb, char *buf);
const char *flow_dst(const struct nlattr **tb, char *buf);
const char *flow_str(const struct nlattr **tb, char *buf, size_t len);
void flow_json(struct cli *c, const char *key, const struct nlattr **tb);
/* Window nests (monitor.c): JSON object (closed) and one line of text. */
void window_json(struct cli *c, const char *key, const struct nlattr *nest,
		 const struct nlattr **tb);
/* The scores of a WINDOW_SCORE nest; false (all 0) if there is none. */
bool window_scores(const struct nlattr *nest, int64_t score[NSERIES]);
void window_line(const struct nlattr **tb, char *buf, size_t len);
/* Count-Min dumps: sketch.c prints, merge.c reads (sketchdump.h). */
int cmd_merge(struct cli *c, int argc, char **argv);
int parse_proto(const char *s);
int parse_port(const char *s);

/* Shared helpers. */
int cli_open(struct cli *c);
bool cli_want_help(int argc, char **argv, const char *usage);
int cli_usage_error(const char *usage, const char *fmt, ...);
/* A positive decimal number <= max, or 0 if it is not one. */
unsigned long cli_parse_count(const char *s, unsigned long max);
/* A window id (positive decimal), or 0 if it is not one. */
uint64_t cli_parse_u64(const char *s);
/* SIGINT/SIGTERM to @handler, blocked except while waiting with @orig. */
void cli_catch_signals(void (*handler)(int), sigset_t *orig);

#endif
