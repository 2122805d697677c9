/* SPDX-License-Identifier: MIT */
/*
 * hostport.h - "HOST:PORT" and "[IPV6]:PORT", the one parser of them.
 * Pure, and built as a small static library of its own, so the core
 * (--metrics) and the plugins (the syslog target) share it.
 */
#ifndef SYNSINK_HOSTPORT_H
#define SYNSINK_HOSTPORT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Splits s into host (without brackets, NUL-terminated in host[hostlen])
 * and port 1-65535.  An IPv6 host must be in brackets.  Returns 0,
 * -EINVAL when s is not of that form (or the host does not fit), or
 * -ERANGE when the port is not a number in 1-65535.
 */
int hostport_split(const char *s, char *host, size_t hostlen, uint16_t *port);

#endif
