/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A Count-Min dump, as `nfsketch -j sketch` and `nfsketch replay --sketch`
 * print it and `nfsketch merge` reads it: geometry, the fingerprint of the
 * hash key, every cell, and the window's held (top) flows with their exact
 * counts, which merge re-estimates against the summed sketch.
 */
#ifndef _NFSKETCH_SKETCHDUMP_H
#define _NFSKETCH_SKETCHDUMP_H

#include <stddef.h>
#include <stdint.h>

struct cli;
struct print;

struct sketch_flow {
	uint8_t		family;		/* AF_INET or AF_INET6 */
	uint8_t		src[16];	/* v4: v4-mapped */
	uint8_t		dst[16];
	uint8_t		proto;
	uint16_t	sport;		/* host order; ICMP type */
	uint16_t	dport;		/* ICMP code */
	uint64_t	packets;	/* held: exact since the flow was held */
	uint64_t	bytes;
};

struct sketch_dump {
	uint64_t		window_id;
	uint64_t		key_fp;
	uint32_t		depth;
	uint32_t		width;
	const uint64_t		*packets;	/* depth * width, row-major */
	const uint64_t		*bytes;
	const struct sketch_flow *top;
	size_t			ntop;
};

/* "proto src sport dst dport" order of `query`; JSON of one flow's key */
void sketch_flow_print(struct print *p, const struct sketch_flow *f);
const char *sketch_flow_str(const struct sketch_flow *f, char *buf, size_t len);
void sketch_print(struct cli *c, const struct sketch_dump *d);

#endif /* _NFSKETCH_SKETCHDUMP_H */
