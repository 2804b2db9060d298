// SPDX-License-Identifier: GPL-2.0
/*
 * Prints the table of tunables (kmod/core/tunables.c), one line each:
 * "attr min max default pow2 name", for check_spec.py to hold the spec's
 * CONFIG checks against.
 */
#include <stdio.h>
#include <nfsketch/tunables.h>

int main(void)
{
	unsigned int i;

	for (i = 0; i < NFSK_NR_TUNABLES; i++) {
		const struct nfsk_tunable *t = &nfsk_tunables[i];

		printf("%u %u %u %u %d %s\n", t->attr, t->min, t->max, t->def,
		       t->pow2, t->name);
	}
	return 0;
}
