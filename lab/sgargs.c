// SPDX-License-Identifier: MIT
/* sgargs.c - syngen's options and addresses, shared by its modes
 * (syngen.c: listen, connect; raw.c: raw, odd). */
#include "sgargs.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sg_parse_u32(const char *what, const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9')
		goto bad;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		goto bad;
	*out = (uint32_t)v;
	return 0;
bad:
	fprintf(stderr, "syngen: %s: '%s' is not a number in %u-%u\n", what, s, min, max);
	return -1;
}

int sg_parse_addr(const char *s, uint16_t port, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, s, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons(port);
		*len = sizeof(*in4);
		return 0;
	}
	if (inet_pton(AF_INET6, s, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		*len = sizeof(*in6);
		return 0;
	}
	fprintf(stderr, "syngen: '%s' is not an IPv4 or IPv6 address\n", s);
	return -1;
}

void sg_format_sa(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in4 = (const void *)ss;

		inet_ntop(AF_INET, &in4->sin_addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, ntohs(in4->sin_port));
	} else {
		const struct sockaddr_in6 *in6 = (const void *)ss;

		inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, ntohs(in6->sin6_port));
	}
}

void sg_addr_nth(const struct sockaddr_storage *base, uint32_t k, uint8_t *out)
{
	if (base->ss_family == AF_INET) {
		memcpy(out, &((const struct sockaddr_in *)base)->sin_addr, 4);
		out[3] = (uint8_t)(out[3] + k);
	} else {
		uint16_t last;

		memcpy(out, &((const struct sockaddr_in6 *)base)->sin6_addr, 16);
		last = (uint16_t)((out[14] << 8 | out[15]) + k);
		out[14] = (uint8_t)(last >> 8);
		out[15] = (uint8_t)last;
	}
}

int sg_parse_args(int argc, char **argv, struct sg_args *a)
{
	int o;

	memset(a, 0, sizeof(*a));
	a->count = 1;
	a->conc = 1;
	a->timeout = 10;
	a->nsrc = 1;
	a->copies = 1;
	a->opts = "linux";
	while ((o = getopt(argc, argv, "a:p:n:c:t:s:k:r:o:x:lH:")) != -1) {
		switch (o) {
		case 'l':
			a->latency = 1;
			break;
		case 'a':
			a->addr = optarg;
			break;
		case 's':
			a->src = optarg;
			break;
		case 'o':
			a->opts = optarg;
			break;
		case 'p':
			if (sg_parse_u32("-p", optarg, 1, 65535, &a->port))
				return -1;
			break;
		case 'n':
			if (sg_parse_u32("-n", optarg, 1, 100000000, &a->count))
				return -1;
			break;
		case 'c':
			if (sg_parse_u32("-c", optarg, 1, 4096, &a->conc))
				return -1;
			break;
		case 't':
			if (sg_parse_u32("-t", optarg, 1, 3600, &a->timeout))
				return -1;
			break;
		case 'k':
			if (sg_parse_u32("-k", optarg, 1, 65535, &a->nsrc))
				return -1;
			break;
		case 'r':
			if (sg_parse_u32("-r", optarg, 0, 10000000, &a->rate))
				return -1;
			break;
		case 'H':
			if (sg_parse_u32("-H", optarg, 0, 60000, &a->hold))
				return -1;
			break;
		case 'x':
			if (sg_parse_u32("-x", optarg, 1, 10, &a->copies))
				return -1;
			break;
		default:
			return -1;
		}
	}
	if (a->nsrc > 1 && !a->src) {
		fprintf(stderr, "syngen: -k needs -s SRC, the first source address\n");
		return -1;
	}
	if (!a->addr || !a->port) {
		fprintf(stderr, "syngen: -a ADDR and -p PORT are required\n");
		return -1;
	}
	return 0;
}
