/* SPDX-License-Identifier: GPL-2.0 */
/*
 * detect.h - anomaly detectors over the windowed series (integer only).
 *
 * Two detectors judge the current window's value of a series against the
 * history of the previous windows (oldest first, caller-provided array):
 *
 *  - sigma:   |value - mean| > k * sigma (k in 1/1000, default 2.000);
 *  - density: fewer than density_k of the last density_w values lie within
 *             radius r of the value, r = (p95 - p5) * factor, at least 1.
 *
 * nfsk_detect_eval() combines them with the warm-up (min_history), the
 * direction of the series and its minimum alert size into one verdict.
 * All arithmetic is integer; see detect.c for the ranges.
 *
 * Stateless: every call works on what the caller passes. The caller
 * serialises calls that share a scratch buffer.
 */
#ifndef _NFSKETCH_DETECT_H
#define _NFSKETCH_DETECT_H

#include <nfsketch/compat.h>
#include <nfsketch/series.h>

/* Which deviations count: spikes up, drops, or both ("shift"). */
enum nfsk_detect_dir {
	NFSK_DIR_UP	= 1,
	NFSK_DIR_DOWN	= 2,
	NFSK_DIR_BOTH	= 3,
};

/* How the two detectors combine into a verdict. */
enum nfsk_detect_combine {
	NFSK_COMBINE_BOTH,	/* both must hit (default: fewer false alarms) */
	NFSK_COMBINE_EITHER,	/* one is enough */
};

/* Hit bits of struct nfsk_detect_result.hits. */
enum nfsk_detect_hit {
	NFSK_DETECT_HIT_SIGMA		= 1U << 0,
	NFSK_DETECT_HIT_DENSITY		= 1U << 1,
	NFSK_DETECT_HIT_DRIFT		= 1U << 2,	/* flags.c, drift.h */
};

/*
 * Ranges. Values are saturated at NFSK_DETECT_VALUE_MAX (2^44 - 1: 17 TB
 * per window) and only the newest NFSK_DETECT_N_MAX history values are used.
 * k_sigma_milli is clamped to NFSK_DETECT_K_MAX, density_w to
 * NFSK_DETECT_N_MAX, radius_factor_milli to NFSK_DETECT_FACTOR_MAX.
 */
#define NFSK_DETECT_VALUE_MAX		((1ULL << 44) - 1)
#define NFSK_DETECT_N_MAX		4096U
#define NFSK_DETECT_K_MAX		100000U		/* k = 100 */
#define NFSK_DETECT_FACTOR_MAX		100000U		/* x 100 */
#define NFSK_DETECT_SCORE_MAX		1000000000LL	/* 10^6 sigmas */

struct nfsk_detect_cfg {
	u32	k_sigma_milli;		/* k of mean + k*sigma, default 2000 */
	u32	density_w;		/* values looked at, default 360 */
	u32	density_k;		/* neighbours needed, default 5 */
	u32	radius_factor_milli;	/* r = (p95 - p5) * this / 1000 */
	u32	min_history;		/* warm-up: no verdict before this */
	u8	combine;		/* enum nfsk_detect_combine */
	u8	dir;			/* enum nfsk_detect_dir */
	u16	pad;
	/* Minimum alert size: value >= min_value (direction UP only) ... */
	u64	min_value;
	/* ... and |value - mean| >= min_delta (any direction). */
	u64	min_delta;
};

struct nfsk_detect_result {
	u64	value;			/* as judged (saturated) */
	u64	mean_milli;		/* mean of the history, x 1000 */
	u64	sigma_milli;		/* population standard deviation, x 1000 */
	u64	upper_milli;		/* mean + k*sigma, x 1000 (saturated) */
	u64	lower_milli;		/* mean - k*sigma, x 1000 (0 if below) */
	u64	p5;			/* of the last density_w values */
	u64	p95;
	u64	radius;			/* density radius, >= 1 */
	s64	score;			/* (value - mean) * 1000 / sigma */
	u32	neighbours;		/* values within radius of value */
	u32	history;		/* history values used for sigma */
	u32	window;			/* values used for density */
	s32	drift_permille;		/* slope, per mille of mean per window */
	u32	drift_span;		/* values the slope was fitted over */
	u8	hits;			/* NFSK_DETECT_HIT_* */
	u8	warm;			/* history >= min_history */
	u8	flagged;		/* the verdict */
	s8	dir;			/* +1 above the mean, -1 below, 0 equal */
};

/* Defaults for one series (min_value / min_delta differ per series). */
void nfsk_detect_cfg_default(struct nfsk_detect_cfg *cfg,
			     enum nfsk_series series);

/* The window flag a verdict on this series raises. */
u32 nfsk_detect_series_flag(enum nfsk_series series);

/* Number of u64 of scratch nfsk_detect_eval() needs for density_w = w. */
static inline u32 nfsk_detect_scratch_len(u32 w)
{
	return w < NFSK_DETECT_N_MAX ? w : NFSK_DETECT_N_MAX;
}

/* The same in bytes, for the caller's allocation. */
static inline size_t nfsk_detect_scratch_size(u32 w)
{
	return (size_t)nfsk_detect_scratch_len(w) * sizeof(u64);
}

/*
 * Judge @value against @hist[0..n-1] (oldest first). @scratch holds
 * @scratch_len u64; fewer than nfsk_detect_scratch_len(cfg->density_w)
 * shrinks the density window to @scratch_len. Fills @res; returns
 * res->flagged.
 */
bool nfsk_detect_eval(const struct nfsk_detect_cfg *cfg, const u64 *hist,
		      u32 n, u64 value, u64 *scratch, u32 scratch_len,
		      struct nfsk_detect_result *res);

/* Percentile (nearest rank, 0..100) of @v[0..n-1]; sorts @v in place. */
u64 nfsk_detect_percentile(u64 *v, u32 n, u32 pct);

/* Heavy hitter: flow_bytes > window_bytes * hh_permille / 1000, exactly. */
bool nfsk_detect_heavy_hitter(u64 flow_bytes, u64 window_bytes,
			      u32 hh_permille);

/* floor(sqrt(x)) for any u64. */
u64 nfsk_isqrt64(u64 x);

#endif /* _NFSKETCH_DETECT_H */
