// SPDX-License-Identifier: GPL-2.0
/*
 * bench - native benchmark of the nfsketch core.
 *
 * Speed: replays an in-memory seeded Zipf trace (1M packets, 100k flows)
 * through the full per-packet nfsk_bank_update() at default sizes, through
 * the update as it was before held flows left the Count-Min (kept here as a
 * reference: every packet into the CMS, then S&H), and through a textbook
 * Count-Min of the same geometry: d independent hashes (one Carter-Wegman
 * polynomial hash mod 2^61-1 per row over the key's 32-bit words) and %
 * reduction. Also times the candidate flow hashes and the fold of two
 * per-CPU banks. Median of REPS runs each, contenders alternating.
 *
 * Accuracy: a longer trace (NACC packets, 100k flows, Zipf 1.1) over two
 * per-CPU banks, folded; every flow's point query against its exact count,
 * as mean absolute relative error over all flows and over heavy ones
 * (>= N/1000): nfsketch's query (held part + light CMS), the same with
 * the light CMS's other update (plain if the default is conservative, and
 * the reverse), the same window's whole-stream rows queried as before
 * (with the plain update, what the old update gave, cell for cell), the
 * light CMS updated NitroSketch-style (sampled rows, below), and a
 * textbook Count-Min d=4 given one bank's memory.
 *
 * "bench --acc D W [cu|cm]" prints only the accuracy of a light CMS of
 * d x w, conservative or plain (the geometry table of docs/design.md).
 *
 * "bench --ir MODE" runs only one update loop, for callgrind's instruction
 * count per packet (userspace/bench/callgrind.sh).
 *
 * Prints a table and writes bench.json beside the binary.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <nfsketch/window.h>
#include <nfsketch/query.h>
#include "zipf.h"

#define REPS		7
#define NPKTS		(1U << 20)
#define NFLOWS		100000U
#define NACC		(10U << 20)	/* accuracy trace, packets */
#define NIR		(1U << 18)	/* callgrind trace, packets */

static struct trace tr;
static struct nfsk_flow_key *pk;	/* per-packet keys, as parsed */
static struct nfsk_hash_key hk;
static volatile u64 sink;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

/* ---- textbook Count-Min ------------------------------------------------ */
#define TB_P	((1ULL << 61) - 1)

struct textbook_cms {
	u32 d, w;
	u64 a[NFSK_CMS_MAX_DEPTH];
	u32 *packets;
	u64 *bytes;
};

static u64 mod_p(unsigned __int128 x)
{
	u64 r = (u64)(x & TB_P) + (u64)(x >> 61);

	r = (r & TB_P) + (r >> 61);
	return r >= TB_P ? r - TB_P : r;
}

/* polynomial hash of the key's ten 32-bit words at point a, mod 2^61-1 */
static u64 tb_hash(u64 a, const struct nfsk_flow_key *k)
{
	const u32 *x = (const u32 *)k->w;
	u64 h = 0;
	int i;

	for (i = 0; i < 10; i++)
		h = mod_p((unsigned __int128)h * a + x[i] + 1);
	return h;
}

static void tb_update(struct textbook_cms *c, const struct nfsk_flow_key *k,
		      u32 len)
{
	u32 i;

	for (i = 0; i < c->d; i++) {
		u32 col = i * c->w + (u32)(tb_hash(c->a[i], k) % c->w);

		c->packets[col]++;
		c->bytes[col] += len;
	}
}

static void tb_query(const struct textbook_cms *c,
		     const struct nfsk_flow_key *k, u64 *p, u64 *b)
{
	u32 i;

	*p = ~0ULL;
	*b = ~0ULL;
	for (i = 0; i < c->d; i++) {
		u32 col = i * c->w + (u32)(tb_hash(c->a[i], k) % c->w);

		if (c->packets[col] < *p)
			*p = c->packets[col];
		if (c->bytes[col] < *b)
			*b = c->bytes[col];
	}
}

