// SPDX-License-Identifier: GPL-2.0
/*
 * nfsketch replay FILE: the portable core over a pcap / pcapng file.
 *
 * One bank stands for the kernel's per-CPU banks (the CMS is linear, so the
 * sum over CPUs equals one bank fed every packet); windows are cut by packet
 * time, [t0 + i*W, t0 + (i+1)*W) with t0 the first record's time, empty
 * windows included; each is folded, judged and pushed into the history just
 * as kmod/windows.c and kmod/flags.c do at window close. With the key the
 * kernel uses (config set hash_key=...) the window CMS is the kernel's,
 * cell for cell.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <pcap/pcap.h>
#include <nfsketch/bank.h>
#include <nfsketch/flags.h>
#include <nfsketch/window.h>
#include "cmd.h"
#include "fmt.h"
#include "pcap_parse.h"

static const char replay_usage[] =
	"Usage: nfsketch [-j [-p]] replay FILE [OPTIONS]\n"
	"Run the module's sketch core offline over a pcap or pcapng file\n"
	"(Ethernet with VLAN tags, Linux cooked SLL/SLL2, raw IPv4/IPv6) and\n"
	"print each window the module would have closed, then a summary.\n"
	"  --key HEX          32 hex digits, as `config set hash_key=`\n"
	"                     (default: random)\n"
	"  --window-ms N      window length (default 10000)\n"
	"  --cms-depth N      Count-Min rows (default 4)\n"
	"  --cms-width N      Count-Min columns, power of two (default 2048)\n"
	"  --sah-entries N    Sample-and-Hold entries (default 1024)\n"
	"  --top N            top flows per window (default 16, max 32)\n"
	"  --history N        windows the detectors look back (default 360)\n"
	"  --min-history N    windows before any flag (default 12)\n"
	"  --min-packets N    VOLUME_SPIKE minimum packets (default 10000)\n"
	"  --min-bytes N      VOLUME_SPIKE / HEAVY_HITTER minimum bytes\n"
	"  --hh-permille N    HEAVY_HITTER share of the window's bytes (100)\n"
	"  --sketch           print the raw CMS rows of the last window only\n"
	"                     (the format of `nfsketch -j sketch`)\n"
	"  -h, --help         this text\n";

static const char *const series_names[] = {
	"packets", "bytes", "src_entropy", "dst_entropy", "route_events",
};

struct replay {
	struct cli		*c;
	struct nfsk_geom	g;
	struct nfsk_hash_key	hk;
	struct nfsk_flags_cfg	fc;
	struct nfsk_bank	bank;
	void			*bank_mem;
	struct nfsk_cms		wcms;
	void			*wcms_mem;
	void			*scratch;
	struct nfsk_history	hist;
	struct nfsk_window	*rec;
	u32			hist_len;
	u64			*series;
	u64			*dscratch;
	struct nfsk_detect_result res[NFSK_SERIES_MAX];
	u64			window_ns;
	bool			sketch;
	/* progress */
	bool			started;
	u64			t0;
	u64			cur;		/* index of the open window */
	u64			closed;
	u64			last_id;
	/* summary */
	u64			records;
	u64			ip;
	u64			truncated;
	u64			unknown;
	u64			bytes;		/* L3 bytes given to the bank */
	u64			out_of_order;
};

static void *zalloc_aligned(size_t size)
{
	void *p = NULL;

	if (posix_memalign(&p, 64, size ? size : 64))
		return NULL;
	memset(p, 0, size);
	return p;
}

