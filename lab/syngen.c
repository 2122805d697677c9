// SPDX-License-Identifier: MIT
/*
 * syngen - the lab's traffic generator.  Every mode is bounded in count
 * and in time and stops by itself.
 *
 *   syngen listen  -a ADDR -p PORT [-n COUNT] [-t SEC]
 *   syngen connect -a ADDR -p PORT [-n COUNT] [-c CONCURRENCY] [-t SEC]
 *                  [-r RATE]             (start at most RATE a second)
 *                  [-s SRCADDR [-k K]]   (K source addresses from SRCADDR, in turn)
 *                  [-l]                  (and the connect() latency distribution)
 *                  [-H MS]               (each connection kept open MS ms)
 *   syngen raw     ... (see raw.c)
 *   syngen odd     ... (see odd.c)
 *
 * listen prints "listening ADDR PORT" once it accepts, then accepts and
 * closes connections until COUNT were accepted or SEC passed.  connect
 * makes COUNT real TCP connections, C at a time, prints one line
 * "ok SRC:SPORT -> DST:DPORT" per completed handshake and a last line
 * "connect: N ok, M failed" on stderr; it exits 0 only if all succeeded.
 * With -l, a line before that: "latency_us n N min A p50 B p90 C p99 D
 * max E", from connect() to the socket turning writable (the handshake).
 * With -H, each connection stays open MS ms after its handshake, and
 * keeps its place among the C meanwhile.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "raw.h"
#include "sgargs.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t now_ms(void)
{
	return now_ns() / 1000000;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The q-th quantile of n sorted values (nearest rank). */
static uint32_t quantile(const uint32_t *v, uint32_t n, double q)
{
	uint32_t r = (uint32_t)(q * n + 0.999999);

	return v[r ? r - 1 : 0];
}

static void print_latency(uint32_t *lat, uint32_t n)
{
	if (!n)
		return;
	qsort(lat, n, sizeof(*lat), cmp_u32);
	fprintf(stderr, "latency_us n %u min %u p50 %u p90 %u p99 %u max %u\n", n, lat[0],
		quantile(lat, n, 0.5), quantile(lat, n, 0.9), quantile(lat, n, 0.99), lat[n - 1]);
}

static int do_listen(int argc, char **argv)
{
	struct sockaddr_storage ss;
	struct sg_args c;
	socklen_t len;
	uint64_t deadline;
	uint32_t accepted = 0;
	int fd, one = 1;

	if (sg_parse_args(argc, argv, &c) || sg_parse_addr(c.addr, (uint16_t)c.port, &ss, &len))
		return 2;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&ss, len) || listen(fd, 4096)) {
		fprintf(stderr, "syngen: listen on %s port %u: %s\n", c.addr, c.port,
			strerror(errno));
		return 1;
	}
	printf("listening %s %u\n", c.addr, c.port);
	fflush(stdout);
	deadline = now_ms() + (uint64_t)c.timeout * 1000;
	while (accepted < c.count) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		uint64_t now = now_ms();
		int cfd;

		if (now >= deadline)
			break;
		if (poll(&p, 1, (int)(deadline - now)) <= 0)
			continue;
		cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
		if (cfd < 0)
			continue;
		close(cfd);
		accepted++;
	}
	fprintf(stderr, "listen: %u accepted\n", accepted);
	close(fd);
	return 0;
}

/* A non-blocking connect, from the k-th source address after src when
 * src is given.  Returns the socket or -1. */
