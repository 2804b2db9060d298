// SPDX-License-Identifier: GPL-2.0
/*
 * nfsk_libnl_client - a second, independent client of the "nfsketch"
 * generic netlink family, on libnl-genl-3 (the CLI uses libmnl). It has its
 * own attribute policies and parsing, so the selftests check the UAPI
 * against a second implementation.
 *
 *   nfsk_libnl_client stats                  packets=N bytes=M
 *   nfsk_libnl_client windows                id=.. packets=.. bytes=.. (per window)
 *   nfsk_libnl_client listen N SECONDS [TYPE] type=window|alert|route id=..
 *
 * listen exits 0 once N notifications (of TYPE, when given) were seen, 1 when
 * the timeout passed first. Any netlink error: message (with the kernel's
 * extack) on stderr, exit 1. Usage errors: exit 2.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>
#include <linux/nfsketch.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif
#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

/* Our own policies: exact lengths for every integer we read. */
static struct nla_policy top_policy[NFSKETCH_A_MAX + 1] = {
	[NFSKETCH_A_STATS]	= { .type = NLA_NESTED },
	[NFSKETCH_A_WINDOW]	= { .type = NLA_NESTED },
	[NFSKETCH_A_ROUTE]	= { .type = NLA_NESTED },
	[NFSKETCH_A_ALERT]	= { .type = NLA_NESTED },
};

static struct nla_policy stats_policy[NFSKETCH_A_STATS_MAX + 1] = {
	[NFSKETCH_A_STATS_PACKETS]	= { .type = NLA_U64, .minlen = 8, .maxlen = 8 },
	[NFSKETCH_A_STATS_BYTES]	= { .type = NLA_U64, .minlen = 8, .maxlen = 8 },
	[NFSKETCH_A_STATS_WINDOWS]	= { .type = NLA_U64, .minlen = 8, .maxlen = 8 },
	[NFSKETCH_A_STATS_HISTORY_LEN]	= { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
};

static struct nla_policy window_policy[NFSKETCH_A_WINDOW_MAX + 1] = {
	[NFSKETCH_A_WINDOW_ID]		= { .type = NLA_U64, .minlen = 8, .maxlen = 8 },
	[NFSKETCH_A_WINDOW_PACKETS]	= { .type = NLA_U64, .minlen = 8, .maxlen = 8 },
	[NFSKETCH_A_WINDOW_BYTES]	= { .type = NLA_U64, .minlen = 8, .maxlen = 8 },
	[NFSKETCH_A_WINDOW_FLAGS]	= { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[NFSKETCH_A_WINDOW_SCORE]	= { .type = NLA_NESTED },
	[NFSKETCH_A_WINDOW_TOPK]	= { .type = NLA_NESTED },
};

static struct nla_policy alert_policy[NFSKETCH_A_ALERT_MAX + 1] = {
	[NFSKETCH_A_ALERT_FLAG]		= { .type = NLA_U32, .minlen = 4, .maxlen = 4 },
	[NFSKETCH_A_ALERT_WINDOW_ID]	= { .type = NLA_U64, .minlen = 8, .maxlen = 8 },
	[NFSKETCH_A_ALERT_FLOW]		= { .type = NLA_NESTED },
	[NFSKETCH_A_ALERT_ROUTE]	= { .type = NLA_NESTED },
};

static struct nla_policy route_policy[NFSKETCH_A_ROUTE_MAX + 1] = {
	[NFSKETCH_A_ROUTE_TIME_NS]	= { .type = NLA_U64, .minlen = 8, .maxlen = 8 },
	[NFSKETCH_A_ROUTE_FAMILY]	= { .type = NLA_U8, .minlen = 1, .maxlen = 1 },
	[NFSKETCH_A_ROUTE_DST]		= { .minlen = 16, .maxlen = 16 },
	[NFSKETCH_A_ROUTE_COALESCED]	= { .type = NLA_U64, .minlen = 8, .maxlen = 8 },
};

struct req_state {
	int done;
	int err;		/* negative errno from the kernel */
	int bad;		/* a reply failed our own validation */
	int n;			/* records printed */
	int want_cmd;
	const char *filter;	/* listen: count only this type */
};

static const char *progname = "nfsk_libnl_client";

static void bad_reply(struct req_state *st, const char *what, int err)
{
	fprintf(stderr, "%s: invalid reply: %s (%s)\n", progname, what,
		nl_geterror(err));
	st->bad = 1;
}

/* NLMSG_ERROR: errno and, with NLM_F_ACK_TLVS, the extack message. */
static int error_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)e - 1;
	struct req_state *st = arg;
	const char *msg = NULL;
	int hlen = sizeof(*e);

