// SPDX-License-Identifier: GPL-2.0
/* nfsketch sketch: the raw Count-Min rows of the last window (SKETCH_GET). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/nfsketch.h>
#include <nfsketch/tunables.h>
#include <sys/socket.h>
#include "cmd.h"
#include "fmt.h"
#include "sketchdump.h"

static const char sketch_usage[] =
	"Usage: nfsketch [-j [-p]] sketch\n"
	"The summed Count-Min sketch of the last closed window, every row and\n"
	"column, with the fingerprint of its hash key and the window's held\n"
	"(top) flows. Text: per row the sum (each row sums to the window's\n"
	"total, plus (width - 1) x the light packets spilled in that window,\n"
	"if any: stats lcms_spilled), the largest cell and the cells in use.\n"
	"JSON:\n"
	"  {\"window_id\":N,\"depth\":D,\"width\":W,\"key_fingerprint\":\"HEX\",\n"
	"   \"rows\":[{\"row\":0,\"packets\":[...],\"bytes\":[...]},...],\n"
	"   \"top\":[{\"family\":4,\"src\":..,\"packets\":..,\"bytes\":..},...]}\n"
	"the format of `nfsketch replay --sketch`, read by `nfsketch merge`.\n"
	"Needs CAP_NET_ADMIN.\n";

struct sketch_buf {
	uint64_t	window_id;
	uint64_t	key_fp;
	uint32_t	depth;
	uint32_t	width;
	uint64_t	*packets;	/* depth * width, row-major */
	uint64_t	*bytes;
	uint64_t	cells;		/* cells received, to check completeness */
	bool		bad;
	struct sketch_flow *top;	/* the window's held flows */
	size_t		ntop;
};

/* A held flow's key as JSON keys, those of flow_print() */
void sketch_flow_print(struct print *p, const struct sketch_flow *f)
{
	char a[ADDR_STR_LEN], pb[8];

	print_u64(p, PRINT_JSON, "family", NULL, f->family == AF_INET ? 4 : 6);
	print_str(p, PRINT_JSON, "src", NULL, fmt_addr(f->family, f->src, a));
	print_str(p, PRINT_JSON, "dst", NULL, fmt_addr(f->family, f->dst, a));
	print_u64(p, PRINT_JSON, "proto", NULL, f->proto);
	print_str(p, PRINT_JSON, "proto_name", NULL, fmt_proto(f->proto, pb, sizeof(pb)));
	print_u64(p, PRINT_JSON, "sport", NULL, f->sport);
	print_u64(p, PRINT_JSON, "dport", NULL, f->dport);
}

/* "udp 10.0.0.1:5000 -> 10.0.0.2:6000", as `top` and `query` print flows */
const char *sketch_flow_str(const struct sketch_flow *f, char *buf, size_t len)
{
	char s[ADDR_STR_LEN], d[ADDR_STR_LEN];

	return fmt_flow(f->family, f->proto, fmt_addr(f->family, f->src, s), f->sport,
			fmt_addr(f->family, f->dst, d), f->dport, buf, len);
}

/*
 * One row: JSON {row, packets: [...], bytes: [...]}, text its sums, its
 * largest cells and the cells in use.
 */
