// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU banks folded into a window record against one bank fed the
 * whole stream (CMS rows, totals and entropies must be identical), top-K
 * against exact per-flow counts, and the history ring.
 */
#include <stdlib.h>
#include "kselftest_harness.h"
#include <math.h>
#include <nfsketch/window.h>
#include <nfsketch/query.h>
#include "zipf.h"

#define NCPU	4

struct rig {
	struct nfsk_geom	g;
	struct nfsk_bank	bank[NCPU + 1];	/* NCPU per-CPU + 1 single */
	void			*mem[NCPU + 1];
	struct nfsk_cms		wcms[2];
	void			*wmem[2];
	void			*scratch;
};

static void rig_init(struct rig *r)
{
	u32 i;

	nfsk_geom_default(&r->g);
	for (i = 0; i <= NCPU; i++) {
		r->mem[i] = aligned_alloc(64, nfsk_bank_size(&r->g));
		nfsk_bank_init(&r->bank[i], &r->g, 1000 + i, r->mem[i]);
	}
	for (i = 0; i < 2; i++) {
		r->wmem[i] = malloc(nfsk_cms_size(r->g.cms_depth,
						  r->g.cms_width));
		nfsk_cms_init(&r->wcms[i], r->g.cms_depth, r->g.cms_width,
			      false, r->wmem[i]);
	}
	/* exact size: ASan catches any overrun */
	r->scratch = malloc(nfsk_fold_scratch_size(&r->g, NCPU));
}

static void rig_free(struct rig *r)
{
	u32 i;

	for (i = 0; i <= NCPU; i++)
		free(r->mem[i]);
	free(r->wmem[0]);
	free(r->wmem[1]);
	free(r->scratch);
}

TEST(fold_equals_single_stream)
{
	static struct nfsk_window w4, w1;
	const struct nfsk_bank *banks[NCPU];
	struct nfsk_hash_key hk;
	struct trace t;
	struct rig r;
	u64 *bytes, *pkts, total = 0, rs = 9;
	u32 i, j, found = 0, heavy = 0;

	rig_init(&r);
	ASSERT_TRUE(nfsk_geom_ok(&r.g));
	trace_make(&t, 1U << 20, 100000, 1.1, 51);
	trace_hash_key(&hk, 52);
	bytes = calloc(t.nflows, 8);
	pkts = calloc(t.nflows, 8);
	for (i = 0; i < t.npkts; i++) {
		u32 fl = t.flow[i];
		/* RSS-like: a flow stays on its CPU, 10 % of packets move */
		u32 cpu = trace_rand(&rs) % 10 ? fl % NCPU : trace_rand(&rs) % NCPU;

		nfsk_bank_update(&r.bank[cpu], &hk, &t.keys[fl], t.len[i]);
		nfsk_bank_update(&r.bank[NCPU], &hk, &t.keys[fl], t.len[i]);
		bytes[fl] += t.len[i];
		pkts[fl]++;
		total += t.len[i];
	}
	nfsk_bank_truncated(&r.bank[1], 20);
	nfsk_bank_truncated(&r.bank[NCPU], 20);
	total += 20;

	for (i = 0; i < NCPU; i++)
		banks[i] = &r.bank[i];
	w4.id = 7;
	nfsk_window_fold(&w4, &r.wcms[0], banks, NCPU, &r.g, r.scratch);
	banks[0] = &r.bank[NCPU];
	nfsk_window_fold(&w1, &r.wcms[1], banks, 1, &r.g, r.scratch);

	ASSERT_EQ(7UL, w4.id);
	ASSERT_EQ(t.npkts + 1UL, w4.packets);
	ASSERT_EQ(total, w4.bytes);
	ASSERT_EQ(1UL, w4.truncated);
	ASSERT_EQ(w1.packets, w4.packets);
	ASSERT_EQ(w1.bytes, w4.bytes);
	ASSERT_EQ(0, memcmp(w1.proto, w4.proto, sizeof(w1.proto)));
	ASSERT_EQ(0, memcmp(w1.family, w4.family, sizeof(w1.family)));
	ASSERT_EQ(t.npkts, w4.proto[0] + w4.proto[1] + w4.proto[2] +
			   w4.proto[3] + w4.proto[4]);
	ASSERT_EQ(t.npkts, w4.family[0] + w4.family[1]);
	ASSERT_EQ(0, memcmp(r.wcms[0].packets, r.wcms[1].packets,
			    4ULL * r.g.cms_depth * r.g.cms_width));
	ASSERT_EQ(0, memcmp(r.wcms[0].bytes, r.wcms[1].bytes,
			    8ULL * r.g.cms_depth * r.g.cms_width));
	ASSERT_EQ(w1.src_entropy, w4.src_entropy);
	ASSERT_EQ(w1.dst_entropy, w4.dst_entropy);
	ASSERT_GT(w4.src_entropy, 1000U);

	ASSERT_EQ(r.g.topk, w4.ntop);
	ASSERT_EQ(0U, w4.cms_check_fail);
	ASSERT_EQ(0U, w4.sah.lost);
	ASSERT_LE(w4.sah.flows, w4.sah.held);
	ASSERT_EQ(NCPU * r.g.sah_entries, w4.sah.capacity);
	TH_LOG("S&H: held %u distinct %u occupancy %u permille, p 2^-%u -> next %s; hits %lu misses %lu full %lu",
	       w4.sah.held, w4.sah.flows, w4.sah.occupancy_permille,
	       32 - nfsk_fls64(w4.sah.p_fx),
	       w4.sah.p_next_fx < w4.sah.p_fx ? "halved" :
	       w4.sah.p_next_fx > w4.sah.p_fx ? "doubled" : "kept",
	       w4.sah.hits, w4.sah.misses, w4.sah.full);
	for (i = 0; i < w4.ntop; i++) {
		const struct nfsk_flow_stat *f = &w4.top[i];
		u32 fl;

		for (fl = 0; fl < t.nflows; fl++)
			if (nfsk_flow_key_eq(&f->key, &t.keys[fl]))
				break;
		ASSERT_LT(fl, t.nflows);
		ASSERT_LE(f->bytes, bytes[fl]);
		ASSERT_LE(f->packets, pkts[fl]);
		ASSERT_GE(f->est.bytes, bytes[fl]);
		ASSERT_GE(f->est.packets, pkts[fl]);
		ASSERT_LE(f->est.bytes - bytes[fl], f->est.err_bytes);
		if (i)
			ASSERT_GE(w4.top[i - 1].bytes, f->bytes);
		for (j = 0; j < i; j++)
			ASSERT_FALSE(nfsk_flow_key_eq(&f->key, &w4.top[j].key));
		if (bytes[fl] * 100 > total)
			found++;
		if (i < 3)
			TH_LOG("top %u: flow %u held %lu B, true %lu B, CMS %lu B (+%lu max)",
			       i, fl, f->bytes, bytes[fl], f->est.bytes,
			       f->est.err_bytes);
	}
	for (i = 0; i < t.nflows; i++)
		if (bytes[i] * 100 > total)
			heavy++;
	TH_LOG("%u flows above 1 %% of bytes, %u of them in the top-%u",
	       heavy, found, w4.ntop);
	ASSERT_GT(heavy, 0U);
	ASSERT_EQ(heavy, found);

	free(bytes);
	free(pkts);
	trace_free(&t);
	rig_free(&r);
}

