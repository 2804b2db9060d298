// SPDX-License-Identifier: GPL-2.0
/*
 * Configuration of a namespace, and the module-wide defaults new namespaces
 * start from. Every tunable comes from the one table NFSK_TUNABLES
 * (<nfsketch/tunables.h>), validated by the core's nfsk_tunable_check(): the
 * policy, sysfs, CONFIG_GET, CONFIG_SET and the userspace tools can never
 * disagree.
 */
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <net/genetlink.h>
#include <uapi/linux/nfsketch.h>
#include <nfsketch/tunables.h>
#include "nfsketch.h"

/* Where struct nfsk_config keeps each tunable of the table. */
static const u16 nfsk_config_offsets[NFSK_NR_PARAMS] = {
#define NFSK_TUNABLE(_name, ...) \
	[NFSK_T_##_name] = offsetof(struct nfsk_config, _name),
#include <nfsketch/tunables-table.h>
#undef NFSK_TUNABLE
};

/*
 * KEY_FINGERPRINT is read-only: having no entry (NLA_UNSPEC), strict
 * parsing refuses it in a CONFIG_SET with extack "Unsupported attribute".
 * Filled from the table once at module init, before the family is
 * registered: the policy's ranges are the table's, not a copy of them.
 */
static struct netlink_range_validation nfsk_config_ranges[NFSK_NR_PARAMS] __ro_after_init;
struct nla_policy nfsk_config_policy[NFSKETCH_A_CONFIG_MAX + 1] __ro_after_init = {
	[NFSKETCH_A_CONFIG_HASH_KEY]	= NLA_POLICY_EXACT_LEN(NFSK_HASH_KEY_LEN),
};

/*
 * Module-wide defaults for new namespaces, written by module parameters
 * (before module init) and sysfs. Initialised from the table at compile
 * time: the kernel parses module parameters before module init runs.
 */
static DEFINE_MUTEX(nfsk_defaults_lock);
static struct nfsk_config nfsk_defaults = {
#define NFSK_TUNABLE(_name, _attr, _min, _max, _def, ...) ._name = _def,
#include <nfsketch/tunables-table.h>
#undef NFSK_TUNABLE
};

static u32 *nfsk_param_ptr(struct nfsk_config *cfg, const struct nfsk_tunable *p)
{
	return (u32 *)((u8 *)cfg + nfsk_config_offsets[p - nfsk_tunables]);
}

u32 nfsk_param_get(const struct nfsk_config *cfg, const struct nfsk_tunable *p)
{
	return *nfsk_param_ptr((struct nfsk_config *)cfg, p);
}

/* One value against its own rules; @extack may be NULL (sysfs). */
static int nfsk_param_check(const struct nfsk_tunable *p, u64 val,
			    const struct nlattr *attr,
			    struct netlink_ext_ack *extack)
{
	switch (nfsk_tunable_check(p, val)) {
	case NFSK_TUNABLE_OK:
		return 0;
	case NFSK_TUNABLE_EPOW2:
		NL_SET_ERR_MSG_ATTR(extack, attr, "value must be a power of two");
		return -EINVAL;
	default:
		NL_SET_ERR_MSG_ATTR(extack, attr, "value out of range");
		return -EINVAL;
	}
}

/* Rules across values. */
static int nfsk_config_check(const struct nfsk_config *cfg,
			     struct netlink_ext_ack *extack)
{
	enum nfsk_tunables_cross_err err;
	u32 vals[NFSK_NR_PARAMS];
	unsigned int i;

	for (i = 0; i < NFSK_NR_PARAMS; i++)
		vals[i] = nfsk_param_get(cfg, &nfsk_tunables[i]);
	err = nfsk_tunables_check_cross(vals);
	switch (err) {		/* no default: -Wswitch names a new rule */
	case NFSK_CROSS_OK:
		return 0;
	case NFSK_CROSS_FLAP_REUSE:
		NL_SET_ERR_MSG_MOD(extack, NFSK_CROSS_MSG_FLAP_REUSE);
		break;
	case NFSK_CROSS_MIN_HISTORY:
		NL_SET_ERR_MSG_MOD(extack, NFSK_CROSS_MSG_MIN_HISTORY);
		break;
	case NFSK_CROSS_DRIFT_W:
		NL_SET_ERR_MSG_MOD(extack, NFSK_CROSS_MSG_DRIFT_W);
		break;
	}
	return -EINVAL;
}

void nfsk_config_defaults(struct nfsk_config *cfg)
{
	mutex_lock(&nfsk_defaults_lock);
	*cfg = nfsk_defaults;
	mutex_unlock(&nfsk_defaults_lock);
}

int nfsk_config_default_show(const struct nfsk_tunable *p, u32 *val)
{
	mutex_lock(&nfsk_defaults_lock);
	*val = nfsk_param_get(&nfsk_defaults, p);
	mutex_unlock(&nfsk_defaults_lock);
	return 0;
}

int nfsk_config_default_store(const struct nfsk_tunable *p, u64 val)
{
	struct nfsk_config cfg;
	int err;

	err = nfsk_param_check(p, val, NULL, NULL);
	if (err)
		return err;

	mutex_lock(&nfsk_defaults_lock);
	cfg = nfsk_defaults;
	*nfsk_param_ptr(&cfg, p) = val;
	err = nfsk_config_check(&cfg, NULL);
	if (!err)
		nfsk_defaults = cfg;
	mutex_unlock(&nfsk_defaults_lock);
	return err;
}

/*
 * A module parameter, parsed before module init: only the value's own
 * rules here, since parameters come in any order; the cross rules are
 * checked once all are set, by nfsk_config_defaults_cross().
 */
int nfsk_config_default_preset(const struct nfsk_tunable *p, u64 val)
{
	int err;

	err = nfsk_param_check(p, val, NULL, NULL);
	if (err)
		return err;
	mutex_lock(&nfsk_defaults_lock);
	*nfsk_param_ptr(&nfsk_defaults, p) = val;
	mutex_unlock(&nfsk_defaults_lock);
	return 0;
}

/* The cross rule the defaults break, NFSK_CROSS_OK if none. */
enum nfsk_tunables_cross_err nfsk_config_defaults_cross(void)
{
	u32 vals[NFSK_NR_PARAMS];
	unsigned int i;

	mutex_lock(&nfsk_defaults_lock);
	for (i = 0; i < NFSK_NR_PARAMS; i++)
		vals[i] = nfsk_param_get(&nfsk_defaults, &nfsk_tunables[i]);
	mutex_unlock(&nfsk_defaults_lock);
	return nfsk_tunables_check_cross(vals);
}

int nfsk_config_apply(struct nfsk_config *cfg, struct nlattr **tb,
		      bool *rebuild, struct netlink_ext_ack *extack)
{
	struct nfsk_config new = *cfg;
	unsigned int i;
	int err;

	*rebuild = false;
	for (i = 0; i < NFSK_NR_PARAMS; i++) {
		const struct nfsk_tunable *p = &nfsk_tunables[i];
		u32 val;

		if (!tb[p->attr])
			continue;
		val = nla_get_u32(tb[p->attr]);
		err = nfsk_param_check(p, val, tb[p->attr], extack);
		if (err)
			return err;
		if (p->rebuild && val != nfsk_param_get(&new, p))
			*rebuild = true;
		*nfsk_param_ptr(&new, p) = val;
	}
	err = nfsk_config_check(&new, extack);
	if (err)
		return err;
	*cfg = new;
	return 0;
}

size_t nfsk_config_size(void)
{
	return nla_total_size(0) + NFSK_NR_PARAMS * nla_total_size(sizeof(u32)) +
	       NFSK_U64_ATTR_SIZE;
}

/* @key_fp: the fingerprint of the key in force (never the key), or NULL */
int nfsk_config_put(struct sk_buff *msg, const struct nfsk_config *cfg,
		    const u64 *key_fp)
{
	struct nlattr *nest;
	unsigned int i;

	nest = nla_nest_start(msg, NFSKETCH_A_CONFIG);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < NFSK_NR_PARAMS; i++) {
		const struct nfsk_tunable *p = &nfsk_tunables[i];

		if (nla_put_u32(msg, p->attr, nfsk_param_get(cfg, p))) {
			nla_nest_cancel(msg, nest);
			return -EMSGSIZE;
		}
	}
	if (key_fp &&
	    nla_put_u64_64bit(msg, NFSKETCH_A_CONFIG_KEY_FINGERPRINT, *key_fp,
			      NFSKETCH_A_CONFIG_PAD)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

void nfsk_config_init_policy(void)
{
	struct nla_policy *pol;
	unsigned int i;

	for (i = 0; i < NFSK_NR_PARAMS; i++) {
		const struct nfsk_tunable *t = &nfsk_tunables[i];

		nfsk_config_ranges[i].min = t->min;
		nfsk_config_ranges[i].max = t->max;
		/* NLA_POLICY_FULL_RANGE(NLA_U32, range), member by member:
		 * the policy's union has const members
		 */
		pol = &nfsk_config_policy[t->attr];
		pol->type = NLA_U32;
		pol->validation_type = NLA_VALIDATE_RANGE_PTR;
		pol->range = &nfsk_config_ranges[i];
	}
}
