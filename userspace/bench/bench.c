// SPDX-License-Identifier: GPL-2.0
/*
 * bench - native benchmark of the nfsketch core.
 *
 * Replays an in-memory seeded Zipf trace (1M packets, 100k flows) through
 * the full per-packet nfsk_bank_update() at default sizes, and in the same
 * run through a textbook Count-Min of the same geometry: d independent
 * hashes (one Carter-Wegman polynomial hash mod 2^61-1 per row over the
 * key's 32-bit words) and % reduction. Also times the candidate flow
 * hashes and the fold of two per-CPU banks. Median of REPS runs each.
 * Prints a table and writes bench.json beside the binary.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <nfsketch/window.h>
#include "zipf.h"

#define REPS		7
#define NPKTS		(1U << 20)
#define NFLOWS		100000U

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

static double time_hash_ms(void)
{
	double v[REPS];
	int r;

	for (r = 0; r < REPS; r++) {
		double t0 = now_ns();
		u64 acc = 0;
		u32 i;

		for (i = 0; i < tr.npkts; i++)
			acc ^= nfsk_flow_hash(&hk, &pk[i]);
		v[r] = (now_ns() - t0) / tr.npkts;
		sink ^= acc;
	}
	return median(v, REPS);
}

static double time_bank(struct nfsk_bank *b)
{
	double v[REPS];
	int r;

	for (r = 0; r < REPS; r++) {
		double t0;
		u32 i;

		nfsk_bank_clear(b);
		t0 = now_ns();
		for (i = 0; i < tr.npkts; i++)
			nfsk_bank_update(b, &hk, &pk[i],
					 tr.len[i]);
		v[r] = (now_ns() - t0) / tr.npkts;
	}
	return median(v, REPS);
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

static double time_textbook(struct textbook_cms *c)
{
	double v[REPS];
	int r;

	for (r = 0; r < REPS; r++) {
		double t0;
		u32 i;

		memset(c->packets, 0, sizeof(u32) * c->d * c->w);
		memset(c->bytes, 0, sizeof(u64) * c->d * c->w);
		t0 = now_ns();
		for (i = 0; i < tr.npkts; i++)
			tb_update(c, &pk[i], tr.len[i]);
		v[r] = (now_ns() - t0) / tr.npkts;
	}
	return median(v, REPS);
}

int main(int argc, char **argv)
{
	static struct nfsk_window win;
	const struct nfsk_bank *banks[2];
	struct nfsk_bank b[2];
	struct textbook_cms tb;
	struct nfsk_cms wcms, cms;
	struct nfsk_geom g;
	double t_sip24, t_sip13, t_ms, t_upd, t_cms, t_tb, t_fold;
	double v[REPS];
	u64 check = 0;
	char path[4096];
	void *scratch;
	FILE *f;
	u32 i;
	int r;

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
	for (i = 0; i < 2; i++)
		nfsk_bank_init(&b[i], &g, 3 + i,
			       aligned_alloc(64, nfsk_bank_size(&g)));
	nfsk_cms_init(&wcms, g.cms_depth, g.cms_width, false,
		      malloc(nfsk_cms_size(g.cms_depth, g.cms_width)));
	nfsk_cms_init(&cms, g.cms_depth, g.cms_width, false,
		      malloc(nfsk_cms_size(g.cms_depth, g.cms_width)));
	scratch = malloc(nfsk_fold_scratch_size(&g, 2));
	tb.d = g.cms_depth;
	tb.w = g.cms_width;
	for (i = 0; i < tb.d; i++)
		tb.a[i] = trace_mix(100 + i) % TB_P;
	tb.packets = malloc(sizeof(u32) * tb.d * tb.w);
	tb.bytes = malloc(sizeof(u64) * tb.d * tb.w);

	t_sip24 = time_hash(h_sip24);
	t_sip13 = time_hash(h_sip13);
	t_ms = time_hash_ms();
	t_upd = time_bank(&b[0]);
	t_cms = time_cms_only(&cms);
	t_tb = time_textbook(&tb);

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

	printf("nfsketch core benchmark: %u packets, %u flows (Zipf 1.1), median of %d\n",
	       NPKTS, NFLOWS, REPS);
	printf("geometry: CMS d=%u w=%u, S&H %u entries, histograms 2 x %u\n",
	       g.cms_depth, g.cms_width, g.sah_entries, g.hist_buckets);
	printf("%-44s %10s\n", "", "ns/packet");
	printf("%-44s %10.2f\n", "hash: SipHash-2-4 (flow key)", t_sip24);
	printf("%-44s %10.2f\n", "hash: SipHash-1-3 (flow key)", t_sip13);
	printf("%-44s %10.2f\n", "hash: multiply-add-shift (hot path)", t_ms);
	printf("%-44s %10.2f\n", "nfsk_bank_update (hash+CMS+S&H+hist+counters)",
	       t_upd);
	printf("%-44s %10.2f\n", "  of which hash + CMS only", t_cms);
	printf("%-44s %10.2f\n", "textbook CMS (d hashes, %)", t_tb);
	printf("ratio textbook/ours: %.2f  (%.1f Mpps per core)\n",
	       t_tb / t_upd, 1e3 / t_upd);
	printf("fold of 2 banks: %.3f ms; memory per CPU (2 banks): %lu bytes\n",
	       t_fold, (unsigned long)(2 * nfsk_bank_size(&g)));
	printf("window check: %lu packets, src entropy %u mbit, top flow %lu B\n",
	       (unsigned long)win.packets, win.src_entropy,
	       (unsigned long)win.top[0].bytes);

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
	fprintf(f, "  \"update_ns\": %.2f,\n  \"textbook_cms_ns\": %.2f,\n",
		t_upd, t_tb);
	fprintf(f, "  \"ratio\": %.2f,\n  \"cms_only_ns\": %.2f,\n",
		t_tb / t_upd, t_cms);
	fprintf(f, "  \"hash_sip24_ns\": %.2f,\n  \"hash_sip13_ns\": %.2f,\n",
		t_sip24, t_sip13);
	fprintf(f, "  \"hash_ms_ns\": %.2f,\n  \"mpps_per_core\": %.1f,\n",
		t_ms, 1e3 / t_upd);
	fprintf(f, "  \"fold_ms\": %.3f,\n  \"bytes_per_cpu\": %lu\n}\n",
		t_fold, (unsigned long)(2 * nfsk_bank_size(&g)));
	fclose(f);
	printf("wrote %s\n", path);
	(void)argc;
	return check ? 0 : 1;
}
