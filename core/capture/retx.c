// SPDX-License-Identifier: MIT
/* retx.c - the retransmitted-SYN table. */
#include "retx.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "util.h"

int retx_init(struct retx_table *t, size_t entries, uint64_t window_ns)
{
	size_t buckets = entries / RETX_WAYS;

	memset(t, 0, sizeof(*t));
	if (entries < RETX_WAYS || (entries & (entries - 1)))
		return -EINVAL;
	t->b = aligned_alloc(64, buckets * sizeof(*t->b));
	t->k = calloc(entries, sizeof(*t->k));
	if (!t->b || !t->k) {
		retx_free(t);
		return -ENOMEM;
	}
	memset(t->b, 0, buckets * sizeof(*t->b));
	t->mask = buckets - 1;
	t->window_ms = (uint32_t)(window_ns / 1000000);
	return 0;
}

void retx_free(struct retx_table *t)
{
	free(t->b);
	free(t->k);
	t->b = NULL;
	t->k = NULL;
}

static uint64_t load64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* mix64() per 64-bit word of the key (FNV-1a byte by byte was the
 * table's own hot spot). */
uint32_t retx_hash(const struct synsink_event *ev)
{
	uint64_t h = 0x243f6a8885a308d3ull ^ ev->family;

	h = mix64(h, (uint64_t)ev->seq << 32 | (uint32_t)ev->sport << 16 | ev->dport);
	if (ev->family == AF_INET) {
		uint32_t s, d;

		memcpy(&s, ev->saddr, 4);
		memcpy(&d, ev->daddr, 4);
		h = mix64(h, (uint64_t)s << 32 | d);
	} else {
		h = mix64(h, load64(ev->saddr));
		h = mix64(h, load64(ev->saddr + 8));
		h = mix64(h, load64(ev->daddr));
		h = mix64(h, load64(ev->daddr + 8));
	}
	h *= 0xbf58476d1ce4e5b9ull;
	return (uint32_t)(h ^ (h >> 32));
}

static bool same(const struct retx_key *k, const struct synsink_event *ev)
{
	return k->seq == ev->seq && k->sport == ev->sport && k->dport == ev->dport &&
	       k->family == ev->family && !memcmp(k->saddr, ev->saddr, sizeof(k->saddr)) &&
	       !memcmp(k->daddr, ev->daddr, sizeof(k->daddr));
}

void retx_prefetch(const struct retx_table *t, uint32_t h)
{
	size_t bi = h & t->mask;

	__builtin_prefetch(&t->b[bi], 1);
	__builtin_prefetch(&t->k[bi * RETX_WAYS], 0);
}

bool retx_check(struct retx_table *t, const struct synsink_event *ev, uint64_t now_ns)
{
	return retx_check_hashed(t, ev, retx_hash(ev), now_ns);
}

bool retx_check_hashed(struct retx_table *t, const struct synsink_event *ev, uint32_t h,
		       uint64_t now_ns)
{
	uint32_t now = (uint32_t)(now_ns / 1000000);
	size_t bi = h & t->mask;
	struct retx_bucket *b = &t->b[bi];
	struct retx_key *keys = &t->k[bi * RETX_WAYS], *k;
	int i, slot = -1, oldest = 0;

	if (!now)
		now = 1; /* 0 marks an empty entry */
	for (i = 0; i < RETX_WAYS; i++) {
		/* Ages are taken mod 2^32 ms (49 days), far above any window. */
		uint32_t age = now - b->seen[i];

		if (b->seen[i] && b->tag[i] == h && same(&keys[i], ev)) {
			b->seen[i] = now;
			return age <= t->window_ms;
		}
		if (!b->seen[i] || age > t->window_ms) {
			if (slot < 0)
				slot = i;
		} else if (age > now - b->seen[oldest]) {
			oldest = i;
		}
	}
	if (slot < 0) {
		slot = oldest;
		t->evictions++;
	}
	b->tag[slot] = h;
	b->seen[slot] = now;
	k = &keys[slot];
	k->seq = ev->seq;
	k->sport = ev->sport;
	k->dport = ev->dport;
	k->family = ev->family;
	memcpy(k->saddr, ev->saddr, sizeof(k->saddr));
	memcpy(k->daddr, ev->daddr, sizeof(k->daddr));
	return false;
}