static void tb_init(struct textbook_cms *c, u32 d, u32 w)
{
	u32 i;

	c->d = d;
	c->w = w;
	for (i = 0; i < d; i++)
		c->a[i] = trace_mix(100 + i) % TB_P;
	c->packets = calloc((size_t)d * w, sizeof(u32));
	c->bytes = calloc((size_t)d * w, sizeof(u64));
}

static void tb_clear(struct textbook_cms *c)
{
	memset(c->packets, 0, sizeof(u32) * c->d * c->w);
	memset(c->bytes, 0, sizeof(u64) * c->d * c->w);
}

/*
 * The bank update before held flows left the Count-Min: every packet into
 * the CMS, then Sample-and-Hold. Bench-only reference.
 */
static const u8 old_proto_tab[256] = {
	[NFSK_IPPROTO_TCP] = NFSK_PROTO_TCP ^ NFSK_PROTO_OTHER,
	[NFSK_IPPROTO_UDP] = NFSK_PROTO_UDP ^ NFSK_PROTO_OTHER,
	[NFSK_IPPROTO_ICMP] = NFSK_PROTO_ICMP ^ NFSK_PROTO_OTHER,
	[NFSK_IPPROTO_ICMPV6] = NFSK_PROTO_ICMPV6 ^ NFSK_PROTO_OTHER,
};

/* the old update's whole-stream CMS, wide cells as before */
static struct nfsk_cms old_cms;

/* flatten: inlined as in bank.c, else gcc may call the hash out of line */
static __attribute__((flatten)) void
old_bank_update(struct nfsk_bank *b, const struct nfsk_hash_key *hk,
		const struct nfsk_flow_key *fk, u32 len)
{
	u64 h = nfsk_flow_hash(hk, fk);

	b->packets++;
	b->bytes += len;
	b->proto[old_proto_tab[fk->proto] ^ NFSK_PROTO_OTHER]++;
	b->family[fk->family == NFSK_AF_INET6]++;
	nfsk_hist_add(&b->src, nfsk_addr_hash(hk, fk->saddr));
	nfsk_hist_add(&b->dst, nfsk_addr_hash(hk, fk->daddr));
	nfsk_cms_update(&old_cms, h, len);
	nfsk_sah_update(&b->sah, h, fk, len);
}

/* ---- runs ---------------------------------------------------------------- */
typedef u64 (*hash_fn)(const struct nfsk_hash_key *,
		       const struct nfsk_flow_key *);

static u64 h_sip24(const struct nfsk_hash_key *k, const struct nfsk_flow_key *f)
{
	return nfsk_flow_hash_sip24(k, f);
}

static u64 h_sip13(const struct nfsk_hash_key *k, const struct nfsk_flow_key *f)
{
	return nfsk_flow_hash_sip13(k, f);
}

/* the module's hash (nfsk_flow_hash), called the same way as the others */
static u64 h_ms(const struct nfsk_hash_key *k, const struct nfsk_flow_key *f)
{
	return nfsk_flow_hash(k, f);
}

static double time_hash(hash_fn fn)
{
	double v[REPS];
	int r;

	for (r = 0; r < REPS; r++) {
		double t0 = now_ns();
		u64 acc = 0;
		u32 i;

		for (i = 0; i < tr.npkts; i++)
			acc ^= fn(&hk, &pk[i]);
		v[r] = (now_ns() - t0) / tr.npkts;
		sink ^= acc;
	}
	return median(v, REPS);
}

/*
 * NitroSketch's lever (Liu et al., SIGCOMM 2019), bench-only: each of the
 * light CMS's row updates is taken with probability p = 1/NITRO_INV, by
 * +1/p, the gaps between taken ones drawn geometrically so that a packet
 * whose d rows all fall in a gap costs one compare. Unbiased per cell, but
 * the minimum of noisy cells can fall below the truth: the guarantee that
 * nfsketch states is lost, which the accuracy table counts.
 */