	st->err = e->error;
	st->done = 1;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
		int len;

		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			hlen += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
		len = (int)nlh->nlmsg_len - NLMSG_HDRLEN - hlen;
		if (len > 0 &&
		    !nla_parse(tb, NLMSGERR_ATTR_MAX,
			       (struct nlattr *)((char *)e + hlen), len, NULL) &&
		    tb[NLMSGERR_ATTR_MSG])
			msg = nla_get_string(tb[NLMSGERR_ATTR_MSG]);
	}
	if (e->error)
		fprintf(stderr, "%s: %s%s%s\n", progname, strerror(-e->error),
			msg ? ": " : "", msg ? msg : "");
	return NL_STOP;
}

static int ack_cb(struct nl_msg *m, void *arg)
{
	((struct req_state *)arg)->done = 1;
	return NL_STOP;
}

/* NLMSG_DONE of a dump; it carries an errno when the dump failed. */
static int finish_cb(struct nl_msg *m, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(m);
	struct req_state *st = arg;

	st->done = 1;
	if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int)) {
		int e = *(int *)nlmsg_data(nlh);

		if (e < 0) {
			st->err = e;
			fprintf(stderr, "%s: %s\n", progname, strerror(-e));
		}
	}
	return NL_STOP;
}

static int parse_top(struct nl_msg *m, struct nlattr **tb, struct req_state *st)
{
	struct nlmsghdr *nlh = nlmsg_hdr(m);
	int err;

	err = genlmsg_parse(nlh, 0, tb, NFSKETCH_A_MAX, top_policy);
	if (err < 0)
		bad_reply(st, "top-level attributes", err);
	return err;
}

static int stats_cb(struct nl_msg *m, void *arg)
{
	struct nlattr *tb[NFSKETCH_A_MAX + 1], *sb[NFSKETCH_A_STATS_MAX + 1];
	struct req_state *st = arg;
	int err;

	if (parse_top(m, tb, st) < 0)
		return NL_SKIP;
	if (!tb[NFSKETCH_A_STATS]) {
		bad_reply(st, "no NFSKETCH_A_STATS", -NLE_MISSING_ATTR);
		return NL_SKIP;
	}
	err = nla_parse_nested(sb, NFSKETCH_A_STATS_MAX, tb[NFSKETCH_A_STATS],
			       stats_policy);
	if (err < 0 || !sb[NFSKETCH_A_STATS_PACKETS] || !sb[NFSKETCH_A_STATS_BYTES]) {
		bad_reply(st, "stats nest", err < 0 ? err : -NLE_MISSING_ATTR);
		return NL_SKIP;
	}
	printf("packets=%llu bytes=%llu\n",
	       (unsigned long long)nla_get_u64(sb[NFSKETCH_A_STATS_PACKETS]),
	       (unsigned long long)nla_get_u64(sb[NFSKETCH_A_STATS_BYTES]));
	st->n++;
	return NL_OK;
}

static int parse_window(struct nlattr *nest, struct nlattr **wb,
			struct req_state *st)
{
	int err = nla_parse_nested(wb, NFSKETCH_A_WINDOW_MAX, nest, window_policy);

	if (err < 0 || !wb[NFSKETCH_A_WINDOW_ID] ||
	    !wb[NFSKETCH_A_WINDOW_PACKETS] || !wb[NFSKETCH_A_WINDOW_BYTES]) {
		bad_reply(st, "window nest", err < 0 ? err : -NLE_MISSING_ATTR);
		return -1;
	}
	return 0;
}

