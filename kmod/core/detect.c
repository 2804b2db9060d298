// SPDX-License-Identifier: GPL-2.0
/*
 * detect.c - anomaly detectors over windowed series, in integer math.
 *
 * Each closed window gives one value per series (packets, bytes, source and
 * destination entropy, route events). Two detectors judge it against the
 * previous windows:
 *
 * 1. mean + k*sigma (KDDI's route-event monitor uses k = 2). Cheap and well
 *    understood, but the mean and sigma of a skewed or bursty series are
 *    dragged by the bursts themselves.
 * 2. density outlier (Edgio's ShakeAlert on BGP update counts): the value is
 *    an outlier when fewer than k of the last w values lie within radius r of
 *    it, r = (p95 - p5) * factor. It asks "have we seen values like this
 *    recently?", which a single burst in the history does not fool.
 *
 * By default a window is flagged only when both agree, the deviation has the
 * series' direction (volume: up; entropy: either, a "shift"), the value is
 * above the series' minimum alert size, and the history is long enough.
 *
 * Integer ranges (no floating point anywhere): values are saturated at
 * 2^44 - 1 and at most 4096 history values are used, so a sum fits in 56
 * bits. The variance is computed in two passes on deviations from the
 * minimum, rescaled by a power of two so that the range max - min spans at
 * most 2^25 units (left shift up to 16 bits for small series such as route
 * events, right shift for big ones): squares fit in 50 bits and their sum in
 * 62. The relative error of sigma from this rescaling is below 2^-18 of the
 * range; mean and sigma are reported x 1000 (milli-units), floored.
 *
 * Percentiles for the density radius come from a heapsort of a copy of the
 * last w values in caller-provided scratch: O(w log w), bounded time, no
 * recursion, no stack arrays.
 */
#include <nfsketch/detect.h>
#include <nfsketch/tunables.h>

#define VAR_BITS	25	/* range of the rescaled deviations */
#define MAX_LSHIFT	16	/* fractional bits for small series */
#define SIGMA_XBITS	6	/* extra bits kept by the square root */

u64 nfsk_isqrt64(u64 x)
{
	u64 res = 0;
	u64 bit = 1ULL << 62;

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= res + bit) {
			x -= res + bit;
			res = (res >> 1) + bit;
		} else {
			res >>= 1;
		}
		bit >>= 2;
	}
	return res;
}

static inline u64 sat_value(u64 v)
{
	return v > NFSK_DETECT_VALUE_MAX ? NFSK_DETECT_VALUE_MAX : v;
}

static inline u64 sat_add(u64 a, u64 b)
{
	return a + b < a ? ~0ULL : a + b;
}

/* Heapsort, ascending: no recursion, O(n log n) in the worst case. */
static void sift_down(u64 *v, u32 i, u32 n)
{
	for (;;) {
		u32 c = 2 * i + 1;
		u64 t;

		if (c >= n)
			break;
		if (c + 1 < n && v[c + 1] > v[c])
			c++;
		if (v[i] >= v[c])
			break;
		t = v[i];
		v[i] = v[c];
		v[c] = t;
		i = c;
	}
}

static void heapsort_u64(u64 *v, u32 n)
{
	u32 i;
	u64 t;

	if (n < 2)
		return;
	for (i = n / 2; i-- > 0; )
		sift_down(v, i, n);
	for (i = n - 1; i > 0; i--) {
		t = v[0];
		v[0] = v[i];
		v[i] = t;
		sift_down(v, 0, i);
	}
}

/* Nearest rank on sorted @v: the ceil(pct * n / 100)-th smallest. */
static u64 sorted_percentile(const u64 *v, u32 n, u32 pct)
{
	u64 rank;

	if (!n)
		return 0;
	if (pct > 100)
		pct = 100;
	rank = nfsk_div_u64((u64)pct * n + 99, 100);
	if (!rank)
		rank = 1;
	return v[rank - 1];
}

u64 nfsk_detect_percentile(u64 *v, u32 n, u32 pct)
{
	heapsort_u64(v, n);
	return sorted_percentile(v, n, pct);
}

/* x (rescaled by 2^-shift, or 2^lshift) back to milli-units. */
static u64 to_milli(u64 xs, u32 lshift, u32 rshift, u32 xbits)
{
	return ((xs * 1000) << rshift) >> (lshift + xbits);
}

