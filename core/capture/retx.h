/* SPDX-License-Identifier: MIT */
/*
 * retx.h - retransmitted SYNs: the same 4-tuple and initial sequence
 * number seen again within a window.  A bounded table, one per capture
 * thread (no locks), of buckets of RETX_WAYS entries.  A bucket's hash
 * tags and last-seen times share one cache line, so a lookup reads one
 * line (and a key only when a tag matches); when a bucket holds no free
 * or expired entry its oldest is evicted and counted.
 */
#ifndef SYNSINK_RETX_H
#define SYNSINK_RETX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <synsink/event.h>

#define RETX_WAYS 8

struct retx_bucket {
	uint32_t tag[RETX_WAYS];  /* the key's hash */
	uint32_t seen[RETX_WAYS]; /* ms on the caller's clock, mod 2^32; 0: empty */
};

struct retx_key {
	uint32_t seq;
	uint16_t sport, dport;
	uint8_t family;
	uint8_t saddr[16], daddr[16];
};

struct retx_table {
	struct retx_bucket *b;
	struct retx_key *k; /* RETX_WAYS per bucket */
	size_t mask;	    /* buckets - 1 */
	uint32_t window_ms;
	unsigned long long evictions;
};

/* entries: a power of two, at least RETX_WAYS; the window is kept to the
 * millisecond.  Returns 0, -EINVAL or -ENOMEM. */
int retx_init(struct retx_table *t, size_t entries, uint64_t window_ns);
void retx_free(struct retx_table *t);

/* Whether ev's 4-tuple and ISN were seen within the window before now_ns
 * (a monotonic clock); records this sighting either way. */
bool retx_check(struct retx_table *t, const struct synsink_event *ev, uint64_t now_ns);

/* The same in steps, for a batch: the key's hash, a prefetch of where it
 * lives (a few events ahead), and the check with the hash. */
uint32_t retx_hash(const struct synsink_event *ev);
void retx_prefetch(const struct retx_table *t, uint32_t h);
bool retx_check_hashed(struct retx_table *t, const struct synsink_event *ev, uint32_t h,
		       uint64_t now_ns);

#endif