static int windows_cb(struct nl_msg *m, void *arg)
{
	struct nlattr *tb[NFSKETCH_A_MAX + 1], *wb[NFSKETCH_A_WINDOW_MAX + 1];
	struct req_state *st = arg;

	if (genlmsg_hdr(nlmsg_hdr(m))->cmd != NFSKETCH_CMD_WINDOW_GET) {
		bad_reply(st, "unexpected command", -NLE_MSGTYPE_NOSUPPORT);
		return NL_SKIP;
	}
	if (parse_top(m, tb, st) < 0)
		return NL_SKIP;
	if (!tb[NFSKETCH_A_WINDOW]) {
		bad_reply(st, "no NFSKETCH_A_WINDOW", -NLE_MISSING_ATTR);
		return NL_SKIP;
	}
	if (parse_window(tb[NFSKETCH_A_WINDOW], wb, st))
		return NL_SKIP;
	printf("id=%llu packets=%llu bytes=%llu\n",
	       (unsigned long long)nla_get_u64(wb[NFSKETCH_A_WINDOW_ID]),
	       (unsigned long long)nla_get_u64(wb[NFSKETCH_A_WINDOW_PACKETS]),
	       (unsigned long long)nla_get_u64(wb[NFSKETCH_A_WINDOW_BYTES]));
	st->n++;
	return NL_OK;
}

static int event_cb(struct nl_msg *m, void *arg)
{
	struct nlattr *tb[NFSKETCH_A_MAX + 1];
	struct req_state *st = arg;
	const char *type;
	unsigned long long id = 0;

	if (parse_top(m, tb, st) < 0)
		return NL_SKIP;
	switch (genlmsg_hdr(nlmsg_hdr(m))->cmd) {
	case NFSKETCH_CMD_WINDOW_NTF: {
		struct nlattr *wb[NFSKETCH_A_WINDOW_MAX + 1];

		type = "window";
		if (!tb[NFSKETCH_A_WINDOW] || parse_window(tb[NFSKETCH_A_WINDOW], wb, st)) {
			bad_reply(st, "WINDOW_NTF", -NLE_MISSING_ATTR);
			return NL_SKIP;
		}
		id = nla_get_u64(wb[NFSKETCH_A_WINDOW_ID]);
		break;
	}
	case NFSKETCH_CMD_ALERT_NTF: {
		struct nlattr *ab[NFSKETCH_A_ALERT_MAX + 1];

		type = "alert";
		if (!tb[NFSKETCH_A_ALERT] ||
		    nla_parse_nested(ab, NFSKETCH_A_ALERT_MAX, tb[NFSKETCH_A_ALERT],
				     alert_policy) < 0 ||
		    !ab[NFSKETCH_A_ALERT_WINDOW_ID] || !ab[NFSKETCH_A_ALERT_FLAG]) {
			bad_reply(st, "ALERT_NTF", -NLE_INVAL);
			return NL_SKIP;
		}
		id = nla_get_u64(ab[NFSKETCH_A_ALERT_WINDOW_ID]);
		break;
	}
	case NFSKETCH_CMD_ROUTE_NTF: {
		struct nlattr *rb[NFSKETCH_A_ROUTE_MAX + 1];

		type = "route";
		if (!tb[NFSKETCH_A_ROUTE] ||
		    nla_parse_nested(rb, NFSKETCH_A_ROUTE_MAX, tb[NFSKETCH_A_ROUTE],
				     route_policy) < 0 ||
		    !rb[NFSKETCH_A_ROUTE_TIME_NS]) {
			bad_reply(st, "ROUTE_NTF", -NLE_INVAL);
			return NL_SKIP;
		}
		id = nla_get_u64(rb[NFSKETCH_A_ROUTE_TIME_NS]);
		break;
	}
	default:
		bad_reply(st, "unknown notification", -NLE_MSGTYPE_NOSUPPORT);
		return NL_SKIP;
	}
	printf("type=%s id=%llu\n", type, id);
	fflush(stdout);
	if (!st->filter || !strcmp(st->filter, type))
		st->n++;
	return NL_OK;
}

static struct nl_sock *open_sock(int *family)
{
	struct nl_sock *sk = nl_socket_alloc();
	int one = 1, err;

	if (!sk || genl_connect(sk)) {
		fprintf(stderr, "%s: cannot open a generic netlink socket\n", progname);
		exit(1);
	}
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	err = genl_ctrl_resolve(sk, NFSKETCH_FAMILY_NAME);
	if (err < 0) {
		fprintf(stderr, "%s: family %s: %s\n", progname,
			NFSKETCH_FAMILY_NAME, nl_geterror(err));
		exit(1);
	}
	*family = err;
	return sk;
}