#define NITRO_INV	8U

static u64 nitro_skip, nitro_rs = 77;

static u64 nitro_gap(void)
{
	double u = ((trace_rand(&nitro_rs) >> 11) + 1) * (1.0 / 9007199254740992.0);

	return (u64)(log(u) / log(1.0 - 1.0 / NITRO_INV));
}

/* into the bank's narrow cells, unchecked: bench-only, far from a wrap */
static void nitro_cms_update(struct nfsk_lcms *c, u64 hash, u32 len)
{
	u64 h2 = nfsk_cms_h2(hash), g = hash;
	u32 i, base;

	c->total_packets++;
	c->total_bytes += len;
	if (nitro_skip >= c->depth) {
		nitro_skip -= c->depth;
		return;
	}
	for (i = 0, base = 0; i < c->depth; i++, base += c->width, g += h2) {
		u32 col;

		if (nitro_skip) {
			nitro_skip--;
			continue;
		}
		nitro_skip = nitro_gap();
		col = base + (u32)(g >> c->shift);
		c->packets[col] += NITRO_INV;
		c->bytes[col] += len * NITRO_INV;
	}
}

static __attribute__((flatten)) void
nitro_bank_update(struct nfsk_bank *b, const struct nfsk_hash_key *hk,
		  const struct nfsk_flow_key *fk, u32 len)
{
	u64 h = nfsk_flow_hash(hk, fk);

	b->packets++;
	b->bytes += len;
	b->proto[old_proto_tab[fk->proto] ^ NFSK_PROTO_OTHER]++;
	b->family[fk->family == NFSK_AF_INET6]++;
	nfsk_hist_add(&b->src, nfsk_addr_hash(hk, fk->saddr));
	nfsk_hist_add(&b->dst, nfsk_addr_hash(hk, fk->daddr));
	if (!nfsk_sah_update(&b->sah, h, fk, len))
		nitro_cms_update(&b->lcms, h, len);
}

typedef void (*update_fn)(struct nfsk_bank *, const struct nfsk_hash_key *,
			  const struct nfsk_flow_key *, u32);

/* one run of each contender per round, so load hits them alike */
static void time_banks(struct nfsk_bank *b, struct textbook_cms *tb,
		       double *t_new, double *t_old, double *t_tb,
		       double *t_nitro)
{
	static const update_fn fn[3] = { nfsk_bank_update, old_bank_update,
					 nitro_bank_update };
	double v[4][REPS];
	int r, k;

	for (r = 0; r < REPS; r++) {
		for (k = 0; k < 3; k++) {
			double t0;
			u32 i;

			nfsk_bank_clear(b);
			nfsk_cms_clear(&old_cms);
			t0 = now_ns();
			for (i = 0; i < tr.npkts; i++)
				fn[k](b, &hk, &pk[i], tr.len[i]);
			v[k == 2 ? 3 : k][r] = (now_ns() - t0) / tr.npkts;
		}
		{
			double t0;
			u32 i;

			tb_clear(tb);
			t0 = now_ns();
			for (i = 0; i < tr.npkts; i++)
				tb_update(tb, &pk[i], tr.len[i]);
			v[2][r] = (now_ns() - t0) / tr.npkts;
		}
	}
	*t_new = median(v[0], REPS);
	*t_old = median(v[1], REPS);
	*t_tb = median(v[2], REPS);
	*t_nitro = median(v[3], REPS);
}

static double time_cms_only(struct nfsk_cms *c)
{
	double v[REPS];
	int r;

	for (r = 0; r < REPS; r++) {
		double t0;
		u32 i;

		nfsk_cms_clear(c);
		t0 = now_ns();
		for (i = 0; i < tr.npkts; i++) {
			const struct nfsk_flow_key *k = &pk[i];

			nfsk_cms_update(c, nfsk_flow_hash(&hk, k), tr.len[i]);
		}
		v[r] = (now_ns() - t0) / tr.npkts;
	}
	return median(v, REPS);
}

