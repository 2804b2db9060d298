/* SPDX-License-Identifier: GPL-2.0 */
/*
 * netns.h - run in a named network namespace, as `ip -n NETNS` does.
 */
#ifndef _NFSK_NETNS_H
#define _NFSK_NETNS_H

/*
 * Enter network namespace NAME: a name of `ip netns` (/run/netns/NAME) or,
 * with a '/', the path of a namespace file (/proc/PID/ns/net). 0, or -1
 * after a message on stderr. Needs CAP_SYS_ADMIN.
 */
int nfsk_netns_enter(const char *name);

#endif /* _NFSK_NETNS_H */
