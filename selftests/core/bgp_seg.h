/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TCP segments of the BGP unit tests (test_bgp.c, test_bgp_open.c):
 * session n between peer A = 10.0.n>>8.n:40000+n and peer B =
 * 10.1.n>>8.n:179, one segment as the hooks would pass it.
 */
#ifndef NFSK_TEST_BGP_SEG_H
#define NFSK_TEST_BGP_SEG_H

#include <stdbool.h>
#include <string.h>

#include <nfsketch/bgp.h>
#include <nfsketch/flow.h>

/*
 * A segment of session @n from A (@from_a) or B: @len payload bytes at
 * @seq, TCP @flags, seen at @now; its payload @head (NULL: not given) is
 * passed whole.
 */
static inline struct nfsk_bgp_seg seg_of(bool from_a, u32 seq, u32 len,
					 u8 flags, u64 now, u32 n,
					 const u8 *head)
{
	struct nfsk_bgp_seg s;
	u8 a[16] = { [10] = 0xff, [11] = 0xff, 10, 0, (u8)(n >> 8), (u8)n };
	u8 b[16] = { [10] = 0xff, [11] = 0xff, 10, 1, (u8)(n >> 8), (u8)n };
	u16 pa = (u16)(40000 + n), pb = nfsk_bgp_port_wire();

	memset(&s, 0, sizeof(s));
	s.family = NFSK_AF_INET;
	memcpy(s.src, from_a ? a : b, 16);
	memcpy(s.dst, from_a ? b : a, 16);
	s.sport = from_a ? pa : pb;
	s.dport = from_a ? pb : pa;
	s.tcp_flags = flags;
	s.seq = seq;
	s.len = len;
	s.now_ns = now;
	if (head && len) {
		s.head = head;
		s.head_len = len;
	}
	return s;
}

#endif