/* ---- accuracy ------------------------------------------------------------ */
struct acc {
	double	all_p, all_b, heavy_p, heavy_b;
	u32	n, nheavy;
};

static double rel_err(u64 est, u64 truth)
{
	return (est > truth ? est - truth : truth - est) / (double)truth;
}

static void acc_add(struct acc *a, u64 ep, u64 eb, u64 tp, u64 tb, bool heavy)
{
	double rp = rel_err(ep, tp), rb = rel_err(eb, tb);

	a->n++;
	a->all_p += rp;
	a->all_b += rb;
	if (heavy) {
		a->nheavy++;
		a->heavy_p += rp;
		a->heavy_b += rb;
	}
}

struct acc_result {
	struct acc	now, before, tb, nitro;
	u32		nitro_under;	/* what sampling costs the guarantee */
	u32		tb_width;
	u64		npkts, light_pkts, err_now, err_before;
	u32		under;	/* queries below the truth: must be 0 */
};

/*
 * NACC packets over two per-CPU banks (a flow on its CPU, 10 % of packets
 * elsewhere), folded as at window close, every flow queried.
 */
static void accuracy(const struct nfsk_geom *g, struct nfsk_bank *b,
		     struct nfsk_bank *nb, struct acc_result *res)
{
	static struct nfsk_window nwin;
	const struct nfsk_bank *nbanks[2] = { &nb[0], &nb[1] };
	const struct nfsk_fold_slot *nheld;
	struct nfsk_cms ncms;
	void *nscratch;
	u32 nnslots;
	static struct nfsk_window win;
	const struct nfsk_bank *banks[2] = { &b[0], &b[1] };
	const struct nfsk_fold_slot *held;
	struct textbook_cms tb;
	struct nfsk_cms wcms;
	struct trace ta;
	u64 *pkts, *bytes, rs = 5;
	void *scratch;
	u32 i, nslots;

