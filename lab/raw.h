/* SPDX-License-Identifier: MIT */
/* raw.h - syngen's crafted-packet modes (raw.c). */
#ifndef SYNGEN_RAW_H
#define SYNGEN_RAW_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* syngen raw ...: crafted SYNs, bounded in count and time. */
int sg_raw(int argc, char **argv);
/* syngen odd ...: SYNs of odd shapes, one of each. */
int sg_odd(int argc, char **argv);
/* syngen osfp ...: SYNs shaped like other systems' and scanners' (osfp.c). */
int sg_osfp(int argc, char **argv);
/* A raw socket that takes whole IP packets; -1 after saying why. */
int sg_raw_socket(int family);

/* What odd and osfp share: -4 DST4 -6 DST6 -S SRC4 -T SRC6 -p PORT, and a
 * raw socket per family. */
struct sg_crafted {
	struct sockaddr_storage dst4, dst6, src4, src6;
	socklen_t l4, l6;
	uint32_t port;
	int fd4, fd6;
};

/* Parses the options and opens the sockets.  Returns 0, 2 for a usage
 * error, 1 for a socket error (said in one line each). */
int sg_crafted_open(int argc, char **argv, const char *mode, struct sg_crafted *c);
/* The source and destination addresses of family, as bytes. */
void sg_crafted_addrs(const struct sg_crafted *c, int family, uint8_t src[16], uint8_t dst[16]);
/* Sends one packet of family; returns 0 or -errno. */
int sg_crafted_send(const struct sg_crafted *c, int family, const uint8_t *buf, size_t len);
void sg_crafted_close(struct sg_crafted *c);

#endif