/* Mean and sigma (x 1000) of hist[0..n-1], n >= 1. */
static void detect_stats(const u64 *hist, u32 n, u64 *mean_milli,
			 u64 *sigma_milli)
{
	u64 min = ~0ULL, max = 0, s1 = 0, mean_s, ssq = 0, range, v, d;
	u32 i, bits, lsh = 0, rsh = 0;

	for (i = 0; i < n; i++) {
		v = sat_value(hist[i]);
		if (v < min)
			min = v;
		if (v > max)
			max = v;
		s1 += v;
	}
	s1 -= (u64)n * min;		/* sum of deviations from min, < 2^56 */
	range = max - min;
	if (!range) {
		*mean_milli = min * 1000;
		*sigma_milli = 0;
		return;
	}
	bits = nfsk_fls64(range) + 1;	/* range < 2^bits */
	if (bits <= VAR_BITS) {
		lsh = VAR_BITS - bits;
		if (lsh > MAX_LSHIFT)
			lsh = MAX_LSHIFT;
		mean_s = nfsk_div_u64(s1 << lsh, n);
	} else {
		rsh = bits - VAR_BITS;
		mean_s = 0;
		for (i = 0; i < n; i++)
			mean_s += (sat_value(hist[i]) - min) >> rsh;
		mean_s = nfsk_div_u64(mean_s, n);
	}
	for (i = 0; i < n; i++) {
		d = ((sat_value(hist[i]) - min) << lsh) >> rsh;
		d = d > mean_s ? d - mean_s : mean_s - d;	/* < 2^25 */
		ssq += d * d;					/* < 2^62 */
	}
	ssq = nfsk_div_u64(ssq, n);				/* < 2^50 */
	v = nfsk_isqrt64(ssq << (2 * SIGMA_XBITS));
	*mean_milli = min * 1000 + to_milli(mean_s, lsh, rsh, 0);
	*sigma_milli = to_milli(v, lsh, rsh, SIGMA_XBITS);
}

/* k_milli * sigma_milli / 1000 without overflow (sigma < 2^54, k <= 1e5). */
static u64 k_times_sigma(u32 k_milli, u64 sigma_milli)
{
	return (u64)(k_milli / 1000) * sigma_milli +
	       nfsk_div_u64((u64)(k_milli % 1000) * sigma_milli, 1000);
}

/* (diff / sigma) * 1000, saturated at NFSK_DETECT_SCORE_MAX. */
static s64 score_of(u64 diff, u64 sigma, bool neg)
{
	u64 q, r;
	s64 s;

	if (!diff)
		return 0;
	if (!sigma) {
		s = NFSK_DETECT_SCORE_MAX;
	} else {
		q = nfsk_div_u64(diff, sigma);
		if (q >= (u64)NFSK_DETECT_SCORE_MAX / 1000) {
			s = NFSK_DETECT_SCORE_MAX;
		} else {
			r = diff - q * sigma;
			while (r > ~0ULL / 1000) {
				r >>= 1;
				sigma >>= 1;
			}
			s = (s64)(q * 1000 + nfsk_div_u64(r * 1000, sigma));
		}
	}
	return neg ? -s : s;
}

static u32 clamp_u32(u32 v, u32 max)
{
	return v > max ? max : v;
}

bool nfsk_detect_eval(const struct nfsk_detect_cfg *cfg, const u64 *hist,
		      u32 n, u64 value, u64 *scratch, u32 scratch_len,
		      struct nfsk_detect_result *res)
{
	u32 k_milli = clamp_u32(cfg->k_sigma_milli, NFSK_DETECT_K_MAX);
	u32 factor = clamp_u32(cfg->radius_factor_milli,
			       NFSK_DETECT_FACTOR_MAX);
	u64 value_milli, diff, ksig, lo, hi, v;
	u32 i, m;
	bool hit, small;

	memset(res, 0, sizeof(*res));
	value = sat_value(value);
	res->value = value;
	res->radius = 1;
	res->warm = n >= cfg->min_history;
	if (!n)
		return false;

	/* Detector 1: mean + k*sigma over the (newest N_MAX) history. */
	if (n > NFSK_DETECT_N_MAX) {
		hist += n - NFSK_DETECT_N_MAX;
		n = NFSK_DETECT_N_MAX;
	}
	res->history = n;
	detect_stats(hist, n, &res->mean_milli, &res->sigma_milli);
	ksig = k_times_sigma(k_milli, res->sigma_milli);
	res->upper_milli = sat_add(res->mean_milli, ksig);
	res->lower_milli = res->mean_milli > ksig ? res->mean_milli - ksig : 0;
	value_milli = value * 1000;
	if (value_milli > res->upper_milli ||
	    (res->mean_milli > ksig && value_milli < res->lower_milli))
		res->hits |= NFSK_DETECT_HIT_SIGMA;
	if (value_milli > res->mean_milli) {
		res->dir = 1;
		diff = value_milli - res->mean_milli;
	} else {
		res->dir = value_milli < res->mean_milli ? -1 : 0;
		diff = res->mean_milli - value_milli;
	}
	res->score = score_of(diff, res->sigma_milli, res->dir < 0);

