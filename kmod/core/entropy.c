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

bool nfsk_hist_geom_ok(u32 buckets)
{
	return nfsk_is_pow2(buckets) && buckets >= NFSK_HIST_MIN_BUCKETS &&
	       buckets <= NFSK_HIST_MAX_BUCKETS;
}

u64 nfsk_hist_size(u32 buckets)
{
	return (u64)buckets * sizeof(u32);
}

void nfsk_hist_init(struct nfsk_hist *h, u32 buckets, void *mem)
{
	h->c = mem;
	h->buckets = buckets;
	h->shift = 64 - nfsk_fls64(buckets);
	nfsk_hist_clear(h);
}

void nfsk_hist_clear(struct nfsk_hist *h)
{
	memset(h->c, 0, (u64)h->buckets * sizeof(u32));
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

u32 nfsk_hist_entropy_mbits(const struct nfsk_hist *h)
{
	u64 total = 0, sum = 0;
	unsigned int sh;
	u32 i;

	for (i = 0; i < h->buckets; i++)
		total += h->c[i];
	sh = nfsk_entropy_shift(total);
	for (i = 0, total = 0; i < h->buckets; i++) {
		u64 c = h->c[i] >> sh;

		total += c;
		if (c > 1)
			sum += c * nfsk_log2_fx(c);
	}
	return nfsk_entropy_finish(total, sum);
}