	memset(res, 0, sizeof(*res));
	trace_make(&ta, NACC, NFLOWS, 1.1, 7);
	pkts = calloc(ta.nflows, 8);
	bytes = calloc(ta.nflows, 8);
	/* the textbook sketch gets the memory of a whole bank, 4 rows */
	res->tb_width = (u32)(nfsk_bank_size(g) / (4 * (sizeof(u32) + sizeof(u64))));
	tb_init(&tb, 4, res->tb_width);
	nfsk_cms_init(&wcms, g->cms_depth, g->cms_width, false,
		      malloc(nfsk_cms_size(g->cms_depth, g->cms_width)));
	scratch = malloc(nfsk_fold_scratch_size(g, 2));
	nfsk_cms_init(&ncms, g->cms_depth, g->cms_width, false,
		      malloc(nfsk_cms_size(g->cms_depth, g->cms_width)));
	nscratch = malloc(nfsk_fold_scratch_size(g, 2));
	nfsk_bank_clear(&b[0]);
	nfsk_bank_clear(&b[1]);
	nfsk_bank_clear(&nb[0]);
	nfsk_bank_clear(&nb[1]);
	for (i = 0; i < ta.npkts; i++) {
		u32 fl = ta.flow[i];
		u32 cpu = trace_rand(&rs) % 10 ? fl & 1 : trace_rand(&rs) & 1;
		const struct nfsk_flow_key *k = &ta.keys[fl];

		nfsk_bank_update(&b[cpu], &hk, k, ta.len[i]);
		nitro_bank_update(&nb[cpu], &hk, k, ta.len[i]);
		tb_update(&tb, k, ta.len[i]);
		pkts[fl]++;
		bytes[fl] += ta.len[i];
	}
	nfsk_window_fold(&win, &wcms, banks, 2, g, scratch);
	held = nfsk_fold_held(g, 2, scratch, &nslots);
	nfsk_window_fold(&nwin, &ncms, nbanks, 2, g, nscratch);
	nheld = nfsk_fold_held(g, 2, nscratch, &nnslots);
	res->npkts = ta.npkts;
	res->light_pkts = wcms.total_packets - wcms.held_packets;
	for (i = 0; i < ta.nflows; i++) {
		u64 h = nfsk_flow_hash(&hk, &ta.keys[i]), tp, tbb;
		bool heavy = pkts[i] * 1000 >= ta.npkts;
		struct nfsk_cms_est now, before, nitro;

		if (!pkts[i])
			continue;
		nfsk_window_query(&wcms, held, nslots, h, &now);
		nfsk_cms_query(&wcms, h, &before);
		tb_query(&tb, &ta.keys[i], &tp, &tbb);
		nfsk_window_query(&ncms, nheld, nnslots, h, &nitro);
		res->nitro_under += nitro.packets < pkts[i] ||
				    nitro.bytes < bytes[i];
		acc_add(&res->nitro, nitro.packets, nitro.bytes, pkts[i],
			bytes[i], heavy);
		res->under += now.packets < pkts[i] || now.bytes < bytes[i];
		acc_add(&res->now, now.packets, now.bytes, pkts[i], bytes[i],
			heavy);
		acc_add(&res->before, before.packets, before.bytes, pkts[i],
			bytes[i], heavy);
		acc_add(&res->tb, tp, tbb, pkts[i], bytes[i], heavy);
		res->err_now = now.err_packets;
		res->err_before = before.err_packets;
	}
	free(pkts);
	free(bytes);
	free(tb.packets);
	free(tb.bytes);
	free(wcms.bytes);
	free(scratch);
	free(ncms.bytes);
	free(nscratch);
	trace_free(&ta);
}

static void acc_print(const char *name, const struct acc *a)
{
	printf("%-46s %9.4f %9.4f %9.4f %9.4f\n", name, a->all_p / a->n,
	       a->all_b / a->n, a->heavy_p / a->nheavy,
	       a->heavy_b / a->nheavy);
}

static void acc_json(FILE *f, const char *name, const struct acc *a, bool last)
{
	fprintf(f, "    \"%s\": { \"all_packets\": %.4f, \"all_bytes\": %.4f, \"heavy_packets\": %.4f, \"heavy_bytes\": %.4f }%s\n",
		name, a->all_p / a->n, a->all_b / a->n, a->heavy_p / a->nheavy,
		a->heavy_b / a->nheavy, last ? "" : ",");
}

/* ---- callgrind: one update loop, nothing else collected ----------------- */
static __attribute__((noinline)) void ir_new(struct nfsk_bank *b)
{
	u32 i;

	for (i = 0; i < tr.npkts; i++)
		nfsk_bank_update(b, &hk, &pk[i], tr.len[i]);
}

static __attribute__((noinline)) void ir_old(struct nfsk_bank *b)
{
	u32 i;

	for (i = 0; i < tr.npkts; i++)
		old_bank_update(b, &hk, &pk[i], tr.len[i]);
}

static __attribute__((noinline)) void ir_nitro(struct nfsk_bank *b)
{
	u32 i;

	for (i = 0; i < tr.npkts; i++)
		nitro_bank_update(b, &hk, &pk[i], tr.len[i]);
}

static __attribute__((noinline)) void ir_textbook(struct textbook_cms *c)
{
	u32 i;

	for (i = 0; i < tr.npkts; i++)
		tb_update(c, &pk[i], tr.len[i]);
}