/* One request: doit (reply then ACK) or dump (records then DONE). */
static int request(int cmd, int dump, nl_recvmsg_msg_cb_t valid)
{
	struct req_state st = { 0 };
	struct nl_msg *m;
	struct nl_cb *cb;
	struct nl_sock *sk;
	int family, err;

	sk = open_sock(&family);
	m = nlmsg_alloc();
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!m || !cb ||
	    !genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0,
			 NLM_F_ACK | (dump ? NLM_F_DUMP : 0), cmd,
			 NFSKETCH_FAMILY_VERSION)) {
		fprintf(stderr, "%s: out of memory\n", progname);
		return 1;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid, &st);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, &st);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, finish_cb, &st);
	nl_cb_err(cb, NL_CB_CUSTOM, error_cb, &st);
	err = nl_send_auto(sk, m);
	nlmsg_free(m);
	if (err < 0) {
		fprintf(stderr, "%s: send: %s\n", progname, nl_geterror(err));
		return 1;
	}
	while (!st.done) {
		err = nl_recvmsgs(sk, cb);
		if (err < 0 && !st.done) {
			fprintf(stderr, "%s: receive: %s\n", progname, nl_geterror(err));
			return 1;
		}
	}
	nl_cb_put(cb);
	nl_socket_free(sk);
	if (st.err || st.bad)
		return 1;
	if (!dump && st.n != 1) {
		fprintf(stderr, "%s: %d replies, expected 1\n", progname, st.n);
		return 1;
	}
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int listen_events(int want, double seconds, const char *filter)
{
	struct req_state st = { .filter = filter };
	struct nl_sock *sk;
	double end = now() + seconds;
	int family, grp;

	sk = open_sock(&family);
	grp = genl_ctrl_resolve_grp(sk, NFSKETCH_FAMILY_NAME, NFSKETCH_MCGRP_EVENTS);
	if (grp < 0) {
		fprintf(stderr, "%s: group %s: %s\n", progname,
			NFSKETCH_MCGRP_EVENTS, nl_geterror(grp));
		return 1;
	}
	nl_socket_disable_seq_check(sk);
	if (nl_socket_add_membership(sk, grp) < 0) {
		fprintf(stderr, "%s: cannot join group %d\n", progname, grp);
		return 1;
	}
	/* the socket's own callbacks: they hold the disabled sequence check */
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, event_cb, &st);
	while (st.n < want && !st.bad) {
		struct pollfd pfd = { .fd = nl_socket_get_fd(sk), .events = POLLIN };
		double left = end - now();
		int r;

		if (left <= 0)
			break;
		r = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (r < 0 && errno != EINTR) {
			fprintf(stderr, "%s: poll: %s\n", progname, strerror(errno));
			break;
		}
		if (r > 0) {
			int err = nl_recvmsgs_default(sk);

			if (err < 0) {
				fprintf(stderr, "%s: receive: %s\n", progname,
					nl_geterror(err));
				break;
			}
		}
	}
	nl_socket_free(sk);
	if (st.n < want)
		fprintf(stderr, "%s: %d of %d notifications in %.0f s\n",
			progname, st.n, want, seconds);
	return st.n >= want && !st.bad ? 0 : 1;
}

static int usage(void)
{
	fprintf(stderr, "usage: %s stats | windows | listen N SECONDS [window|alert|route]\n",
		progname);
	return 2;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "stats"))
		return request(NFSKETCH_CMD_STATS_GET, 0, stats_cb);
	if (argc == 2 && !strcmp(argv[1], "windows"))
		return request(NFSKETCH_CMD_WINDOW_GET, 1, windows_cb);
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "listen")) {
		char *e1, *e2;
		long n = strtol(argv[2], &e1, 10);
		double s = strtod(argv[3], &e2);

		if (*e1 || *e2 || n < 1 || s <= 0)
			return usage();
		if (argc == 5 && strcmp(argv[4], "window") &&
		    strcmp(argv[4], "alert") && strcmp(argv[4], "route"))
			return usage();
		return listen_events(n, s, argc == 5 ? argv[4] : NULL);
	}
	return usage();
}
