/* SPDX-License-Identifier: MIT */
/* testev.h - a SYN event for the unit tests: a family, two lab addresses,
 * ports 40000 -> 22; the test adds the rest. */
#ifndef SYNSINK_TESTEV_H
#define SYNSINK_TESTEV_H

#include <arpa/inet.h>
#include <string.h>

#include <synsink/event.h>

static inline struct synsink_event test_event(int family, const char *src, const char *dst)
{
	struct synsink_event ev = { 0 };

	ev.family = (uint8_t)family;
	inet_pton(family, src, ev.saddr);
	inet_pton(family, dst, ev.daddr);
	ev.sport = 40000;
	ev.dport = 22;
	return ev;
}

/* The event whose JSON is longest: IPv6 addresses of all-hex groups, 40
 * options of unnamed kinds, interface names of bytes that are escaped. */
static inline struct synsink_event test_event_longest(void)
{
	struct synsink_event ev = test_event(AF_INET6, "fd00:5e::1", "fd00:5e::2");
	int i;

	memset(ev.saddr, 0xfe, 16);
	memset(ev.daddr, 0xfe, 16);
	ev.opt_present = 0xff;
	ev.n_opts = SYNSINK_MAX_OPTS;
	for (i = 0; i < SYNSINK_MAX_OPTS; i++)
		ev.opt_order[i] = 253;
	ev.indev = ev.outdev = 1;
	memset(ev.indev_name, 0xff, sizeof(ev.indev_name));
	memset(ev.outdev_name, 0x01, sizeof(ev.outdev_name));
	ev.flags = 0xffff;
	ev.hwaddr_len = 8;
	ev.ts_ns = UINT64_MAX / 2;
	return ev;
}

#endif