/*
 * The point query of a folded window (held part + light Count-Min) against
 * exact per-flow counts of every flow of a Zipf trace spread over per-CPU
 * banks (a flow moves between CPUs on 10 % of its packets, so it is held
 * on some and light on others): never below the truth, at least 1 - e^-d
 * of the flows within the light bound e*N_light/w, and that bound below
 * the whole-stream bound e*N/w of the plain query. A query scans the held
 * flows (slots x d): every heavy flow (>= N/1000) and every 8th other one
 * are asked, so that the test stays well inside its timeout under ASan.
 */
TEST(query_held_plus_light_within_bound)
{
	static struct nfsk_window w;
	const struct nfsk_bank *banks[NCPU];
	const struct nfsk_fold_slot *held;
	struct nfsk_hash_key hk;
	struct trace t;
	struct rig r;
	u64 *bytes, *pkts, rs = 17;
	u32 i, nslots, seen = 0, within = 0, within_full = 0;
	double rel = 0, rel_full = 0;

	rig_init(&r);
	trace_make(&t, 1U << 20, 100000, 1.1, 61);
	trace_hash_key(&hk, 62);
	bytes = calloc(t.nflows, 8);
	pkts = calloc(t.nflows, 8);
	for (i = 0; i < t.npkts; i++) {
		u32 fl = t.flow[i];
		u32 cpu = trace_rand(&rs) % 10 ? fl % NCPU : trace_rand(&rs) % NCPU;

		nfsk_bank_update(&r.bank[cpu], &hk, &t.keys[fl], t.len[i]);
		bytes[fl] += t.len[i];
		pkts[fl]++;
	}
	for (i = 0; i < NCPU; i++)
		banks[i] = &r.bank[i];
	nfsk_window_fold(&w, &r.wcms[0], banks, NCPU, &r.g, r.scratch);
	held = nfsk_fold_held(&r.g, NCPU, r.scratch, &nslots);
	ASSERT_GT(r.wcms[0].held_bytes, r.wcms[0].total_bytes / 2);
	ASSERT_EQ(w.bytes, r.wcms[0].total_bytes);
	for (i = 0; i < t.nflows; i++) {
		struct nfsk_cms_est est, full;
		u64 h;

		if (!pkts[i] || (i % 8 && pkts[i] * 1000 < t.npkts))
			continue;
		seen++;
		h = nfsk_flow_hash(&hk, &t.keys[i]);
		nfsk_window_query(&r.wcms[0], held, nslots, h, &est);
		nfsk_cms_query(&r.wcms[0], h, &full);
		ASSERT_GE(est.packets, pkts[i]) TH_LOG("flow %u", i);
		ASSERT_GE(est.bytes, bytes[i]) TH_LOG("flow %u", i);
		ASSERT_GE(full.bytes, bytes[i]) TH_LOG("flow %u", i);
		ASSERT_LT(est.err_bytes, full.err_bytes);
		if (est.packets - pkts[i] <= est.err_packets &&
		    est.bytes - bytes[i] <= est.err_bytes)
			within++;
		if (full.packets - pkts[i] <= full.err_packets &&
		    full.bytes - bytes[i] <= full.err_bytes)
			within_full++;
		rel += (double)(est.packets - pkts[i]) / pkts[i];
		rel_full += (double)(full.packets - pkts[i]) / pkts[i];
	}
	TH_LOG("%u flows: %.4f within e*N_light/w (need %.4f), whole-stream query %.4f within e*N/w; mean relative packet error %.2f against %.2f; N_light %.1f %% of bytes",
	       seen, (double)within / seen, 1 - exp(-(double)r.g.cms_depth),
	       (double)within_full / seen, rel / seen, rel_full / seen,
	       100.0 * (r.wcms[0].total_bytes - r.wcms[0].held_bytes) /
	       r.wcms[0].total_bytes);
	ASSERT_GE(seen, 8000U);
	ASSERT_GE((double)within / seen, 1 - exp(-(double)r.g.cms_depth));
	ASSERT_LT(rel, rel_full);
	free(bytes);
	free(pkts);
	trace_free(&t);
	rig_free(&r);
}