static int replay_init(struct replay *r)
{
	r->bank_mem = zalloc_aligned(nfsk_bank_size(&r->g));
	r->wcms_mem = zalloc_aligned(nfsk_cms_size(r->g.cms_depth, r->g.cms_width));
	r->scratch = zalloc_aligned(nfsk_fold_scratch_size(&r->g, 1));
	r->rec = calloc(r->hist_len, sizeof(*r->rec));
	r->series = calloc(r->hist_len, sizeof(u64));
	r->dscratch = calloc(r->hist_len, sizeof(u64));
	if (!r->bank_mem || !r->wcms_mem || !r->scratch || !r->rec ||
	    !r->series || !r->dscratch) {
		fprintf(stderr, "nfsketch: replay: out of memory\n");
		return -1;
	}
	/* a fixed PRNG seed per key: the same file gives the same output */
	nfsk_bank_init(&r->bank, &r->g,
		       r->hk.k0 ^ (r->hk.k1 << 1) ^ 0x9e3779b97f4a7c15ULL,
		       r->bank_mem);
	nfsk_cms_init(&r->wcms, r->g.cms_depth, r->g.cms_width,
		      r->g.cms_conservative, r->wcms_mem);
	nfsk_history_init(&r->hist, r->rec, r->hist_len);
	return 0;
}

static void replay_free(struct replay *r)
{
	free(r->bank_mem);
	free(r->wcms_mem);
	free(r->scratch);
	free(r->rec);
	free(r->series);
	free(r->dscratch);
}

static void print_flow_json(struct json *j, const struct nfsk_flow_stat *fs)
{
	char a[ADDR_STR_LEN], pb[8];

	json_obj_open(j, NULL);
	json_str(j, "src", fmt_addr(fs->key.family, fs->key.saddr, a));
	json_str(j, "dst", fmt_addr(fs->key.family, fs->key.daddr, a));
	json_u64(j, "proto", fs->key.proto);
	json_str(j, "proto_name", fmt_proto(fs->key.proto, pb, sizeof(pb)));
	json_u64(j, "sport", ntohs(fs->key.sport));
	json_u64(j, "dport", ntohs(fs->key.dport));
	json_u64(j, "bytes", fs->bytes);
	json_u64(j, "packets", fs->packets);
	json_u64(j, "est_bytes", fs->est.bytes);
	json_u64(j, "est_packets", fs->est.packets);
	json_u64(j, "err_bytes", fs->est.err_bytes);
	json_u64(j, "err_packets", fs->est.err_packets);
	json_obj_close(j);
}

static void print_window_json(struct replay *r, const struct nfsk_window *w)
{
	struct json *j = &r->c->j;
	unsigned int i;

	json_obj_open(j, NULL);
	json_u64(j, "id", w->id);
	json_u64(j, "start_ns", w->start_ns);
	json_u64(j, "length_ns", w->length_ns);
	json_u64(j, "packets", w->packets);
	json_u64(j, "bytes", w->bytes);
	json_u64(j, "tcp", w->proto[NFSK_PROTO_TCP]);
	json_u64(j, "udp", w->proto[NFSK_PROTO_UDP]);
	json_u64(j, "icmp", w->proto[NFSK_PROTO_ICMP]);
	json_u64(j, "icmpv6", w->proto[NFSK_PROTO_ICMPV6]);
	json_u64(j, "other", w->proto[NFSK_PROTO_OTHER]);
	json_u64(j, "ipv4", w->family[NFSK_FAM_V4]);
	json_u64(j, "ipv6", w->family[NFSK_FAM_V6]);
	json_u64(j, "truncated", w->truncated);
	json_u64(j, "src_entropy_mbits", w->src_entropy);
	json_u64(j, "dst_entropy_mbits", w->dst_entropy);
	json_u64(j, "sah_hits", w->sah.hits);
	json_u64(j, "sah_misses", w->sah.misses);
	json_u64(j, "sah_admitted", w->sah.admitted);
	json_u64(j, "sah_full", w->sah.full);
	json_u64(j, "sah_flows", w->sah.flows);
	json_u64(j, "sah_p_fx32", w->sah.p_fx);
	json_u64(j, "cms_check_fail", w->cms_check_fail);
	json_u64(j, "flags", w->flags);
	json_arr_open(j, "flag_names");
	for (i = 0; flag_names[i]; i++)
		if (w->flags & (1U << i))
			json_str(j, NULL, flag_names[i]);
	json_arr_close(j);
	json_obj_open(j, "score_milli_sigma");
	for (i = 0; i < NFSK_SERIES_MAX; i++)
		json_s64(j, series_names[i], w->score[i]);
	json_obj_close(j);
	json_arr_open(j, "top");
	for (i = 0; i < w->ntop; i++)
		print_flow_json(j, &w->top[i]);
	json_arr_close(j);
	json_obj_close(j);
}

