/* SPDX-License-Identifier: GPL-2.0 */
/* Minimal streaming JSON writer (objects, arrays, numbers, strings). */
#ifndef NFSK_USER_JSON_H
#define NFSK_USER_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct json {
	FILE		*f;
	bool		pretty;
	int		depth;
	bool		need_comma;
};

void json_init(struct json *j, FILE *f, bool pretty);
/* key may be NULL inside arrays and at the top level. */
void json_obj_open(struct json *j, const char *key);
void json_obj_close(struct json *j);
void json_arr_open(struct json *j, const char *key);
void json_arr_close(struct json *j);
void json_u64(struct json *j, const char *key, uint64_t v);
void json_s64(struct json *j, const char *key, int64_t v);
/*
 * A fixed-point value in its natural unit: @v / 10^@decimals, written
 * exactly as a decimal ("9.532" for 9532 milli-bits, decimals 3).
 */
void json_fixed(struct json *j, const char *key, int64_t v, unsigned int decimals);
/* A finite double, shortest round-trip precision; null if not finite. */
void json_double(struct json *j, const char *key, double v);
/*
 * A string from outside (names of namespaces, interfaces, routing tables,
 * a hook's output): bytes that are not UTF-8 (ill-formed, truncated,
 * overlong, surrogates, past U+10FFFF) become U+FFFD, one per maximal
 * subpart, and control characters \u escapes, so the output is always
 * valid JSON (RFC 8259 section 8.1).
 */
void json_str(struct json *j, const char *key, const char *s);
void json_bool(struct json *j, const char *key, bool v);
/* End of one top-level value: newline and flush. */
void json_end(struct json *j);

#endif
