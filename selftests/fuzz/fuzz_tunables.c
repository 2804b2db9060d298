// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_tunables.c - libFuzzer target for the tunables' validation in the
 * core (what CONFIG_SET, sysfs, module parameters, the CLI and the replay
 * all call): nfsk_tunable_check(), nfsk_tunables_check_cross(),
 * nfsk_tunable_find(), and the CLI's hash key parser.
 *
 * The input is read as a CONFIG_SET would arrive: a sequence of (tunable
 * index byte, 8-byte value) records applied to a configuration that starts
 * at the defaults, each accepted only when nfsk_tunable_check() says so,
 * then the cross-field rules; the tail is a key name and a hex key. The
 * oracle is the table's own data read independently (range, pow2) and the
 * invariants a caller relies on: an accepted configuration is in range, the
 * cross rules hold exactly when check_cross says OK, find() returns the
 * entry of that exact name or NULL.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <nfsketch/tunables.h>

int parse_hex_key(const char *s, uint8_t key[16]);

static void fail(void)
{
	__builtin_trap();
}

static int is_hex(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
	       (ch >= 'A' && ch <= 'F');
}

static int expect_ok(const struct nfsk_tunable *t, uint64_t v)
{
	if (v < t->min || v > t->max)
		return 0;
	if (t->pow2 && (v & (v - 1)))
		return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t vals[NFSK_NR_TUNABLES];
	enum nfsk_tunables_cross_err cross;
	size_t off = 0;
	unsigned int i;

	nfsk_tunables_defaults(vals);
	/* the defaults pass their own rules */
	for (i = 0; i < NFSK_NR_TUNABLES; i++)
		if (nfsk_tunable_check(&nfsk_tunables[i], vals[i]) != NFSK_TUNABLE_OK)
			fail();
	if (nfsk_tunables_check_cross(vals) != NFSK_CROSS_OK)
		fail();

	/* records: index byte (an index past the table is an unknown key) */
	while (size - off >= 9 && data[off] != 0xff) {
		unsigned int id = data[off];
		const struct nfsk_tunable *t;
		uint64_t v;

		memcpy(&v, data + off + 1, 8);
		off += 9;
		if (id % 2)	/* half of them small: values near the bounds */
			v %= 1u << 20;
		if (id / 2 >= NFSK_NR_TUNABLES)
			continue;
		t = &nfsk_tunables[id / 2];
		if ((nfsk_tunable_check(t, v) == NFSK_TUNABLE_OK) != expect_ok(t, v))
			fail();
		if (nfsk_tunable_check(t, v) == NFSK_TUNABLE_OK)
			vals[id / 2] = (uint32_t)v;
	}
	if (off < size)
		off++;	/* the 0xff separator */
	for (i = 0; i < NFSK_NR_TUNABLES; i++)
		if (!expect_ok(&nfsk_tunables[i], vals[i]))
			fail();
	cross = nfsk_tunables_check_cross(vals);
	if ((cross == NFSK_CROSS_OK) !=
	    (vals[NFSK_T_flap_reuse] < vals[NFSK_T_flap_suppress] &&
	     vals[NFSK_T_min_history] <= vals[NFSK_T_history] &&
	     (vals[NFSK_T_drift_w] == 0 || vals[NFSK_T_drift_w] >= 8)))
		fail();
	if (cross != NFSK_CROSS_OK && !nfsk_tunables_cross_msg(cross))
		fail();

	/* the rest: a key name, then a hash key, as C strings */
	{
		size_t n = size - off;
		char *s = malloc(n + 1);
		const struct nfsk_tunable *t;
		uint8_t key[16];
		size_t k;
		int hex;

		if (!s)
			return 0;
		memcpy(s, data + off, n);
		s[n] = 0;
		t = nfsk_tunable_find(s);
		if (t && strcmp(t->name, s))
			fail();
		if (!t)
			for (i = 0; i < NFSK_NR_TUNABLES; i++)
				if (!strcmp(nfsk_tunables[i].name, s))
					fail();
		hex = strlen(s) == 32;
		for (k = 0; hex && k < 32; k++)
			hex = is_hex(s[k]);
		if ((parse_hex_key(s, key) == 0) != hex)
			fail();
		free(s);
	}
	return 0;
}
