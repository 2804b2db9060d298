// SPDX-License-Identifier: GPL-2.0
/*
 * Shannon entropy of source and destination addresses, integer only.
 *
 * A flood towards one victim lowers the entropy of destinations; spoofed
 * or scanning sources raise the entropy of sources (Lakhina et al. 2005).
 * Counting every address is unbounded, so each CPU keeps a fixed
 * histogram of packets per bucket, the bucket chosen by a keyed hash of the
 * address. Addresses that share a bucket merge, which can only lower the
 * entropy; with B buckets and n distinct addresses the loss is small while
 * n << B and saturates near log2(B) bits when n >> B.
 *
 * From counts c_i with N = sum c_i:
 *	H = log2(N) - (1/N) * sum c_i * log2(c_i)
 * with log2 in Q16 fixed point: the top bit gives the integer part and a
 * 257-entry table of log2(1 + i/256) in Q28 with linear interpolation the
 * fraction. Interpolation error is at most (1/256)^2 / 8 / ln 2 = 2.8e-6
 * bits, the Q16 rounding 7.6e-6, so |error| < 1.1e-5 bits per log2 and
 * < 2.2e-5 bits on H: far below the milli-bit the result is given in.
 * The sum fits in 64 bits up to N = 2^40; larger counts are scaled down.
 */
#include <nfsketch/entropy.h>

#define NFSK_LOG2_TAB_BITS	8

/* log2(1 + i/256) * 2^28 for i = 0..256 */
static const u32 nfsk_log2_tab[(1 << NFSK_LOG2_TAB_BITS) + 1] = {
	0, 1509828, 3013793, 4511940, 6004314,
	7490959, 8971919, 10447237, 11916956, 13381118,
	14839766, 16292940, 17740682, 19183032, 20620030,
	22051715, 23478128, 24899305, 26315287, 27726110,
	29131812, 30532430, 31928001, 33318561, 34704146,
	36084791, 37460531, 38831401, 40197436, 41558670,
	42915135, 44266866, 45613895, 46956255, 48293979,
	49627097, 50955642, 52279645, 53599137, 54914148,
	56224710, 57530851, 58832602, 60129992, 61423050,
	62711804, 63996285, 65276519, 66552535, 67824361,
	69092023, 70355549, 71614967, 72870302, 74121581,
	75368830, 76612075, 77851341, 79086655, 80318041,
	81545524, 82769128, 83988879, 85204800, 86416915,
	87625248, 88829823, 90030663, 91227790, 92421229,
	93611001, 94797129, 95979635, 97158542, 98333871,
	99505643, 100673881, 101838605, 102999837, 104157597,
	105311906, 106462785, 107610254, 108754333, 109895043,
	111032402, 112166430, 113297148, 114424574, 115548727,
	116669626, 117787291, 118901739, 120012990, 121121061,
	122225970, 123327736, 124426377, 125521909, 126614351,
	127703720, 128790034, 129873309, 130953562, 132030810,
	133105070, 134176359, 135244692, 136310086, 137372557,
	138432121, 139488794, 140542592, 141593531, 142641625,
	143686890, 144729341, 145768994, 146805864, 147839964,
	148871311, 149899919, 150925802, 151948974, 152969450,
	153987244, 155002371, 156014843, 157024676, 158031882,
	159036475, 160038469, 161037877, 162034713, 163028990,
	164020720, 165009917, 165996594, 166980764, 167962439,
	168941631, 169918354, 170892620, 171864441, 172833830,
	173800798, 174765358, 175727521, 176687300, 177644705,
	178599750, 179552446, 180502803, 181450834, 182396550,
	183339963, 184281082, 185219920, 186156488, 187090796,
	188022855, 188952677, 189880271, 190805649, 191728821,
	192649798, 193568590, 194485207, 195399659, 196311958,
	197222112, 198130132, 199036029, 199939811, 200841489,
	201741072, 202638571, 203533994, 204427352, 205318654,
	206207910, 207095128, 207980318, 208863489, 209744651,
	210623813, 211500983, 212376171, 213249385, 214120635,
	214989930, 215857277, 216722687, 217586166, 218447725,
	219307371, 220165114, 221020961, 221874920, 222727001,
	223577211, 224425558, 225272052, 226116699, 226959507,
	227800486, 228639642, 229476984, 230312520, 231146256,
	231978202, 232808364, 233636750, 234463369, 235288226,
	236111331, 236932689, 237752310, 238570199, 239386365,
	240200814, 241013554, 241824592, 242633935, 243441591,
	244247565, 245051865, 245854499, 246655472, 247454792,
	248252466, 249048500, 249842902, 250635677, 251426832,
	252216375, 253004311, 253790647, 254575390, 255358546,
	256140122, 256920123, 257698556, 258475428, 259250745,
	260024512, 260796737, 261567425, 262336582, 263104214,
	263870328, 264634930, 265398025, 266159619, 266919718,
	267678329, 268435456,
};

