/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtnames.h - route protocol and table names as `ip route` prints them,
 * from iproute2's rt_protos and rt_tables (/etc/iproute2, then
 * /usr/share/iproute2); a number without a name prints as the number.
 */
#ifndef _NFSK_RTNAMES_H
#define _NFSK_RTNAMES_H

#include <stddef.h>
#include <stdint.h>

#define RTNAME_LEN	64

/* Name of protocol @id (RTPROT_*) into @buf (RTNAME_LEN); returns @buf. */
const char *rtname_protocol(uint32_t id, char *buf);
/* Name of table @id into @buf (RTNAME_LEN); returns @buf. */
const char *rtname_table(uint32_t id, char *buf);
/*
 * Look @id up in a file of "number name" lines (# comments), as iproute2
 * reads them; exposed for tests. True and the name in @buf if found.
 */
int rtname_lookup_file(const char *path, uint32_t id, char *buf);
/*
 * iproute2's own RTPROT_* names (its rt_protos as shipped), for output that
 * must not depend on the host's files (the replay, metric labels): the
 * name of @id, else the number in @buf (@len bytes).
 */
const char *rtname_protocol_fixed(uint32_t id, char *buf, size_t len);
/* The number of such a name, or -1. */
int rtname_protocol_fixed_id(const char *name);

#endif /* _NFSK_RTNAMES_H */
