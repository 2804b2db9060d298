// SPDX-License-Identifier: GPL-2.0
/*
 * nfsketch merge DUMP...: the network-wide Count-Min sketch of a fleet.
 *
 * A Count-Min sketch is linear: the cell-wise sum of the sketches of
 * several streams, made with the same hash key and geometry, is the sketch
 * of their union. One exception, on the safe side: a dump whose window
 * spilled light packets (stats lcms_spilled; lcms.c's overflow rule) has
 * the spill in every cell, and its row total counts it w times, so the sum
 * is the union's sketch plus the spills, never below it cell for cell,
 * and N (from the rows) includes them: the bound stays honest. Routers that were given one key (`config set hash_key=`)
 * publish the same key fingerprint; merge checks it and the geometry of
 * every dump, sums the cells exactly (refusing an overflow), and with the
 * key answers point queries and re-estimates the dumps' held flows against
 * the sum: estimate >= truth, estimate - truth <= ceil(e * N / w) with
 * probability >= 1 - e^-d, N the fleet's packets (bytes).
 * Dumps are JSON (jansson reads them); the module is not needed.
 */
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <jansson.h>
#include <nfsketch/cms.h>
#include <nfsketch/flow.h>
#include <nfsketch/siphash.h>
#include <nfsketch/tunables.h>
#include "cmd.h"
#include "fmt.h"
#include "sketchdump.h"

static const char merge_usage[] =
	"Usage: nfsketch [-j [-p]] merge [--key HEX] [--top N] [--sketch] DUMP...\n"
	"                [--query proto P src A dst B [sport S dport D]]\n"
	"Sum the Count-Min dumps of several routers (`nfsketch -j sketch` or\n"
	"`nfsketch -j replay --sketch`; '-' reads stdin) into the sketch of the\n"
	"whole fleet. The dumps must share the geometry and the hash key (the\n"
	"key fingerprint of `config get`); a dump that does not is refused.\n"
	"  --key HEX   the fleet's hash key, 32 hex digits as given to `config set\n"
	"              hash_key=` (checked against the fingerprint): needed to\n"
	"              locate a flow's cells, so for --top and --query\n"
	"  --top N     the N heaviest of the dumps' held flows by the merged\n"
	"              estimate of their bytes (default 10 with --key)\n"
	"  --query ... one flow, the keywords of `nfsketch query`, to the end\n"
	"  --sketch    print the merged sketch itself, in the dump format\n"
	"Estimates are upper bounds: estimate - truth <= bound with probability\n"
	">= 1 - e^-depth; the held counts are exact lower bounds.\n";

struct merge_dump {
	const char	*file;
	uint64_t	window_id;
	uint64_t	packets;	/* row 0's sum: the router's total */
	uint64_t	bytes;
	size_t		nheld;
};

struct merge {
	struct cli		*c;
	uint32_t		depth, width;
	uint64_t		key_fp;
	uint64_t		*packets;	/* summed cells */
	uint64_t		*bytes;
	uint64_t		total_packets, total_bytes;
	struct merge_dump	*dumps;
	size_t			ndumps;
	struct sketch_flow	*held;		/* union, held counts summed */
	size_t			nheld;
	struct nfsk_hash_key	hk;
	bool			have_key;
};

struct merge_est {
	uint64_t	packets, bytes;		/* the merged sketch's minimum */
	uint64_t	err_packets, err_bytes;
};

