/* SPDX-License-Identifier: GPL-2.0 */
/*
 * series.h - the per-window series the detectors watch and the flags they
 * raise; shared by the window record and the detectors. The values are
 * those of enum nfsketch_series and NFSKETCH_FLAG_* in the UAPI header.
 */
#ifndef _NFSKETCH_SERIES_H
#define _NFSKETCH_SERIES_H

enum nfsk_series {
	NFSK_SERIES_PACKETS,
	NFSK_SERIES_BYTES,
	NFSK_SERIES_SRC_ENTROPY,	/* milli-bits */
	NFSK_SERIES_DST_ENTROPY,	/* milli-bits */
	NFSK_SERIES_ROUTE_EVENTS,
	NFSK_SERIES_MAX,
};

enum nfsk_flag {
	NFSK_FLAG_VOLUME_SPIKE		= 1U << 0,
	NFSK_FLAG_ENTROPY_SHIFT		= 1U << 1,
	NFSK_FLAG_HEAVY_HITTER		= 1U << 2,
	NFSK_FLAG_ROUTE_CHURN		= 1U << 3,
	NFSK_FLAG_ROUTE_FLAP		= 1U << 4,
};

#endif /* _NFSKETCH_SERIES_H */
