/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h - the one place the portable core touches its environment.
 *
 * The core (kmod/core/) is compiled three ways: into the kernel module by
 * kbuild, into the userspace tools, and into the native unit tests and
 * benchmark. It includes nothing but this header, which maps the handful of
 * types and helpers it needs onto the kernel or onto freestanding C.
 * No floating point anywhere in the core.
 */
#ifndef _NFSKETCH_COMPAT_H
#define _NFSKETCH_COMPAT_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/string.h>
#include <linux/math64.h>
#include <linux/compiler.h>
#include <linux/bitops.h>

#define nfsk_likely(x)		likely(x)
#define nfsk_unlikely(x)		unlikely(x)

static inline u64 nfsk_div_u64(u64 a, u64 b)
{
	return div64_u64(a, b);
}

#else /* userspace */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

typedef __UINT8_TYPE__ u8;
typedef __UINT16_TYPE__ u16;
typedef __UINT32_TYPE__ u32;
typedef __UINT64_TYPE__ u64;
typedef __INT8_TYPE__ s8;
typedef __INT16_TYPE__ s16;
typedef __INT32_TYPE__ s32;
typedef __INT64_TYPE__ s64;

#define nfsk_likely(x)		__builtin_expect(!!(x), 1)
#define nfsk_unlikely(x)		__builtin_expect(!!(x), 0)

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif

static inline u64 nfsk_div_u64(u64 a, u64 b)
{
	return a / b;
}

#endif /* __KERNEL__ */

/* Index of the most significant set bit, 0-based; x must be non-zero. */
static inline unsigned int nfsk_fls64(u64 x)
{
	return 63 - __builtin_clzll(x);
}

static inline bool nfsk_is_pow2(u64 x)
{
	return x && !(x & (x - 1));
}

/* (a * b) >> 64 without overflow: maps a 64-bit hash uniformly onto [0, b). */
static inline u64 nfsk_mul_hi64(u64 a, u64 b)
{
	return (u64)(((__uint128_t)a * b) >> 64);
}

#endif /* _NFSKETCH_COMPAT_H */
