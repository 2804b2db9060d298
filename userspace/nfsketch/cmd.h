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
#include "print.h"
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

/* The print.h context of the CLI's output, as it is now (monitor moves it). */
static inline struct print cli_print(struct cli *c)
{
	return (struct print){ .json = c->json, .j = &c->j, .out = c->out };
}

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

/*
 * An ALERT nest (alert.c): text from the flag to the end of the line, or
 * the JSON object under @key; monitor prints it live, replay for the
 * alerts it raises. _open() leaves the JSON object open for the caller's
 * own keys (print_obj_close() then).
 */
void alert_print(struct cli *c, const struct nlattr *nest, const char *key);
void alert_print_open(struct cli *c, const struct nlattr *nest, const char *key);
const char *alert_flag_name(uint32_t flag);
const char *alert_reason_str(uint32_t flag, uint32_t reason, char *buf, size_t len);

void route_print(struct cli *c, const struct nlattr *nest, const char *key);
/* Where a parsed ROUTE nest's route is, as text. */
struct route_where {
	char	pfx[ADDR_STR_LEN + 8];	/* "10.1.0.0/24", "?/24" without DST */
	char	table[RTNAME_LEN];	/* rt_tables name or number */
	char	proto[RTNAME_LEN];	/* rt_protos name or number */
};
void route_where(const struct nlattr *const *tb, struct route_where *w);
/*
 * Its JSON keys family, prefix, table, table_name, protocol, protocol_name;
 * its text "PREFIX table T proto P", padded to the columns of `routes`
 * when @columns.
 */
void route_where_print(struct print *p, const struct nlattr *const *tb,
		       const struct route_where *w, bool columns);
int parse_hex_key(const char *s, uint8_t key[16]);

/* stats --prometheus (prometheus.c) */
int stats_prometheus(struct cli *c);
/* Flow nests (top.c): parse; "src"/"dst" text; one-line text; JSON object
 * left open under @key so the caller may add fields, then print_obj_close().
 */
void flow_parse(const struct nlattr *nest, const struct nlattr **tb);
const char *flow_src(const struct nlattr **tb, char *buf);
const char *flow_dst(const struct nlattr **tb, char *buf);
const char *flow_str(const struct nlattr **tb, char *buf, size_t len);
void flow_print(struct print *p, const char *key, const struct nlattr **tb);
/*
 * Window nests (windows.c), one object whoever prints it: the JSON object
 * under @key with the same keys for all; in text the `windows` table's
 * row, its route sub-series and top flows (WINDOW_ROW), monitor's one line
 * (WINDOW_LINE) or the replay's block and top flows' table (WINDOW_BLOCK).
 * _open() prints all but the top flows and leaves the JSON object open
 * for the caller's own keys (the replay's alerts); _close() the rest.
 */
enum window_style { WINDOW_LINE, WINDOW_ROW, WINDOW_BLOCK };
void window_print(struct cli *c, const struct nlattr *nest, const struct nlattr **tb,
		  const char *key, enum window_style style);
void window_print_open(struct cli *c, const struct nlattr *nest, const struct nlattr **tb,
		       const char *key, enum window_style style);
void window_print_close(struct cli *c, const struct nlattr **tb, enum window_style style);
/* The scores of a WINDOW_SCORE nest; false (all 0) if there is none. */
bool window_scores(const struct nlattr *nest, int64_t score[NSERIES]);
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
