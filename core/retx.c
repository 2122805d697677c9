// SPDX-License-Identifier: MIT
/* retx.c - the retransmitted-SYN table. */
#include "retx.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int retx_init(struct retx_table *t, size_t entries, uint64_t window_ns)
{
	memset(t, 0, sizeof(*t));
	if (entries < RETX_PROBES || (entries & (entries - 1)))
		return -EINVAL;
	t->e = calloc(entries, sizeof(*t->e));
	if (!t->e)
		return -ENOMEM;
	t->mask = entries - 1;
	t->window_ns = window_ns;
	return 0;
}

void retx_free(struct retx_table *t)
{
	free(t->e);
	t->e = NULL;
}

/* FNV-1a over the key fields. */
static uint32_t key_hash(const struct syn_event *ev)
{
	uint32_t h = 2166136261u;
	size_t alen = ev->family == AF_INET ? 4 : 16, i;
	const uint8_t *parts[2] = { ev->saddr, ev->daddr };
	uint8_t tail[9] = {
		(uint8_t)(ev->sport >> 8), (uint8_t)ev->sport,
		(uint8_t)(ev->dport >> 8), (uint8_t)ev->dport,
		(uint8_t)(ev->seq >> 24), (uint8_t)(ev->seq >> 16),
		(uint8_t)(ev->seq >> 8), (uint8_t)ev->seq, ev->family,
	};
	int p;

	for (p = 0; p < 2; p++)
		for (i = 0; i < alen; i++)
			h = (h ^ parts[p][i]) * 16777619u;
	for (i = 0; i < sizeof(tail); i++)
		h = (h ^ tail[i]) * 16777619u;
	return h;
}

static bool same(const struct retx_ent *e, uint32_t h, const struct syn_event *ev)
{
	return e->hash == h && e->seq == ev->seq && e->sport == ev->sport &&
	       e->dport == ev->dport && e->family == ev->family &&
	       !memcmp(e->saddr, ev->saddr, sizeof(e->saddr)) &&
	       !memcmp(e->daddr, ev->daddr, sizeof(e->daddr));
}

bool retx_check(struct retx_table *t, const struct syn_event *ev, uint64_t now_ns)
{
	uint32_t h = key_hash(ev);
	struct retx_ent *free_slot = NULL, *oldest = NULL, *e;
	size_t i;

	for (i = 0; i < RETX_PROBES; i++) {
		e = &t->e[(h + i) & t->mask];
		if (e->seen_ns && same(e, h, ev)) {
			bool within = now_ns - e->seen_ns <= t->window_ns;

			e->seen_ns = now_ns;
			return within;
		}
		if (!e->seen_ns || now_ns - e->seen_ns > t->window_ns) {
			if (!free_slot)
				free_slot = e;
		} else if (!oldest || e->seen_ns < oldest->seen_ns) {
			oldest = e;
		}
	}
	if (!free_slot) {
		free_slot = oldest;
		t->evictions++;
	}
	free_slot->seen_ns = now_ns ? now_ns : 1;
	free_slot->hash = h;
	free_slot->seq = ev->seq;
	free_slot->sport = ev->sport;
	free_slot->dport = ev->dport;
	free_slot->family = ev->family;
	memcpy(free_slot->saddr, ev->saddr, sizeof(free_slot->saddr));
	memcpy(free_slot->daddr, ev->daddr, sizeof(free_slot->daddr));
	return false;
}
