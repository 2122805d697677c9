/* SPDX-License-Identifier: MIT */
/*
 * sockdiag.h - the inode of a local TCP socket by its 4-tuple, through
 * NETLINK_SOCK_DIAG (inet_diag's exact lookup, no dump).  The socket is
 * opened in synsink's network namespace, where the SYNs are sent.  No
 * capability is needed for it.
 */
#ifndef SYNSINK_SOCKDIAG_H
#define SYNSINK_SOCKDIAG_H

#include <stddef.h>
#include <stdint.h>

#include "synsink/event.h"

#define SOCKDIAG_BATCH 64 /* requests per sendmsg */

/* Returns the netlink socket, or -errno. */
int sockdiag_open(void);
/* Looks up the sockets that sent the SYNs ev[0..n) (n <= SOCKDIAG_BATCH),
 * all requests in one send: inode[i] is the socket's inode, or 0 when no
 * such socket exists any more (or it has no file).  Returns 0 or -errno
 * (then inode[] is all 0). */
int sockdiag_inodes(int fd, const struct synsink_event *const *ev, size_t n, uint32_t *inode);

#endif
