// SPDX-License-Identifier: GPL-2.0
/*
 * rtnames.c - route protocol and table names from iproute2's files (see
 * rtnames.h). Read on each lookup: the CLI prints at most a few hundred
 * routes, and the files are a few dozen lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rtnames.h"

int rtname_lookup_file(const char *path, uint32_t id, char *buf)
{
	char line[256], name[RTNAME_LEN];
	unsigned long n;
	FILE *f;
	int found = 0;

	f = fopen(path, "re");
	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		char *p = line + strspn(line, " \t");
		char *end;

		if (*p == '#' || *p == '\n' || !*p)
			continue;
		n = strtoul(p, &end, 0);
		if (end == p || n != id || sscanf(end, "%63s", name) != 1 ||
		    name[0] == '#')
			continue;
		snprintf(buf, RTNAME_LEN, "%s", name);
		found = 1;
	}
	fclose(f);
	return found;
}

static const char *rtname(const char *file, uint32_t id, char *buf)
{
	static const char *const dirs[] = { "/etc/iproute2", "/usr/share/iproute2" };
	char path[128];
	size_t i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dirs[i], file);
		if (rtname_lookup_file(path, id, buf))
			return buf;
	}
	snprintf(buf, RTNAME_LEN, "%u", id);
	return buf;
}

const char *rtname_protocol(uint32_t id, char *buf)
{
	return rtname("rt_protos", id, buf);
}

const char *rtname_table(uint32_t id, char *buf)
{
	return rtname("rt_tables", id, buf);
}

static const struct { uint8_t id; const char *name; } rtprot_fixed[] = {
	{ 0, "unspec" }, { 1, "redirect" }, { 2, "kernel" }, { 3, "boot" },
	{ 4, "static" }, { 8, "gated" }, { 9, "ra" }, { 10, "mrt" },
	{ 11, "zebra" }, { 12, "bird" }, { 13, "dnrouted" }, { 14, "xorp" },
	{ 15, "ntk" }, { 16, "dhcp" }, { 17, "mrouted" }, { 18, "keepalived" },
	{ 42, "babel" }, { 99, "openr" }, { 186, "bgp" }, { 187, "isis" },
	{ 188, "ospf" }, { 189, "rip" }, { 192, "eigrp" },
};

const char *rtname_protocol_fixed(uint32_t id, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(rtprot_fixed) / sizeof(rtprot_fixed[0]); i++)
		if (rtprot_fixed[i].id == id)
			return rtprot_fixed[i].name;
	snprintf(buf, len, "%u", id);
	return buf;
}

int rtname_protocol_fixed_id(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(rtprot_fixed) / sizeof(rtprot_fixed[0]); i++)
		if (!strcmp(name, rtprot_fixed[i].name))
			return rtprot_fixed[i].id;
	return -1;
}
