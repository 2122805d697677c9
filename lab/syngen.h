/* SPDX-License-Identifier: MIT */
#ifndef SYNGEN_H
#define SYNGEN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

int sg_parse_u32(const char *what, const char *s, uint32_t min, uint32_t max,
		 uint32_t *out);
int sg_parse_addr(const char *s, uint16_t port, struct sockaddr_storage *ss,
		  socklen_t *len);
/* The k-th address after base's (IPv4: last octet, IPv6: last 16 bits). */
void sg_addr_nth(const struct sockaddr_storage *base, uint32_t k, uint8_t *out);
void sg_format_sa(const struct sockaddr_storage *ss, char *buf, size_t len);

int sg_raw(int argc, char **argv);
int sg_odd(int argc, char **argv);

#endif
