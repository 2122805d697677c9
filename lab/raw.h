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

/* One crafted case, as the shared driver needs to know it. */
struct sg_case {
	const char *name;
	int family;
	const char *expect; /* printed after the port ("event", "error:KIND"), or NULL */
};

/* The cases of a crafted mode: case i described, and built from sport to
 * dport between src and dst into buf (its length, or 0: it does not fit). */
struct sg_cases {
	const char *mode; /* "odd", "osfp": the usage and every output line */
	size_t n;
	uint16_t sport_base; /* case i is sent from sport_base + i */
	struct sg_case (*describe)(size_t i);
	size_t (*build)(size_t i, uint16_t sport, uint16_t dport, const uint8_t src[16],
			const uint8_t dst[16], uint8_t *buf, size_t cap);
};

/* The one driver of the crafted modes: parses -4 DST4 -6 DST6 -S SRC4
 * -T SRC6 -p PORT, opens a raw socket per family, sends each case once
 * and prints "MODE NAME SPORT [EXPECT]" for it.  Returns 0, 1 if a case
 * failed or a socket could not be had, 2 for a usage error (each said in
 * one line). */
int sg_crafted_run(int argc, char **argv, const struct sg_cases *cases);

#endif
