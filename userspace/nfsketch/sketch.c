// SPDX-License-Identifier: GPL-2.0
/* nfsketch sketch: the raw Count-Min rows of the last window (SKETCH_GET). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/nfsketch.h>
#include <nfsketch/tunables.h>
#include "cmd.h"

static const char sketch_usage[] =
	"Usage: nfsketch [-j [-p]] sketch\n"
	"The summed Count-Min sketch of the last closed window, every row and\n"
	"column. Text: per row the sum (each row sums to the window's total),\n"
	"the largest cell and the cells in use. JSON:\n"
	"  {\"window_id\":N,\"depth\":D,\"width\":W,\"rows\":[{\"row\":0,\n"
	"   \"packets\":[...],\"bytes\":[...]},...]}\n"
	"the same format as `nfsketch replay --sketch`. Needs CAP_NET_ADMIN.\n";

struct sketch_buf {
	uint64_t	window_id;
	uint32_t	depth;
	uint32_t	width;
	uint32_t	*packets;	/* depth * width, row-major */
	uint64_t	*bytes;
	uint64_t	cells;		/* cells received, to check completeness */
	bool		bad;
};

/*
 * Print a sketch; shared with `nfsketch replay --sketch`, so that the two
 * print byte-identical JSON for the same sketch.
 */
void sketch_print(struct cli *c, uint64_t window_id, uint32_t depth,
		  uint32_t width, const uint32_t *packets, const uint64_t *bytes)
{
	uint32_t r, i;

	if (c->json) {
		json_obj_open(&c->j, NULL);
		json_u64(&c->j, "window_id", window_id);
		json_u64(&c->j, "depth", depth);
		json_u64(&c->j, "width", width);
		json_arr_open(&c->j, "rows");
		for (r = 0; r < depth; r++) {
			json_obj_open(&c->j, NULL);
			json_u64(&c->j, "row", r);
			json_arr_open(&c->j, "packets");
			for (i = 0; i < width; i++)
				json_u64(&c->j, NULL, packets[(size_t)r * width + i]);
			json_arr_close(&c->j);
			json_arr_open(&c->j, "bytes");
			for (i = 0; i < width; i++)
				json_u64(&c->j, NULL, bytes[(size_t)r * width + i]);
			json_arr_close(&c->j);
			json_obj_close(&c->j);
		}
		json_arr_close(&c->j);
		json_obj_close(&c->j);
		json_end(&c->j);
		return;
	}
	printf("window %" PRIu64 ": Count-Min sketch, depth %u x width %u\n",
	       window_id, depth, width);
	printf("%4s %12s %14s %10s %12s %12s\n", "row", "packets", "bytes",
	       "max cell", "max bytes", "cells used");
	for (r = 0; r < depth; r++) {
		uint64_t psum = 0, bsum = 0, bmax = 0, used = 0;
		uint32_t pmax = 0;

		for (i = 0; i < width; i++) {
			uint32_t p = packets[(size_t)r * width + i];
			uint64_t b = bytes[(size_t)r * width + i];

			psum += p;
			bsum += b;
			if (p > pmax)
				pmax = p;
			if (b > bmax)
				bmax = b;
			used += p || b;
		}
		printf("%4u %12" PRIu64 " %14" PRIu64 " %10u %12" PRIu64
		       " %6" PRIu64 " (%4.1f%%)\n", r, psum, bsum, pmax, bmax, used,
		       width ? 100.0 * used / width : 0);
	}
}

static int sketch_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NFSKETCH_A_SKETCH_MAX + 1];
	struct sketch_buf *s = data;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		uint32_t depth, width, row, off, np, nb;

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
		    nfsk_nl_u64(tb[NFSKETCH_A_SKETCH_WINDOW_ID]) != s->window_id) {
			s->bad = true;
			continue;
		}
		/* the payloads are 4-byte aligned only: copy, do not cast */
		memcpy(s->packets + (size_t)row * width + off,
		       mnl_attr_get_payload(tb[NFSKETCH_A_SKETCH_PACKETS]),
		       (size_t)np * sizeof(uint32_t));
		memcpy(s->bytes + (size_t)row * width + off,
		       mnl_attr_get_payload(tb[NFSKETCH_A_SKETCH_BYTES]),
		       (size_t)nb * sizeof(uint64_t));
		s->cells += np;
	}
	return MNL_CB_OK;
}

static void sketch_free(struct sketch_buf *s)
{
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
	sketch_print(c, s.window_id, s.depth, s.width, s.packets, s.bytes);
	sketch_free(&s);
	return 0;
}
