// SPDX-License-Identifier: GPL-2.0
/*
 * One exposition from several: the same metric families written once per
 * network namespace (exporter --netns all) become one family each, with a
 * label telling the namespace on every sample. The text format wants all
 * samples of a family together under one HELP and TYPE, so the texts are
 * regrouped by family, in the order the families first appear.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "promtext.h"

struct prom_family {
	char	*name;
	char	*help;		/* the "# HELP" line, or NULL */
	char	*type;
	char	*samples;	/* from sf, once closed */
	size_t	len;
	FILE	*sf;
};

/*
 * Each family allocated on its own: its memstream keeps the addresses of
 * ->samples and ->len, which must not move when the list grows.
 */
static struct prom_family *family_get(struct prom_family ***fams, size_t *n,
				      const char *name, size_t nlen)
{
	struct prom_family *f, **grown;
	size_t i;

	for (i = 0; i < *n; i++)
		if (strlen((*fams)[i]->name) == nlen &&
		    !strncmp((*fams)[i]->name, name, nlen))
			return (*fams)[i];
	grown = realloc(*fams, (*n + 1) * sizeof(**fams));
	if (!grown)
		return NULL;
	*fams = grown;
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->name = strndup(name, nlen);
	f->sf = open_memstream(&f->samples, &f->len);
	if (!f->name || !f->sf) {
		free(f->name);
		if (f->sf)
			fclose(f->sf);
		free(f->samples);
		free(f);
		return NULL;
	}
	grown[(*n)++] = f;
	return f;
}

/* A label value as the text format escapes it: \\, \" and \n. */
static void put_label_value(FILE *out, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', out);
		if (*v == '\n') {
			fputs("\\n", out);
			continue;
		}
		fputc(*v, out);
	}
}

int prom_merge_labelled(FILE *out, const char *label,
			const char *const *values, char *const *texts, size_t n)
{
	struct prom_family **fams = NULL, *cur;
	size_t nf = 0, i;
	int err = 0;

	for (i = 0; i < n && !err; i++) {
		char *rest = texts[i], *line;

		cur = NULL;
		while (!err && (line = strsep(&rest, "\n"))) {
			size_t nl;

			if (!*line)
				continue;
			if (!strncmp(line, "# HELP ", 7) || !strncmp(line, "# TYPE ", 7)) {
				char **slot;

				nl = strcspn(line + 7, " ");
				cur = family_get(&fams, &nf, line + 7, nl);
				if (!cur) {
					err = -1;
					break;
				}
				slot = line[2] == 'H' ? &cur->help : &cur->type;
				if (!*slot && !(*slot = strdup(line)))
					err = -1;
				continue;
			}
			if (line[0] == '#')
				continue;
			nl = strcspn(line, "{ ");
			if (!cur) {
				cur = family_get(&fams, &nf, line, nl);
				if (!cur) {
					err = -1;
					break;
				}
			}
			fprintf(cur->sf, "%.*s{%s=\"", (int)nl, line, label);
			put_label_value(cur->sf, values[i]);
			if (line[nl] == '{')
				fprintf(cur->sf, "\"%s%s\n", line[nl + 1] == '}' ? "" : ",",
					line + nl + 1);
			else
				fprintf(cur->sf, "\"}%s\n", line + nl);
		}
	}
	for (i = 0; i < nf; i++) {
		struct prom_family *f = fams[i];

		if (fclose(f->sf))
			err = -1;
		if (!err) {
			if (f->help)
				fprintf(out, "%s\n", f->help);
			if (f->type)
				fprintf(out, "%s\n", f->type);
			fwrite(f->samples, 1, f->len, out);
		}
		free(f->name);
		free(f->help);
		free(f->type);
		free(f->samples);
		free(f);
	}
	free(fams);
	return err;
}
