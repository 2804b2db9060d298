// SPDX-License-Identifier: GPL-2.0
/*
 * tunables.c - the table of tunables and its validation, shared by the
 * module (policy, sysfs, module parameters, CONFIG_SET), the CLI and the
 * replay: the one place a tunable's range and default are written.
 */
#include <nfsketch/tunables.h>

/* name, CONFIG attribute, range, default, power of two, needs new memory */
const struct nfsk_tunable nfsk_tunables[NFSK_NR_TUNABLES] = {
	[NFSK_T_window_ms] = {
		.name = "window_ms", .attr = NFSKETCH_A_CONFIG_WINDOW_MS,
		.min = 100, .max = 3600000, .def = 10000,
		.help = "window length, ms",
	},
	[NFSK_T_history] = {
		.name = "history", .attr = NFSKETCH_A_CONFIG_HISTORY,
		.min = 4, .max = 4096, .def = 360, .rebuild = true,
		.help = "windows kept in the history",
	},
	[NFSK_T_cms_width] = {
		.name = "cms_width", .attr = NFSKETCH_A_CONFIG_CMS_WIDTH,
		.min = 64, .max = 1048576, .def = 2048, .pow2 = true, .rebuild = true,
		.help = "Count-Min columns per row, a power of two",
	},
	[NFSK_T_cms_depth] = {
		.name = "cms_depth", .attr = NFSKETCH_A_CONFIG_CMS_DEPTH,
		.min = 1, .max = 8, .def = 4, .rebuild = true,
		.help = "Count-Min rows",
	},
	[NFSK_T_sah_entries] = {
		.name = "sah_entries", .attr = NFSKETCH_A_CONFIG_SAH_ENTRIES,
		.min = 64, .max = 65536, .def = 1024, .pow2 = true, .rebuild = true,
		.help = "Sample-and-Hold flow table entries, a power of two",
	},
	[NFSK_T_topk] = {
		.name = "topk", .attr = NFSKETCH_A_CONFIG_TOPK,
		.min = 1, .max = NFSK_TOPK_MAX, .def = 16,
		.help = "top flows kept per window",
	},
	[NFSK_T_k_sigma_milli] = {
		.name = "k_sigma_milli", .attr = NFSKETCH_A_CONFIG_K_SIGMA_MILLI,
		.min = 500, .max = 20000, .def = 2000,
		.help = "volume/entropy threshold: mean + k sigma, k in thousandths",
	},
	[NFSK_T_density_w] = {
		.name = "density_w", .attr = NFSKETCH_A_CONFIG_DENSITY_W,
		.min = 8, .max = 4096, .def = 360,
		.help = "windows of the density detector's reference",
	},
	[NFSK_T_density_k] = {
		.name = "density_k", .attr = NFSKETCH_A_CONFIG_DENSITY_K,
		.min = 1, .max = 64, .def = 5,
		.help = "neighbours of the density detector",
	},
	[NFSK_T_min_history] = {
		.name = "min_history", .attr = NFSKETCH_A_CONFIG_MIN_HISTORY,
		.min = 2, .max = 4096, .def = 12,
		.help = "windows of warm-up before a detector may flag",
	},
	[NFSK_T_hh_permille] = {
		.name = "hh_permille", .attr = NFSKETCH_A_CONFIG_HH_PERMILLE,
		.min = 1, .max = 1000, .def = 100,
		.help = "heavy hitter: a flow above this share of a window's bytes, per mille",
	},
	[NFSK_T_flap_half_life_ms] = {
		.name = "flap_half_life_ms", .attr = NFSKETCH_A_CONFIG_FLAP_HALF_LIFE_MS,
		.min = 1000, .max = 86400000, .def = 900000,
		.help = "RFC 2439 penalty half-life, ms",
	},
	[NFSK_T_flap_suppress] = {
		.name = "flap_suppress", .attr = NFSKETCH_A_CONFIG_FLAP_SUPPRESS,
		.min = 1000, .max = 100000, .def = 2000,
		.help = "RFC 2439 suppress threshold",
	},
	[NFSK_T_flap_reuse] = {
		.name = "flap_reuse", .attr = NFSKETCH_A_CONFIG_FLAP_REUSE,
		.min = 100, .max = 100000, .def = 750,
		.help = "RFC 2439 reuse threshold, below flap_suppress",
	},
	[NFSK_T_event_rate] = {
		.name = "event_rate", .attr = NFSKETCH_A_CONFIG_EVENT_RATE,
		.min = 1, .max = 1000000, .def = 100,
		.help = "notifications per second",
	},
	[NFSK_T_min_packets] = {
		.name = "min_packets", .attr = NFSKETCH_A_CONFIG_MIN_PACKETS,
		.min = 1, .max = 4294967295U, .def = 10000,
		.help = "smallest window, packets, judged for VOLUME_SPIKE and ENTROPY_SHIFT",
	},
	[NFSK_T_min_bytes] = {
		.name = "min_bytes", .attr = NFSKETCH_A_CONFIG_MIN_BYTES,
		.min = 1, .max = 4294967295U, .def = 10000000,
		.help = "smallest VOLUME_SPIKE and HEAVY_HITTER, bytes",
	},
	[NFSK_T_min_entropy_delta] = {
		.name = "min_entropy_delta", .attr = NFSKETCH_A_CONFIG_MIN_ENTROPY_DELTA,
		.min = 1, .max = 64000, .def = 500,
		.help = "smallest ENTROPY_SHIFT, milli-bits",
	},
	[NFSK_T_min_route_events] = {
		.name = "min_route_events", .attr = NFSKETCH_A_CONFIG_MIN_ROUTE_EVENTS,
		.min = 1, .max = 4294967295U, .def = 10,
		.help = "smallest ROUTE_CHURN, route events per window",
	},
};

enum nfsk_tunable_err nfsk_tunable_check(const struct nfsk_tunable *t, u64 val)
{
	if (val < t->min || val > t->max)
		return NFSK_TUNABLE_ERANGE;
	if (t->pow2 && !nfsk_is_pow2(val))
		return NFSK_TUNABLE_EPOW2;
	return NFSK_TUNABLE_OK;
}

enum nfsk_tunables_cross_err nfsk_tunables_check_cross(const u32 *vals)
{
	if (vals[NFSK_T_flap_reuse] >= vals[NFSK_T_flap_suppress])
		return NFSK_CROSS_FLAP_REUSE;
	if (vals[NFSK_T_min_history] > vals[NFSK_T_history])
		return NFSK_CROSS_MIN_HISTORY;
	return NFSK_CROSS_OK;
}

const char *nfsk_tunables_cross_msg(enum nfsk_tunables_cross_err err)
{
	switch (err) {
	case NFSK_CROSS_FLAP_REUSE:
		return "flap_reuse must be below flap_suppress";
	case NFSK_CROSS_MIN_HISTORY:
		return "min_history must not exceed history";
	default:
		return NULL;
	}
}

const struct nfsk_tunable *nfsk_tunable_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < NFSK_NR_TUNABLES; i++)
		if (!strcmp(nfsk_tunables[i].name, name))
			return &nfsk_tunables[i];
	return NULL;
}

void nfsk_tunables_defaults(u32 *vals)
{
	unsigned int i;

	for (i = 0; i < NFSK_NR_TUNABLES; i++)
		vals[i] = nfsk_tunables[i].def;
}
