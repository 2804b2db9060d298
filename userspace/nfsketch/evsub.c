// SPDX-License-Identifier: GPL-2.0
/* The events subscription of the long-running commands (evsub.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/nfsketch.h>
#include "evsub.h"

int evsub_open(struct evsub *e)
{
	memset(e, 0, sizeof(*e));
	if (nfsk_nl_open(&e->nl))
		return -1;
	/* room for a burst; the kernel paces its events anyway */
	nfsk_nl_set_rcvbuf(&e->nl, 8 << 20);
	if (nfsk_nl_subscribe(&e->nl)) {
		nfsk_nl_close(&e->nl);
		return -1;
	}
	return 0;
}

void evsub_close(struct evsub *e)
{
	nfsk_nl_close(&e->nl);
}

int evsub_read(struct evsub *e,
	       void (*cb)(uint8_t cmd, const struct nlmsghdr *nlh, void *data),
	       void *data)
{
	int fd = mnl_socket_get_fd(e->nl.sk);
	const struct nlmsghdr *h;
	int n;

	n = recv(fd, e->nl.buf, NFSK_NL_BUF_SIZE, MSG_DONTWAIT);
	if (n < 0) {
		if (errno == EINTR || errno == EAGAIN)
			return 0;
		if (errno == ENOBUFS) {
			e->overruns++;
			fprintf(stderr, "nfsketch: warning: events lost, socket "
				"receive buffer overrun (%llu so far)\n", e->overruns);
			return 0;
		}
		fprintf(stderr, "nfsketch: receive: %s\n", strerror(errno));
		return -1;
	}
	/* nlmsg_len checked as the unsigned it is (see monitor.c) */
	for (h = (const void *)e->nl.buf;
	     n >= (int)sizeof(*h) && h->nlmsg_len >= sizeof(*h) +
	     sizeof(struct genlmsghdr) && h->nlmsg_len <= (unsigned int)n;
	     h = mnl_nlmsg_next(h, &n)) {
		const struct genlmsghdr *g = mnl_nlmsg_get_payload(h);

		if (h->nlmsg_type == e->nl.family_id)
			cb(g->cmd, h, data);
	}
	return 0;
}

int evsub_loop(struct evsub *e, volatile sig_atomic_t *stop,
	       const sigset_t *orig,
	       void (*cb)(uint8_t cmd, const struct nlmsghdr *nlh, void *data),
	       void *data)
{
	int fd = mnl_socket_get_fd(e->nl.sk);

	while (!*stop) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int n;

		n = ppoll(&pfd, 1, NULL, orig);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "nfsketch: poll: %s\n", strerror(errno));
			return -1;
		}
		if (evsub_read(e, cb, data))
			return -1;
	}
	return 0;
}
