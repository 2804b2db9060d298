// SPDX-License-Identifier: GPL-2.0
/*
 * gen-tunables - print the tunables of nfsketch-tunables(7) as roff, from
 * the one table (kmod/core/tunables.c) this program is linked with, so the
 * manual can never disagree with the module about a range or a default.
 */
#include <stdio.h>
#include <nfsketch/tunables.h>

/* roff: a hyphen is \-, a line may not start with a dot or a quote. */
static void roff_text(const char *s)
{
	for (; *s; s++) {
		if (*s == '-')
			fputs("\\-", stdout);
		else if (*s == '\\')
			fputs("\\e", stdout);
		else
			putchar(*s);
	}
}

int main(void)
{
	unsigned int i;

	for (i = 0; i < NFSK_NR_TUNABLES; i++) {
		const struct nfsk_tunable *t = &nfsk_tunables[i];

		printf(".TP\n.B %s\n", t->name);
		roff_text(t->help);
		printf(".\n.br\nRange %u to %u, default %u.\n",
		       (unsigned int)t->min, (unsigned int)t->max,
		       (unsigned int)t->def);
		if (t->pow2)
			printf("Must be a power of two.\n");
		if (t->rebuild)
			printf("Needs new sketch memory: a change to a running namespace takes effect at\nits next window boundary, keeping the history.\n");
	}
	return ferror(stdout) ? 1 : 0;
}
