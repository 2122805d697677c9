/* SPDX-License-Identifier: MIT */
/*
 * retx.h - retransmitted SYNs: the same 4-tuple and initial sequence
 * number seen again within a window.  A bounded open-addressing table,
 * one per capture thread (no locks); when a probe finds no free or expired
 * slot the oldest one probed is evicted and counted.
 */
#ifndef SYNSINK_RETX_H
#define SYNSINK_RETX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <synsink/event.h>

#define RETX_PROBES 8

struct retx_ent {
	uint64_t seen_ns;	/* 0: empty */
	uint32_t hash;
	uint32_t seq;
	uint16_t sport, dport;
	uint8_t family;
	uint8_t saddr[16], daddr[16];
};

struct retx_table {
	struct retx_ent *e;
	size_t mask;
	uint64_t window_ns;
	unsigned long long evictions;
};

/* entries: a power of two.  Returns 0, -EINVAL or -ENOMEM. */
int retx_init(struct retx_table *t, size_t entries, uint64_t window_ns);
void retx_free(struct retx_table *t);

/* Whether ev's 4-tuple and ISN were seen within the window before now_ns
 * (a monotonic clock); records this sighting either way. */
bool retx_check(struct retx_table *t, const struct syn_event *ev, uint64_t now_ns);

#endif
