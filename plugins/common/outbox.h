/* SPDX-License-Identifier: MIT */
/*
 * outbox.h - what a connection-oriented sink needs between the core and a
 * server that comes and goes: a bounded FIFO of events that are popped
 * only once delivered, and a capped exponential reconnect backoff.
 * Compiled into each plugin that uses it (plugins never link the core).
 */
#ifndef SYNSINK_OUTBOX_H
#define SYNSINK_OUTBOX_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <synsink/event.h>

#define OUTBOX_BACKOFF_MIN_NS	(100ull * 1000000)
#define OUTBOX_BACKOFF_MAX_NS	(5000ull * 1000000)

struct outbox {
	struct synsink_event *fifo;
	size_t cap, head;
	atomic_size_t count;		/* held; stats() reads it from any thread */
	atomic_ullong dropped;		/* refused: the FIFO was full */
	uint64_t next_try_ns, backoff_ns;
	uint64_t (*now_ns)(void);	/* the host's monotonic clock */
};

/* The sink's own "send what the FIFO holds" step. */
typedef void (*outbox_pump_fn)(void *sink);

/* cap 0: the backoff alone, no FIFO.  Returns 0 or -ENOMEM. */
int outbox_init(struct outbox *o, size_t cap, uint64_t (*now_ns)(void));
void outbox_free(struct outbox *o);

/* Queues n events; when the FIFO is full it pumps once to make room, then
 * drops (and counts) what still does not fit. */
void outbox_add(struct outbox *o, const struct synsink_event *ev, size_t n,
		outbox_pump_fn pump, void *sink);

static inline const struct synsink_event *outbox_at(const struct outbox *o, size_t i)
{
	return &o->fifo[(o->head + i) % o->cap];
}

/* An empty FIFO starts again at slot 0, so while the server keeps up only
 * its first slots are ever touched: the buffer costs memory (RSS) only
 * when a backlog really builds. */
static inline void outbox_pop(struct outbox *o, size_t n)
{
	o->head = (o->head + n) % o->cap;
	o->count -= n;
	if (!o->count)
		o->head = 0;
}

/* Whether a (re)connect may be tried now. */
int outbox_may_connect(const struct outbox *o);
/* A connect failed: wait twice as long as last time, at most the cap. */
void outbox_connect_failed(struct outbox *o);
/* Connected: the next failure starts from the minimum again. */
void outbox_connected(struct outbox *o);
/* The connection broke: retry after the minimum backoff. */
void outbox_connection_lost(struct outbox *o);

/* Pumps until the FIFO is empty or timeout_ms passed, waiting out the
 * backoff in between.  Returns 0, or -ETIMEDOUT with events left. */
int outbox_drain(struct outbox *o, int timeout_ms, outbox_pump_fn pump, void *sink);

#endif
