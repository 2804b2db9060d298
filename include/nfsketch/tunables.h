/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tunables.h - the one table of nfsketch's tunables.
 *
 * Every tunable is written once, in <nfsketch/tunables-table.h>: its name
 * (sysfs file, module parameter, `nfsketch config set` key, replay option
 * with '_' as '-'), its CONFIG attribute, its range, whether it must be a
 * power of two, its default, and whether a change needs new sketch memory
 * (applied at the next window boundary). The module's netlink policy, sysfs
 * files and module parameters, the CLI's `config set` parser and help, and
 * the replay's option parser all read it, as the array nfsk_tunables[]
 * indexed by enum nfsk_tunable_id, and all validate through
 * nfsk_tunable_check() and nfsk_tunables_check_cross(), so none of them can
 * accept what another refuses.
 */
#ifndef _NFSKETCH_TUNABLES_H
#define _NFSKETCH_TUNABLES_H

#include <nfsketch/compat.h>
#include <nfsketch/bank.h>	/* NFSK_TOPK_MAX */
#include <uapi/linux/nfsketch.h>

enum nfsk_tunable_id {
#define NFSK_TUNABLE(_name, ...) NFSK_T_##_name,
#include <nfsketch/tunables-table.h>
#undef NFSK_TUNABLE
	NFSK_NR_TUNABLES
};

struct nfsk_tunable {
	const char	*name;
	const char	*help;
	u32		min;
	u32		max;
	u32		def;
	u16		attr;		/* NFSKETCH_A_CONFIG_* */
	bool		pow2;
	bool		rebuild;	/* a change needs new sketch memory */
};

extern const struct nfsk_tunable nfsk_tunables[NFSK_NR_TUNABLES];

/* What nfsk_tunable_check() found wrong. */
enum nfsk_tunable_err {
	NFSK_TUNABLE_OK,
	NFSK_TUNABLE_ERANGE,	/* outside [min, max] */
	NFSK_TUNABLE_EPOW2,	/* not a power of two */
};

/* One value against its own rules. */
enum nfsk_tunable_err nfsk_tunable_check(const struct nfsk_tunable *t, u64 val);

/* Rules across values, by what breaks them. */
enum nfsk_tunables_cross_err {
	NFSK_CROSS_OK,
	NFSK_CROSS_FLAP_REUSE,		/* flap_reuse >= flap_suppress */
	NFSK_CROSS_MIN_HISTORY,		/* min_history > history */
	NFSK_CROSS_DRIFT_W,		/* drift_w 1..7: too few to fit */
};

/*
 * Their messages, written once as literals: nfsk_tunables_cross_msg() and
 * the kernel's extack (NL_SET_ERR_MSG_MOD() takes literals only) use them.
 */
#define NFSK_CROSS_MSG_FLAP_REUSE	"flap_reuse must be below flap_suppress"
#define NFSK_CROSS_MSG_MIN_HISTORY	"min_history must not exceed history"
#define NFSK_CROSS_MSG_DRIFT_W		"drift_w must be 0 (off) or at least 8"

/* @vals indexed by enum nfsk_tunable_id. */
enum nfsk_tunables_cross_err nfsk_tunables_check_cross(const u32 *vals);
/* The rule broken, NULL for NFSK_CROSS_OK. */
const char *nfsk_tunables_cross_msg(enum nfsk_tunables_cross_err err);

/* The tunable called @name, or NULL. */
const struct nfsk_tunable *nfsk_tunable_find(const char *name);

/* @vals[i] = default of tunable i, for every i. */
void nfsk_tunables_defaults(u32 *vals);

#endif /* _NFSKETCH_TUNABLES_H */
