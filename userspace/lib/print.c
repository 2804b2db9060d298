// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <string.h>
#include "print.h"

static bool want_json(const struct print *p, enum print_type t)
{
	return p->json && t != PRINT_FP;
}

/*
 * The text half of every print_*(): @fmt with the value that follows, if
 * @t prints text. Each print_*() is then its JSON writer and this.
 */
static void print_fmt(struct print *p, enum print_type t, const char *fmt, ...)
{
	va_list ap;

	if (p->json || t == PRINT_JSON)
		return;
	va_start(ap, fmt);
	vfprintf(p->out, fmt, ap);
	va_end(ap);
}

void print_u64(struct print *p, enum print_type t, const char *key,
	       const char *fmt, uint64_t v)
{
	if (want_json(p, t))
		json_u64(p->j, key, v);
	print_fmt(p, t, fmt, v);
}

void print_s64(struct print *p, enum print_type t, const char *key,
	       const char *fmt, int64_t v)
{
	if (want_json(p, t))
		json_s64(p->j, key, v);
	print_fmt(p, t, fmt, v);
}

void print_str(struct print *p, enum print_type t, const char *key,
	       const char *fmt, const char *s)
{
	if (want_json(p, t))
		json_str(p->j, key, s);
	print_fmt(p, t, fmt, s);
}

void print_bool(struct print *p, enum print_type t, const char *key,
		const char *fmt, bool v)
{
	if (want_json(p, t))
		json_bool(p->j, key, v);
	else if (fmt && strstr(fmt, "%s"))
		print_fmt(p, t, fmt, v ? "true" : "false");
	else if (v)
		print_fmt(p, t, "%s", fmt);
}

void print_fixed(struct print *p, enum print_type t, const char *key,
		 const char *fmt, int64_t v, unsigned int decimals)
{
	double scale = 1;
	unsigned int i;

	if (want_json(p, t))
		json_fixed(p->j, key, v, decimals);
	for (i = 0; i < decimals; i++)
		scale *= 10;
	print_fmt(p, t, fmt, v / scale);
}

void print_double(struct print *p, enum print_type t, const char *key,
		  const char *fmt, double v)
{
	if (want_json(p, t))
		json_double(p->j, key, v);
	print_fmt(p, t, fmt, v);
}

void print_text(struct print *p, const char *fmt, ...)
{
	va_list ap;

	if (p->json)
		return;
	va_start(ap, fmt);
	vfprintf(p->out, fmt, ap);
	va_end(ap);
}

void print_obj_open(struct print *p, const char *key)
{
	if (p->json)
		json_obj_open(p->j, key);
}

void print_obj_close(struct print *p)
{
	if (p->json)
		json_obj_close(p->j);
}

void print_arr_open(struct print *p, const char *key)
{
	if (p->json)
		json_arr_open(p->j, key);
}

void print_arr_close(struct print *p)
{
	if (p->json)
		json_arr_close(p->j);
}

void print_nl(struct print *p)
{
	if (!p->json)
		fputc('\n', p->out);
}
