/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Alert hooks of `nfsketch monitor --exec PROGRAM`: one process per alert,
 * the event as JSON on its stdin and as NFSK_* environment variables, at
 * most N at once (the others wait in a bounded queue), each killed after a
 * timeout. And the NFSK_* fields themselves, which --syslog also sends to
 * journald.
 */
#ifndef NFSK_CLI_HOOKS_H
#define NFSK_CLI_HOOKS_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

/* "NFSK_KEY=value" strings: the hook's environment, journald's fields. */
#define EVENT_FIELDS_MAX	32
struct event_fields {
	char		*v[EVENT_FIELDS_MAX + 1];	/* NULL-terminated */
	unsigned int	n;
};

void event_fields_add(struct event_fields *f, const char *key,
		      const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void event_fields_free(struct event_fields *f);

struct hooks;

/*
 * @mask: the signal mask the children start with (the one monitor had
 * before it blocked its own signals).
 */
struct hooks *hooks_new(const char *program, unsigned int max_running,
			unsigned int timeout_s, const sigset_t *mask);
/*
 * Run the hook for one event, or queue it if max_running are running.
 * Takes @json (malloc'd) and the strings of @f (f is emptied).
 */
void hooks_submit(struct hooks *h, char *json, struct event_fields *f);
/* Reap the finished, kill the late, start the queued (after SIGCHLD too). */
void hooks_poll(struct hooks *h);
/* Milliseconds until the next hook's deadline; -1 if none runs. */
int hooks_next_deadline_ms(struct hooks *h);
/* Wait for the running hooks (each within its timeout); drop the queue. */
void hooks_free(struct hooks *h);

#endif