/* bench --ir new|cu|old|nitro|textbook: one loop over NIR packets */
static int ir_main(const char *mode)
{
	struct textbook_cms tb;
	struct nfsk_bank b;
	struct nfsk_geom g;
	u32 i;

	trace_make(&tr, NIR, NFLOWS, 1.1, 1);
	pk = malloc(sizeof(*pk) * NIR);
	for (i = 0; i < NIR; i++)
		pk[i] = tr.keys[tr.flow[i]];
	trace_hash_key(&hk, 2);
	nfsk_geom_default(&g);
	if (!strcmp(mode, "cu"))
		g.cms_conservative = true;
	nfsk_bank_init(&b, &g, 3, aligned_alloc(64, nfsk_bank_size(&g)));
	tb_init(&tb, g.cms_depth, g.cms_width);
	nfsk_cms_init(&old_cms, g.cms_depth, g.cms_width, false,
		      malloc(nfsk_cms_size(g.cms_depth, g.cms_width)));
	if (!strcmp(mode, "new"))
		ir_new(&b);
	else if (!strcmp(mode, "cu"))	/* ir_new, light CMS conservative */
		ir_new(&b);
	else if (!strcmp(mode, "old"))
		ir_old(&b);
	else if (!strcmp(mode, "nitro"))
		ir_nitro(&b);
	else if (!strcmp(mode, "textbook"))
		ir_textbook(&tb);
	else
		return 2;
	printf("%u packets\n", NIR);
	return 0;
}

/*
 * bench --acc D W [cu|cm]: only the accuracy table, light Count-Min of
 * d x w, conservative update or plain (default: the module's)
 */
static int acc_main(int d, int w, const char *upd)
{
	struct acc_result acc;
	struct nfsk_bank b[4];
	struct nfsk_geom g;
	u32 i;

	trace_hash_key(&hk, 2);
	nfsk_geom_default(&g);
	g.cms_depth = d;
	g.cms_width = w;
	if (upd)
		g.cms_conservative = !strcmp(upd, "cu");
	if (!nfsk_geom_ok(&g))
		return 2;
	for (i = 0; i < 4; i++)
		nfsk_bank_init(&b[i], &g, 3 + i,
			       aligned_alloc(64, nfsk_bank_size(&g)));
	accuracy(&g, b, b + 2, &acc);
	printf("CMS d=%d w=%d %s, %u packets: %-12s %9s %9s %9s %9s\n", d, w,
	       g.cms_conservative ? "CU" : "plain", NACC, "", "all pkts",
	       "all bytes", "heavy pk", "heavy B");
	acc_print("nfsketch: held part + light CMS", &acc.now);
	acc_print("before: whole-stream CMS (same rows)", &acc.before);
	printf("bound e*N/w packets: %lu; queries below the truth: %u\n",
	       (unsigned long)acc.err_now, acc.under);
	return acc.under ? 1 : 0;
}

