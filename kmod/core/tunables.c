// SPDX-License-Identifier: GPL-2.0
/*
 * tunables.c - the table of tunables (<nfsketch/tunables-table.h>, the one
 * place a tunable's range and default are written) as an array, and its validation,
 * shared by the module (policy, sysfs, module parameters, CONFIG_SET), the
 * CLI and the replay.
 */
#include <nfsketch/tunables.h>

const struct nfsk_tunable nfsk_tunables[NFSK_NR_TUNABLES] = {
#define NFSK_TUNABLE(_name, _attr, _min, _max, _def, _pow2, _rebuild, _help) \
	[NFSK_T_##_name] = {						\
		.name = #_name, .attr = NFSKETCH_A_CONFIG_##_attr,	\
		.min = _min, .max = _max, .def = _def,			\
		.pow2 = _pow2, .rebuild = _rebuild, .help = _help,	\
	},
#include <nfsketch/tunables-table.h>
#undef NFSK_TUNABLE
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
	/* the drift detector also fits the newer half: at least 4 windows */
	if (vals[NFSK_T_drift_w] && vals[NFSK_T_drift_w] < 8)
		return NFSK_CROSS_DRIFT_W;
	return NFSK_CROSS_OK;
}

const char *nfsk_tunables_cross_msg(enum nfsk_tunables_cross_err err)
{
	static const char *const msgs[] = {
		[NFSK_CROSS_FLAP_REUSE]		= NFSK_CROSS_MSG_FLAP_REUSE,
		[NFSK_CROSS_MIN_HISTORY]	= NFSK_CROSS_MSG_MIN_HISTORY,
		[NFSK_CROSS_DRIFT_W]		= NFSK_CROSS_MSG_DRIFT_W,
	};

	return (unsigned int)err < ARRAY_SIZE(msgs) ? msgs[err] : NULL;
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