static void print_window_text(const struct nfsk_window *w)
{
	char a[ADDR_STR_LEN], b[ADDR_STR_LEN], pb[8], fl[128];
	unsigned int i;

	printf("window %" PRIu64 "  +%.3fs  length %.3fs  packets %" PRIu64
	       "  bytes %" PRIu64 "  truncated %" PRIu64 "  flags %s\n",
	       w->id, w->start_ns / 1e9, w->length_ns / 1e9, w->packets,
	       w->bytes, w->truncated, fmt_flags(w->flags, fl, sizeof(fl)));
	printf("  tcp %" PRIu64 "  udp %" PRIu64 "  icmp %" PRIu64
	       "  icmpv6 %" PRIu64 "  other %" PRIu64 "  ipv4 %" PRIu64
	       "  ipv6 %" PRIu64 "  H(src) %.3f  H(dst) %.3f bits\n",
	       w->proto[NFSK_PROTO_TCP], w->proto[NFSK_PROTO_UDP],
	       w->proto[NFSK_PROTO_ICMP], w->proto[NFSK_PROTO_ICMPV6],
	       w->proto[NFSK_PROTO_OTHER], w->family[NFSK_FAM_V4],
	       w->family[NFSK_FAM_V6], w->src_entropy / 1000.0,
	       w->dst_entropy / 1000.0);
	if (!w->ntop)
		return;
	printf("  %-39s %-39s %-6s %5s %5s %10s %7s %10s %8s\n", "src", "dst",
	       "proto", "sport", "dport", "bytes", "packets", "cms_bytes",
	       "+-bound");
	for (i = 0; i < w->ntop; i++) {
		const struct nfsk_flow_stat *fs = &w->top[i];

		printf("  %-39s %-39s %-6s %5u %5u %10" PRIu64 " %7" PRIu64
		       " %10" PRIu64 " %8" PRIu64 "\n",
		       fmt_addr(fs->key.family, fs->key.saddr, a),
		       fmt_addr(fs->key.family, fs->key.daddr, b),
		       fmt_proto(fs->key.proto, pb, sizeof(pb)),
		       ntohs(fs->key.sport), ntohs(fs->key.dport), fs->bytes,
		       fs->packets, fs->est.bytes, fs->est.err_bytes);
	}
}

/* Close the open window exactly as kmod/windows.c does. */
static void close_window(struct replay *r)
{
	const struct nfsk_bank *banks[1] = { &r->bank };
	struct nfsk_window *win;

	win = nfsk_history_reserve(&r->hist);
	win->id = r->cur + 1;
	win->start_ns = r->cur * r->window_ns;
	win->length_ns = r->window_ns;
	nfsk_window_fold(win, &r->wcms, banks, 1, &r->g, r->scratch);
	nfsk_flags_eval(&r->fc, &r->hist, win, r->series, r->dscratch,
			r->hist_len, r->res);
	if (!r->sketch) {
		if (r->c->json)
			print_window_json(r, win);
		else
			print_window_text(win);
	}
	nfsk_history_commit(&r->hist);
	nfsk_bank_clear(&r->bank);
	nfsk_bank_set_p(&r->bank, win->sah.p_next_fx);
	r->last_id = win->id;
	r->closed++;
	r->cur++;
}

