/* SPDX-License-Identifier: GPL-2.0 */
#ifndef NFSK_CLI_FMT_H
#define NFSK_CLI_FMT_H

#include <stddef.h>
#include <stdint.h>

#define ADDR_STR_LEN	46

/* 16-byte address (IPv4-mapped for AF_INET) to text. */
const char *fmt_addr(uint8_t family, const uint8_t *addr, char *buf);
/* Parse an IPv4 or IPv6 address into 16 bytes; returns family or 0. */
int parse_addr(const char *s, uint8_t *addr16);
const char *fmt_proto(uint8_t proto, char *buf, size_t len);
/* Human-readable count: 1234567 -> "1.23M". */
const char *fmt_si(uint64_t v, char *buf, size_t len);
const char *fmt_flags(uint32_t flags, char *buf, size_t len);
/* Each flag name, NULL-terminated, in bit order. */
extern const char *const flag_names[];

#endif