u32 nfsk_log2_fx(u64 x)
{
	unsigned int n;
	u64 y, frac;
	u32 idx, t;

	if (!x)
		return 0;
	n = nfsk_fls64(x);
	/* put the leading one at bit 40: 8 index bits, 32 fraction bits */
	y = n >= 40 ? x >> (n - 40) : x << (40 - n);
	idx = (u32)(y >> 32) & ((1U << NFSK_LOG2_TAB_BITS) - 1);
	frac = y & 0xffffffffULL;
	t = nfsk_log2_tab[idx] +
	    (u32)(((u64)(nfsk_log2_tab[idx + 1] - nfsk_log2_tab[idx]) * frac) >>
		  32);
	return (n << NFSK_LOG2_FRAC_BITS) + ((t + (1U << 11)) >> 12);
}

/*
 * Above 2^40 packets the sum could overflow 64 bits: scale the counts down
 * by a power of two first, which changes no proportion that matters.
 */
static unsigned int nfsk_entropy_shift(u64 total)
{
	return total >> 40 ? nfsk_fls64(total) - 39 : 0;
}

static u32 nfsk_entropy_finish(u64 total, u64 sum)
{
	u64 h;

	if (!total)
		return 0;
	h = nfsk_log2_fx(total);
	sum = nfsk_div_u64(sum + (total >> 1), total);
	h = h > sum ? h - sum : 0;
	return (u32)((h * 1000 + (1U << (NFSK_LOG2_FRAC_BITS - 1))) >>
		     NFSK_LOG2_FRAC_BITS);
}

u32 nfsk_entropy_mbits(const u64 *counts, u32 n)
{
	u64 total = 0, sum = 0;
	unsigned int sh;
	u32 i;

	for (i = 0; i < n; i++)
		total += counts[i];
	sh = nfsk_entropy_shift(total);
	for (i = 0, total = 0; i < n; i++) {
		u64 c = counts[i] >> sh;

		total += c;
		if (c > 1)
			sum += c * nfsk_log2_fx(c);
	}
	return nfsk_entropy_finish(total, sum);
}

/* ---- one CPU's counts: sampled buckets per address, the rest per bucket */

#define NFSK_HSUM_CLASSES	64	/* floor(log2 c_b) of a u64 count */

bool nfsk_hist_geom_ok(u32 buckets, u32 tsize)
{
	return nfsk_is_pow2(buckets) && buckets >= NFSK_HIST_MIN_BUCKETS &&
	       buckets <= NFSK_HIST_MAX_BUCKETS && nfsk_is_pow2(tsize) &&
	       tsize >= NFSK_HIST_MIN_SAMPLE && tsize <= NFSK_HIST_MAX_SAMPLE &&
	       /* home slot bits (32..) below the bucket bits */
	       nfsk_fls64(buckets) + nfsk_fls64(tsize) <= 32;
}

u64 nfsk_hist_size(u32 buckets, u32 tsize)
{
	return (u64)tsize * sizeof(u64) + (u64)buckets * sizeof(u32);
}

void nfsk_hist_init(struct nfsk_hist *h, u32 buckets, u32 tsize, void *mem)
{
	h->t = mem;
	h->c = (u32 *)(h->t + tsize);
	h->buckets = buckets;
	h->shift = 64 - nfsk_fls64(buckets);
	h->tsize = tsize;
	h->tmask = tsize - 1;
	nfsk_hist_clear(h);
}

void nfsk_hist_clear(struct nfsk_hist *h)
{
	memset(h->c, 0, (u64)h->buckets * sizeof(u32));
	memset(h->t, 0, (u64)h->tsize * sizeof(u64));
	h->used = 0;
	h->nsampled = h->buckets;
}

