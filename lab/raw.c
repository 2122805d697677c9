// SPDX-License-Identifier: MIT
/*
 * raw.c - crafted SYNs through a raw socket (IP header included).
 *
 *   syngen raw -a DST -p DPORT -n COUNT [-r RATE] [-t SEC]
 *              [-s SRC -k K] [-o linux|none|all] [-x COPIES]
 *     COUNT SYNs, source port and source address varied (K addresses from
 *     SRC, so --queue-balance, which hashes addresses, spreads them), at
 *     RATE per second (0: flat out), stopping at COUNT or after SEC.
 *     With -x, each SYN goes out COPIES times in a row, the same 4-tuple
 *     and ISN: a retransmission (COUNT counts packets, COPIES per SYN).
 *     Prints "raw: sent N" (N < COUNT only if time ran out: exit 1).
 *
 *   syngen odd -4 DST4 -6 DST6 -S SRC4 -T SRC6 -p DPORT
 *     One of each unusual or malformed SYN the decoder's unit tests cover,
 *     each from its own source port.  Prints one line per packet:
 *       odd NAME SPORT EXPECT
 *     EXPECT is "event" (synsink reports it) or "error:KIND" (synsink
 *     counts it as that decode error).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "pkt.h"
#include "raw.h"
#include "sgargs.h"

#ifndef IPV6_HDRINCL
#define IPV6_HDRINCL 36
#endif

#define BATCH 32

static const uint8_t linux_opts[] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0,
				      0, 1, 0,	  0,	0, 0, 1, 3,  3, 7 };
/* Every kind the decoder names, plus an unknown one, in 40 bytes. */
static const uint8_t all_opts[] = { 2, 4, 0x05, 0xb4, 1,    3,	  3, 7,	 4, 2, 8, 10, 0, 0,
				    0, 5, 0,	0,    0,    0,	  5, 10, 0, 0, 0, 1,  0, 0,
				    0, 2, 253,	4,    0xab, 0xcd, 1, 1,	 1, 0, 0, 0 };

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int sg_raw_socket(int family)
{
	int one = 1;
	int fd = socket(family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);

	if (fd < 0) {
		fprintf(stderr, "syngen: raw socket: %s (needs root)\n", strerror(errno));
		return -1;
	}
	if (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_HDRINCL, &one, sizeof(one))) {
		fprintf(stderr, "syngen: IPV6_HDRINCL: %s\n", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Builds one SYN from src to dst; returns its length or 0. */
static size_t build(uint8_t *buf, int family, const uint8_t *src, const uint8_t *dst,
		    const struct tcp_spec *t)
{
	if (family == AF_INET)
		return pkt_ipv4(buf, PKT_MAX, src, dst, 64, 0x4000, NULL, 0, t);
	return pkt_ipv6(buf, PKT_MAX, src, dst, 64, 6, NULL, 0, t);
}

int sg_raw(int argc, char **argv)
{
	static uint8_t bufs[BATCH][PKT_MAX];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_storage dst, src;
	socklen_t dlen, slen;
	struct sg_args a;
	struct tcp_spec t = { .win = 64240, .flags = 0x02 };
	uint8_t daddr[16], saddr[16];
	uint64_t start, deadline;
	uint32_t sent = 0;
	int fd, i;

	if (sg_parse_args(argc, argv, &a))
		return 2;
	if (!a.src) {
		fprintf(stderr, "syngen raw: -s SRC is required\n");
		return 2;
	}
	if (sg_parse_addr(a.addr, 0, &dst, &dlen) || sg_parse_addr(a.src, 0, &src, &slen))
		return 2;
	if (dst.ss_family != src.ss_family) {
		fprintf(stderr, "syngen: -a and -s must be the same family\n");
		return 2;
	}
	if (!strcmp(a.opts, "linux")) {
		t.opts = linux_opts;
		t.optlen = sizeof(linux_opts);
	} else if (!strcmp(a.opts, "all")) {
		t.opts = all_opts;
		t.optlen = sizeof(all_opts);
	} else if (strcmp(a.opts, "none")) {
		fprintf(stderr, "syngen: -o: '%s' is not linux, all or none\n", a.opts);
		return 2;
	}
	sg_addr_nth(&dst, 0, daddr);
	fd = sg_raw_socket(dst.ss_family);
	if (fd < 0)
		return 1;

	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = bufs[i];
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &dst;
		msgs[i].msg_hdr.msg_namelen = dlen;
	}
	t.dport = (uint16_t)a.port;
	start = now_ns();
	deadline = start + (uint64_t)a.timeout * 1000000000u;
	while (sent < a.count) {
		uint64_t now = now_ns();
		uint32_t due = a.count - sent, n;
		int r;

		if (now >= deadline)
			break;
		if (a.rate) {
			uint64_t allowed = (now - start) * a.rate / 1000000000u + 1;

			if (allowed > a.count)
				allowed = a.count;
			due = allowed > sent ? (uint32_t)(allowed - sent) : 0;
			if (!due) {
				struct timespec ts = { 0, 20000 }; /* pacing */

				nanosleep(&ts, NULL);
				continue;
			}
		}
		n = due < BATCH ? due : BATCH;
		for (i = 0; i < (int)n; i++) {
			uint32_t k = (sent + (uint32_t)i) / a.copies;

			sg_addr_nth(&src, k % a.nsrc, saddr);
			t.sport = (uint16_t)(1024 + (k / a.nsrc) % 64000);
			t.seq = k * 2654435761u;
			iov[i].iov_len = build(bufs[i], dst.ss_family, saddr, daddr, &t);
		}
		r = sendmmsg(fd, msgs, n, 0);
		if (r < 0) {
			if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR)
				continue;
			fprintf(stderr, "syngen: send: %s\n", strerror(errno));
			break;
		}
		sent += (uint32_t)r;
	}
	close(fd);
	printf("raw: sent %u\n", sent);
	fprintf(stderr, "raw: sent %u in %.3f s\n", sent, (double)(now_ns() - start) / 1e9);
	return sent == a.count ? 0 : 1;
}

