// SPDX-License-Identifier: MIT
/*
 * fmtbench - the JSON formatter alone: formats N SYN events (a Linux
 * client's signature, source address and port varied as in a flood) and
 * prints the nanoseconds and bytes per event, best and median of R runs.
 * No lab, no root: the sink thread's main cost measured without the
 * kernel's noise.
 *
 *   build/bin/fmtbench [N [R [P0F_DB]]]   (defaults 1000000, 7, Debian's p0f.fp)
 *
 * With P0F_DB "-" no database is loaded (no "os" keys).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "format.h"
#include "p0fdb.h"
#include "util.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* A SYN as Linux sends it: DF, MSS 1460, SACK, timestamps, scale 7. */
static void linux_syn(struct synsink_event *ev)
{
	static const uint8_t layout[] = { 2, 4, 8, 1, 3 };

	memset(ev, 0, sizeof(*ev));
	ev->family = AF_INET;
	inet_pton(AF_INET, "198.18.0.10", ev->saddr);
	inet_pton(AF_INET, "198.18.0.1", ev->daddr);
	ev->ts_ns = 1795000000123456789ull;
	ev->packet_id = 1;
	ev->queue = 1;
	ev->ttl = 64;
	ev->sport = 40000;
	ev->dport = 22;
	ev->seq = 0x12345678;
	ev->win = 64240;
	ev->tcp_flags = 0x02;
	ev->ip_id = 4711;
	ev->flags = SYNSINK_F_IP_DF;
	ev->mss = 1460;
	ev->wscale = 7;
	ev->tsval = 123456;
	ev->opt_present = 0xff;
	ev->n_opts = sizeof(layout);
	memcpy(ev->opt_order, layout, sizeof(layout));
	ev->doff = 10;
	ev->indev = 2;
	memcpy(ev->indev_name, "veth-srv", 9);
	ev->hwaddr_len = 6;
	memcpy(ev->hwaddr, "\x02\x00\x5e\x00\x00\x01", 6);
	ev->flags |= SYNSINK_F_HAS_HW;
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
	unsigned long runs = argc > 2 ? strtoul(argv[2], NULL, 10) : 7;
	const char *path = argc > 3 ? argv[3] : P0F_DB_DEFAULT;
	static char buf[SYNSINK_LINE_MAX];
	struct synsink_event ev;
	struct p0f_db db;
	uint64_t ns[64];
	size_t bytes = 0;
	unsigned long r, i;
	char err[256];

	if (!n || !runs || runs > 64) {
		fprintf(stderr, "usage: fmtbench [N [R (1-64) [P0F_DB|-]]]\n");
		return 64;
	}
	if (strcmp(path, "-")) {
		if (p0f_db_load(&db, path, err, sizeof(err))) {
			fprintf(stderr, "fmtbench: %s\n", err);
			return 1;
		}
		syn_format_set_p0f(&db);
	}
	linux_syn(&ev);
	for (r = 0; r < runs; r++) {
		uint64_t t0 = clock_mono_ns();

		bytes = 0;
		for (i = 0; i < n; i++) {
			ev.saddr[3] = (uint8_t)i;
			ev.saddr[2] = (uint8_t)(i >> 8);
			ev.sport = (uint16_t)(1024 + i % 60000);
			ev.packet_id = (uint32_t)i;
			ev.ts_ns += 4000;
			bytes += syn_format_json(&ev, buf, sizeof(buf));
		}
		ns[r] = clock_mono_ns() - t0;
	}
	qsort(ns, runs, sizeof(ns[0]), cmp_u64);
	printf("fmtbench: %lu events x %lu runs, %zu bytes an event: best %.1f ns, median %.1f ns an "
	       "event\n",
	       n, runs, bytes / n, (double)ns[0] / (double)n, (double)ns[runs / 2] / (double)n);
	return 0;
}
