// SPDX-License-Identifier: GPL-2.0
/*
 * Alert hooks: fork/exec one process per alert. The parent keeps the PID
 * and a deadline of every child; a child past its deadline gets SIGKILL by
 * that PID (and its process group, which it leads, so that a shell script's
 * own children go too). Reaping is waitpid(WNOHANG) on the PIDs we started,
 * driven by monitor's loop (SIGCHLD interrupts its ppoll).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include "hooks.h"

/* Alerts waiting for a free slot; beyond this they are dropped, counted. */
#define HOOK_QUEUE_LEN	256

struct hook_child {
	pid_t		pid;
	long long	deadline_ms;	/* CLOCK_MONOTONIC */
	bool		killed;
};

struct hook_event {
	char			*json;
	struct event_fields	f;
};

struct hooks {
	const char		*program;
	unsigned int		max_running;
	unsigned int		timeout_s;
	sigset_t		mask;
	struct hook_child	*run;		/* max_running slots, pid 0 free */
	struct hook_event	queue[HOOK_QUEUE_LEN];
	unsigned int		q_head, q_len;
	unsigned long long	dropped;
};

void event_fields_add(struct event_fields *f, const char *key,
		      const char *fmt, ...)
{
	char *val, *kv;
	va_list ap;

	if (f->n >= EVENT_FIELDS_MAX)
		return;
	va_start(ap, fmt);
	if (vasprintf(&val, fmt, ap) < 0) {
		va_end(ap);
		return;
	}
	va_end(ap);
	if (asprintf(&kv, "NFSK_%s=%s", key, val) >= 0) {
		f->v[f->n++] = kv;
		f->v[f->n] = NULL;
	}
	free(val);
}

void event_fields_free(struct event_fields *f)
{
	unsigned int i;

	for (i = 0; i < f->n; i++)
		free(f->v[i]);
	f->n = 0;
	f->v[0] = NULL;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

struct hooks *hooks_new(const char *program, unsigned int max_running,
			unsigned int timeout_s, const sigset_t *mask)
{
	struct hooks *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->run = calloc(max_running, sizeof(*h->run));
	if (!h->run) {
		free(h);
		return NULL;
	}
	h->program = program;
	h->max_running = max_running;
	h->timeout_s = timeout_s;
	h->mask = *mask;
	return h;
}

/* In the child: stdin from @in, NFSK_* in the environment, then exec. */
static void hook_exec(struct hooks *h, int in, struct event_fields *f)
{
	char *argv[] = { (char *)h->program, NULL };
	unsigned int i;

	setpgid(0, 0);
	signal(SIGPIPE, SIG_DFL);	/* monitor ignores it; exec keeps that */
	signal(SIGCHLD, SIG_DFL);
	sigprocmask(SIG_SETMASK, &h->mask, NULL);
	if (dup2(in, STDIN_FILENO) < 0)
		_exit(126);
	close_range(3, ~0U, 0);		/* the netlink socket stays ours */
	for (i = 0; i < f->n; i++)
		putenv(f->v[i]);
	execvp(h->program, argv);
	fprintf(stderr, "nfsketch: hook %s: %s\n", h->program, strerror(errno));
	_exit(127);
}

static bool hook_start(struct hooks *h, struct hook_child *slot,
		       struct hook_event *ev)
{
	int p[2];
	pid_t pid;
	size_t len = strlen(ev->json);

	if (pipe2(p, O_CLOEXEC)) {
		fprintf(stderr, "nfsketch: hook pipe: %s\n", strerror(errno));
		return false;
	}
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "nfsketch: hook fork: %s\n", strerror(errno));
		close(p[0]);
		close(p[1]);
		return false;
	}
	if (pid == 0)
		hook_exec(h, p[0], &ev->f);
	/* both sides: so no kill can miss a child that has not yet setpgid() */
	setpgid(pid, pid);
	close(p[0]);
	/*
	 * One event is far below the pipe's 64 KiB: the write cannot block,
	 * and a hook that does not read its stdin just gets EOF unread.
	 */
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	if (write(p[1], ev->json, len) != (ssize_t)len && errno != EPIPE)
		fprintf(stderr, "nfsketch: hook %d stdin: %s\n", (int)pid,
			strerror(errno));
	close(p[1]);
	slot->pid = pid;
	slot->deadline_ms = now_ms() + h->timeout_s * 1000LL;
	slot->killed = false;
	return true;
}

