// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the replay's frame parser (userspace/replay/pcap_parse.c)
 * over any bytes, every link type, any wire length, built with ASan and
 * UBSan. Input: byte 0 picks the link type, bytes 1-2 the wire length's
 * excess over the captured length (a capture cut by its snaplen), the rest
 * is the captured frame. The parser must never read past the captured
 * bytes, and what it hands the core must make sense.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "pcap_parse.h"

static const int dlts[] = { 1, 113, 276, 12, 14, 101, 228, 229, 147 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rp_result res;
	enum rp_verdict v;
	u32 cap, wire;
	u8 *frame;
	int dlt;

	if (size < 3)
		return 0;
	dlt = dlts[data[0] % ARRAY_SIZE(dlts)];
	cap = (u32)(size - 3);
	wire = cap + (u32)(data[1] << 8 | data[2]);
	/* an exact-size copy, so ASan sees any read past the capture */
	frame = malloc(cap ? cap : 1);
	if (!frame)
		return 0;
	memcpy(frame, data + 3, cap);
	v = rp_parse(dlt, frame, cap, wire, &res);
	switch (v) {
	case RP_IP:
		if (res.len > wire || res.invalid != RP_INV_NONE)
			abort();
		if (res.key.family != NFSK_AF_INET && res.key.family != NFSK_AF_INET6)
			abort();
		break;
	case RP_INVALID:
		if (res.invalid <= RP_INV_NONE || res.invalid >= RP_INV_MAX)
			abort();
		break;
	case RP_TRUNCATED:
	case RP_LOOPBACK_IN:
		if (res.len > wire)
			abort();
		break;
	case RP_UNKNOWN:
		break;
	default:
		abort();
	}
	free(frame);
	return 0;
}