struct odd_case {
	const char *name;
	int family;
	const char *expect;
	uint8_t doff;
	uint8_t flags;
	const uint8_t *opts;
	size_t optlen;
	size_t paylen;
	const uint8_t *ipopts;
	size_t ipoptlen;
	int n_ext;	/* IPv6 destination-options headers after hop-by-hop */
	size_t big_ext; /* size of one more, large, header (0: none) */
	uint16_t frag4; /* IPv4 flags and offset (0: DF, as usual) */
	int frag6;	/* IPv6: a fragment header (offset 0, more) last */
};

static const uint8_t zero_len[] = { 2, 4, 0x05, 0xb4, 30, 0, 1, 1 };
static const uint8_t overlong[] = { 2, 4, 0x05, 0xb4, 3, 40, 7, 1 };
static const uint8_t len_one[] = { 4, 2, 8, 1 };
static const uint8_t ip_nops[] = { 1, 1, 1, 0 };

static const struct odd_case odd_cases[] = {
	{ "all_options", AF_INET, "event", 0, 0x02, all_opts, sizeof(all_opts), 0, NULL, 0, 0, 0, 0,
	  0 },
	{ "opt_zero_length", AF_INET, "event", 0, 0x02, zero_len, sizeof(zero_len), 0, NULL, 0, 0,
	  0, 0, 0 },
	{ "opt_overlong", AF_INET, "event", 0, 0x02, overlong, sizeof(overlong), 0, NULL, 0, 0, 0,
	  0, 0 },
	{ "opt_length_one", AF_INET6, "event", 0, 0x02, len_one, sizeof(len_one), 0, NULL, 0, 0, 0,
	  0, 0 },
	{ "ipv4_options", AF_INET, "event", 0, 0x02, linux_opts, sizeof(linux_opts), 0, ip_nops,
	  sizeof(ip_nops), 0, 0, 0, 0 },
	{ "ecn_setup", AF_INET, "event", 0, 0xc2, linux_opts, sizeof(linux_opts), 0, NULL, 0, 0, 0,
	  0, 0 },
	{ "syn_with_data", AF_INET6, "event", 0, 0x02, linux_opts, sizeof(linux_opts), 100, NULL, 0,
	  0, 0, 0, 0 },
	{ "no_options", AF_INET6, "event", 0, 0x02, NULL, 0, 0, NULL, 0, 0, 0, 0, 0 },
	{ "ipv6_ext_chain", AF_INET6, "event", 0, 0x02, linux_opts, sizeof(linux_opts), 0, NULL, 0,
	  3, 256, 0, 0 },
	/* The kernel walks any number of extension headers; so must we. */
	{ "ipv6_chain_9", AF_INET6, "event", 0, 0x02, NULL, 0, 0, NULL, 0, 8, 0, 0, 0 },
	{ "ipv6_chain_41", AF_INET6, "event", 0, 0x02, linux_opts, sizeof(linux_opts), 0, NULL, 0,
	  40, 0, 0, 0 },
	/* 150 headers, 1200 bytes: as long as a minimum-MTU (1280) packet holds. */
	{ "ipv6_chain_min_mtu", AF_INET6, "event", 0, 0x02, NULL, 0, 0, NULL, 0, 149, 0, 0, 0 },
	/* First fragments carrying the whole TCP header: reported, "frag":true. */
	{ "ipv4_first_fragment", AF_INET, "event", 0, 0x02, linux_opts, sizeof(linux_opts), 0, NULL,
	  0, 0, 0, 0x2000, 0 },
	{ "ipv6_first_fragment", AF_INET6, "event", 0, 0x02, linux_opts, sizeof(linux_opts), 0,
	  NULL, 0, 0, 0, 0, 1 },
	{ "doff_past_end", AF_INET, "error:tcp_doff", 15, 0x02, NULL, 0, 0, NULL, 0, 0, 0, 0, 0 },
	{ "doff_past_end6", AF_INET6, "error:tcp_doff", 12, 0x02, NULL, 0, 0, NULL, 0, 0, 0, 0, 0 },
	{ "doff_below_5", AF_INET, "error:tcp_doff", 4, 0x02, NULL, 0, 0, NULL, 0, 0, 0, 0, 0 },
};