static u32 nfsk_slot_home(u32 key, u32 tmask)
{
	return key & tmask;
}

/*
 * Remove slot i of a linear-probing table without tombstones (Knuth,
 * TAOCP 6.4, Algorithm R): later entries of the cluster whose home is not
 * cyclically in (i, j] move back into the hole.
 */
static void nfsk_hist_del(struct nfsk_hist *h, u32 i)
{
	u32 mask = h->tsize - 1, j = i, k;

	for (;;) {
		j = (j + 1) & mask;
		if (!h->t[j])
			break;
		k = nfsk_slot_home((u32)(h->t[j] >> 32), h->tmask);
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		h->t[i] = h->t[j];
		i = j;
	}
	h->t[i] = 0;
}

/* Halve the sampled buckets until the table is at most half full. */
static void nfsk_hist_shrink(struct nfsk_hist *h)
{
	u32 ks = h->shift - 32, i;

	while (h->used > h->tsize / 2 && h->nsampled) {
		h->nsampled /= 2;
		for (i = 0; i < h->tsize; ) {
			u64 e = h->t[i];
			u32 b = (u32)(e >> 32) >> ks;

			if (e && b >= h->nsampled) {
				h->c[b] += (u32)e;
				h->used--;
				nfsk_hist_del(h, i);
				continue;	/* slot i may hold a moved entry */
			}
			i++;
		}
	}
}

void nfsk_hist_sample(struct nfsk_hist *h, u64 hash, u32 packets)
{
	u32 key = (u32)(hash >> 32), mask = h->tmask;
	u32 i = nfsk_slot_home(key, mask);
	u64 e;

	while ((e = h->t[i])) {
		if ((u32)(e >> 32) == key) {
			h->t[i] = e + packets;
			return;
		}
		i = (i + 1) & mask;
	}
	h->t[i] = (u64)key << 32 | packets;
	if (nfsk_unlikely(++h->used > h->tsize / 2))
		nfsk_hist_shrink(h);
}

/* ---- the fold: all CPUs of one side, and the estimate */

#define NFSK_HSUM_KEY(hk)	((1ULL << 32) | (hk))	/* non-zero */

u64 nfsk_hsum_size(u32 buckets, u32 tsize)
{
	return (2 * (u64)buckets + 3 * NFSK_HSUM_CLASSES) * sizeof(u64) +
	       (u64)tsize * sizeof(struct nfsk_hsum_slot);
}

void nfsk_hsum_init(struct nfsk_hsum *s, u32 buckets, u32 tsize, void *mem)
{
	memset(mem, 0, nfsk_hsum_size(buckets, tsize));
	s->c = mem;
	s->s = s->c + buckets;
	s->t = (struct nfsk_hsum_slot *)(s->s + buckets +
					 3 * NFSK_HSUM_CLASSES);
	s->buckets = buckets;
	s->shift = 64 - nfsk_fls64(buckets);
	s->tsize = tsize;
	s->tmask = tsize - 1;
	s->used = 0;
	s->nsampled = buckets;
}

static void nfsk_hsum_del(struct nfsk_hsum *s, u32 i)
{
	u32 mask = s->tsize - 1, j = i, k;

	for (;;) {
		j = (j + 1) & mask;
		if (!s->t[j].key)
			break;
		k = nfsk_slot_home((u32)s->t[j].key, s->tmask);
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		s->t[i] = s->t[j];
		i = j;
	}
	s->t[i].key = 0;
	s->t[i].packets = 0;
}

/* Keep buckets [0, n) sampled; the others' packets are already in c[]. */
static void nfsk_hsum_shrink_to(struct nfsk_hsum *s, u32 n)
{
	u32 ks = s->shift - 32, i;

	if (n >= s->nsampled)
		return;
	s->nsampled = n;
	for (i = 0; i < s->tsize; ) {
		u64 key = s->t[i].key;

		if (key && ((u32)key >> ks) >= n) {
			s->used--;
			nfsk_hsum_del(s, i);
			continue;
		}
		i++;
	}
}

