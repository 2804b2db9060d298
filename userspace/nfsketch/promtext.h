/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Prometheus text writer (prometheus.c) that `stats --prometheus` and
 * `exporter` share: the same names, HELP and TYPE lines, label values.
 */
#ifndef NFSK_CLI_PROMTEXT_H
#define NFSK_CLI_PROMTEXT_H

#include <stdio.h>
#include <linux/nfsketch.h>
#include "nl.h"

/* An attribute of the WINDOW nest and its label value(s). */
struct prom_attr_label {
	unsigned int	attr;
	const char	*label, *label2;
};

#define NPROM_PROTOS		5
#define NPROM_FAMILIES		2
#define NPROM_ROUTE_KINDS	6
/* route sub-series per message: every slot and "other", both kinds */
#define PROM_RSERIES_MAX	(2 * (NFSKETCH_RSERIES_SLOTS + 1))
/* protocol="tcp"...; family="ipv4"...; family + event="add"... */
extern const struct prom_attr_label prom_protos[NPROM_PROTOS];
extern const struct prom_attr_label prom_families[NPROM_FAMILIES];
extern const struct prom_attr_label prom_route_kinds[NPROM_ROUTE_KINDS];

void prom_head(FILE *out, const char *name, const char *type, const char *help);
/* Flag bit @bit's label value, lower case: "volume_spike". */
const char *prom_flag_label(unsigned int bit, char *buf, size_t len);

/* Leave out the unlabelled nfsketch_alerts_total (the caller has per-flag). */
#define PROM_NO_ALERTS_TOTAL	1U
/*
 * The namespace totals (STATS_GET) and the last closed window's gauges
 * (WINDOW_GET, LAST_N 1) over @nl. -1 (the error printed) if a request
 * failed; what was written so far stays written.
 */
int prom_snapshot(FILE *out, struct nfsk_nl *nl, unsigned int opts);

/*
 * Write the @n expositions @texts (modified: split in place) as one, each
 * sample of texts[i] with the label @label="values[i]" first, each family
 * once (prommerge.c). 0, or -1 when out of memory.
 */
int prom_merge_labelled(FILE *out, const char *label,
			const char *const *values, char *const *texts, size_t n);

#endif
