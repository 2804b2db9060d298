// SPDX-License-Identifier: GPL-2.0
/*
 * drift.c - least-squares slope of the newest values of a series.
 *
 * With x = 0..m-1 and y the values: slope = S / D, S = m Sxy - Sx Sy,
 * D = m Sxx - Sx^2, and relative to the mean Sy / m the slope is
 * S m / (D Sy). Ranges: m <= 64 and the values are shifted right until the
 * largest is below 2^24 (a relative error under 2^-23, far below the per
 * mille the result is given in), so Sy < 2^30, Sxy < 2^36, |S| < 2^43,
 * |S| * m * 1000 < 2^59 and D * Sy < 2^51: every product fits in 64 bits.
 */
#include <nfsketch/drift.h>

#define DRIFT_Y_BITS	24

s32 nfsk_drift_slope_permille(const u64 *hist, u32 n, u64 value, u32 w,
			      u32 *span)
{
	u64 max = value, sy = 0, sxy = 0, sx, sxx, d, num, den, y, q;
	u32 m, i, shift = 0;
	const u64 *v;
	bool neg;

	if (w > NFSK_DRIFT_W_MAX)
		w = NFSK_DRIFT_W_MAX;
	m = w ? (n + 1 < w ? n + 1 : w) : 0;
	*span = m;
	if (m < 4)
		return 0;
	v = hist + n - (m - 1);
	for (i = 0; i + 1 < m; i++)
		if (v[i] > max)
			max = v[i];
	if (max >> DRIFT_Y_BITS)
		shift = nfsk_fls64(max) + 1 - DRIFT_Y_BITS;
	for (i = 0; i < m; i++) {
		y = (i + 1 < m ? v[i] : value) >> shift;
		sy += y;
		sxy += (u64)i * y;
	}
	if (!sy)
		return 0;
	sx = m * (m - 1) / 2;			/* u32: m <= 64 */
	sxx = (m - 1) * m * (2 * m - 1) / 6;
	d = m * sxx - sx * sx;
	neg = m * sxy < sx * sy;
	num = neg ? sx * sy - m * sxy : m * sxy - sx * sy;
	den = d * sy;
	q = nfsk_div_u64(num * m * 1000, den);
	if (q > 0x7fffffff)
		q = 0x7fffffff;
	return neg ? -(s32)q : (s32)q;
}

/*
 * The slope's t statistic, t^2 = S^2 (m - 2) / (D A - S^2) with
 * A = m Syy - Sy^2, compared with NFSK_DRIFT_T^2. Values shifted below 2^12
 * (the quantum is 1/4096 of the largest, far below any real noise): Sy < 2^18,
 * Syy < 2^30, A < 2^36, D < 2^21, D A < 2^57, |S| < 2^30, S^2 < 2^60.
 */
#define DRIFT_T_BITS	12

bool nfsk_drift_significant(const u64 *hist, u32 n, u64 value, u32 w)
{
	u64 max = value, sy = 0, syy = 0, sxy = 0, sx, sxx, d, a, s2, q, y;
	u32 m, i, shift = 0;
	const u64 *v;

	if (w > NFSK_DRIFT_W_MAX)
		w = NFSK_DRIFT_W_MAX;
	m = w ? (n + 1 < w ? n + 1 : w) : 0;
	if (m < 4)
		return false;
	v = hist + n - (m - 1);
	for (i = 0; i + 1 < m; i++)
		if (v[i] > max)
			max = v[i];
	if (max >> DRIFT_T_BITS)
		shift = nfsk_fls64(max) + 1 - DRIFT_T_BITS;
	for (i = 0; i < m; i++) {
		y = (i + 1 < m ? v[i] : value) >> shift;
		sy += y;
		syy += y * y;
		sxy += (u64)i * y;
	}
	sx = m * (m - 1) / 2;			/* u32: m <= 64 */
	sxx = (m - 1) * m * (2 * m - 1) / 6;
	d = m * sxx - sx * sx;
	a = m * syy - sy * sy;
	s2 = m * sxy > sx * sy ? m * sxy - sx * sy : sx * sy - m * sxy;
	s2 *= s2;
	if (d * a <= s2)	/* every point on the line: no noise at all */
		return true;
	q = nfsk_div_u64(NFSK_DRIFT_T * NFSK_DRIFT_T * (d * a - s2) + m - 3,
			 m - 2);
	return s2 >= q;
}
