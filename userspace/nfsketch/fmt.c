// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <inttypes.h>
#include "fmt.h"

const char *const flag_names[] = {
	"VOLUME_SPIKE", "ENTROPY_SHIFT", "HEAVY_HITTER", "ROUTE_CHURN",
	"ROUTE_FLAP", "ROUTE_WITHDRAW_BURST", "DEFAULT_ROUTE_LOST",
	"ROUTE_MORE_SPECIFIC", "BGP_SESSION", NULL,
};

const char *const series_name[NSERIES] = {
	[NFSKETCH_SERIES_PACKETS]	= "packets",
	[NFSKETCH_SERIES_BYTES]		= "bytes",
	[NFSKETCH_SERIES_SRC_ENTROPY]	= "src_entropy",
	[NFSKETCH_SERIES_DST_ENTROPY]	= "dst_entropy",
	[NFSKETCH_SERIES_ROUTE_EVENTS]	= "route_events",
};

const char *fmt_addr(uint8_t family, const uint8_t *addr, char *buf)
{
	if (family == AF_INET)
		inet_ntop(AF_INET, addr + 12, buf, ADDR_STR_LEN);
	else
		inet_ntop(AF_INET6, addr, buf, ADDR_STR_LEN);
	return buf;
}

int parse_addr(const char *s, uint8_t *addr16)
{
	memset(addr16, 0, 16);
	if (inet_pton(AF_INET, s, addr16 + 12) == 1) {
		addr16[10] = 0xff;
		addr16[11] = 0xff;
		return AF_INET;
	}
	if (inet_pton(AF_INET6, s, addr16) == 1)
		return AF_INET6;
	return 0;
}

const char *fmt_proto(uint8_t proto, char *buf, size_t len)
{
	switch (proto) {
	case 1: return "icmp";
	case 6: return "tcp";
	case 17: return "udp";
	case 58: return "icmpv6";
	case 132: return "sctp";
	}
	snprintf(buf, len, "%u", proto);
	return buf;
}

const char *fmt_flow(uint8_t family, uint8_t proto, const char *src, unsigned int sport,
		     const char *dst, unsigned int dport, char *buf, size_t len)
{
	char pbuf[8];
	const char *pb = fmt_proto(proto, pbuf, sizeof(pbuf));

	if (proto == 1 || proto == 58)
		snprintf(buf, len, "%s %s -> %s type %u code %u", pb, src, dst, sport, dport);
	else if (sport || dport)
		snprintf(buf, len, family != AF_INET ? "%s [%s]:%u -> [%s]:%u" :
			 "%s %s:%u -> %s:%u", pb, src, sport, dst, dport);
	else
		snprintf(buf, len, "%s %s -> %s", pb, src, dst);
	return buf;
}

const char *fmt_si(uint64_t v, char *buf, size_t len)
{
	static const char units[] = " kMGTPE";
	double d = v;
	int u = 0;

	while (d >= 1000 && u < 6) {
		d /= 1000;
		u++;
	}
	if (!u)
		snprintf(buf, len, "%llu", (unsigned long long)v);
	else
		snprintf(buf, len, "%.*f%c", d < 10 ? 2 : d < 100 ? 1 : 0, d, units[u]);
	return buf;
}

const char *fmt_flags(uint32_t flags, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = 0;
	for (i = 0; flag_names[i]; i++) {
		if (!(flags & (1U << i)))
			continue;
		off += snprintf(buf + off, off < len ? len - off : 0, "%s%s",
				off ? "," : "", flag_names[i]);
	}
	if (!off)
		snprintf(buf, len, "-");
	return buf;
}

const char *fmt_rfc3339(uint64_t unix_ns, bool local, char *buf, size_t len)
{
	time_t sec = (time_t)(unix_ns / 1000000000ULL);
	uint32_t ns = (uint32_t)(unix_ns % 1000000000ULL);
	struct tm tm;
	size_t n;

	if (!(local ? localtime_r(&sec, &tm) : gmtime_r(&sec, &tm))) {
		snprintf(buf, len, "@%" PRIu64 "ns", unix_ns);
		return buf;
	}
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	if (ns % 1000000 == 0 && ns)
		n += snprintf(buf + n, len - n, ".%03u", ns / 1000000);
	else if (ns % 1000 == 0 && ns)
		n += snprintf(buf + n, len - n, ".%06u", ns / 1000);
	else if (ns)
		n += snprintf(buf + n, len - n, ".%09u", ns);
	if (n >= len)
		return buf;
	if (!local) {
		snprintf(buf + n, len - n, "Z");
	} else {
		/* strftime's %z is +hhmm; RFC 3339 wants +hh:mm */
		char z[8];

		strftime(z, sizeof(z), "%z", &tm);
		snprintf(buf + n, len - n, "%.3s:%.2s", z, z + 3);
	}
	return buf;
}

const char *fmt_time_ms(uint64_t unix_ns, char *buf, size_t len)
{
	return fmt_rfc3339(unix_ns / 1000000 * 1000000, true, buf, len);
}

uint64_t now_unix_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}
