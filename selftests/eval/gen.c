// SPDX-License-Identifier: GPL-2.0
/*
 * gen.c - labelled traffic for the detection evaluation (make eval).
 *
 *   eval-gen SCENARIO SEED WINDOWS TRUTH.json > capture.pcap
 *
 * Writes a pcap (LINKTYPE_RAW, IPv4 headers + L4 header, wire length
 * kept) of WINDOWS one-second windows to stdout, and TRUTH.json: which
 * windows carry an injected anomaly, of what kind and size, and the
 * exact per-window counts of what was generated (baseline vs injected).
 * The truth comes from how the traffic was built, never from the core.
 *
 * Clean baseline (every scenario): ~BASE_PPS packets per window, modulated
 * by a diurnal-like sine (+-25 %, period 600 windows: at most 0.26 % of the
 * mean per window, still ~50x steeper than a real day at 10-s windows) and
 * +-6 % noise;
 * sources Zipf(1.1) over 20000 clients, destinations Zipf(0.9) over 200
 * servers; sizes 64/576/1500 (40/20/40 %); one ordinary elephant flow
 * (a backup) whose share of the bytes wanders between ~5 % and ~10 %
 * (just under the default 10 % heavy-hitter share, as elephants are).
 *
 * SCENARIO: clean, flood2|flood5|flood20 (volumetric, x2/x5/x20 packets
 * from 64 bots to one victim), syn10|syn30|syn100 (spoofed-source SYN
 * flood, +10/30/100 % of the baseline packets from random sources), scan5|
 * scan15|scan50 (one host probing random hosts and ports, +5/15/50 %),
 * ramp1|ramp2 (volume +1 %/+2 % of the baseline per window for 60
 * windows), hh (a new flow carrying 25 % of the bytes).
 * Episodes: two of 30 windows (at 40 % and 70 % of the run) for floods,
 * SYN floods and scans; one of 20 windows for hh; one of 60 for ramps.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BASE_PPS	4000
#define N_CLIENTS	20000
#define N_SERVERS	200
#define MAX_EP		4

struct ep {
	int start, end;		/* window ids, 1-based, inclusive */
};

static uint64_t rng_s;

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng_s ^= rng_s >> 12;
	rng_s ^= rng_s << 25;
	rng_s ^= rng_s >> 27;
	return rng_s * 2685821657736338717ULL;
}

static double urand(void)
{
	return (rnd() >> 11) * (1.0 / 9007199254740992.0);
}

static double *zipf_cdf(int n, double s)
{
	double *c = malloc(n * sizeof(*c)), t = 0;
	int i;

	for (i = 0; i < n; i++)
		t += 1.0 / pow(i + 1, s);
	for (i = 0, c[0] = 0; i < n; i++)
		c[i] = (i ? c[i - 1] : 0) + 1.0 / pow(i + 1, s) / t;
	return c;
}

static int zipf(const double *c, int n)
{
	double u = urand();
	int lo = 0, hi = n - 1;

	while (lo < hi) {
		int m = (lo + hi) / 2;

		if (c[m] < u)
			lo = m + 1;
		else
			hi = m;
	}
	return lo;
}

/* Rank -> address: a fixed odd multiplier scatters ranks over the prefix. */
static uint32_t client_addr(int r)
{
	return 0x0a000000u | ((uint32_t)(r + 1) * 2654435761u & 0x00ffffffu);
}

static uint32_t server_addr(int r)
{
	return 0xc0a80000u | ((uint32_t)(r + 1) * 40503u & 0xffffu);
}