static void sketch_row_print(struct print *p, const struct sketch_dump *d, uint32_t r)
{
	const uint64_t *pk = d->packets + (size_t)r * d->width;
	const uint64_t *by = d->bytes + (size_t)r * d->width;
	uint64_t psum = 0, bsum = 0, bmax = 0, used = 0, pmax = 0;
	uint32_t i;

	print_obj_open(p, NULL);
	print_u64(p, PRINT_ANY, "row", "%4" PRIu64, r);
	print_arr_open(p, "packets");
	for (i = 0; i < d->width; i++)
		print_u64(p, PRINT_JSON, NULL, NULL, pk[i]);
	print_arr_close(p);
	print_arr_open(p, "bytes");
	for (i = 0; i < d->width; i++)
		print_u64(p, PRINT_JSON, NULL, NULL, by[i]);
	print_arr_close(p);
	print_obj_close(p);
	if (p->json)
		return;
	for (i = 0; i < d->width; i++) {
		psum += pk[i];
		bsum += by[i];
		if (pk[i] > pmax)
			pmax = pk[i];
		if (by[i] > bmax)
			bmax = by[i];
		used += pk[i] || by[i];
	}
	print_text(p, " %12" PRIu64 " %14" PRIu64 " %10" PRIu64 " %12" PRIu64
		   " %6" PRIu64 " (%4.1f%%)\n", psum, bsum, pmax, bmax, used,
		   d->width ? 100.0 * used / d->width : 0);
}

/*
 * Print a dump; shared with `nfsketch replay --sketch` and `nfsketch merge
 * -j`, so that all three print the same text and JSON for the same sketch.
 */
void sketch_print(struct cli *c, const struct sketch_dump *d)
{
	struct print p = cli_print(c);
	uint32_t r;
	char fp[17];
	size_t k;

	snprintf(fp, sizeof(fp), "%016" PRIx64, d->key_fp);
	print_obj_open(&p, NULL);
	print_u64(&p, PRINT_ANY, "window_id", "window %" PRIu64 ": Count-Min sketch",
		  d->window_id);
	print_u64(&p, PRINT_ANY, "depth", ", depth %" PRIu64, d->depth);
	print_u64(&p, PRINT_ANY, "width", " x width %" PRIu64, d->width);
	print_str(&p, PRINT_ANY, "key_fingerprint", ", key fingerprint %s\n", fp);
	print_text(&p, "%4s %12s %14s %10s %12s %12s\n", "row", "packets", "bytes",
		   "max cell", "max bytes", "cells used");
	print_arr_open(&p, "rows");
	for (r = 0; r < d->depth; r++)
		sketch_row_print(&p, d, r);
	print_arr_close(&p);
	print_arr_open(&p, "top");
	for (k = 0; k < d->ntop; k++) {
		print_obj_open(&p, NULL);
		sketch_flow_print(&p, &d->top[k]);
		print_u64(&p, PRINT_JSON, "packets", NULL, d->top[k].packets);
		print_u64(&p, PRINT_JSON, "bytes", NULL, d->top[k].bytes);
		print_obj_close(&p);
	}
	print_arr_close(&p);
	print_text(&p, "%zu held flow%s\n", d->ntop, d->ntop == 1 ? "" : "s");
	print_obj_close(&p);
	if (c->json)
		json_end(&c->j);
}