static struct hook_child *free_slot(struct hooks *h)
{
	unsigned int i;

	for (i = 0; i < h->max_running; i++)
		if (!h->run[i].pid)
			return &h->run[i];
	return NULL;
}

static void event_free(struct hook_event *ev)
{
	free(ev->json);
	event_fields_free(&ev->f);
}

static void start_queued(struct hooks *h)
{
	struct hook_child *slot;

	while (h->q_len && (slot = free_slot(h))) {
		struct hook_event *ev = &h->queue[h->q_head];

		hook_start(h, slot, ev);
		event_free(ev);
		h->q_head = (h->q_head + 1) % HOOK_QUEUE_LEN;
		h->q_len--;
	}
}

void hooks_submit(struct hooks *h, char *json, struct event_fields *f)
{
	struct hook_event *ev;

	if (h->q_len == HOOK_QUEUE_LEN) {
		h->dropped++;
		fprintf(stderr, "nfsketch: hook queue full (%u alerts waiting), "
			"alert dropped (%llu so far)\n", HOOK_QUEUE_LEN, h->dropped);
		free(json);
		event_fields_free(f);
		return;
	}
	ev = &h->queue[(h->q_head + h->q_len++) % HOOK_QUEUE_LEN];
	ev->json = json;
	ev->f = *f;
	f->n = 0;
	f->v[0] = NULL;
	start_queued(h);
}

static void reap(struct hooks *h, struct hook_child *c, int status)
{
	if (c->killed)
		fprintf(stderr, "nfsketch: hook %s (pid %d) killed after its "
			"timeout of %u s\n", h->program, (int)c->pid, h->timeout_s);
	else if (WIFEXITED(status) && WEXITSTATUS(status))
		fprintf(stderr, "nfsketch: hook %s (pid %d) exited with status %d\n",
			h->program, (int)c->pid, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		fprintf(stderr, "nfsketch: hook %s (pid %d) killed by signal %d\n",
			h->program, (int)c->pid, WTERMSIG(status));
	c->pid = 0;
}

void hooks_poll(struct hooks *h)
{
	long long now = now_ms();
	unsigned int i;
	int status;

	for (i = 0; i < h->max_running; i++) {
		struct hook_child *c = &h->run[i];
		pid_t r;

		if (!c->pid)
			continue;
		r = waitpid(c->pid, &status, WNOHANG);
		if (r == c->pid || (r < 0 && errno == ECHILD)) {
			reap(h, c, r == c->pid ? status : 0);
			continue;
		}
		if (!c->killed && now >= c->deadline_ms) {
			kill(-c->pid, SIGKILL);	/* its group: the script's children */
			kill(c->pid, SIGKILL);
			c->killed = true;
		}
	}
	start_queued(h);
}

int hooks_next_deadline_ms(struct hooks *h)
{
	long long now = now_ms(), next = -1;
	unsigned int i;

	for (i = 0; i < h->max_running; i++) {
		const struct hook_child *c = &h->run[i];
		long long d;

		if (!c->pid)
			continue;
		/* a killed child is reaped at its SIGCHLD; look again soon anyway */
		d = c->killed ? 100 : c->deadline_ms - now;
		if (d < 0)
			d = 0;
		if (next < 0 || d < next)
			next = d;
	}
	return next > 1000000 ? 1000000 : (int)next;
}

void hooks_free(struct hooks *h)
{
	struct timespec tick = { 0, 20 * 1000 * 1000 };
	unsigned int i;
	bool running;

	if (!h)
		return;
	if (h->q_len)
		fprintf(stderr, "nfsketch: %u queued alert hooks not run\n", h->q_len);
	while (h->q_len) {
		event_free(&h->queue[h->q_head]);
		h->q_head = (h->q_head + 1) % HOOK_QUEUE_LEN;
		h->q_len--;
	}
	/* bounded: every child is killed at its deadline */
	do {
		hooks_poll(h);
		running = false;
		for (i = 0; i < h->max_running; i++)
			running |= h->run[i].pid != 0;
		if (running)
			nanosleep(&tick, NULL);
	} while (running);
	free(h->run);
	free(h);
}