static int merge_err(const char *file, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int merge_err(const char *file, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "nfsketch: merge: %s: ", file);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

static int json_get_u64(json_t *o, const char *key, uint64_t *v)
{
	json_t *x = json_object_get(o, key);

	if (!json_is_integer(x) || json_integer_value(x) < 0)
		return -1;
	*v = (uint64_t)json_integer_value(x);
	return 0;
}

/* cells += a JSON array of @n counters (jansson's integers are signed) */
static int merge_cells(const char *file, json_t *arr, uint64_t *cells,
		       uint32_t n, uint64_t max, uint64_t *sum)
{
	uint32_t i;

	if (!json_is_array(arr) || json_array_size(arr) != n)
		return merge_err(file, "a row is not an array of %u counters", n);
	*sum = 0;
	for (i = 0; i < n; i++) {
		json_t *x = json_array_get(arr, i);
		uint64_t v;

		if (!json_is_integer(x) || json_integer_value(x) < 0 ||
		    (uint64_t)json_integer_value(x) > max)
			return merge_err(file, "counter %u of a row is not a count", i);
		v = (uint64_t)json_integer_value(x);
		if (__builtin_add_overflow(*sum, v, sum) ||
		    __builtin_add_overflow(cells[i], v, &cells[i]))
			return merge_err(file, "counter overflow in the sum");
	}
	return 0;
}

static int merge_flow_parse(const char *file, json_t *o, struct sketch_flow *f)
{
	json_t *src = json_object_get(o, "src"), *dst = json_object_get(o, "dst");
	uint64_t fam, proto, sport, dport;
	int sf, df;

	memset(f, 0, sizeof(*f));
	if (json_get_u64(o, "family", &fam) || json_get_u64(o, "proto", &proto) ||
	    json_get_u64(o, "sport", &sport) || json_get_u64(o, "dport", &dport) ||
	    json_get_u64(o, "packets", &f->packets) ||
	    json_get_u64(o, "bytes", &f->bytes) ||
	    !json_is_string(src) || !json_is_string(dst))
		return merge_err(file, "a held flow lacks a field");
	sf = parse_addr(json_string_value(src), f->src);
	df = parse_addr(json_string_value(dst), f->dst);
	if (!sf || sf != df || sf != (fam == 4 ? AF_INET : AF_INET6) ||
	    proto > 255 || sport > 65535 || dport > 65535)
		return merge_err(file, "a held flow is not a flow");
	f->family = sf;
	f->proto = proto;
	f->sport = sport;
	f->dport = dport;
	return 0;
}

static bool flow_same(const struct sketch_flow *a, const struct sketch_flow *b)
{
	return a->family == b->family && a->proto == b->proto &&
	       a->sport == b->sport && a->dport == b->dport &&
	       !memcmp(a->src, b->src, 16) && !memcmp(a->dst, b->dst, 16);
}

/* The union of held flows; a flow held on several routers sums its counts. */
static int merge_held_add(struct merge *m, const char *file,
			  const struct sketch_flow *f)
{
	struct sketch_flow *grown;
	size_t i;

	for (i = 0; i < m->nheld; i++)
		if (flow_same(&m->held[i], f)) {
			if (__builtin_add_overflow(m->held[i].packets, f->packets,
						   &m->held[i].packets) ||
			    __builtin_add_overflow(m->held[i].bytes, f->bytes,
						   &m->held[i].bytes))
				return merge_err(file, "held count overflow");
			return 0;
		}
	grown = realloc(m->held, (m->nheld + 1) * sizeof(*m->held));
	if (!grown)
		return merge_err(file, "out of memory");
	m->held = grown;
	m->held[m->nheld++] = *f;
	return 0;
}

static int merge_one(struct merge *m, const char *file, json_t *root)
{
	uint64_t depth, width, wid, prow = 0, brow = 0, psum, bsum;
	struct merge_dump *d, *grown;
	json_t *fp = json_object_get(root, "key_fingerprint");
	json_t *rows = json_object_get(root, "rows");
	json_t *top = json_object_get(root, "top");
	uint64_t key_fp;
	char *end;
	size_t r;

	if (!json_is_object(root) || json_get_u64(root, "depth", &depth) ||
	    json_get_u64(root, "width", &width) ||
	    json_get_u64(root, "window_id", &wid) || !json_is_array(rows))
		return merge_err(file, "not a sketch dump (`nfsketch -j sketch`)");
	if (!json_is_string(fp) || strlen(json_string_value(fp)) != 16)
		return merge_err(file, "no key fingerprint (a dump of an older nfsketch?)");
	errno = 0;
	key_fp = strtoull(json_string_value(fp), &end, 16);
	if (errno || *end)
		return merge_err(file, "bad key fingerprint '%s'", json_string_value(fp));
	if (!nfsk_cms_geom_ok(depth, width) ||
	    depth > nfsk_tunables[NFSK_T_cms_depth].max ||
	    width > nfsk_tunables[NFSK_T_cms_width].max ||
	    json_array_size(rows) != depth)
		return merge_err(file, "bad geometry depth %" PRIu64 " x width %" PRIu64,
				 depth, width);
	if (!m->packets) {
		m->depth = depth;
		m->width = width;
		m->key_fp = key_fp;
		m->packets = calloc(depth * width, sizeof(*m->packets));
		m->bytes = calloc(depth * width, sizeof(*m->bytes));
		if (!m->packets || !m->bytes)
			return merge_err(file, "out of memory");
	} else if (depth != m->depth || width != m->width) {
		return merge_err(file, "geometry depth %" PRIu64 " x width %" PRIu64
				 " differs from %s's depth %u x width %u: the sketches cannot be summed",
				 depth, width, m->dumps[0].file, m->depth, m->width);
	} else if (key_fp != m->key_fp) {
		return merge_err(file, "key fingerprint %016" PRIx64 " differs from %s's %016"
				 PRIx64 ": the routers hash with different keys "
				 "(set one with `nfsketch config set hash_key=`)",
				 key_fp, m->dumps[0].file, m->key_fp);
	}
	for (r = 0; r < depth; r++) {
		json_t *row = json_array_get(rows, r);
		uint64_t idx;

		if (!json_is_object(row) || json_get_u64(row, "row", &idx) || idx != r)
			return merge_err(file, "rows out of order");
		if (merge_cells(file, json_object_get(row, "packets"),
				m->packets + r * width, width, INT64_MAX, &psum) ||
		    merge_cells(file, json_object_get(row, "bytes"),
				m->bytes + r * width, width, INT64_MAX, &bsum))
			return -1;
		/* every row counts every packet once: the same sums */
		if (r && (psum != prow || bsum != brow))
			return merge_err(file, "row %zu sums to %" PRIu64 " packets, row 0 to %"
					 PRIu64 ": not a Count-Min sketch", r, psum, prow);
		prow = psum;
		brow = bsum;
	}
	grown = realloc(m->dumps, (m->ndumps + 1) * sizeof(*m->dumps));
	if (!grown)
		return merge_err(file, "out of memory");
	m->dumps = grown;
	d = &m->dumps[m->ndumps++];
	d->file = file;
	d->window_id = wid;
	d->packets = prow;
	d->bytes = brow;
	d->nheld = json_is_array(top) ? json_array_size(top) : 0;
	if (__builtin_add_overflow(m->total_packets, prow, &m->total_packets) ||
	    __builtin_add_overflow(m->total_bytes, brow, &m->total_bytes))
		return merge_err(file, "total overflow");
	for (r = 0; r < d->nheld; r++) {
		struct sketch_flow f;

		if (merge_flow_parse(file, json_array_get(top, r), &f) ||
		    merge_held_add(m, file, &f))
			return -1;
	}
	return 0;
}

static int merge_load(struct merge *m, const char *file)
{
	json_error_t jerr;
	json_t *root;
	int err;

	if (!strcmp(file, "-"))
		root = json_loadf(stdin, 0, &jerr);
	else
		root = json_load_file(file, 0, &jerr);
	if (!root)
		return merge_err(file, "line %d: %s", jerr.line, jerr.text);
	err = merge_one(m, file, root);
	json_decref(root);
	return err;
}

static void merge_estimate(const struct merge *m, const struct sketch_flow *f,
			   struct merge_est *e)
{
	struct nfsk_cms geom = { .depth = m->depth, .width = m->width,
				 .shift = 64 - __builtin_ctz(m->width) };
	struct nfsk_flow_key k;
	uint32_t r;
	uint64_t h;

	if (f->family == AF_INET)
		nfsk_flow_key_v4(&k, f->src + 12, f->dst + 12, f->proto,
				 htons(f->sport), htons(f->dport));
	else
		nfsk_flow_key_v6(&k, f->src, f->dst, f->proto, htons(f->sport),
				 htons(f->dport));
	h = nfsk_flow_hash(&m->hk, &k);
	e->packets = e->bytes = UINT64_MAX;
	for (r = 0; r < m->depth; r++) {
		size_t i = (size_t)r * m->width + nfsk_cms_col(&geom, h, r);

		if (m->packets[i] < e->packets)
			e->packets = m->packets[i];
		if (m->bytes[i] < e->bytes)
			e->bytes = m->bytes[i];
	}
	e->err_packets = nfsk_cms_bound(m->total_packets, m->width);
	e->err_bytes = nfsk_cms_bound(m->total_bytes, m->width);
}

/* `query`'s keywords: proto P src A dst B [sport S dport D] (type/code) */
static int merge_parse_query(int argc, char **argv, struct sketch_flow *f)
{
	int sfam = 0, dfam = 0, proto = -1, i, v;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < argc; i += 2) {
		const char *k = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!val)
			return cli_usage_error(merge_usage, "'%s' needs a value", k);
		if (!strcmp(k, "proto")) {
			proto = parse_proto(val);
			if (proto < 0)
				return cli_usage_error(merge_usage, "bad protocol '%s'", val);
		} else if (!strcmp(k, "src") || !strcmp(k, "dst")) {
			int fam = parse_addr(val, k[0] == 's' ? f->src : f->dst);

			if (!fam)
				return cli_usage_error(merge_usage, "bad address '%s'", val);
			*(k[0] == 's' ? &sfam : &dfam) = fam;
		} else if (!strcmp(k, "sport") || !strcmp(k, "type") ||
			   !strcmp(k, "dport") || !strcmp(k, "code")) {
			v = parse_port(val);
			if (v < 0)
				return cli_usage_error(merge_usage, "bad %s '%s'", k, val);
			if (!strcmp(k, "sport") || !strcmp(k, "type"))
				f->sport = v;
			else
				f->dport = v;
		} else {
			return cli_usage_error(merge_usage, "unknown keyword '%s'", k);
		}
	}
	if (proto < 0 || !sfam || !dfam)
		return cli_usage_error(merge_usage, "--query needs proto, src and dst");
	if (sfam != dfam)
		return cli_usage_error(merge_usage, "src and dst are not of the same family");
	f->family = sfam;
	f->proto = proto;
	return 0;
}

