/* SPDX-License-Identifier: GPL-2.0 */
/* Small generic netlink helpers on libmnl: family resolve, request, extack. */
#ifndef NFSK_USER_NL_H
#define NFSK_USER_NL_H

#include <stdbool.h>
#include <stdint.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

/*
 * Receive buffer: 32 KiB, as iproute2. The kernel sizes each dump skb from
 * the largest recvmsg() buffer seen on the socket (capped near 32 KiB), and
 * a SKETCH_GET message (512 columns: 6 KiB) does not fit a page.
 */
#define NFSK_NL_BUF_SIZE	32768

struct nfsk_nl {
	struct mnl_socket	*sk;
	uint16_t		family_id;
	uint32_t		events_group;
	uint32_t		portid;
	uint32_t		seq;
	char			*buf;		/* NFSK_NL_BUF_SIZE bytes */
};

/* Open a socket and resolve the nfsketch family; prints why on failure. */
int nfsk_nl_open(struct nfsk_nl *nl);
/*
 * Receive buffer of a listener: BYTES with SO_RCVBUFFORCE when allowed
 * (CAP_NET_ADMIN: past net.core.rmem_max, which is 208 KiB by default and
 * overflows in a route storm), else SO_RCVBUF up to rmem_max.
 */
void nfsk_nl_set_rcvbuf(struct nfsk_nl *nl, int bytes);
void nfsk_nl_close(struct nfsk_nl *nl);
/*
 * The two halves of nfsk_nl_open(): the socket alone; then the family's id
 * and events group (-1 if the family is not registered, said on stderr
 * unless @quiet).
 */
int nfsk_nl_open_socket(struct nfsk_nl *nl);
int nfsk_nl_resolve(struct nfsk_nl *nl, bool quiet);

/* Start a request for @cmd in nl->buf. */
struct nlmsghdr *nfsk_nl_request(struct nfsk_nl *nl, uint8_t cmd,
				 uint16_t flags);

/*
 * Send @nlh and run @cb on every reply until the kernel is done. On error
 * prints "nfsketch: <strerror>: <extack>" to stderr and returns -errno.
 */
int nfsk_nl_talk(struct nfsk_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
		 void *data);

/* As nfsk_nl_talk(), but prints nothing on error (errno is set). */
int nfsk_nl_talk_quiet(struct nfsk_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
		       void *data);

/* Join the "events" multicast group. */
int nfsk_nl_subscribe(struct nfsk_nl *nl);
/*
 * Join the generic netlink controller's "notify" group: CTRL_CMD_NEWFAMILY
 * and CTRL_CMD_DELFAMILY of every family, in every namespace the family
 * is registered for (nfsketch is netnsok, so all of them).
 */
int nfsk_nl_subscribe_ctrl(struct nfsk_nl *nl);

/* Parse a nest into tb[0..max] (attributes beyond max are ignored). */
void nfsk_nl_parse_nest(const struct nlattr *nest, const struct nlattr **tb,
			unsigned int max);
uint64_t nfsk_nl_u64(const struct nlattr *a);

/* A signed 64-bit attribute (libmnl has no mnl_attr_put_s64()). */
static inline void nfsk_nl_put_s64(struct nlmsghdr *nlh, uint16_t type,
				   int64_t v)
{
	mnl_attr_put(nlh, type, sizeof(v), &v);
}

/*
 * The integer attributes of the first nest of type @type in @nlh: val[t]
 * and has[t] for every t <= max (has may be NULL). False if no such nest.
 */
bool nfsk_nl_nest_values(const struct nlmsghdr *nlh, unsigned int type,
			 unsigned int max, uint64_t *val, bool *has);

#endif