static void nfsk_hsum_insert(struct nfsk_hsum *s, u32 key, u64 packets)
{
	u32 i = nfsk_slot_home(key, s->tmask), mask = s->tmask;

	while (s->t[i].key) {
		if (s->t[i].key == NFSK_HSUM_KEY(key)) {
			s->t[i].packets += packets;
			return;
		}
		i = (i + 1) & mask;
	}
	s->t[i].key = NFSK_HSUM_KEY(key);
	s->t[i].packets = packets;
	if (++s->used > s->tsize / 2) {
		u32 n = s->nsampled;

		while (s->used > s->tsize / 2 && n)
			nfsk_hsum_shrink_to(s, n /= 2);
	}
}

void nfsk_hsum_add(struct nfsk_hsum *s, const struct nfsk_hist *h)
{
	u32 ks = h->shift - 32, i;

	for (i = 0; i < s->buckets; i++)
		s->c[i] += h->c[i];
	nfsk_hsum_shrink_to(s, h->nsampled);
	for (i = 0; i < h->tsize; i++) {
		u64 e = h->t[i];
		u32 key = (u32)(e >> 32);

		if (!e)
			continue;
		s->c[key >> ks] += (u32)e;
		if ((key >> ks) < s->nsampled)
			nfsk_hsum_insert(s, key, (u32)e);
	}
}

u64 nfsk_hsum_bucket(const struct nfsk_hsum *s, u64 addr_hash)
{
	return s->c[addr_hash >> s->shift];
}

static u64 nfsk_xlog2(u64 x)
{
	return x > 1 ? x * nfsk_log2_fx(x) : 0;
}

/*
 * Loss of an unsampled bucket of c packets whose size class has no sampled
 * bucket: one address plus the mean sampled bucket (m packets, loss l).
 */
static u64 nfsk_hsum_loss_model(u64 c, u64 m, u64 l)
{
	u64 a, b;

	if (!m)
		return 0;
	if (c <= m)
		return nfsk_div_u64(l * c, m);
	a = nfsk_xlog2(c);
	b = nfsk_xlog2(c - m) + nfsk_xlog2(m);
	return l + (a > b ? a - b : 0);
}

u32 nfsk_hsum_entropy_mbits(struct nfsk_hsum *s)
{
	u64 *ls = s->s + s->buckets, *cs = ls + NFSK_HSUM_CLASSES;
	u64 *cu = cs + NFSK_HSUM_CLASSES;
	u64 total = 0, sum = 0, loss = 0, msum = 0, lsum = 0, m = 0, l = 0;
	u32 ks = s->shift - 32, i, k;
	unsigned int sh;

	for (i = 0; i < s->buckets; i++)
		total += s->c[i];
	sh = nfsk_entropy_shift(total);
	memset(s->s, 0, (s->buckets + 3 * NFSK_HSUM_CLASSES) * sizeof(u64));
	/* exact S_b of the sampled buckets */
	for (i = 0; i < s->tsize; i++)
		if (s->t[i].key)
			s->s[(u32)s->t[i].key >> ks] +=
				nfsk_xlog2(s->t[i].packets >> sh);
	for (i = 0, total = 0; i < s->buckets; i++) {
		u64 c = s->c[i] >> sh, f = nfsk_xlog2(c);

		total += c;
		sum += f;
		if (!c || i >= s->nsampled)
			continue;
		k = nfsk_fls64(c);
		f = f > s->s[i] ? f - s->s[i] : 0;	/* this bucket's loss */
		ls[k] += f;
		cs[k] += c;
		loss += f;
		msum += c;
		lsum += f;
	}
	if (s->nsampled) {
		m = nfsk_div_u64(msum, s->nsampled);
		l = nfsk_div_u64(lsum, s->nsampled);
	}
	for (i = s->nsampled; i < s->buckets; i++) {
		u64 c = s->c[i] >> sh;

		if (!c)
			continue;
		k = nfsk_fls64(c);
		if (cs[k])	/* the class's sampled buckets say */
			cu[k] += c;
		else
			loss += nfsk_hsum_loss_model(c, m, l);
	}
	for (k = 0; k < NFSK_HSUM_CLASSES; k++)
		if (cu[k])
			loss += nfsk_div_u64(ls[k], cs[k]) * cu[k];
	return nfsk_entropy_finish(total, sum > loss ? sum - loss : 0);
}
