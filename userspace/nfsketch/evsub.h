/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Following the "events" multicast group for a long-running command
 * (exporter, export): one socket subscribed, a receive loop that hands every
 * message of the family to a callback and counts the kernel's overruns.
 */
#ifndef NFSK_CLI_EVSUB_H
#define NFSK_CLI_EVSUB_H

#include <signal.h>
#include "nl.h"

struct evsub {
	struct nfsk_nl		nl;		/* subscribed: events only */
	unsigned long long	overruns;	/* ENOBUFS: events the kernel dropped for us */
};

/* Open, resolve the family, join the group with a 1 MiB receive buffer. */
int evsub_open(struct evsub *e);
void evsub_close(struct evsub *e);

/*
 * One receive (without waiting) and its messages to @cb: 0, or -1 on a
 * receive error (printed). Lost events (ENOBUFS) are counted, not errors.
 */
int evsub_read(struct evsub *e,
	       void (*cb)(uint8_t cmd, const struct nlmsghdr *nlh, void *data),
	       void *data);

/*
 * Receive until *stop (set by a signal, waited for with @orig as in
 * cli_catch_signals()) or an error; @cb gets each message of the family
 * with its genl cmd. 0 on stop, -1 on a receive error (printed).
 */
int evsub_loop(struct evsub *e, volatile sig_atomic_t *stop,
	       const sigset_t *orig,
	       void (*cb)(uint8_t cmd, const struct nlmsghdr *nlh, void *data),
	       void *data);

#endif
