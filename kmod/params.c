// SPDX-License-Identifier: GPL-2.0
/*
 * Module parameters: one per tunable of the table (tunables-table.h),
 * setting the default of the initial namespace and of every namespace
 * created later, e.g. `modprobe nfsketch window_ms=20000 cms_width=4096` or
 * `options nfsketch ...` in /etc/modprobe.d/.
 *
 * The kernel parses them before module init runs, in the order given, so
 * each value is checked here against its own rules (range, power of two)
 * and the cross rules once all are set, by nfsk_modparams_check() at init.
 * Either failure fails the load with -EINVAL and a line in the kernel log
 * naming the parameter and what it accepts.
 *
 * /sys/module/nfsketch/parameters/<name> reads the current default
 * (read-only: change defaults at run time through /sys/kernel/nfsketch/).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/stringify.h>
#include "nfsketch.h"

static int nfsk_modparam_set(const char *val, const struct kernel_param *kp)
{
	const struct nfsk_tunable *t = kp->arg;
	u64 v;

	if (kstrtou64(val, 0, &v) || nfsk_config_default_preset(t, v)) {
		pr_err("%s=%s: must be %s%u..%u\n", t->name, val,
		       t->pow2 ? "a power of two in " : "", t->min, t->max);
		return -EINVAL;
	}
	return 0;
}

static int nfsk_modparam_get(char *buf, const struct kernel_param *kp)
{
	u32 v;

	nfsk_config_default_show(kp->arg, &v);
	return scnprintf(buf, PAGE_SIZE, "%u\n", v);
}

static const struct kernel_param_ops nfsk_modparam_ops = {
	.set	= nfsk_modparam_set,
	.get	= nfsk_modparam_get,
};

/* parm: lines of modinfo, from the table's help, range and default */
#define NFSK_TUNABLE(_name, _attr, _min, _max, _def, _pow2, _rebuild, _help) \
	module_param_cb(_name, &nfsk_modparam_ops,			\
			(void *)&nfsk_tunables[NFSK_T_##_name], 0444);	\
	__MODULE_PARM_TYPE(_name, "uint");				\
	MODULE_PARM_DESC(_name, _help " (" __stringify(_min) ".."	\
			 __stringify(_max) ", default "			\
			 __stringify(_def) ")");

#include <nfsketch/tunables-table.h>
#undef NFSK_TUNABLE

int nfsk_modparams_check(void)
{
	enum nfsk_tunables_cross_err err = nfsk_config_defaults_cross();

	if (err == NFSK_CROSS_OK)
		return 0;
	pr_err("module parameters: %s\n", nfsk_tunables_cross_msg(err));
	return -EINVAL;
}