static int cmp_est_bytes(const void *a, const void *b)
{
	const struct merge_est *x = a, *y = b;

	return x->bytes < y->bytes ? 1 : x->bytes > y->bytes ? -1 : 0;
}

struct merge_cand {
	struct merge_est	est;	/* first: cmp_est_bytes() */
	struct sketch_flow	flow;
};

static void merge_print_flow(struct merge *m, const struct sketch_flow *f,
			     const struct merge_est *e, bool held, int rank)
{
	struct cli *c = m->c;
	char fs[128];

	if (c->json) {
		struct print p = cli_print(c);

		json_obj_open(&c->j, NULL);
		sketch_flow_print(&p, f);
		if (rank)
			json_u64(&c->j, "rank", rank);
		if (held) {
			json_u64(&c->j, "held_packets", f->packets);
			json_u64(&c->j, "held_bytes", f->bytes);
		}
		json_u64(&c->j, "est_packets", e->packets);
		json_u64(&c->j, "err_packets", e->err_packets);
		json_u64(&c->j, "est_bytes", e->bytes);
		json_u64(&c->j, "err_bytes", e->err_bytes);
		json_obj_close(&c->j);
		return;
	}
	sketch_flow_str(f, fs, sizeof(fs));
	if (rank)
		printf("%4d %s\n     held >= %" PRIu64 " bytes, %" PRIu64 " packets;", rank,
		       fs, f->bytes, f->packets);
	else
		printf("%s\n    ", fs);
	printf(" estimate %" PRIu64 " +- %" PRIu64 " bytes, %" PRIu64 " +- %" PRIu64
	       " packets\n", e->bytes, e->err_bytes, e->packets, e->err_packets);
}