TEST(bank_clear_and_p)
{
	struct nfsk_hash_key hk;
	struct nfsk_flow_key k;
	struct rig r;
	u8 a[4] = { 1, 2, 3, 4 };

	rig_init(&r);
	trace_hash_key(&hk, 1);
	nfsk_flow_key_v4(&k, a, a, 99, 0, 0);
	nfsk_bank_set_p(&r.bank[0], ~0U);
	nfsk_bank_update(&r.bank[0], &hk, &k, 1500);
	ASSERT_EQ(1UL, r.bank[0].proto[NFSK_PROTO_OTHER]);
	ASSERT_EQ(1UL, r.bank[0].family[NFSK_FAM_V4]);
	ASSERT_EQ(1U, r.bank[0].sah.held);
	nfsk_bank_clear(&r.bank[0]);
	ASSERT_EQ(0UL, r.bank[0].packets);
	ASSERT_EQ(0U, r.bank[0].sah.held);
	ASSERT_EQ(0UL, r.bank[0].lcms.total_packets);
	ASSERT_EQ(~0U, r.bank[0].sah.p_fx);
	r.g.topk = 33;
	ASSERT_FALSE(nfsk_geom_ok(&r.g));
	rig_free(&r);
}

TEST(history_ring)
{
	static struct nfsk_window rec[4], w;
	struct nfsk_history h;
	u64 out[8];
	u32 i, n;

	nfsk_history_init(&h, rec, 4);
	ASSERT_EQ(0U, nfsk_history_count(&h));
	ASSERT_NULL(nfsk_history_get(&h, 0));
	for (i = 1; i <= 10; i++) {
		memset(&w, 0, sizeof(w));
		w.id = i;
		w.packets = 100 * i;
		w.route_add[0] = i;
		w.route_del[1] = 1;
		if (i & 1) {
			nfsk_history_push(&h, &w);
		} else {
			struct nfsk_window *slot = nfsk_history_reserve(&h);

			*slot = w;
			nfsk_history_commit(&h);
		}
		ASSERT_EQ(i < 4 ? i : 4, nfsk_history_count(&h));
		ASSERT_EQ(i, nfsk_history_get(&h, 0)->id);
	}
	ASSERT_EQ(7UL, nfsk_history_get(&h, 3)->id);
	ASSERT_NULL(nfsk_history_get(&h, 4));
	n = nfsk_history_series(&h, NFSK_SERIES_PACKETS, out, 8);
	ASSERT_EQ(4U, n);
	for (i = 0; i < 4; i++)
		ASSERT_EQ(100UL * (7 + i), out[i]);	/* oldest first */
	n = nfsk_history_series(&h, NFSK_SERIES_ROUTE_EVENTS, out, 2);
	ASSERT_EQ(2U, n);
	ASSERT_EQ(10UL, out[0]);
	ASSERT_EQ(11UL, out[1]);
	nfsk_history_reset(&h);
	ASSERT_EQ(0U, nfsk_history_count(&h));
}

TEST_HARNESS_MAIN