#define ODD_SPORT_BASE 50000

/* IPv6: hop-by-hop, n_ext destination options, optionally a big one, and
 * optionally a fragment header (offset 0, more to come) last. */
static size_t odd_chain(const struct odd_case *c, uint8_t *chain, size_t cap)
{
	size_t len = 0;
	int i, total = 1 + c->n_ext + (c->big_ext ? 1 : 0);

	for (i = 0; i < total; i++) {
		uint8_t nh = i + 1 < total ? 60 : c->frag6 ? 44 : 6;
		size_t hlen = (c->big_ext && i + 1 == total) ? c->big_ext : 8;

		len = pkt_ext_append(chain, len, cap, nh, hlen);
		if (!len)
			return 0;
	}
	if (c->frag6) {
		static const uint8_t frag[8] = { 6, 0, 0x00, 0x01, 0x5e, 0x5e, 0, 1 };

		if (len + sizeof(frag) > cap)
			return 0;
		memcpy(chain + len, frag, sizeof(frag));
		len += sizeof(frag);
	}
	return len;
}

/* What the crafted modes share: the addresses, the port, a raw socket
 * per family. */
struct sg_crafted {
	struct sockaddr_storage dst4, dst6, src4, src6;
	socklen_t l4, l6;
	uint32_t port;
	int fd4, fd6;
};

static void crafted_close(struct sg_crafted *c);

/* Parses the options and opens the sockets.  Returns 0, 2 for a usage
 * error, 1 for a socket error (said in one line each). */
static int crafted_open(int argc, char **argv, const char *mode, struct sg_crafted *c)
{
	const char *a4 = NULL, *a6 = NULL, *s4 = NULL, *s6 = NULL;
	socklen_t sl;
	int o;

	memset(c, 0, sizeof(*c));
	c->fd4 = c->fd6 = -1;
	while ((o = getopt(argc, argv, "4:6:p:S:T:")) != -1) {
		switch (o) {
		case '4':
			a4 = optarg;
			break;
		case '6':
			a6 = optarg;
			break;
		case 'S':
			s4 = optarg;
			break;
		case 'T':
			s6 = optarg;
			break;
		case 'p':
			if (sg_parse_u32("-p", optarg, 1, 65535, &c->port))
				return 2;
			break;
		default:
			return 2;
		}
	}
	if (!a4 || !a6 || !s4 || !s6 || !c->port) {
		fprintf(stderr, "syngen %s: -4 DST4 -6 DST6 -S SRC4 -T SRC6 -p PORT are required\n",
			mode);
		return 2;
	}
	if (sg_parse_addr(a4, 0, &c->dst4, &c->l4) || sg_parse_addr(a6, 0, &c->dst6, &c->l6) ||
	    sg_parse_addr(s4, 0, &c->src4, &sl) || sg_parse_addr(s6, 0, &c->src6, &sl))
		return 2;
	c->fd4 = sg_raw_socket(AF_INET);
	c->fd6 = sg_raw_socket(AF_INET6);
	if (c->fd4 < 0 || c->fd6 < 0) {
		crafted_close(c);
		return 1;
	}
	return 0;
}

