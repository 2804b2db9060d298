// SPDX-License-Identifier: GPL-2.0
/*
 * Configuration of a namespace, and the module-wide defaults new namespaces
 * start from. One table describes every tunable (name, netlink attribute,
 * range, power-of-two rule, default) and serves sysfs, CONFIG_GET,
 * CONFIG_SET and their validation alike, so the three can never disagree.
 */
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <net/genetlink.h>
#include <uapi/linux/nfsketch.h>
#include "nfsketch.h"

#define NFSK_RANGE(_name, _min, _max) \
	static struct netlink_range_validation nfsk_range_##_name = { \
		.min = (_min), .max = (_max) }

NFSK_RANGE(window_ms, 100, 3600000);
NFSK_RANGE(history, 4, 4096);
NFSK_RANGE(cms_width, 64, 1U << 20);
NFSK_RANGE(cms_depth, 1, 8);
NFSK_RANGE(sah_entries, 64, 1U << 16);
NFSK_RANGE(topk, 1, NFSK_TOPK_MAX);
NFSK_RANGE(k_sigma_milli, 500, 20000);
NFSK_RANGE(density_w, 8, 4096);
NFSK_RANGE(density_k, 1, 64);
NFSK_RANGE(min_history, 2, 4096);
NFSK_RANGE(hh_permille, 1, 1000);
NFSK_RANGE(flap_half_life_ms, 1000, 86400000);
NFSK_RANGE(flap_suppress, 1000, 100000);
NFSK_RANGE(flap_reuse, 100, 100000);
NFSK_RANGE(event_rate, 1, 1000000);
NFSK_RANGE(min_packets, 1, U32_MAX);
NFSK_RANGE(min_bytes, 1, U32_MAX);
NFSK_RANGE(min_entropy_delta, 1, 64000);
NFSK_RANGE(min_route_events, 1, U32_MAX);

#define NFSK_PARAM(_name, _attr, _def, _pow2, _rebuild) {		\
	.name = #_name,							\
	.attr = NFSKETCH_A_CONFIG_##_attr,				\
	.offset = offsetof(struct nfsk_config, _name),			\
	.def = (_def),							\
	.pow2 = (_pow2),						\
	.rebuild = (_rebuild),						\
	.range = &nfsk_range_##_name,					\
}

const struct nfsk_param nfsk_params[NFSK_NR_PARAMS] = {
	NFSK_PARAM(window_ms,		WINDOW_MS,		10000,	false, false),
	NFSK_PARAM(history,		HISTORY,		360,	false, true),
	NFSK_PARAM(cms_width,		CMS_WIDTH,		2048,	true,  true),
	NFSK_PARAM(cms_depth,		CMS_DEPTH,		4,	false, true),
	NFSK_PARAM(sah_entries,		SAH_ENTRIES,		1024,	true,  true),
	NFSK_PARAM(topk,		TOPK,			16,	false, false),
	NFSK_PARAM(k_sigma_milli,	K_SIGMA_MILLI,		2000,	false, false),
	NFSK_PARAM(density_w,		DENSITY_W,		360,	false, false),
	NFSK_PARAM(density_k,		DENSITY_K,		5,	false, false),
	NFSK_PARAM(min_history,		MIN_HISTORY,		12,	false, false),
	NFSK_PARAM(hh_permille,		HH_PERMILLE,		100,	false, false),
	NFSK_PARAM(flap_half_life_ms,	FLAP_HALF_LIFE_MS,	900000,	false, false),
	NFSK_PARAM(flap_suppress,	FLAP_SUPPRESS,		2000,	false, false),
	NFSK_PARAM(flap_reuse,		FLAP_REUSE,		750,	false, false),
	NFSK_PARAM(event_rate,		EVENT_RATE,		100,	false, false),
	NFSK_PARAM(min_packets,		MIN_PACKETS,		10000,	false, false),
	NFSK_PARAM(min_bytes,		MIN_BYTES,		10000000, false, false),
	NFSK_PARAM(min_entropy_delta,	MIN_ENTROPY_DELTA,	500,	false, false),
	NFSK_PARAM(min_route_events,	MIN_ROUTE_EVENTS,	10,	false, false),
};