static void replay_packet(struct replay *r, int dlt,
			  const struct pcap_pkthdr *h, const u8 *data, u64 ts)
{
	struct nfsk_flow_key key;
	u32 len;

	if (!r->started) {
		r->started = true;
		r->t0 = ts;
		r->cur = 0;
	}
	if (ts < r->t0 + r->cur * r->window_ns) {
		r->out_of_order++;	/* counted in the open window */
	} else {
		u64 idx = (ts - r->t0) / r->window_ns;

		while (r->cur < idx)
			close_window(r);
	}

	r->records++;
	switch (rp_parse(dlt, data, h->caplen, h->len, &key, &len)) {
	case RP_IP:
		r->ip++;
		r->bytes += len;
		nfsk_bank_update(&r->bank, &r->hk, &key, len);
		break;
	case RP_TRUNCATED:
		r->truncated++;
		r->bytes += len;
		nfsk_bank_truncated(&r->bank, len);
		break;
	case RP_UNKNOWN:
		r->unknown++;
		break;
	}
}

static void print_summary(struct replay *r, const char *file, int dlt)
{
	struct json *j = &r->c->j;

	if (r->c->json) {
		json_obj_open(j, "summary");
		json_str(j, "file", file);
		json_str(j, "linktype", rp_linktype_name(dlt));
		json_u64(j, "packets", r->records);
		json_u64(j, "ip", r->ip);
		json_u64(j, "truncated", r->truncated);
		json_u64(j, "unknown", r->unknown);
		json_u64(j, "bytes", r->bytes);
		json_u64(j, "out_of_order", r->out_of_order);
		json_u64(j, "windows", r->closed);
		json_u64(j, "window_ns", r->window_ns);
		json_obj_close(j);
		return;
	}
	printf("summary: %" PRIu64 " packets read (%s): %" PRIu64 " IP, %" PRIu64
	       " truncated, %" PRIu64 " unknown (not IP); %" PRIu64
	       " bytes; %" PRIu64 " windows of %.3fs",
	       r->records, rp_linktype_name(dlt), r->ip, r->truncated,
	       r->unknown, r->bytes, r->closed, r->window_ns / 1e9);
	if (r->out_of_order)
		printf("; %" PRIu64 " out of order", r->out_of_order);
	putchar('\n');
}

/* The window CMS of the last closed window, as `nfsketch -j sketch`. */
static void print_sketch(struct replay *r)
{
	const struct nfsk_cms *cms = &r->wcms;
	struct json *j = &r->c->j;
	u32 row, col;

	if (!r->c->json) {
		printf("window %" PRIu64 " depth %u width %u\n", r->last_id,
		       cms->depth, cms->width);
		for (row = 0; row < cms->depth; row++) {
			const u32 *p = nfsk_cms_row_packets(cms, row);
			const u64 *b = nfsk_cms_row_bytes(cms, row);

			printf("row %u packets:", row);
			for (col = 0; col < cms->width; col++)
				printf(" %u", p[col]);
			printf("\nrow %u bytes:", row);
			for (col = 0; col < cms->width; col++)
				printf(" %" PRIu64, b[col]);
			putchar('\n');
		}
		return;
	}
	json_obj_open(j, NULL);
	json_u64(j, "window_id", r->last_id);
	json_u64(j, "depth", cms->depth);
	json_u64(j, "width", cms->width);
	json_arr_open(j, "rows");
	for (row = 0; row < cms->depth; row++) {
		const u32 *p = nfsk_cms_row_packets(cms, row);
		const u64 *b = nfsk_cms_row_bytes(cms, row);

		json_obj_open(j, NULL);
		json_u64(j, "row", row);
		json_arr_open(j, "packets");
		for (col = 0; col < cms->width; col++)
			json_u64(j, NULL, p[col]);
		json_arr_close(j);
		json_arr_open(j, "bytes");
		for (col = 0; col < cms->width; col++)
			json_u64(j, NULL, b[col]);
		json_arr_close(j);
		json_obj_close(j);
	}
	json_arr_close(j);
	json_obj_close(j);
	json_end(j);
}

