/* SPDX-License-Identifier: GPL-2.0 */
/*
 * series.h - the per-window series the detectors watch and the flags they
 * raise; shared by the window record and the detectors. They are the UAPI's
 * enum nfsketch_series and enum nfsketch_flag under the core's short names:
 * every value is written once, in include/uapi/linux/nfsketch.h.
 */
#ifndef _NFSKETCH_SERIES_H
#define _NFSKETCH_SERIES_H

#include <uapi/linux/nfsketch.h>

enum nfsk_series {
	NFSK_SERIES_PACKETS		= NFSKETCH_SERIES_PACKETS,
	NFSK_SERIES_BYTES		= NFSKETCH_SERIES_BYTES,
	NFSK_SERIES_SRC_ENTROPY		= NFSKETCH_SERIES_SRC_ENTROPY,	/* milli-bits */
	NFSK_SERIES_DST_ENTROPY		= NFSKETCH_SERIES_DST_ENTROPY,	/* milli-bits */
	NFSK_SERIES_ROUTE_EVENTS	= NFSKETCH_SERIES_ROUTE_EVENTS,
	NFSK_SERIES_MAX			= __NFSKETCH_SERIES_MAX,	/* count */
};

enum nfsk_flag {
	NFSK_FLAG_VOLUME_SPIKE		= NFSKETCH_FLAG_VOLUME_SPIKE,
	NFSK_FLAG_ENTROPY_SHIFT		= NFSKETCH_FLAG_ENTROPY_SHIFT,
	NFSK_FLAG_HEAVY_HITTER		= NFSKETCH_FLAG_HEAVY_HITTER,
	NFSK_FLAG_ROUTE_CHURN		= NFSKETCH_FLAG_ROUTE_CHURN,
	NFSK_FLAG_ROUTE_FLAP		= NFSKETCH_FLAG_ROUTE_FLAP,
	NFSK_FLAG_ROUTE_WITHDRAW_BURST	= NFSKETCH_FLAG_ROUTE_WITHDRAW_BURST,
	NFSK_FLAG_DEFAULT_ROUTE_LOST	= NFSKETCH_FLAG_DEFAULT_ROUTE_LOST,
	NFSK_FLAG_BGP_SESSION		= NFSKETCH_FLAG_BGP_SESSION,
};

#endif /* _NFSKETCH_SERIES_H */