static int start_connect(const struct sockaddr_storage *dst, socklen_t dlen,
			 const struct sockaddr_storage *src, socklen_t slen, uint32_t k)
{
	int fd = socket(dst->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (src) {
		struct sockaddr_storage me = *src;

		if (me.ss_family == AF_INET)
			sg_addr_nth(src, k, (uint8_t *)&((struct sockaddr_in *)&me)->sin_addr);
		else
			sg_addr_nth(src, k, (uint8_t *)&((struct sockaddr_in6 *)&me)->sin6_addr);
		if (bind(fd, (const struct sockaddr *)&me, slen)) {
			close(fd);
			return -1;
		}
	}
	if (connect(fd, (const struct sockaddr *)dst, dlen) && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

static int do_connect(int argc, char **argv)
{
	struct sockaddr_storage dst, src;
	socklen_t dlen, slen = 0;
	struct sg_args c;
	struct pollfd *pfd;
	uint64_t *t_start, *t_close;
	uint32_t *lat, started = 0, ok = 0, failed = 0, live = 0, i;
	uint64_t deadline, t0;

	if (sg_parse_args(argc, argv, &c) || sg_parse_addr(c.addr, (uint16_t)c.port, &dst, &dlen) ||
	    (c.src && sg_parse_addr(c.src, 0, &src, &slen)))
		return 2;
	pfd = calloc(c.conc, sizeof(*pfd));
	t_start = calloc(c.conc, sizeof(*t_start));
	t_close = calloc(c.conc, sizeof(*t_close));		/* -H: when a held one closes */
	lat = c.latency ? calloc(c.count, sizeof(*lat)) : NULL; /* -l only */
	if (!pfd || !t_start || !t_close || (c.latency && !lat))
		return 1;
	for (i = 0; i < c.conc; i++)
		pfd[i].fd = -1;
	deadline = now_ms() + (uint64_t)c.timeout * 1000;
	t0 = now_ns();
	while ((started < c.count || live) && now_ms() < deadline) {
		for (i = 0; i < c.conc && started < c.count; i++) {
			if (pfd[i].fd >= 0)
				continue;
			if (c.rate && now_ns() < t0 + started * 1000000000ull / c.rate)
				break; /* -r: not yet */
			t_start[i] = now_ns();
			pfd[i].fd = start_connect(&dst, dlen, c.src ? &src : NULL, slen,
						  started % c.nsrc);
			pfd[i].events = POLLOUT;
			started++;
			if (pfd[i].fd < 0) {
				fprintf(stderr, "connect: %s\n", strerror(errno));
				failed++;
			} else {
				live++;
			}
		}
		for (i = 0; c.hold && i < c.conc; i++) {
			if (pfd[i].fd >= 0 && !pfd[i].events && now_ns() >= t_close[i]) {
				close(pfd[i].fd); /* held long enough */
				pfd[i].fd = -1;
				live--;
			}
		}
		if (!live) {
			if (c.rate)
				poll(NULL, 0, 1); /* paced: the next start is due soon */
			continue;
		}
		if (poll(pfd, c.conc, c.rate || c.hold ? 1 : 100) <= 0)
			continue;
		for (i = 0; i < c.conc; i++) {
			struct sockaddr_storage me;
			socklen_t ml = sizeof(me);
			int err = 0;
			socklen_t el = sizeof(err);
			char a[80], b[80];

			if (pfd[i].fd < 0 || !pfd[i].revents || !pfd[i].events)
				continue; /* (a held one may see POLLHUP) */
			if (lat)
				lat[ok] = (uint32_t)((now_ns() - t_start[i]) / 1000);
			getsockopt(pfd[i].fd, SOL_SOCKET, SO_ERROR, &err, &el);
			if (err) {
				fprintf(stderr, "connect: %s\n", strerror(err));
				failed++;
			} else {
				getsockname(pfd[i].fd, (struct sockaddr *)&me, &ml);
				sg_format_sa(&me, a, sizeof(a));
				sg_format_sa(&dst, b, sizeof(b));
				printf("ok %s -> %s\n", a, b);
				ok++;
			}
			pfd[i].revents = 0;
			if (c.hold && !err) {
				pfd[i].events = 0; /* held: closed by the loop above */
				t_close[i] = now_ns() + (uint64_t)c.hold * 1000000;
				continue;
			}
			close(pfd[i].fd);
			pfd[i].fd = -1;
			live--;
		}
	}
	for (i = 0; i < c.conc; i++) {
		if (pfd[i].fd >= 0) {
			close(pfd[i].fd);
			if (pfd[i].events)
				failed++; /* timed out (a held one had succeeded) */
		}
	}
	failed += c.count - started;
	free(pfd);
	free(t_start);
	free(t_close);
	fflush(stdout);
	if (lat)
		print_latency(lat, ok);
	free(lat);
	fprintf(stderr, "connect: %u ok, %u failed\n", ok, failed);
	return failed ? 1 : 0;
}

static void usage(void)
{
	fputs("usage: syngen listen|connect|raw|odd|osfp [options]  (see lab/README.md)\n", stderr);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage();
		return 2;
	}
	if (!strcmp(argv[1], "listen"))
		return do_listen(argc - 1, argv + 1);
	if (!strcmp(argv[1], "connect"))
		return do_connect(argc - 1, argv + 1);
	if (!strcmp(argv[1], "raw"))
		return sg_raw(argc - 1, argv + 1);
	if (!strcmp(argv[1], "odd"))
		return sg_odd(argc - 1, argv + 1);
	if (!strcmp(argv[1], "osfp"))
		return sg_osfp(argc - 1, argv + 1);
	usage();
	return 2;
}
