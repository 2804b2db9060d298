// SPDX-License-Identifier: GPL-2.0
/*
 * prom_merge_run VALUE=FILE...: the expositions in the FILEs merged by
 * prom_merge_labelled() with netns="VALUE", on stdout (test_prommerge.sh).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "promtext.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, n;
	char chunk[4096];

	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		char *grown = realloc(buf, len + n + 1);

		if (!grown) {
			free(buf);
			fclose(f);
			return NULL;
		}
		buf = grown;
		memcpy(buf + len, chunk, n);
		len += n;
	}
	fclose(f);
	if (!buf)
		buf = calloc(1, 1);
	else
		buf[len] = 0;
	return buf;
}

int main(int argc, char **argv)
{
	const char **vals = calloc(argc, sizeof(*vals));
	char **texts = calloc(argc, sizeof(*texts));
	int i, n = 0, rc;

	if (!vals || !texts)
		return 1;
	for (i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (!eq)
			return 2;
		*eq = 0;
		vals[n] = argv[i];
		texts[n] = slurp(eq + 1);
		if (!texts[n])
			return 1;
		n++;
	}
	rc = prom_merge_labelled(stdout, "netns", vals, texts, n);
	for (i = 0; i < n; i++)
		free(texts[i]);
	free(texts);
	free(vals);
	return rc ? 1 : 0;
}
