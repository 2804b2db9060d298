// SPDX-License-Identifier: GPL-2.0
/* nfsketch config get|set: this namespace's configuration. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/nfsketch.h>
#include "cmd.h"

static const char config_usage[] =
	"Usage: nfsketch [-j [-p]] config get\n"
	"       nfsketch config set KEY=VALUE...\n"
	"Keys (the same names as /sys/kernel/nfsketch/, which holds the\n"
	"defaults for new namespaces): window_ms history cms_width cms_depth\n"
	"sah_entries topk k_sigma_milli density_w density_k min_history\n"
	"hh_permille flap_half_life_ms flap_suppress flap_reuse event_rate\n"
	"min_packets min_bytes min_entropy_delta min_route_events, and\n"
	"hash_key=HEX (32 hex digits, write-only: k0 then k1, little-endian).\n"
	"Sizes and the key take effect at the next window boundary. set needs\n"
	"CAP_NET_ADMIN.\n";

static const struct config_key {
	const char	*name;
	unsigned int	attr;
} config_keys[] = {
	{ "window_ms",		NFSKETCH_A_CONFIG_WINDOW_MS },
	{ "history",		NFSKETCH_A_CONFIG_HISTORY },
	{ "cms_width",		NFSKETCH_A_CONFIG_CMS_WIDTH },
	{ "cms_depth",		NFSKETCH_A_CONFIG_CMS_DEPTH },
	{ "sah_entries",	NFSKETCH_A_CONFIG_SAH_ENTRIES },
	{ "topk",		NFSKETCH_A_CONFIG_TOPK },
	{ "k_sigma_milli",	NFSKETCH_A_CONFIG_K_SIGMA_MILLI },
	{ "density_w",		NFSKETCH_A_CONFIG_DENSITY_W },
	{ "density_k",		NFSKETCH_A_CONFIG_DENSITY_K },
	{ "min_history",	NFSKETCH_A_CONFIG_MIN_HISTORY },
	{ "hh_permille",	NFSKETCH_A_CONFIG_HH_PERMILLE },
	{ "flap_half_life_ms",	NFSKETCH_A_CONFIG_FLAP_HALF_LIFE_MS },
	{ "flap_suppress",	NFSKETCH_A_CONFIG_FLAP_SUPPRESS },
	{ "flap_reuse",		NFSKETCH_A_CONFIG_FLAP_REUSE },
	{ "event_rate",		NFSKETCH_A_CONFIG_EVENT_RATE },
	{ "min_packets",	NFSKETCH_A_CONFIG_MIN_PACKETS },
	{ "min_bytes",		NFSKETCH_A_CONFIG_MIN_BYTES },
	{ "min_entropy_delta",	NFSKETCH_A_CONFIG_MIN_ENTROPY_DELTA },
	{ "min_route_events",	NFSKETCH_A_CONFIG_MIN_ROUTE_EVENTS },
};

#define NKEYS (sizeof(config_keys) / sizeof(config_keys[0]))

static int config_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NFSKETCH_A_CONFIG_MAX + 1];
	struct cli *c = data;
	const struct nlattr *a;
	unsigned int i;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != NFSKETCH_A_CONFIG)
			continue;
		nfsk_nl_parse_nest(a, tb, NFSKETCH_A_CONFIG_MAX);
		if (c->json)
			json_obj_open(&c->j, NULL);
		for (i = 0; i < NKEYS; i++) {
			if (!tb[config_keys[i].attr])
				continue;
			if (c->json)
				json_u64(&c->j, config_keys[i].name,
					 nfsk_nl_u64(tb[config_keys[i].attr]));
			else
				printf("%-18s %llu\n", config_keys[i].name,
				       (unsigned long long)nfsk_nl_u64(tb[config_keys[i].attr]));
		}
		if (c->json) {
			json_obj_close(&c->j);
			json_end(&c->j);
		}
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
		return cli_usage_error(config_usage, "config set needs KEY=VALUE");
	if (cli_open(c))
		return EXIT_RUNTIME;
	nlh = nfsk_nl_request(&c->nl, NFSKETCH_CMD_CONFIG_SET, 0);
	nest = mnl_attr_nest_start(nlh, NFSKETCH_A_CONFIG);
	for (i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '='), *end;
		unsigned long long v;
		unsigned int k;

		if (!eq)
			return cli_usage_error(config_usage, "'%s' is not KEY=VALUE", argv[i]);
		*eq = 0;
		if (!strcmp(argv[i], "hash_key")) {
			uint8_t key[16];

			if (parse_hex_key(eq + 1, key))
				return cli_usage_error(config_usage,
						       "hash_key needs 32 hex digits");
			mnl_attr_put(nlh, NFSKETCH_A_CONFIG_HASH_KEY, 16, key);
			continue;
		}
		for (k = 0; k < NKEYS; k++)
			if (!strcmp(argv[i], config_keys[k].name))
				break;
		if (k == NKEYS)
			return cli_usage_error(config_usage, "unknown key '%s'", argv[i]);
		errno = 0;
		v = strtoull(eq + 1, &end, 0);
		if (errno || *end || !eq[1] || eq[1] == '-' || v > UINT32_MAX)
			return cli_usage_error(config_usage, "bad value for %s: '%s'",
					       argv[i], eq + 1);
		mnl_attr_put_u32(nlh, config_keys[k].attr, v);
	}
	mnl_attr_nest_end(nlh, nest);
	return nfsk_nl_talk(&c->nl, nlh, NULL, NULL) ? EXIT_RUNTIME : 0;
}

int cmd_config(struct cli *c, int argc, char **argv)
{
	struct nlmsghdr *nlh;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		fputs(config_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (!strcmp(argv[1], "set"))
		return config_set(c, argc - 2, argv + 2);
	if (strcmp(argv[1], "get"))
		return cli_usage_error(config_usage, "unknown config verb '%s'", argv[1]);
	if (argc > 2)
		return cli_usage_error(config_usage, "unexpected argument '%s'", argv[2]);
	if (cli_open(c))
		return EXIT_RUNTIME;
	nlh = nfsk_nl_request(&c->nl, NFSKETCH_CMD_CONFIG_GET, 0);
	return nfsk_nl_talk(&c->nl, nlh, config_cb, c) ? EXIT_RUNTIME : 0;
}