static int sketch_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NFSKETCH_A_SKETCH_MAX + 1];
	struct sketch_buf *s = data;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		uint32_t depth, width, row, off, np, nb, i;

		if (mnl_attr_get_type(a) != NFSKETCH_A_SKETCH)
			continue;
		nfsk_nl_parse_nest(a, tb, NFSKETCH_A_SKETCH_MAX);
		depth = nfsk_nl_u64(tb[NFSKETCH_A_SKETCH_DEPTH]);
		width = nfsk_nl_u64(tb[NFSKETCH_A_SKETCH_WIDTH]);
		row = nfsk_nl_u64(tb[NFSKETCH_A_SKETCH_ROW]);
		off = nfsk_nl_u64(tb[NFSKETCH_A_SKETCH_OFFSET]);
		/* no larger than the module can make: the reply sizes the buffers */
		if (!tb[NFSKETCH_A_SKETCH_PACKETS] || !tb[NFSKETCH_A_SKETCH_BYTES] ||
		    !depth || !width ||
		    depth > nfsk_tunables[NFSK_T_cms_depth].max ||
		    width > nfsk_tunables[NFSK_T_cms_width].max) {
			s->bad = true;
			continue;
		}
		if (!s->packets) {
			s->window_id = nfsk_nl_u64(tb[NFSKETCH_A_SKETCH_WINDOW_ID]);
			s->key_fp = nfsk_nl_u64(tb[NFSKETCH_A_SKETCH_KEY_FINGERPRINT]);
			s->depth = depth;
			s->width = width;
			s->packets = calloc((size_t)depth * width, sizeof(*s->packets));
			s->bytes = calloc((size_t)depth * width, sizeof(*s->bytes));
			if (!s->packets || !s->bytes) {
				errno = ENOMEM;
				return MNL_CB_ERROR;
			}
		}
		np = mnl_attr_get_payload_len(tb[NFSKETCH_A_SKETCH_PACKETS]) / sizeof(uint32_t);
		nb = mnl_attr_get_payload_len(tb[NFSKETCH_A_SKETCH_BYTES]) / sizeof(uint64_t);
		if (depth != s->depth || width != s->width || row >= depth ||
		    np != nb || off > width || np > width - off ||
		    nfsk_nl_u64(tb[NFSKETCH_A_SKETCH_WINDOW_ID]) != s->window_id ||
		    nfsk_nl_u64(tb[NFSKETCH_A_SKETCH_KEY_FINGERPRINT]) != s->key_fp) {
			s->bad = true;
			continue;
		}
		/* the payloads are 4-byte aligned only: copy, do not cast */
		for (i = 0; i < np; i++) {
			uint32_t p;

			memcpy(&p, (const uint8_t *)mnl_attr_get_payload(tb[NFSKETCH_A_SKETCH_PACKETS]) +
			       (size_t)i * sizeof(p), sizeof(p));
			s->packets[(size_t)row * width + off + i] = p;
		}
		memcpy(s->bytes + (size_t)row * width + off,
		       mnl_attr_get_payload(tb[NFSKETCH_A_SKETCH_BYTES]),
		       (size_t)nb * sizeof(uint64_t));
		s->cells += np;
	}
	return MNL_CB_OK;
}

/* The window's held flows (TOPK_GET of that window): merge's candidates. */
static int sketch_top_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *wtb[NFSKETCH_A_WINDOW_MAX + 1];
	const struct nlattr *tb[NFSKETCH_A_FLOW_MAX + 1];
	struct sketch_buf *s = data;
	const struct nlattr *a, *f;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != NFSKETCH_A_WINDOW)
			continue;
		nfsk_nl_parse_nest(a, wtb, NFSKETCH_A_WINDOW_MAX);
		if (nfsk_nl_u64(wtb[NFSKETCH_A_WINDOW_ID]) != s->window_id ||
		    !wtb[NFSKETCH_A_WINDOW_TOPK]) {
			s->bad = true;
			continue;
		}
		mnl_attr_for_each_nested(f, wtb[NFSKETCH_A_WINDOW_TOPK]) {
			struct sketch_flow *fl, *grown;

			if (mnl_attr_get_type(f) != NFSKETCH_A_FLOW)
				continue;
			flow_parse(f, tb);
			if (!tb[NFSKETCH_A_FLOW_SRC] || !tb[NFSKETCH_A_FLOW_DST] ||
			    mnl_attr_get_payload_len(tb[NFSKETCH_A_FLOW_SRC]) != 16 ||
			    mnl_attr_get_payload_len(tb[NFSKETCH_A_FLOW_DST]) != 16) {
				s->bad = true;
				continue;
			}
			grown = realloc(s->top, (s->ntop + 1) * sizeof(*s->top));
			if (!grown) {
				errno = ENOMEM;
				return MNL_CB_ERROR;
			}
			s->top = grown;
			fl = &s->top[s->ntop++];
			memset(fl, 0, sizeof(*fl));
			fl->family = nfsk_nl_u64(tb[NFSKETCH_A_FLOW_FAMILY]);
			memcpy(fl->src, mnl_attr_get_payload(tb[NFSKETCH_A_FLOW_SRC]), 16);
			memcpy(fl->dst, mnl_attr_get_payload(tb[NFSKETCH_A_FLOW_DST]), 16);
			fl->proto = nfsk_nl_u64(tb[NFSKETCH_A_FLOW_PROTO]);
			fl->sport = nfsk_nl_u64(tb[NFSKETCH_A_FLOW_SPORT]);
			fl->dport = nfsk_nl_u64(tb[NFSKETCH_A_FLOW_DPORT]);
			fl->packets = nfsk_nl_u64(tb[NFSKETCH_A_FLOW_PACKETS]);
			fl->bytes = nfsk_nl_u64(tb[NFSKETCH_A_FLOW_BYTES]);
		}
	}
	return MNL_CB_OK;
}