static void crafted_addrs(const struct sg_crafted *c, int family, uint8_t src[16], uint8_t dst[16])
{
	sg_addr_nth(family == AF_INET ? &c->src4 : &c->src6, 0, src);
	sg_addr_nth(family == AF_INET ? &c->dst4 : &c->dst6, 0, dst);
}

static int crafted_send(const struct sg_crafted *c, int family, const uint8_t *buf, size_t len)
{
	const struct sockaddr_storage *dst = family == AF_INET ? &c->dst4 : &c->dst6;

	if (sendto(family == AF_INET ? c->fd4 : c->fd6, buf, len, 0, (const struct sockaddr *)dst,
		   family == AF_INET ? c->l4 : c->l6) < 0)
		return -errno;
	return 0;
}

static void crafted_close(struct sg_crafted *c)
{
	if (c->fd4 >= 0)
		close(c->fd4);
	if (c->fd6 >= 0)
		close(c->fd6);
	c->fd4 = c->fd6 = -1;
}

int sg_crafted_run(int argc, char **argv, const struct sg_cases *cases)
{
	struct sg_crafted cr;
	int fails = 0, ret;
	size_t i;

	ret = crafted_open(argc, argv, cases->mode, &cr);
	if (ret)
		return ret;
	for (i = 0; i < cases->n; i++) {
		struct sg_case c = cases->describe(i);
		uint16_t sport = (uint16_t)(cases->sport_base + i);
		uint8_t buf[PKT_MAX], src[16], dst[16];
		size_t n;

		crafted_addrs(&cr, c.family, src, dst);
		n = cases->build(i, sport, (uint16_t)cr.port, src, dst, buf, sizeof(buf));
		ret = n ? crafted_send(&cr, c.family, buf, n) : 0;
		if (!n || ret) {
			fprintf(stderr, "syngen %s: %s: %s\n", cases->mode, c.name,
				n ? strerror(-ret) : "does not fit");
			fails++;
			continue;
		}
		printf("%s %s %u%s%s\n", cases->mode, c.name, sport, c.expect ? " " : "",
		       c.expect ? c.expect : "");
	}
	crafted_close(&cr);
	return fails ? 1 : 0;
}

static struct sg_case odd_describe(size_t i)
{
	const struct odd_case *c = &odd_cases[i];

	return (struct sg_case){ c->name, c->family, c->expect };
}

static size_t odd_build(size_t i, uint16_t sport, uint16_t dport, const uint8_t src[16],
			const uint8_t dst[16], uint8_t *buf, size_t cap)
{
	const struct odd_case *c = &odd_cases[i];
	struct tcp_spec t = { .sport = sport,
			      .dport = dport,
			      .seq = 1000u + (uint32_t)i,
			      .win = 1024,
			      .flags = c->flags,
			      .opts = c->opts,
			      .optlen = c->optlen,
			      .doff = c->doff,
			      .paylen = c->paylen };
	uint8_t chain[1400];

	if (c->family == AF_INET)
		return pkt_ipv4(buf, cap, src, dst, 64, c->frag4 ? c->frag4 : 0x4000, c->ipopts,
				c->ipoptlen, &t);
	if (c->n_ext || c->big_ext || c->frag6)
		return pkt_ipv6(buf, cap, src, dst, 64, 0, chain,
				odd_chain(c, chain, sizeof(chain)), &t);
	return pkt_ipv6(buf, cap, src, dst, 64, 6, NULL, 0, &t);
}

int sg_odd(int argc, char **argv)
{
	static const struct sg_cases odd = { "odd", sizeof(odd_cases) / sizeof(odd_cases[0]),
					     ODD_SPORT_BASE, odd_describe, odd_build };

	return sg_crafted_run(argc, argv, &odd);
}