#define NFSK_POLICY(_name, _attr) \
	[NFSKETCH_A_CONFIG_##_attr] = NLA_POLICY_FULL_RANGE(NLA_U32, &nfsk_range_##_name)

const struct nla_policy nfsk_config_policy[NFSKETCH_A_CONFIG_MAX + 1] = {
	NFSK_POLICY(window_ms,		WINDOW_MS),
	NFSK_POLICY(history,		HISTORY),
	NFSK_POLICY(cms_width,		CMS_WIDTH),
	NFSK_POLICY(cms_depth,		CMS_DEPTH),
	NFSK_POLICY(sah_entries,	SAH_ENTRIES),
	NFSK_POLICY(topk,		TOPK),
	NFSK_POLICY(k_sigma_milli,	K_SIGMA_MILLI),
	NFSK_POLICY(density_w,		DENSITY_W),
	NFSK_POLICY(density_k,		DENSITY_K),
	NFSK_POLICY(min_history,	MIN_HISTORY),
	NFSK_POLICY(hh_permille,	HH_PERMILLE),
	NFSK_POLICY(flap_half_life_ms,	FLAP_HALF_LIFE_MS),
	NFSK_POLICY(flap_suppress,	FLAP_SUPPRESS),
	NFSK_POLICY(flap_reuse,		FLAP_REUSE),
	NFSK_POLICY(event_rate,		EVENT_RATE),
	NFSK_POLICY(min_packets,	MIN_PACKETS),
	NFSK_POLICY(min_bytes,		MIN_BYTES),
	NFSK_POLICY(min_entropy_delta,	MIN_ENTROPY_DELTA),
	NFSK_POLICY(min_route_events,	MIN_ROUTE_EVENTS),
	[NFSKETCH_A_CONFIG_HASH_KEY]	= NLA_POLICY_EXACT_LEN(NFSK_HASH_KEY_LEN),
};

/* Module-wide defaults for new namespaces, written through sysfs. */
static DEFINE_MUTEX(nfsk_defaults_lock);
static struct nfsk_config nfsk_defaults;

static u32 *nfsk_param_ptr(struct nfsk_config *cfg, const struct nfsk_param *p)
{
	return (u32 *)((u8 *)cfg + p->offset);
}

u32 nfsk_param_get(const struct nfsk_config *cfg, const struct nfsk_param *p)
{
	return *nfsk_param_ptr((struct nfsk_config *)cfg, p);
}

/* One value against its own rules; @extack may be NULL (sysfs). */
static int nfsk_param_check(const struct nfsk_param *p, u64 val,
			    const struct nlattr *attr,
			    struct netlink_ext_ack *extack)
{
	if (val < p->range->min || val > p->range->max) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "value out of range");
		return -EINVAL;
	}
	if (p->pow2 && !is_power_of_2(val)) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "value must be a power of two");
		return -EINVAL;
	}
	return 0;
}

/* Rules across values. */
static int nfsk_config_check(const struct nfsk_config *cfg,
			     struct netlink_ext_ack *extack)
{
	if (cfg->flap_reuse >= cfg->flap_suppress) {
		NL_SET_ERR_MSG_MOD(extack, "flap_reuse must be below flap_suppress");
		return -EINVAL;
	}
	if (cfg->min_history > cfg->history) {
		NL_SET_ERR_MSG_MOD(extack, "min_history must not exceed history");
		return -EINVAL;
	}
	return 0;
}

void nfsk_config_defaults(struct nfsk_config *cfg)
{
	mutex_lock(&nfsk_defaults_lock);
	*cfg = nfsk_defaults;
	mutex_unlock(&nfsk_defaults_lock);
}

int nfsk_config_default_show(const struct nfsk_param *p, u32 *val)
{
	mutex_lock(&nfsk_defaults_lock);
	*val = nfsk_param_get(&nfsk_defaults, p);
	mutex_unlock(&nfsk_defaults_lock);
	return 0;
}

int nfsk_config_default_store(const struct nfsk_param *p, u64 val)
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

int nfsk_config_apply(struct nfsk_config *cfg, struct nlattr **tb,
		      bool *rebuild, struct netlink_ext_ack *extack)
{
	struct nfsk_config new = *cfg;
	unsigned int i;
	int err;

	*rebuild = false;
	for (i = 0; i < NFSK_NR_PARAMS; i++) {
		const struct nfsk_param *p = &nfsk_params[i];
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
	return nla_total_size(0) + NFSK_NR_PARAMS * nla_total_size(sizeof(u32));
}

int nfsk_config_put(struct sk_buff *msg, const struct nfsk_config *cfg)
{
	struct nlattr *nest;
	unsigned int i;

	nest = nla_nest_start(msg, NFSKETCH_A_CONFIG);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < NFSK_NR_PARAMS; i++) {
		const struct nfsk_param *p = &nfsk_params[i];

		if (nla_put_u32(msg, p->attr, nfsk_param_get(cfg, p))) {
			nla_nest_cancel(msg, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(msg, nest);
	return 0;
}

void nfsk_config_init_defaults(void)
{
	unsigned int i;

	for (i = 0; i < NFSK_NR_PARAMS; i++)
		*nfsk_param_ptr(&nfsk_defaults, &nfsk_params[i]) = nfsk_params[i].def;
}