static void sketch_free(struct sketch_buf *s)
{
	free(s->top);
	free(s->packets);
	free(s->bytes);
	memset(s, 0, sizeof(*s));
}

int cmd_sketch(struct cli *c, int argc, char **argv)
{
	struct sketch_buf s = { 0 };
	struct nlmsghdr *nlh;
	int attempt, err;

	if (cli_want_help(argc, argv, sketch_usage))
		return 0;
	if (argc > 1)
		return cli_usage_error(sketch_usage, "unexpected argument '%s'", argv[1]);
	if (cli_open(c))
		return EXIT_RUNTIME;
	/* A window closing during the dump ends it with EAGAIN: try again. */
	for (attempt = 0; attempt < 5; attempt++) {
		sketch_free(&s);
		nlh = nfsk_nl_request(&c->nl, NFSKETCH_CMD_SKETCH_GET, NLM_F_DUMP);
		if (attempt < 4)
			err = nfsk_nl_talk_quiet(&c->nl, nlh, sketch_cb, &s);
		else
			err = nfsk_nl_talk(&c->nl, nlh, sketch_cb, &s);
		if (err != -EAGAIN)
			break;
	}
	if (err == -EAGAIN) {
		sketch_free(&s);
		return EXIT_RUNTIME;
	}
	if (err) {
		/* the quiet attempt failed for another reason: say why */
		if (attempt < 4) {
			sketch_free(&s);
			nlh = nfsk_nl_request(&c->nl, NFSKETCH_CMD_SKETCH_GET, NLM_F_DUMP);
			err = nfsk_nl_talk(&c->nl, nlh, sketch_cb, &s);
		}
		if (err) {
			sketch_free(&s);
			return EXIT_RUNTIME;
		}
	}
	if (s.bad || !s.packets || s.cells != (uint64_t)s.depth * s.width) {
		fprintf(stderr, "nfsketch: incomplete or inconsistent sketch dump "
			"(%" PRIu64 " of %" PRIu64 " cells)\n", s.cells,
			(uint64_t)s.depth * s.width);
		sketch_free(&s);
		return EXIT_RUNTIME;
	}
	/* all the window's held flows, not only the first topk of a TOPK_GET */
	nlh = nfsk_nl_request(&c->nl, NFSKETCH_CMD_TOPK_GET, 0);
	mnl_attr_put_u64(nlh, NFSKETCH_A_SELECT_WINDOW, s.window_id);
	if (nfsk_nl_talk(&c->nl, nlh, sketch_top_cb, &s) || s.bad) {
		fprintf(stderr, "nfsketch: the held flows of window %" PRIu64
			" are not available\n", s.window_id);
		sketch_free(&s);
		return EXIT_RUNTIME;
	}
	{
		struct sketch_dump d = {
			.window_id = s.window_id, .key_fp = s.key_fp,
			.depth = s.depth, .width = s.width,
			.packets = s.packets, .bytes = s.bytes,
			.top = s.top, .ntop = s.ntop,
		};

		sketch_print(c, &d);
	}
	sketch_free(&s);
	return 0;
}
