/* SPDX-License-Identifier: GPL-2.0 */
/*
 * drift.h - a detector for slow ramps (integer only).
 *
 * mean + k sigma and the density test judge one window against many; a
 * ramp of a few per cent per window stays inside both, because each window
 * is close to the one before and the ramp's own windows become the
 * reference. The drift detector looks at the trend instead: the
 * least-squares slope of the newest w values of a series (the current one
 * included), relative to their mean, in per mille per window, when it is
 * also significant (t >= NFSK_DRIFT_T against the fit's residuals).
 */
#ifndef _NFSKETCH_DRIFT_H
#define _NFSKETCH_DRIFT_H

#include <nfsketch/compat.h>

/* Longest span (values) the slope is fitted over: keeps every sum in u64. */
#define NFSK_DRIFT_W_MAX	64U

/*
 * Slope of @hist[n - (w - 1) .. n - 1] (oldest first) followed by @value,
 * per mille of their mean per window, floored towards zero; 0 with fewer
 * than 4 values or a zero mean. *@span receives the number of values used.
 */
s32 nfsk_drift_slope_permille(const u64 *hist, u32 n, u64 value, u32 w,
			      u32 *span);

/* How many standard errors the slope must be from zero to count. */
#define NFSK_DRIFT_T		4U

/*
 * Over the same values: is the slope at least NFSK_DRIFT_T standard errors
 * (of the least-squares fit's residuals) from zero? Noise on a small series
 * can tilt a fit by a few per cent per window; a ramp is a trend, not noise.
 */
bool nfsk_drift_significant(const u64 *hist, u32 n, u64 value, u32 w);

#endif /* _NFSKETCH_DRIFT_H */
