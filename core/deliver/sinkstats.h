/* SPDX-License-Identifier: MIT */
/*
 * sinkstats.h - a sink's counters: the core's, one table that the stats
 * line and /metrics both print (so they cannot drift apart), and its
 * plugin's own.
 */
#ifndef SYNSINK_SINKSTATS_H
#define SYNSINK_SINKSTATS_H

#include <stdbool.h>

#include <synsink/plugin.h>

#include "sink.h"
#include "strbuf.h"

/* The plugin's own counters, through emit; from any thread, never waiting
 * for the sink thread. */
void sink_plugin_stats(struct sink *s, synsink_emit_fn emit, void *arg);

/* The core's counters of one sink, the same for every sink.  At any time:
 *   seen + spool_start = delivered + failed + dropped_buffer + dropped_spool
 *                        + spool_corrupt + pending + spooled
 * (ring drops happen before a sink sees an event). */
struct sink_counts {
	unsigned long long seen, delivered, failed, dropped, dropped_ring, dropped_buffer,
		dropped_spool, pending, spooled, spool_start, spool_corrupt, retried, settle_errors;
};
void sink_counts(struct sink *s, struct sink_counts *c);
/* Each of them by name, gauge set for a level (pending, spooled) rather
 * than a running total; the stats line and /metrics print this. */
typedef void (*sink_count_fn)(void *arg, const char *name, unsigned long long v, int gauge);
void sink_counts_each(struct sink *s, sink_count_fn fn, void *arg);

/* With a spool: the bytes its segments take now and spool_max; false
 * (both 0) without one. */
bool sink_spool_bytes(struct sink *s, unsigned long long *bytes, unsigned long long *max);
/* Whether the final flush left events undelivered (set at the stop). */
bool sink_flush_failed(struct sink *s);

/* Appends this sink's counters as a JSON object. */
void sink_stats_json(struct sink *s, struct strbuf *sb);

#endif
