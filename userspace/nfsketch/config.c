// SPDX-License-Identifier: GPL-2.0
/* nfsketch config get|set: this namespace's configuration. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/nfsketch.h>
#include <nfsketch/tunables.h>
#include "cmd.h"

static void config_usage_print(FILE *f)
{
	unsigned int i;

	fputs("Usage: nfsketch [-j [-p]] config get\n"
	      "       nfsketch config set KEY=VALUE...\n"
	      "get also shows whether this namespace is monitored (monitor on|off;\n"
	      "see `nfsketch enable -h`).\n"
	      "Keys (the same names as /sys/kernel/nfsketch/, which holds the\n"
	      "defaults for new namespaces, and as the module's parameters):\n", f);
	for (i = 0; i < NFSK_NR_TUNABLES; i++) {
		const struct nfsk_tunable *t = &nfsk_tunables[i];

		fprintf(f, "  %-18s %s; %u..%u, default %u%s\n", t->name, t->help,
			t->min, t->max, t->def,
			t->rebuild ? " (next window)" : "");
	}
	fputs("  hash_key=HEX       32 hex digits, write-only: k0 then k1,\n"
	      "                     little-endian (next window)\n"
	      "set needs CAP_NET_ADMIN.\n", f);
}

static int __attribute__((format(printf, 1, 2)))
config_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "nfsketch: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fputs("Try 'nfsketch config -h'.\n", stderr);
	return EXIT_USAGE;
}

/*
 * Tunables in fixed point (their names say the unit, as `config set` takes
 * them): JSON adds each in its natural unit under its own name.
 */
static const struct {
	const char	*raw;
	const char	*natural;
} config_natural[] = {
	{ "k_sigma_milli",		"k_sigma" },		/* sigmas */
	{ "hh_permille",		"hh_share" },		/* ratio */
	{ "min_entropy_delta",		"min_entropy_delta_bits" }, /* milli-bits */
	{ "drift_slope_permille",	"drift_slope" },	/* ratio per window */
};

static const char *config_natural_name(const char *raw)
{
	unsigned int i;

	for (i = 0; i < sizeof(config_natural) / sizeof(config_natural[0]); i++)
		if (!strcmp(config_natural[i].raw, raw))
			return config_natural[i].natural;
	return NULL;
}

static int config_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NFSKETCH_A_CONFIG_MAX + 1];
	struct cli *c = data;
	struct print p = cli_print(c);
	const struct nlattr *a;
	int monitor = -1;	/* absent: a module from before the choice */
	unsigned int i;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == NFSKETCH_A_MONITOR)
			monitor = mnl_attr_get_u8(a) == NFSKETCH_MONITOR_ON;
		if (mnl_attr_get_type(a) != NFSKETCH_A_CONFIG)
			continue;
		nfsk_nl_parse_nest(a, tb, NFSKETCH_A_CONFIG_MAX);
		print_obj_open(&p, NULL);
		if (monitor >= 0) {
			print_bool(&p, PRINT_JSON, "monitor", NULL, monitor);
			print_text(&p, "%-18s %s\n", "monitor", monitor ? "on" : "off");
		}
		for (i = 0; i < NFSK_NR_TUNABLES; i++) {
			const struct nfsk_tunable *t = &nfsk_tunables[i];
			const char *nat = config_natural_name(t->name);

			if (!tb[t->attr])
				continue;
			print_text(&p, "%-18s ", t->name);
			print_u64(&p, PRINT_ANY, t->name, "%" PRIu64 "\n",
				  nfsk_nl_u64(tb[t->attr]));
			/* every fixed-point tunable is in thousandths */
			if (nat)
				print_fixed(&p, PRINT_JSON, nat, NULL,
					    nfsk_nl_u64(tb[t->attr]), 3);
		}
		/* read-only: equal on routers whose sketches merge */
		if (tb[NFSKETCH_A_CONFIG_KEY_FINGERPRINT]) {
			char fp[17];

			snprintf(fp, sizeof(fp), "%016" PRIx64,
				 nfsk_nl_u64(tb[NFSKETCH_A_CONFIG_KEY_FINGERPRINT]));
			print_text(&p, "%-18s ", "key_fingerprint");
			print_str(&p, PRINT_ANY, "key_fingerprint", "%s\n", fp);
		}
		print_obj_close(&p);
		if (c->json)
			json_end(&c->j);
	}
	return MNL_CB_OK;
}

