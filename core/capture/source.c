// SPDX-License-Identifier: MIT
/* source.c - a source's batch, on its way out (source.h). */
#include "source.h"

#include <sched.h>
#include <stdatomic.h>

#include "counter.h"
#include "sink.h"
#include "util.h"

/* Buckets prefetched ahead: every new flow misses the cache in a table
 * larger than it, so the whole batch is hashed first. */
#define RETX_AHEAD 4

/* Run after the verdict (for NFQUEUE), so it never delays one. */
static size_t retx_pass(struct source_out *o, struct queue_stats *st, struct synsink_event *ev,
			uint32_t *hash, size_t n)
{
	uint64_t now = clock_mono_ns();
	size_t i, kept = 0;

	for (i = 0; i < n; i++)
		hash[i] = retx_hash(&ev[i]);
	for (i = 0; i < RETX_AHEAD && i < n; i++)
		retx_prefetch(&o->retx, hash[i]);
	for (i = 0; i < n; i++) {
		if (i + RETX_AHEAD < n)
			retx_prefetch(&o->retx, hash[i + RETX_AHEAD]);
		if (retx_check_hashed(&o->retx, &ev[i], hash[i], now)) {
			stat_add(&st->retx, 1);
			if (o->dedup)
				continue; /* counted, not reported */
			ev[i].flags |= SYNSINK_F_RETX;
		}
		if (kept != i)
			ev[kept] = ev[i];
		kept++;
	}
	stat_add(&st->events, kept);
	atomic_store_explicit(&st->retx_evictions, o->retx.evictions, memory_order_relaxed);
	return kept;
}

size_t source_emit(struct source_out *o, struct queue_stats *st, struct synsink_event *ev,
		   uint32_t *hash, size_t n)
{
	size_t i;

	struct sink_set *set;

	if (!n)
		return 0;
	n = retx_pass(o, st, ev, hash, n);
	if (!o->sinks)
		return n;
	do { /* seq_cst: the reload's swap and its wait see this order */
		set = atomic_load(o->sinks);
		atomic_store(&o->using, set);
	} while (atomic_load(o->sinks) != set);
	for (i = 0; i < set->n; i++)
		sink_push(set->sinks[i], o->ring_idx, ev, n);
	atomic_store_explicit(&o->using, NULL, memory_order_release);
	return n;
}

void source_release_wait(struct source_out *o, const struct sink_set *old)
{
	/* A batch's pushes take microseconds: no sleep is worth its wake-up. */
	while (atomic_load(&o->using) == old)
		sched_yield();
}
