/* SPDX-License-Identifier: MIT */
/* sgargs.h - syngen's options and addresses, shared by its modes. */
#ifndef SYNGEN_SGARGS_H
#define SYNGEN_SGARGS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

int sg_parse_u32(const char *what, const char *s, uint32_t min, uint32_t max, uint32_t *out);
int sg_parse_addr(const char *s, uint16_t port, struct sockaddr_storage *ss, socklen_t *len);
/* The k-th address after base's (IPv4: last octet, IPv6: last 16 bits). */
void sg_addr_nth(const struct sockaddr_storage *base, uint32_t k, uint8_t *out);
void sg_format_sa(const struct sockaddr_storage *ss, char *buf, size_t len);

/* Options of every mode; a mode ignores those it has no use for. */
struct sg_args {
	const char *addr; /* -a: destination (listen: local address) */
	const char *src;  /* -s: (first) source address */
	const char *opts; /* -o: raw's TCP option layout */
	uint32_t port;	  /* -p */
	uint32_t count;	  /* -n */
	uint32_t conc;	  /* -c: connections at a time */
	uint32_t timeout; /* -t: seconds */
	uint32_t nsrc;	  /* -k: source addresses, counting up from -s */
	uint32_t rate;	  /* -r: packets per second, 0 flat out */
	uint32_t copies;  /* -x: raw: each SYN sent this many times (a retransmit) */
	int latency;	  /* -l: connect: print the connect() latency distribution */
	uint32_t hold;	  /* -H: connect: keep each connection open this many ms */
};

/* Parses the options; prints one line and returns -1 on a bad one. */
int sg_parse_args(int argc, char **argv, struct sg_args *a);

#endif
