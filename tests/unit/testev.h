/* SPDX-License-Identifier: MIT */
/* testev.h - a SYN event for the unit tests: a family, two lab addresses,
 * ports 40000 -> 22; the test adds the rest. */
#ifndef SYNSINK_TESTEV_H
#define SYNSINK_TESTEV_H

#include <arpa/inet.h>

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

#endif