static void merge_report(struct merge *m, unsigned long top,
			 const struct sketch_flow *query)
{
	struct cli *c = m->c;
	struct merge_cand *cand = NULL;
	char fp[17];
	size_t i, n = 0;

	snprintf(fp, sizeof(fp), "%016" PRIx64, m->key_fp);
	if (top && m->nheld) {
		cand = calloc(m->nheld, sizeof(*cand));
		if (cand) {
			for (i = 0; i < m->nheld; i++) {
				cand[i].flow = m->held[i];
				merge_estimate(m, &m->held[i], &cand[i].est);
			}
			qsort(cand, m->nheld, sizeof(*cand), cmp_est_bytes);
			n = m->nheld < top ? m->nheld : top;
		}
	}
	if (c->json) {
		json_obj_open(&c->j, NULL);
		json_u64(&c->j, "depth", m->depth);
		json_u64(&c->j, "width", m->width);
		json_str(&c->j, "key_fingerprint", fp);
		json_u64(&c->j, "packets", m->total_packets);
		json_u64(&c->j, "bytes", m->total_bytes);
		json_arr_open(&c->j, "dumps");
		for (i = 0; i < m->ndumps; i++) {
			json_obj_open(&c->j, NULL);
			json_str(&c->j, "file", m->dumps[i].file);
			json_u64(&c->j, "window_id", m->dumps[i].window_id);
			json_u64(&c->j, "packets", m->dumps[i].packets);
			json_u64(&c->j, "bytes", m->dumps[i].bytes);
			json_u64(&c->j, "held_flows", m->dumps[i].nheld);
			json_obj_close(&c->j);
		}
		json_arr_close(&c->j);
		if (top) {
			json_arr_open(&c->j, "top");
			for (i = 0; i < n; i++)
				merge_print_flow(m, &cand[i].flow, &cand[i].est, true,
						 i + 1);
			json_arr_close(&c->j);
		}
	} else {
		printf("%zu dumps merged: depth %u x width %u, key fingerprint %s\n",
		       m->ndumps, m->depth, m->width, fp);
		for (i = 0; i < m->ndumps; i++)
			printf("  %s: window %" PRIu64 ", %" PRIu64 " packets, %" PRIu64
			       " bytes, %zu held flows\n", m->dumps[i].file,
			       m->dumps[i].window_id, m->dumps[i].packets,
			       m->dumps[i].bytes, m->dumps[i].nheld);
		printf("fleet: %" PRIu64 " packets, %" PRIu64 " bytes\n",
		       m->total_packets, m->total_bytes);
		if (top) {
			printf("top %zu of %zu held flows by merged byte estimate:\n", n,
			       m->nheld);
			for (i = 0; i < n; i++)
				merge_print_flow(m, &cand[i].flow, &cand[i].est, true,
						 i + 1);
		}
	}
	if (query) {
		struct merge_est e;

		merge_estimate(m, query, &e);
		if (c->json) {
			json_arr_open(&c->j, "query");
			merge_print_flow(m, query, &e, false, 0);
			json_arr_close(&c->j);
		} else {
			printf("query: ");
			merge_print_flow(m, query, &e, false, 0);
			printf("    the fleet's true count is at most the estimate, and at least\n"
			       "    estimate - bound with probability >= 1 - e^-%u\n", m->depth);
		}
	}
	if (c->json) {
		json_obj_close(&c->j);
		json_end(&c->j);
	}
	free(cand);
}