static int parse_num(const char *s, u64 min, u64 max, u64 *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	if (!*s || *s == '-')
		return -1;
	v = strtoull(s, &end, 0);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

enum {
	OPT_KEY = 256, OPT_WINDOW_MS, OPT_CMS_DEPTH, OPT_CMS_WIDTH,
	OPT_SAH_ENTRIES, OPT_TOP, OPT_HISTORY, OPT_MIN_HISTORY,
	OPT_MIN_PACKETS, OPT_MIN_BYTES, OPT_HH_PERMILLE, OPT_SKETCH,
};

int cmd_replay(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key",		required_argument, NULL, OPT_KEY },
		{ "window-ms",		required_argument, NULL, OPT_WINDOW_MS },
		{ "cms-depth",		required_argument, NULL, OPT_CMS_DEPTH },
		{ "cms-width",		required_argument, NULL, OPT_CMS_WIDTH },
		{ "sah-entries",	required_argument, NULL, OPT_SAH_ENTRIES },
		{ "top",		required_argument, NULL, OPT_TOP },
		{ "history",		required_argument, NULL, OPT_HISTORY },
		{ "min-history",	required_argument, NULL, OPT_MIN_HISTORY },
		{ "min-packets",	required_argument, NULL, OPT_MIN_PACKETS },
		{ "min-bytes",		required_argument, NULL, OPT_MIN_BYTES },
		{ "hh-permille",	required_argument, NULL, OPT_HH_PERMILLE },
		{ "sketch",		no_argument, NULL, OPT_SKETCH },
		{ "help",		no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char errbuf[PCAP_ERRBUF_SIZE];
	struct replay r = { .c = c };
	const char *file = NULL;
	bool have_key = false;
	struct pcap_pkthdr *h;
	const u_char *data;
	uint8_t key[16];
	int o, dlt, rc, ret = 0;
	pcap_t *p;
	u64 v;

	nfsk_geom_default(&r.g);
	nfsk_flags_cfg_default(&r.fc);
	r.window_ns = 10000ULL * 1000000;
	r.hist_len = 360;

	/* 0, not 1: glibc then forgets main()'s "+" (stop at the first
	 * non-option) and lets FILE come before the options */
	optind = 0;
	opterr = 0;
	while ((o = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (o) {
		case OPT_KEY:
			if (parse_hex_key(optarg, key))
				return cli_usage_error(replay_usage,
						       "--key needs 32 hex digits");
			have_key = true;
			break;
		case OPT_SKETCH:
			r.sketch = true;
			break;
		case 'h':
			fputs(replay_usage, stdout);
			return 0;
		case ':':
			return cli_usage_error(replay_usage, "option '%s' needs a value",
					       argv[optind - 1]);
		case '?':
			return cli_usage_error(replay_usage, "unknown option '%s'",
					       argv[optind - 1]);
		default:
			/* numeric options */
			if (parse_num(optarg, 0, UINT64_MAX, &v))
				return cli_usage_error(replay_usage,
						       "bad number '%s'", optarg);
			switch (o) {
			case OPT_WINDOW_MS:
				if (!v || v > 86400000ULL * 365)
					return cli_usage_error(replay_usage,
							       "--window-ms out of range");
				r.window_ns = v * 1000000;
				break;
			case OPT_CMS_DEPTH:
				r.g.cms_depth = v > UINT32_MAX ? 0 : (u32)v;
				break;
			case OPT_CMS_WIDTH:
				r.g.cms_width = v > UINT32_MAX ? 0 : (u32)v;
				break;
			case OPT_SAH_ENTRIES:
				r.g.sah_entries = v > UINT32_MAX ? 0 : (u32)v;
				break;
			case OPT_TOP:
				r.g.topk = v > UINT32_MAX ? UINT32_MAX : (u32)v;
				break;
			case OPT_HISTORY:
				if (!v || v > 100000)
					return cli_usage_error(replay_usage,
							       "--history out of range (1..100000)");
				r.hist_len = (u32)v;
				break;
			case OPT_MIN_HISTORY:
				if (v > UINT32_MAX)
					return cli_usage_error(replay_usage,
							       "--min-history out of range");
				r.fc.min_history = (u32)v;
				break;
			case OPT_MIN_PACKETS:
				r.fc.min_packets = v;
				break;
			case OPT_MIN_BYTES:
				r.fc.min_bytes = v;
				break;
			case OPT_HH_PERMILLE:
				if (v > 1000)
					return cli_usage_error(replay_usage,
							       "--hh-permille out of range (0..1000)");
				r.fc.hh_permille = (u32)v;
				break;
			}
		}
	}
	if (optind >= argc)
		return cli_usage_error(replay_usage, "replay needs a FILE");
	file = argv[optind++];
	if (optind < argc)
		return cli_usage_error(replay_usage, "unexpected argument '%s'",
				       argv[optind]);
	if (!nfsk_geom_ok(&r.g))
		return cli_usage_error(replay_usage,
				       "bad geometry: cms-depth 1..%u, cms-width a power of two %u..%u, sah-entries a power of two %u..%u, top 0..%u",
				       NFSK_CMS_MAX_DEPTH, NFSK_CMS_MIN_WIDTH,
				       NFSK_CMS_MAX_WIDTH, NFSK_SAH_MIN_ENTRIES,
				       NFSK_SAH_MAX_ENTRIES, NFSK_TOPK_MAX);

	if (have_key) {
		memcpy(&r.hk.k0, key, 8);	/* little-endian, as the kernel's */
		memcpy(&r.hk.k1, key + 8, 8);	/* get_unaligned_le64() */
		r.hk.k0 = le64toh(r.hk.k0);
		r.hk.k1 = le64toh(r.hk.k1);
	} else if (getrandom(&r.hk.k0, sizeof(r.hk.k0), 0) != sizeof(r.hk.k0) ||
		   getrandom(&r.hk.k1, sizeof(r.hk.k1), 0) != sizeof(r.hk.k1)) {
		fprintf(stderr, "nfsketch: replay: getrandom: %s\n", strerror(errno));
		return EXIT_RUNTIME;
	}
	nfsk_hash_key_expand(&r.hk);

	p = pcap_open_offline_with_tstamp_precision(file,
						    PCAP_TSTAMP_PRECISION_NANO,
						    errbuf);
	if (!p) {
		fprintf(stderr, "nfsketch: replay: %s\n", errbuf);
		return EXIT_RUNTIME;
	}
	dlt = pcap_datalink(p);
	if (!rp_linktype_ok(dlt)) {
		const char *n = pcap_datalink_val_to_name(dlt);

		fprintf(stderr,
			"nfsketch: replay: %s: unsupported link type %d (%s); supported: Ethernet, Linux SLL, SLL2, raw IPv4/IPv6\n",
			file, dlt, n ? n : "unknown");
		pcap_close(p);
		return EXIT_RUNTIME;
	}
	if (replay_init(&r)) {
		pcap_close(p);
		replay_free(&r);
		return EXIT_RUNTIME;
	}

	if (c->json && !r.sketch) {
		json_obj_open(&c->j, NULL);
		json_arr_open(&c->j, "windows");
	}
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		u64 ts = (u64)h->ts.tv_sec * 1000000000ULL + (u64)h->ts.tv_usec;

		replay_packet(&r, dlt, h, data, ts);
	}
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "nfsketch: replay: %s: %s\n", file, pcap_geterr(p));
		ret = EXIT_RUNTIME;
	}
	if (r.started)
		close_window(&r);
	if (r.sketch) {
		if (!r.started) {
			fprintf(stderr, "nfsketch: replay: %s: no packets, no window\n",
				file);
			ret = EXIT_RUNTIME;
		} else if (!ret) {
			print_sketch(&r);
		}
	} else {
		if (c->json)
			json_arr_close(&c->j);
		print_summary(&r, file, dlt);
		if (c->json) {
			json_obj_close(&c->j);
			json_end(&c->j);
		}
	}
	pcap_close(p);
	replay_free(&r);
	return ret;
}
