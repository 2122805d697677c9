// SPDX-License-Identifier: MIT
/*
 * ebpfcost - the ebpf source's ceiling, past the lab generator's 250k/s:
 * the kernel's test run feeds the tc program N crafted SYNs (a Linux
 * client's: MSS, SACK, timestamps, window scale; each its own source
 * port), which fill the ring; then the source's own capture thread reads
 * them as it reads a live ring: records, decode, batch, retransmit table,
 * counters.  No sink: fmtbench gives the JSON's cost per event.
 *
 *   ebpfcost [N]        (default 250000; root: it loads a BPF program)
 *
 * One line: the program's mean run time per SYN (the test runs'), the
 * capture thread's CPU per record and the rate that is for one core.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "counter.h"

/* Ethernet, IPv4 (198.18.0.10 -> 198.18.0.1, DF, TTL 64), TCP to port 80
 * with 20 bytes of options: MSS 1460, SACK permitted, timestamps, NOP,
 * window scale 7.  The source port is at SPORT_AT. */
static const uint8_t frame_tmpl[] = {
	0x02, 0,    0,	  0,	0,    0x01, 0x02, 0,	0,    0,    0,	  0x02, 0x08, 0x00, 0x45,
	0x00, 0x00, 0x3c, 0x00, 0x00, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00, 198,	18,   0,    10,
	198,  18,   0,	  1,	0x9c, 0x40, 0x00, 0x50, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x00, 0xa0, 0x02, 0xfa, 0xf0, 0x00, 0x00, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02,
	0x08, 0x0a, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07,
};
#define SPORT_AT 34

static double thread_cpu_ns(pthread_t t)
{
	struct timespec ts;
	clockid_t id;

	if (pthread_getcpuclockid(t, &id) || clock_gettime(id, &ts))
		return 0;
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static double mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	struct capture_cfg cfg = {
		.retx_table = 65536,
		.retx_window_ns = 1000000000ull,
		.ebpf_dirs = EBPF_HOOK_IN,
		.ebpf_ring = 1u << 26,
	};
	static struct capture c;
	uint8_t frame[sizeof(frame_tmpl)];
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 250000;
	double prog_ns = 0, cpu0, t0, cpu, wall;
	char err[256];
	uint32_t ns;
	unsigned long i;
	int stop, ret;

	if (n == 0 || n > 300000) {
		fprintf(stderr, "ebpfcost: N is 1 to 300000 (the ring holds that many)\n");
		return 64;
	}
	if (ebpf_open(&c, &cfg, NULL, 0, err, sizeof(err))) {
		fprintf(stderr, "ebpfcost: %s\n", err);
		return 1;
	}
	memcpy(frame, frame_tmpl, sizeof(frame));
	for (i = 0; i < n; i++) {
		uint16_t port = (uint16_t)(1024 + i % 64000);

		frame[SPORT_AT] = (uint8_t)(port >> 8);
		frame[SPORT_AT + 1] = (uint8_t)port;
		frame[SPORT_AT + 6] = (uint8_t)(i >> 8); /* the sequence number */
		frame[SPORT_AT + 7] = (uint8_t)i;
		ret = ebpf_test_run(&c, frame, sizeof(frame), 1, &ns);
		if (ret) {
			fprintf(stderr, "ebpfcost: test run: %s\n", strerror(-ret));
			return 1;
		}
		prog_ns += ns;
	}
	stop = eventfd(0, EFD_CLOEXEC);
	t0 = mono_ns();
	if (stop < 0 || capture_start(&c, stop)) {
		fprintf(stderr, "ebpfcost: cannot start the thread\n");
		return 1;
	}
	cpu0 = thread_cpu_ns(c.thread);
	while (stat_get(&c.st.received) < n)
		usleep(1000);
	wall = mono_ns() - t0;
	cpu = thread_cpu_ns(c.thread) - cpu0;
	if (eventfd_write(stop, 1) == 0)
		capture_join(&c);
	printf("ebpfcost: %lu records, %llu events; program %.0f ns/SYN (test run); "
	       "consumer %.0f ns/record CPU, %.0f wall: %.2f M records/s on one core\n",
	       n, stat_get(&c.st.events), prog_ns / (double)n, cpu / (double)n, wall / (double)n,
	       1e3 / (cpu / (double)n));
	capture_close(&c);
	close(stop);
	return stat_get(&c.st.events) == n ? 0 : 1;
}
