// SPDX-License-Identifier: MIT
/* sinkstats.c - a sink's counters: the core's (one table for the stats
 * line and /metrics) and the plugin's own. */
#include "sinkstats.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "sink_int.h"
#include "util.h"

struct emit_ctx {
	struct strbuf *sb;
	int n;
};

static void emit_json(void *arg, const char *name, uint64_t value)
{
	struct emit_ctx *e = arg;

	sb_printf(e->sb, "%s\"%s\":%llu", e->n++ ? "," : "", name, (unsigned long long)value);
}

/* Events its rings refused (the sink thread fell behind), over all queues. */
static unsigned long long sink_dropped(const struct sink *s)
{
	unsigned long long dropped = 0;
	size_t i;

	for (i = 0; i < s->n_rings; i++)
		dropped += stat_get(&s->rings[i].dropped);
	return dropped;
}

void sink_counts(struct sink *s, struct sink_counts *c)
{
	int ab = atomic_load(&s->abandoned);
	struct dqueue_totals q;
	struct spool_totals sp = { 0 };

	dqueue_totals(&s->q, &q);
	if (s->spooling)
		spool_totals(&s->sp, &sp);
	memset(c, 0, sizeof(*c));
	c->seen = stat_get(&s->seen);
	c->delivered = q.delivered;
	c->failed = q.failed + stat_get(&s->abandoned_events);
	c->dropped_ring = sink_dropped(s);
	c->dropped_buffer = stat_get(&s->dropped_buffer);
	c->dropped_spool = sp.full;
	c->dropped = c->dropped_ring + c->dropped_buffer + c->dropped_spool;
	c->pending = ab ? 0 : dqueue_count(&s->q);
	c->spooled = sp.waiting;
	c->spool_start = s->spool_start;
	c->spool_corrupt = sp.corrupt;
	c->retried = q.retried;
	c->settle_errors = q.settle_errors;
}

/* The core's counters of a sink, by name: the stats line and /metrics
 * both print this table (and so cannot drift apart). */
/* clang-format takes the stringizing # for a directive: */
/* clang-format off */
#define SC(name, gauge) { #name, offsetof(struct sink_counts, name), gauge }
/* clang-format on */
static const struct {
	const char *name;
	size_t off;
	int gauge; /* a level (pending, spooled), not a running total */
} count_fields[] = {
	SC(seen, 0),	      SC(delivered, 0),	     SC(failed, 0),	   SC(dropped, 0),
	SC(dropped_ring, 0),  SC(dropped_buffer, 0), SC(dropped_spool, 0), SC(pending, 1),
	SC(spooled, 1),	      SC(spool_start, 1),    SC(spool_corrupt, 0), SC(retried, 0),
	SC(settle_errors, 0),
};
#undef SC

void sink_counts_each(struct sink *s, sink_count_fn fn, void *arg)
{
	struct sink_counts c;
	size_t i;

	sink_counts(s, &c);
	for (i = 0; i < ARRAY_SIZE(count_fields); i++)
		fn(arg, count_fields[i].name,
		   *(const unsigned long long *)((const char *)&c + count_fields[i].off),
		   count_fields[i].gauge);
}

static void count_json(void *arg, const char *name, unsigned long long v, int gauge)
{
	(void)gauge;
	sb_printf(arg, ",\"%s\":%llu", name, v);
}

bool sink_spool_bytes(struct sink *s, unsigned long long *bytes, unsigned long long *max)
{
	struct spool_totals sp;

	*bytes = *max = 0;
	if (!s->spooling)
		return false;
	spool_totals(&s->sp, &sp);
	*bytes = sp.bytes;
	*max = sp.max_bytes;
	return true;
}

bool sink_flush_failed(struct sink *s)
{
	return stat_get(&s->flush_failed) != 0;
}

void sink_stats_json(struct sink *s, struct strbuf *sb)
{
	sb_printf(sb, "{\"sink\":\"%s\"", s->label);
	sink_counts_each(s, count_json, sb);
	sb_printf(sb, ",\"flush_failed\":%s", sink_flush_failed(s) ? "true" : "false");
	if (s->spooling) {
		struct spool_totals sp;

		spool_totals(&s->sp, &sp);
		sb_printf(sb,
			  ",\"spool\":{\"appended\":%llu,\"replayed\":%llu,"
			  "\"bad_segments\":%llu,\"io_errors\":%llu,\"bytes\":%llu,"
			  "\"max_bytes\":%llu}",
			  sp.appended, sp.replayed, sp.bad_segments, sp.io_errors, sp.bytes,
			  sp.max_bytes);
	}
	if ((s->opened && s->pl.desc->stats) || s->n_last) {
		struct emit_ctx e = { sb, 0 };

		sb_printf(sb, ",\"plugin\":{");
		sink_plugin_stats(s, emit_json, &e);
		sb_printf(sb, "}");
	}
	sb_printf(sb, "}");
}

void sink_plugin_stats(struct sink *s, synsink_emit_fn emit, void *arg)
{
	size_t i;

	if (s->opened && s->pl.desc->stats) {
		s->pl.desc->stats(s->state, emit, arg);
		return;
	}
	for (i = 0; i < s->n_last; i++) /* closed by sink_shutdown */
		emit(arg, s->last[i].name, s->last[i].value);
}