	/* Detector 2: density of the last w values around the value. */
	m = clamp_u32(clamp_u32(cfg->density_w, NFSK_DETECT_N_MAX),
		      scratch_len);
	m = clamp_u32(m, n);
	res->window = m;
	if (m && scratch) {
		for (i = 0; i < m; i++)
			scratch[i] = sat_value(hist[n - m + i]);
		heapsort_u64(scratch, m);
		res->p5 = sorted_percentile(scratch, m, 5);
		res->p95 = sorted_percentile(scratch, m, 95);
		/* < 2^44 * 10^5 < 2^61 */
		v = nfsk_div_u64((res->p95 - res->p5) * factor, 1000);
		res->radius = v ? v : 1;
		lo = value > res->radius ? value - res->radius : 0;
		hi = value + res->radius;
		for (i = 0; i < m; i++)
			if (scratch[i] >= lo && scratch[i] <= hi)
				res->neighbours++;
		if (res->neighbours < cfg->density_k)
			res->hits |= NFSK_DETECT_HIT_DENSITY;
	}

	/* The verdict. */
	if (cfg->combine == NFSK_COMBINE_EITHER)
		hit = res->hits != 0;
	else
		hit = res->hits == (NFSK_DETECT_HIT_SIGMA |
				    NFSK_DETECT_HIT_DENSITY);
	if (!(res->dir > 0 && (cfg->dir & NFSK_DIR_UP)) &&
	    !(res->dir < 0 && (cfg->dir & NFSK_DIR_DOWN)))
		hit = false;
	if (res->dir > 0 && value < cfg->min_value)
		hit = false;
	small = cfg->min_delta > ~0ULL / 1000 ||
		diff < cfg->min_delta * 1000;
	if (small)
		hit = false;
	res->flagged = res->warm && hit;
	return res->flagged;
}

u32 nfsk_detect_series_flag(enum nfsk_series series)
{
	switch (series) {
	case NFSK_SERIES_PACKETS:
	case NFSK_SERIES_BYTES:
		return NFSK_FLAG_VOLUME_SPIKE;
	case NFSK_SERIES_SRC_ENTROPY:
	case NFSK_SERIES_DST_ENTROPY:
		return NFSK_FLAG_ENTROPY_SHIFT;
	case NFSK_SERIES_ROUTE_EVENTS:
		return NFSK_FLAG_ROUTE_CHURN;
	default:
		return 0;
	}
}

void nfsk_detect_cfg_default(struct nfsk_detect_cfg *cfg,
			     enum nfsk_series series)
{
#define NFSK_DEF(_name)	nfsk_tunables[NFSK_T_##_name].def
	/* the module's defaults: the one tunables table */
	memset(cfg, 0, sizeof(*cfg));
	cfg->k_sigma_milli = NFSK_DEF(k_sigma_milli);
	cfg->density_w = NFSK_DEF(density_w);
	cfg->density_k = NFSK_DEF(density_k);
	cfg->radius_factor_milli = 1000;
	cfg->min_history = NFSK_DEF(min_history);
	cfg->combine = NFSK_COMBINE_BOTH;
	cfg->dir = NFSK_DIR_UP;
	switch (series) {
	case NFSK_SERIES_PACKETS:
		cfg->min_value = NFSK_DEF(min_packets);
		break;
	case NFSK_SERIES_BYTES:
		cfg->min_value = NFSK_DEF(min_bytes);
		break;
	case NFSK_SERIES_SRC_ENTROPY:
	case NFSK_SERIES_DST_ENTROPY:
		cfg->dir = NFSK_DIR_BOTH;
		cfg->min_delta = NFSK_DEF(min_entropy_delta);
		break;
	case NFSK_SERIES_ROUTE_EVENTS:
		cfg->min_value = NFSK_DEF(min_route_events);
		break;
	default:
		break;
	}
#undef NFSK_DEF
}

bool nfsk_detect_heavy_hitter(u64 flow_bytes, u64 window_bytes,
			      u32 hh_permille)
{
	u64 q, r, floor_t;

	/* flow * 1000 > window * hh  <=>  flow > floor(window * hh / 1000) */
	if (hh_permille > 1000)
		hh_permille = 1000;
	q = nfsk_div_u64(window_bytes, 1000);
	r = window_bytes - q * 1000;
	floor_t = q * hh_permille + nfsk_div_u64(r * hh_permille, 1000);
	return flow_bytes > floor_t;
}
