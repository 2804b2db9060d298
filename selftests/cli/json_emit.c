// SPDX-License-Identifier: GPL-2.0
/*
 * json_emit - the CLI's JSON writer (userspace/lib/json.c) on arbitrary
 * bytes, for test_json.sh: each line of stdin, hex-encoded, is written as a
 * string (under the key it also is, and as an array element); then a few
 * fixed-point and double values. One JSON document on stdout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "json.h"

static size_t unhex(const char *h, char *out)
{
	size_t n = 0;
	unsigned int b;

	while (h[0] && h[1] && sscanf(h, "%2x", &b) == 1) {
		out[n++] = (char)b;
		h += 2;
	}
	out[n] = 0;
	return n;
}

int main(void)
{
	static const struct { long long v; unsigned int d; } fixed[] = {
		{ 9532, 3 }, { -1500, 3 }, { 7, 3 }, { -7, 3 }, { 0, 3 },
		{ 123456, 6 }, { 42, 0 }, { -9223372036854775807LL - 1, 3 },
	};
	static const double dbl[] = { 0.5, 1.0 / 3, 2.3283064365386963e-10, 0 };
	char line[4096], buf[2048];
	struct json j;
	unsigned int i;

	json_init(&j, stdout, false);
	json_obj_open(&j, NULL);
	json_arr_open(&j, "strings");
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = 0;
		unhex(line, buf);
		json_obj_open(&j, NULL);
		json_str(&j, buf, buf);	/* as a key and as a value */
		json_obj_close(&j);
	}
	json_arr_close(&j);
	json_arr_open(&j, "fixed");
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		json_fixed(&j, NULL, fixed[i].v, fixed[i].d);
	json_arr_close(&j);
	json_arr_open(&j, "double");
	for (i = 0; i < sizeof(dbl) / sizeof(dbl[0]); i++)
		json_double(&j, NULL, dbl[i]);
	json_double(&j, NULL, strtod("inf", NULL));
	json_arr_close(&j);
	json_obj_close(&j);
	json_end(&j);
	return 0;
}
