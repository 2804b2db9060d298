/* SPDX-License-Identifier: GPL-2.0 */
#ifndef NFSK_CLI_FMT_H
#define NFSK_CLI_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/nfsketch.h>

#define ADDR_STR_LEN	46

/* 16-byte address (IPv4-mapped for AF_INET) to text. */
const char *fmt_addr(uint8_t family, const uint8_t *addr, char *buf);
/* Parse an IPv4 or IPv6 address into 16 bytes; returns family or 0. */
int parse_addr(const char *s, uint8_t *addr16);
const char *fmt_proto(uint8_t proto, char *buf, size_t len);
/*
 * A flow from its addresses as text: "udp 10.0.0.1:5000 -> 10.0.0.2:6000",
 * "tcp [::1]:1 -> [::2]:2", "icmp 10.0.0.1 -> 10.0.0.2 type 8 code 0"
 * (@sport, @dport: ICMP type and code), no ports when both are 0.
 */
const char *fmt_flow(uint8_t family, uint8_t proto, const char *src, unsigned int sport,
		     const char *dst, unsigned int dport, char *buf, size_t len);
/* Human-readable count: 1234567 -> "1.23M". */
const char *fmt_si(uint64_t v, char *buf, size_t len);
const char *fmt_flags(uint32_t flags, char *buf, size_t len);
/*
 * RFC 3339 of ns since the epoch: UTC ("Z") or local ("+01:00"); the
 * fraction only as long as it needs to be. Buffers of FMT_TIME_LEN.
 */
#define FMT_TIME_LEN	40
const char *fmt_rfc3339(uint64_t unix_ns, bool local, char *buf, size_t len);
/* Local, to the millisecond: what the live commands print as text. */
const char *fmt_time_ms(uint64_t unix_ns, char *buf, size_t len);
uint64_t now_unix_ns(void);
/* Each flag name, NULL-terminated, in bit order. */
extern const char *const flag_names[];
/* Each detector series' name, indexed by enum nfsketch_series. */
#define NSERIES		(NFSKETCH_SERIES_MAX + 1)
extern const char *const series_name[NSERIES];

#endif