int main(int argc, char **argv)
{
	static struct nfsk_window win;
	const struct nfsk_bank *banks[2];
	struct acc_result acc, acc2;
	struct nfsk_bank b[4], b2[4];
	struct textbook_cms tb;
	struct nfsk_cms wcms, cms;
	struct nfsk_geom g, g2;
	double t_sip24, t_sip13, t_ms, t_upd, t_old, t_cms, t_tb, t_fold;
	double t_nitro;
	double v[REPS];
	u64 check = 0;
	char path[4096];
	void *scratch;
	FILE *f;
	u32 i;
	int r;

	if (argc == 3 && !strcmp(argv[1], "--ir"))
		return ir_main(argv[2]);
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "--acc"))
		return acc_main(atoi(argv[2]), atoi(argv[3]),
				argc == 5 ? argv[4] : NULL);
	trace_make(&tr, NPKTS, NFLOWS, 1.1, 1);
	/*
	 * The hook hashes a key it has just parsed onto its stack: give each
	 * packet its own key in a sequential array so the bench does not
	 * time cache misses on a 4 MB table of flow keys instead.
	 */
	pk = malloc(sizeof(*pk) * NPKTS);
	for (i = 0; i < NPKTS; i++)
		pk[i] = tr.keys[tr.flow[i]];
	trace_hash_key(&hk, 2);
	nfsk_geom_default(&g);
	for (i = 0; i < 4; i++)
		nfsk_bank_init(&b[i], &g, 3 + i,
			       aligned_alloc(64, nfsk_bank_size(&g)));
	nfsk_cms_init(&wcms, g.cms_depth, g.cms_width, false,
		      malloc(nfsk_cms_size(g.cms_depth, g.cms_width)));
	nfsk_cms_init(&cms, g.cms_depth, g.cms_width, false,
		      malloc(nfsk_cms_size(g.cms_depth, g.cms_width)));
	scratch = malloc(nfsk_fold_scratch_size(&g, 2));
	tb_init(&tb, g.cms_depth, g.cms_width);
	nfsk_cms_init(&old_cms, g.cms_depth, g.cms_width, false,
		      malloc(nfsk_cms_size(g.cms_depth, g.cms_width)));

	t_sip24 = time_hash(h_sip24);
	t_sip13 = time_hash(h_sip13);
	t_ms = time_hash(h_ms);
	time_banks(&b[0], &tb, &t_upd, &t_old, &t_tb, &t_nitro);
	t_cms = time_cms_only(&cms);

	/* two per-CPU banks, half of the trace each, folded */
	for (r = 0; r < REPS; r++) {
		double t0;

		nfsk_bank_clear(&b[0]);
		nfsk_bank_clear(&b[1]);
		for (i = 0; i < tr.npkts; i++)
			nfsk_bank_update(&b[tr.flow[i] & 1], &hk,
					 &pk[i], tr.len[i]);
		banks[0] = &b[0];
		banks[1] = &b[1];
		t0 = now_ns();
		nfsk_window_fold(&win, &wcms, banks, 2, &g, scratch);
		v[r] = (now_ns() - t0) / 1e6;
		check += win.packets;
	}
	t_fold = median(v, REPS);

	accuracy(&g, b, b + 2, &acc);
	/* the same run with the light CMS's other update, side by side */
	g2 = g;
	g2.cms_conservative = !g.cms_conservative;
	for (i = 0; i < 4; i++)
		nfsk_bank_init(&b2[i], &g2, 3 + i,
			       aligned_alloc(64, nfsk_bank_size(&g2)));
	accuracy(&g2, b2, b2 + 2, &acc2);

	printf("nfsketch core benchmark: %u packets, %u flows (Zipf 1.1), median of %d\n",
	       NPKTS, NFLOWS, REPS);
	printf("geometry: CMS d=%u w=%u (%s update), S&H %u entries, histograms 2 x %u\n",
	       g.cms_depth, g.cms_width,
	       g.cms_conservative ? "conservative" : "plain", g.sah_entries,
	       g.hist_buckets);
	printf("%-46s %10s %8s\n", "", "ns/packet", "ratio");
	printf("%-46s %10.2f\n", "hash: SipHash-2-4 (flow key)", t_sip24);
	printf("%-46s %10.2f\n", "hash: SipHash-1-3 (flow key)", t_sip13);
	printf("%-46s %10.2f\n", "hash: multiply-add-shift (hot path)", t_ms);
	printf("%-46s %10.2f %8.2f\n",
	       "nfsk_bank_update (held flows out of the CMS)", t_upd, 1.0);
	printf("%-46s %10.2f %8.2f\n", "before: every packet into the CMS",
	       t_old, t_old / t_upd);
	printf("%-46s %10.2f %8.2f\n", "NitroSketch-sampled light CMS, p=1/8",
	       t_nitro, t_nitro / t_upd);
	printf("%-46s %10.2f %8.2f\n", "textbook CMS (d hashes, %)", t_tb,
	       t_tb / t_upd);
	printf("%-46s %10.2f\n", "  hash + CMS only", t_cms);
	printf("(%.1f Mpps per core on this machine, under its load)\n",
	       1e3 / t_upd);
	printf("fold of 2 banks: %.3f ms; memory per CPU (2 banks): %lu bytes\n",
	       t_fold, (unsigned long)(2 * nfsk_bank_size(&g)));
	printf("window check: %lu packets, src entropy %u mbit, top flow %lu B\n",
	       (unsigned long)win.packets, win.src_entropy,
	       (unsigned long)win.top[0].bytes);
	printf("\naccuracy: %u packets, %u flows seen of %u (Zipf 1.1), 2 per-CPU banks folded\n",
	       NACC, acc.now.n, NFLOWS);
	printf("mean absolute relative error of point queries: all flows, heavy flows (>= N/1000: %u)\n",
	       acc.now.nheavy);
	printf("%-46s %9s %9s %9s %9s\n", "", "all pkts", "all bytes",
	       "heavy pk", "heavy B");
	acc_print("nfsketch: held part + light CMS", &acc.now);
	acc_print(g2.cms_conservative ? "light CMS conservative update" :
		  "light CMS plain update (no CU)", &acc2.now);
	acc_print("before: whole-stream CMS (same rows)", &acc.before);
	acc_print("NitroSketch-sampled light CMS, p=1/8", &acc.nitro);
	{
		char name[64];

		snprintf(name, sizeof(name), "textbook CMS d=4 w=%u (a bank's memory)",
			 acc.tb_width);
		acc_print(name, &acc.tb);
	}
	printf("light N %.1f %% of packets; bound e*N/w packets: %lu (before %lu); queries below the truth: %u (other update: %u, sampled: %u)\n",
	       100.0 * acc.light_pkts / acc.npkts, (unsigned long)acc.err_now,
	       (unsigned long)acc.err_before, acc.under, acc2.under,
	       acc.nitro_under);

	snprintf(path, sizeof(path), "%s", argv[0]);
	if (strrchr(path, '/'))
		strcpy(strrchr(path, '/') + 1, "bench.json");
	else
		strcpy(path, "bench.json");
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		return 1;
	}
	fprintf(f, "{\n  \"packets\": %u,\n  \"flows\": %u,\n", NPKTS, NFLOWS);
	fprintf(f, "  \"update_ns\": %.2f,\n  \"update_before_ns\": %.2f,\n",
		t_upd, t_old);
	fprintf(f, "  \"textbook_cms_ns\": %.2f,\n  \"nitro_p8_ns\": %.2f,\n",
		t_tb, t_nitro);
	fprintf(f, "  \"ratio\": %.2f,\n  \"cms_only_ns\": %.2f,\n",
		t_tb / t_upd, t_cms);
	fprintf(f, "  \"hash_sip24_ns\": %.2f,\n  \"hash_sip13_ns\": %.2f,\n",
		t_sip24, t_sip13);
	fprintf(f, "  \"hash_ms_ns\": %.2f,\n  \"mpps_per_core\": %.1f,\n",
		t_ms, 1e3 / t_upd);
	fprintf(f, "  \"fold_ms\": %.3f,\n  \"bytes_per_cpu\": %lu,\n",
		t_fold, (unsigned long)(2 * nfsk_bank_size(&g)));
	fprintf(f, "  \"accuracy_packets\": %u,\n  \"accuracy\": {\n", NACC);
	acc_json(f, "nfsketch", &acc.now, false);
	acc_json(f, g2.cms_conservative ? "conservative" : "plain", &acc2.now,
		 false);
	acc_json(f, "before", &acc.before, false);
	acc_json(f, "nitro_p8", &acc.nitro, false);
	acc_json(f, "textbook", &acc.tb, true);
	fprintf(f, "  },\n  \"under_truth\": %u,\n  \"under_truth_other\": %u\n}\n",
		acc.under, acc2.under);
	fclose(f);
	printf("wrote %s\n", path);
	return check && !acc.under && !acc2.under ? 0 : 1;
}
