// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include "nl.h"
#include <linux/nfsketch.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

struct family_reply {
	const char *group;		/* the multicast group wanted */
	uint16_t id;
	uint32_t group_id;
};

static int mcgrp_cb(const struct nlattr *grp, struct family_reply *r)
{
	const struct nlattr *a;
	const char *name = NULL;
	uint32_t id = 0;

	mnl_attr_for_each_nested(a, grp) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME)
			name = mnl_attr_get_str(a);
		else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID)
			id = mnl_attr_get_u32(a);
	}
	if (name && !strcmp(name, r->group))
		r->group_id = id;
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct family_reply *r = data;
	const struct nlattr *a, *g;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case CTRL_ATTR_FAMILY_ID:
			r->id = mnl_attr_get_u16(a);
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			mnl_attr_for_each_nested(g, a)
				mcgrp_cb(g, r);
			break;
		}
	}
	return MNL_CB_OK;
}

/* NLMSG_ERROR with extack: print the kernel's message, return -errno. */
static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	const char *msg = NULL;
	unsigned int off;
	const struct nlattr *a;
	int miss = -1;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err)))
		return MNL_CB_ERROR;
	if (!err->error)
		return MNL_CB_STOP;

	off = sizeof(*err);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		mnl_attr_for_each(a, nlh, off) {
			if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG)
				msg = mnl_attr_get_str(a);
			/* a required attribute missing: the kernel names its type */
			else if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MISS_TYPE)
				miss = mnl_attr_get_u32(a);
		}
	}
	errno = -err->error;
	if (!*(int *)data) {
		if (!msg && miss >= 0)
			fprintf(stderr, "Error: missing required attribute (type %d) (%s)\n",
				miss, strerror(-err->error));
		else if (msg)
			fprintf(stderr, "Error: %s (%s)\n", msg,
				strerror(-err->error));
		else
			fprintf(stderr, "nfsketch: %s\n", strerror(-err->error));
	}
	return MNL_CB_ERROR;
}

/*
 * Receive until the request is answered: NLMSG_DONE ends a dump, NLMSG_ERROR
 * is the ACK (error 0) or the failure (with its extack); anything else of
 * ours goes to @cb.
 */
static int run_cb(struct nfsk_nl *nl, uint32_t seq, mnl_cb_t cb, void *data,
		  int quiet)
{
	for (;;) {
		const struct nlmsghdr *h;
		int rem, ret;

		rem = mnl_socket_recvfrom(nl->sk, nl->buf, NFSK_NL_BUF_SIZE);
		if (rem < 0) {
			ret = -errno;
			fprintf(stderr, "nfsketch: receive: %s\n", strerror(errno));
			return ret;
		}
		for (h = (const void *)nl->buf; mnl_nlmsg_ok(h, rem);
		     h = mnl_nlmsg_next(h, &rem)) {
			if (h->nlmsg_seq != seq || h->nlmsg_pid != nl->portid)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				if (error_cb(h, &quiet) == MNL_CB_STOP)
					return 0;
				return -errno;
			}
			if (h->nlmsg_type == NLMSG_DONE) {
				const int *e = mnl_nlmsg_get_payload(h);

				if (h->nlmsg_len >= mnl_nlmsg_size(sizeof(int)) && *e < 0) {
					const char *msg = NULL;
					const struct nlattr *a;

					if (h->nlmsg_flags & NLM_F_ACK_TLVS)
						mnl_attr_for_each(a, h, sizeof(int))
							if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG)
								msg = mnl_attr_get_str(a);
					if (!quiet && msg)
						fprintf(stderr, "Error: %s (%s)\n", msg, strerror(-*e));
					else if (!quiet)
						fprintf(stderr, "nfsketch: %s\n", strerror(-*e));
					errno = -*e;
					return *e;
				}
				return 0;
			}
			if (cb && cb(h, data) < MNL_CB_OK)
				return errno ? -errno : -EIO;
		}
	}
}

struct nlmsghdr *nfsk_nl_request(struct nfsk_nl *nl, uint8_t cmd,
				 uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = nl->family_id;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++nl->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = NFSKETCH_FAMILY_VERSION;
	return nlh;
}

int nfsk_nl_talk(struct nfsk_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
		 void *data)
{
	if (mnl_socket_sendto(nl->sk, nlh, nlh->nlmsg_len) < 0) {
		fprintf(stderr, "nfsketch: send: %s\n", strerror(errno));
		return -errno;
	}
	return run_cb(nl, nlh->nlmsg_seq, cb, data, 0);
}

