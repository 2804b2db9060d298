/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h - every kernel API difference between the supported kernels
 * (Linux 6.1 to 6.12), one named shim each, with the version where the API
 * changed. No version check anywhere else in the module.
 *
 * The portable core's own environment shim is include/nfsketch/compat.h;
 * this one is for the kernel glue only.
 */
#ifndef _NFSKETCH_KMOD_COMPAT_H
#define _NFSKETCH_KMOD_COMPAT_H

#include <linux/version.h>
#include <net/genetlink.h>

/* v6.12 (commit 5f60d5f6bbc1): <asm/unaligned.h> became <linux/unaligned.h>. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/*
 * v6.2 (commit bffcc6882a1b): struct genl_dumpit_info keeps the parsed
 * attributes in its struct genl_info, ->info.attrs, instead of ->attrs.
 */
static inline struct nlattr **nfsk_dumpit_attrs(struct netlink_callback *cb)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	return genl_dumpit_info(cb)->info.attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/*
 * v6.2 ("netlink: add support for formatted extack messages"): extack
 * messages may be formatted, NL_SET_ERR_MSG_FMT_MOD(). Before, the ack can
 * only point to a constant string, so the @fixed one, without the values,
 * is what the caller gets.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define nfsk_extack_fmt(extack, fixed, fmt, args...) \
	NL_SET_ERR_MSG_FMT_MOD(extack, fmt, ##args)
#else
#define nfsk_extack_fmt(extack, fixed, fmt, args...) \
	NL_SET_ERR_MSG_MOD(extack, fixed)
#endif

#endif /* _NFSKETCH_KMOD_COMPAT_H */