static uint16_t csum(const uint8_t *p, int n)
{
	uint32_t s = 0;
	int i;

	for (i = 0; i < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void w16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void w32(uint8_t *p, uint32_t v)
{
	w16(p, v >> 16);
	w16(p + 2, v & 0xffff);
}

static uint64_t t0_us = 1700000000ULL * 1000000;

static void put_pkt(uint64_t t_us, uint32_t src, uint32_t dst, int proto,
		    uint16_t sport, uint16_t dport, uint16_t len)
{
	uint8_t b[16 + 40];
	uint8_t *ip = b + 16;
	int l4 = proto == 6 ? 20 : 8, cap = 20 + l4;
	uint32_t h[4];

	if (len < cap)
		len = cap;
	h[0] = (uint32_t)(t_us / 1000000);
	h[1] = (uint32_t)(t_us % 1000000);
	h[2] = cap;
	h[3] = len;
	memcpy(b, h, 16);
	memset(ip, 0, 40);
	ip[0] = 0x45;
	w16(ip + 2, len);
	ip[8] = 64;
	ip[9] = proto;
	w32(ip + 12, src);
	w32(ip + 16, dst);
	w16(ip + 10, csum(ip, 20));
	w16(ip + 20, sport);
	w16(ip + 22, dport);
	if (proto == 6)
		ip[20 + 13] = 0x02;	/* SYN */
	fwrite(b, 1, 16 + cap, stdout);
}

static uint16_t mix_size(void)
{
	double u = urand();

	return u < 0.4 ? 64 : u < 0.6 ? 576 : 1500;
}

static int in_ep(const struct ep *e, int n, int w)
{
	int i;

	for (i = 0; i < n; i++)
		if (w >= e[i].start && w <= e[i].end)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	static const uint16_t ports[] = { 443, 443, 443, 80, 53, 22, 8080, 993 };
	const char *sc;
	unsigned long long seed;
	int windows, w, nep = 0, i, kind_size = 0;
	struct ep ep[MAX_EP];
	double *cc, *cs, phase;
	FILE *tf;
	uint32_t hdr[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, 101 };
	char kind[16];

	if (argc != 5) {
		fprintf(stderr, "usage: eval-gen SCENARIO SEED WINDOWS TRUTH.json\n");
		return 2;
	}
	sc = argv[1];
	seed = strtoull(argv[2], NULL, 0);
	windows = atoi(argv[3]);
	if (windows < 40) {
		fprintf(stderr, "eval-gen: at least 40 windows\n");
		return 2;
	}
	rng_s = seed * 0x9e3779b97f4a7c15ULL + 0x1234567ULL;
	if (!rng_s)
		rng_s = 1;
	phase = urand() * 6.2831853;
	cc = zipf_cdf(N_CLIENTS, 1.1);
	cs = zipf_cdf(N_SERVERS, 0.9);

	kind[0] = 0;
	if (sscanf(sc, "flood%d", &kind_size) == 1)
		strcpy(kind, "flood");
	else if (sscanf(sc, "syn%d", &kind_size) == 1)
		strcpy(kind, "syn");
	else if (sscanf(sc, "scan%d", &kind_size) == 1)
		strcpy(kind, "scan");
	else if (sscanf(sc, "ramp%d", &kind_size) == 1)
		strcpy(kind, "ramp");
	else if (!strcmp(sc, "hh"))
		strcpy(kind, "hh");
	else if (strcmp(sc, "clean")) {
		fprintf(stderr, "eval-gen: unknown scenario %s\n", sc);
		return 2;
	}
	if (!strcmp(kind, "flood") || !strcmp(kind, "syn") ||
	    !strcmp(kind, "scan")) {
		ep[0].start = windows * 4 / 10;
		ep[0].end = ep[0].start + 29;
		ep[1].start = windows * 7 / 10;
		ep[1].end = ep[1].start + 29;
		nep = 2;
	} else if (!strcmp(kind, "hh")) {
		ep[0].start = windows / 2;
		ep[0].end = ep[0].start + 19;
		nep = 1;
	} else if (!strcmp(kind, "ramp")) {
		ep[0].start = windows / 2;
		ep[0].end = ep[0].start + 59;
		nep = 1;
	}
	for (i = 0; i < nep; i++)
		if (ep[i].end > windows)
			ep[i].end = windows;

	tf = fopen(argv[4], "w");
	if (!tf) {
		perror(argv[4]);
		return 1;
	}
	fprintf(tf, "{\"scenario\": \"%s\", \"kind\": \"%s\", \"size\": %d, "
		"\"seed\": %llu, \"window_ms\": 1000, \"windows\": %d,\n"
		" \"episodes\": [", sc, kind[0] ? kind : "clean", kind_size,
		seed, windows);
	for (i = 0; i < nep; i++)
		fprintf(tf, "%s{\"start\": %d, \"end\": %d}", i ? ", " : "",
			ep[i].start, ep[i].end);
	fprintf(tf, "],\n \"per_window\": [\n");

	fwrite(hdr, 1, sizeof(hdr), stdout);
	for (w = 1; w <= windows; w++) {
		double rate = 1 + 0.25 * sin(6.2831853 * w / 600 + phase);
		int nb, na = 0, n, j, anom = in_ep(ep, nep, w);
		double ele = 0.0375 + 0.0125 * sin(6.2831853 * w / 50 + 2 * phase);
		uint64_t base_bytes = 0, inj_bytes = 0;
		uint32_t bots = 0xcb000000u;	/* flood bots 203.0.0.x */
		uint32_t victim = server_addr(3);

		rate *= 1 + 0.06 * (2 * urand() - 1);
		nb = (int)(BASE_PPS * rate);
		if (anom) {
			if (!strcmp(kind, "flood"))
				na = nb * (kind_size - 1);
			else if (!strcmp(kind, "syn") || !strcmp(kind, "scan"))
				na = nb * kind_size / 100;
			else if (!strcmp(kind, "ramp"))
				na = BASE_PPS * kind_size * (w - ep[0].start + 1) / 100;
			else if (!strcmp(kind, "hh"))
				na = nb / 6;	/* 1500 B each: ~25 % of bytes */
		}
		n = nb + na;
		for (j = 0; j < n; j++) {
			uint64_t t = t0_us + (uint64_t)(w - 1) * 1000000 +
				     (uint64_t)j * 1000000 / n;
			/* the injected packets spread evenly over the window */
			int inj = na && (uint64_t)(j + 1) * na / n != (uint64_t)j * na / n;
			uint32_t s, d;
			uint16_t len;

			if (!inj) {
				if (urand() < ele) {
					/* the ordinary elephant: a backup */
					put_pkt(t, client_addr(7), server_addr(1), 6,
						40022, 873, 1500);
					base_bytes += 1500;
					continue;
				}
				i = zipf(cc, N_CLIENTS);
				s = client_addr(i);
				d = server_addr(zipf(cs, N_SERVERS));
				len = mix_size();
				put_pkt(t, s, d, rnd() & 1 ? 6 : 17,
					1024 + (i * 7919 + (rnd() & 3)) % 60000,
					ports[rnd() & 7], len);
				base_bytes += len;
				continue;
			}
			if (!strcmp(kind, "flood")) {
				s = bots | (rnd() & 63);
				put_pkt(t, s, victim, 17, 1024 + (rnd() & 0x3fff),
					80, 512);
				inj_bytes += 512;
			} else if (!strcmp(kind, "syn")) {
				s = (uint32_t)rnd() | 1;
				put_pkt(t, s, victim, 6, rnd() & 0xffff, 80, 40);
				inj_bytes += 40;
			} else if (!strcmp(kind, "scan")) {
				d = 0xac100000u | (rnd() & 0x000fffff);
				put_pkt(t, 0xc6336407u, d, 6, 40000,
					1 + (rnd() % 1024), 40);
				inj_bytes += 40;
			} else if (!strcmp(kind, "ramp")) {
				i = zipf(cc, N_CLIENTS);
				len = mix_size();
				put_pkt(t, client_addr(i),
					server_addr(zipf(cs, N_SERVERS)), 17,
					1024 + i % 60000, 443, len);
				inj_bytes += len;
			} else {	/* hh: a flow never seen before */
				put_pkt(t, 0x64400001u, 0xc6336499u, 6, 51515,
					443, 1500);
				inj_bytes += 1500;
			}
		}
		fprintf(tf, "  {\"id\": %d, \"anomalous\": %s, \"base_packets\": %d, "
			"\"injected_packets\": %d, \"base_bytes\": %llu, "
			"\"injected_bytes\": %llu}%s\n", w, anom ? "true" : "false",
			nb, na, (unsigned long long)base_bytes,
			(unsigned long long)inj_bytes, w < windows ? "," : "");
	}
	fprintf(tf, " ]}\n");
	fclose(tf);
	free(cc);
	free(cs);
	return fflush(stdout) ? 1 : 0;
}