int nfsk_nl_talk_quiet(struct nfsk_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
		       void *data)
{
	if (mnl_socket_sendto(nl->sk, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	return run_cb(nl, nlh->nlmsg_seq, cb, data, 1);
}

int nfsk_nl_open_socket(struct nfsk_nl *nl)
{
	int one = 1;

	memset(nl, 0, sizeof(*nl));
	nl->buf = malloc(NFSK_NL_BUF_SIZE);
	nl->sk = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->buf || !nl->sk || mnl_socket_bind(nl->sk, 0, MNL_SOCKET_AUTOPID) < 0) {
		fprintf(stderr, "nfsketch: netlink socket: %s\n", strerror(errno));
		nfsk_nl_close(nl);
		return -1;
	}
	mnl_socket_setsockopt(nl->sk, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sk, NETLINK_CAP_ACK, &one, sizeof(one));
	nl->portid = mnl_socket_get_portid(nl->sk);
	nl->seq = time(NULL);
	return 0;
}

/* CTRL_CMD_GETFAMILY @family: its id and the id of its group @group. */
static int get_family(struct nfsk_nl *nl, const char *family,
		      struct family_reply *fr)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	int err;

	nlh = mnl_nlmsg_put_header(nl->buf);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++nl->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, family);
	if (mnl_socket_sendto(nl->sk, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	err = run_cb(nl, nlh->nlmsg_seq, family_cb, fr, 1);
	if (err)
		return err;
	return fr->id ? 0 : -ENOENT;
}

int nfsk_nl_resolve(struct nfsk_nl *nl, bool quiet)
{
	struct family_reply fr = { .group = NFSKETCH_MCGRP_EVENTS };

	if (get_family(nl, NFSKETCH_FAMILY_NAME, &fr)) {
		if (!quiet)
			fprintf(stderr,
				"nfsketch: generic netlink family \"%s\" not found: is the module loaded? (modprobe nfsketch)\n",
				NFSKETCH_FAMILY_NAME);
		return -1;
	}
	nl->family_id = fr.id;
	nl->events_group = fr.group_id;
	return 0;
}

void nfsk_nl_set_rcvbuf(struct nfsk_nl *nl, int bytes)
{
	int fd = mnl_socket_get_fd(nl->sk);

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes));
}

int nfsk_nl_open(struct nfsk_nl *nl)
{
	if (nfsk_nl_open_socket(nl))
		return -1;
	if (nfsk_nl_resolve(nl, false)) {
		nfsk_nl_close(nl);
		return -1;
	}
	return 0;
}

void nfsk_nl_close(struct nfsk_nl *nl)
{
	if (nl->sk)
		mnl_socket_close(nl->sk);
	free(nl->buf);
	nl->sk = NULL;
	nl->buf = NULL;
}

int nfsk_nl_subscribe_ctrl(struct nfsk_nl *nl)
{
	struct family_reply fr = { .group = "notify" };
	int err;

	err = get_family(nl, "nlctrl", &fr);
	if (err || !fr.group_id) {
		fprintf(stderr, "nfsketch: nlctrl notify group: %s\n",
			strerror(err ? -err : ENOENT));
		return err ? err : -ENOENT;
	}
	if (mnl_socket_setsockopt(nl->sk, NETLINK_ADD_MEMBERSHIP,
				  &fr.group_id, sizeof(fr.group_id)) < 0) {
		fprintf(stderr, "nfsketch: join nlctrl notify group: %s\n",
			strerror(errno));
		return -errno;
	}
	return 0;
}

/*
 * A subscription reads the namespace's state: one STATS_GET first enables
 * it when netns_monitor is on-demand (the kernel's group bind callback does
 * not know the namespace), and fails with the kernel's reason when it is
 * not monitored.
 */
int nfsk_nl_subscribe(struct nfsk_nl *nl)
{
	int err = nfsk_nl_talk(nl, nfsk_nl_request(nl, NFSKETCH_CMD_STATS_GET, 0),
			       NULL, NULL);

	if (err)
		return err;
	if (mnl_socket_setsockopt(nl->sk, NETLINK_ADD_MEMBERSHIP,
				  &nl->events_group, sizeof(nl->events_group)) < 0) {
		fprintf(stderr, "nfsketch: join events group: %s\n", strerror(errno));
		return -errno;
	}
	return 0;
}

void nfsk_nl_parse_nest(const struct nlattr *nest, const struct nlattr **tb,
			unsigned int max)
{
	const struct nlattr *a;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	mnl_attr_for_each_nested(a, nest) {
		unsigned int t = mnl_attr_get_type(a);

		if (t <= max)
			tb[t] = a;
	}
}

uint64_t nfsk_nl_u64(const struct nlattr *a)
{
	if (!a)
		return 0;
	switch (mnl_attr_get_payload_len(a)) {
	case 1: return mnl_attr_get_u8(a);
	case 2: return mnl_attr_get_u16(a);
	case 4: return mnl_attr_get_u32(a);
	case 8: return mnl_attr_get_u64(a);
	/* a malformed attribute (any other length) reads as 0, not past it */
	default: return 0;
	}
}

bool nfsk_nl_nest_values(const struct nlmsghdr *nlh, unsigned int type,
			 unsigned int max, uint64_t *val, bool *has)
{
	const struct nlattr *a, *n;
	unsigned int t;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != type)
			continue;
		memset(val, 0, (max + 1) * sizeof(*val));
		if (has)
			memset(has, 0, (max + 1) * sizeof(*has));
		mnl_attr_for_each_nested(n, a) {
			t = mnl_attr_get_type(n);
			if (t > max)
				continue;
			val[t] = nfsk_nl_u64(n);
			if (has)
				has[t] = true;
		}
		return true;
	}
	return false;
}
