/* SPDX-License-Identifier: MIT */
/*
 * outbox.h - what a connection-oriented sink needs between the core and a
 * server that comes and goes: a bounded FIFO of the events it took (each
 * with the core's sequence number), popped only once their outcome is
 * known and settled with the core, and a capped exponential reconnect
 * backoff.  The core holds the backlog (buffer=, spool=); the FIFO only
 * holds what is on its way.  Compiled into each plugin that uses it
 * (plugins never link the core).
 */
#ifndef SYNSINK_OUTBOX_H
#define SYNSINK_OUTBOX_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <synsink/plugin.h>

#define OUTBOX_BACKOFF_MIN_NS (100ull * 1000000)
#define OUTBOX_BACKOFF_MAX_NS (5000ull * 1000000)
/* Events on their way per sink: four of the core's largest batches. */
#define OUTBOX_CAP 16384

struct outbox {
	struct synsink_event *fifo;
	uint64_t *seq;
	size_t cap, head;
	atomic_size_t count; /* held; stats() reads it from any thread */
	uint64_t next_try_ns, backoff_ns;
	const struct synsink_host *host;
};

/* The sink's own "send what the FIFO holds" step. */
typedef void (*outbox_pump_fn)(void *sink);

/* cap 0: the backoff alone, no FIFO.  Returns 0 or -ENOMEM. */
int outbox_init(struct outbox *o, size_t cap, const struct synsink_host *host);
void outbox_free(struct outbox *o);

static inline size_t outbox_room(const struct outbox *o)
{
	return o->cap - o->count;
}

/* Takes n events numbered seq..seq+n-1; n must fit (outbox_room). */
void outbox_add(struct outbox *o, const struct synsink_event *ev, size_t n, uint64_t seq);

static inline const struct synsink_event *outbox_at(const struct outbox *o, size_t i)
{
	return &o->fifo[(o->head + i) % o->cap];
}

/* Pops the oldest n events and settles them with outcome (in as few
 * host->settle() calls as their numbers allow).  An empty FIFO starts
 * again at slot 0, so while the server keeps up only its first slots are
 * ever touched: the FIFO costs memory (RSS) only when a backlog builds. */
void outbox_settle(struct outbox *o, size_t n, enum synsink_outcome outcome);
/* Moves the oldest event to the back, to be sent again after the rest. */
void outbox_rotate(struct outbox *o);
/* Gives everything back to the core (SYNSINK_REQUEUE): at close. */
void outbox_requeue_all(struct outbox *o);

/* Whether a (re)connect may be tried now. */
bool outbox_may_connect(const struct outbox *o);
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