int cmd_merge(struct cli *c, int argc, char **argv)
{
	struct merge m = { .c = c };
	struct sketch_flow query;
	const char *key = NULL;
	unsigned long top = 0;
	bool have_query = false, sketch = false, top_set = false;
	const char **files;
	int i, nfiles = 0, rc = EXIT_RUNTIME;

	if (cli_want_help(argc, argv, merge_usage))
		return 0;
	files = calloc(argc, sizeof(*files));
	if (!files)
		return EXIT_RUNTIME;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--key") || !strcmp(argv[i], "--top")) {
			if (i + 1 >= argc) {
				free(files);
				return cli_usage_error(merge_usage, "%s needs a value", argv[i]);
			}
			if (argv[i][2] == 'k') {
				key = argv[++i];
				continue;
			}
			top = cli_parse_count(argv[++i], 1000000);
			top_set = true;
			if (!top) {
				free(files);
				return cli_usage_error(merge_usage, "--top needs a count, not '%s'",
						       argv[i]);
			}
		} else if (!strcmp(argv[i], "--sketch")) {
			sketch = true;
		} else if (!strcmp(argv[i], "--query")) {
			have_query = true;
			if (merge_parse_query(argc - i - 1, argv + i + 1, &query)) {
				free(files);
				return EXIT_USAGE;
			}
			break;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			free(files);
			return cli_usage_error(merge_usage, "unknown option '%s'", argv[i]);
		} else {
			files[nfiles++] = argv[i];
		}
	}
	if (!nfiles) {
		free(files);
		return cli_usage_error(merge_usage, "merge needs at least one dump");
	}
	if ((have_query || top_set) && !key) {
		free(files);
		return cli_usage_error(merge_usage,
				       "--top and --query need the fleet's --key");
	}
	if (key) {
		uint8_t k[16];

		if (parse_hex_key(key, k)) {
			free(files);
			return cli_usage_error(merge_usage, "--key needs 32 hex digits");
		}
		/* the byte order of `config set hash_key=` (kmod/genl.c) */
		m.hk.k0 = m.hk.k1 = 0;
		for (i = 7; i >= 0; i--) {
			m.hk.k0 = m.hk.k0 << 8 | k[i];
			m.hk.k1 = m.hk.k1 << 8 | k[i + 8];
		}
		nfsk_hash_key_expand(&m.hk);
		m.have_key = true;
		if (!top_set)
			top = 10;
	}
	for (i = 0; i < nfiles; i++)
		if (merge_load(&m, files[i]))
			goto out;
	if (m.have_key && nfsk_hash_key_fingerprint(&m.hk) != m.key_fp) {
		merge_err(key, "this key's fingerprint %016" PRIx64
			  " is not the dumps' %016" PRIx64,
			  nfsk_hash_key_fingerprint(&m.hk), m.key_fp);
		goto out;
	}
	if (sketch) {
		struct sketch_dump d = {
			.window_id = 0, .key_fp = m.key_fp,
			.depth = m.depth, .width = m.width,
			.packets = m.packets, .bytes = m.bytes,
			.top = m.held, .ntop = m.nheld,
		};

		sketch_print(c, &d);
	} else {
		merge_report(&m, top, have_query ? &query : NULL);
	}
	rc = 0;
out:
	free(files);
	free(m.packets);
	free(m.bytes);
	free(m.dumps);
	free(m.held);
	return rc;
}
