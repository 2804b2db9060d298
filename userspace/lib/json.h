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
void json_str(struct json *j, const char *key, const char *s);
void json_bool(struct json *j, const char *key, bool v);
/* End of one top-level value: newline and flush. */
void json_end(struct json *j);

#endif