int parse_hex_key(const char *s, uint8_t key[16])
{
	int i;

	if (strlen(s) != 32)
		return -1;
	for (i = 0; i < 16; i++) {
		char b[3] = { s[2 * i], s[2 * i + 1], 0 };

		if (!isxdigit((unsigned char)b[0]) || !isxdigit((unsigned char)b[1]))
			return -1;
		key[i] = strtoul(b, NULL, 16);
	}
	return 0;
}

static int config_set(struct cli *c, int argc, char **argv)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	int i;

	if (argc < 1)
		return config_usage_error("config set needs KEY=VALUE");
	/*
	 * Every key and value is checked against the table before the module
	 * is asked: a mistake is a usage error (exit 2) with the key's range,
	 * whether or not the module is loaded. The module judges again,
	 * including the rules between keys (extack).
	 */
	for (i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '='), *end;
		const struct nfsk_tunable *t;
		unsigned long long v;
		uint8_t key[16];

		if (!eq)
			return config_usage_error("'%s' is not KEY=VALUE", argv[i]);
		if (!strncmp(argv[i], "hash_key=", 9)) {
			if (parse_hex_key(eq + 1, key))
				return config_usage_error("hash_key needs 32 hex digits");
			continue;
		}
		*eq = 0;
		t = nfsk_tunable_find(argv[i]);
		if (!t)
			return config_usage_error("unknown key '%s'", argv[i]);
		errno = 0;
		v = strtoull(eq + 1, &end, 0);
		if (errno || *end || !eq[1] || eq[1] == '-' || v > UINT32_MAX)
			return config_usage_error("%s: '%s' is not a number in %u..%u",
						  t->name, eq + 1, t->min, t->max);
		switch (nfsk_tunable_check(t, v)) {
		case NFSK_TUNABLE_OK:
			break;
		case NFSK_TUNABLE_EPOW2:
			return config_usage_error("%s=%llu: not a power of two in %u..%u",
						  t->name, v, t->min, t->max);
		default:
			return config_usage_error("%s=%llu: out of range %u..%u (%s)",
						  t->name, v, t->min, t->max, t->help);
		}
		*eq = '=';
	}
	if (cli_open(c))
		return EXIT_RUNTIME;
	nlh = nfsk_nl_request(&c->nl, NFSKETCH_CMD_CONFIG_SET, 0);
	nest = mnl_attr_nest_start(nlh, NFSKETCH_A_CONFIG);
	for (i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		uint8_t key[16];

		if (!strncmp(argv[i], "hash_key=", 9)) {
			parse_hex_key(eq + 1, key);
			mnl_attr_put(nlh, NFSKETCH_A_CONFIG_HASH_KEY, 16, key);
			continue;
		}
		*eq = 0;
		mnl_attr_put_u32(nlh, nfsk_tunable_find(argv[i])->attr,
				 strtoull(eq + 1, NULL, 0));
	}
	mnl_attr_nest_end(nlh, nest);
	return nfsk_nl_talk(&c->nl, nlh, NULL, NULL) ? EXIT_RUNTIME : 0;
}

int cmd_config(struct cli *c, int argc, char **argv)
{
	struct nlmsghdr *nlh;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		config_usage_print(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (!strcmp(argv[1], "set"))
		return config_set(c, argc - 2, argv + 2);
	if (strcmp(argv[1], "get"))
		return config_usage_error("unknown config verb '%s'", argv[1]);
	if (argc > 2)
		return config_usage_error("unexpected argument '%s'", argv[2]);
	if (cli_open(c))
		return EXIT_RUNTIME;
	nlh = nfsk_nl_request(&c->nl, NFSKETCH_CMD_CONFIG_GET, 0);
	return nfsk_nl_talk(&c->nl, nlh, config_cb, c) ? EXIT_RUNTIME : 0;
}
