/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One printer for text and JSON, in the style of iproute2's json_print.h:
 * each print_*() call names the JSON key and the text format of one value,
 * and @type says where it goes: PRINT_ANY both, PRINT_JSON only in JSON,
 * PRINT_FP only in text. A printer of an object is then one function
 * whatever the output, and the two cannot drift apart. JSON goes through
 * json.c (its UTF-8 and escaping guarantees hold); text through fprintf.
 */
#ifndef NFSK_USER_PRINT_H
#define NFSK_USER_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "json.h"

enum print_type {
	PRINT_ANY,	/* text with the format, JSON under the key */
	PRINT_JSON,	/* JSON only: the format is ignored (NULL) */
	PRINT_FP,	/* text only: the key is ignored (NULL) */
};

struct print {
	bool		json;
	struct json	*j;	/* JSON output (json) */
	FILE		*out;	/* text output (!json) */
};

void print_u64(struct print *p, enum print_type t, const char *key,
	       const char *fmt, uint64_t v);
void print_s64(struct print *p, enum print_type t, const char *key,
	       const char *fmt, int64_t v);
void print_str(struct print *p, enum print_type t, const char *key,
	       const char *fmt, const char *s);
/* Text: the format with "true"/"false" unless it has no %s. */
void print_bool(struct print *p, enum print_type t, const char *key,
		const char *fmt, bool v);
/*
 * A fixed-point value @v / 10^@decimals: in JSON exactly (json_fixed()),
 * in text as a double through the format ("%.2f").
 */
void print_fixed(struct print *p, enum print_type t, const char *key,
		 const char *fmt, int64_t v, unsigned int decimals);
/* A double: JSON shortest round trip (json_double()), text the format. */
void print_double(struct print *p, enum print_type t, const char *key,
		  const char *fmt, double v);
/* Literal text (PRINT_FP by nature): nothing in JSON. */
void print_text(struct print *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* JSON structure: nothing in text. @key NULL in arrays and at the top. */
void print_obj_open(struct print *p, const char *key);
void print_obj_close(struct print *p);
void print_arr_open(struct print *p, const char *key);
void print_arr_close(struct print *p);
/* Text: end of line. JSON: nothing (the writer ends values itself). */
void print_nl(struct print *p);

#endif
