// SPDX-License-Identifier: GPL-2.0
/*
 * netns.c - setns(2) into a namespace named as iproute2 names them. The
 * netlink socket opened afterwards belongs to that namespace, and so does
 * everything the module answers on it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "netns.h"

#define NETNS_RUN_DIR	"/run/netns"

int nfsk_netns_enter(const char *name)
{
	char path[256];
	int fd, n;

	if (strchr(name, '/'))
		n = snprintf(path, sizeof(path), "%s", name);
	else
		n = snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", name);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		fprintf(stderr, "nfsketch: network namespace name too long\n");
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "nfsketch: network namespace \"%s\": %s (%s)\n",
			name, strerror(errno), path);
		return -1;
	}
	if (setns(fd, CLONE_NEWNET)) {
		fprintf(stderr, "nfsketch: cannot enter network namespace \"%s\": %s\n",
			name, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}
