/* SPDX-License-Identifier: MIT */
/*
 * dqueue.h - a sink's delivery queue: the events its thread took from the
 * rings (or the spool), numbered by seq, kept until their outcome is known.
 *
 *   tail                    next                         head
 *    | offered: in flight,   | queued: never offered yet   |
 *    | back for a retry, or  |                             |
 *    | settled (not yet      |                             |
 *    | passed by tail)       |                             |
 *
 * The sink thread pushes at head, takes runs to offer to the plugin, and
 * answers them; settle() may come from any thread (a library's delivery
 * report), so every operation holds the queue's lock, once per batch.
 * Events offered stay in place until settled: the plugin may keep
 * pointing at them while they are pending.
 */
#ifndef SYNSINK_DQUEUE_H
#define SYNSINK_DQUEUE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <synsink/plugin.h>

struct dqueue {
	pthread_mutex_t lock;
	struct synsink_event *ev;
	uint8_t *st; /* per slot: DQ_* (dqueue.c) */
	size_t cap;
	size_t base;		   /* the slot of tail */
	uint64_t tail, next, head; /* see above */
	uint64_t retry_from;	   /* no slot below this is back for a retry */
	size_t n_retry;		   /* slots back for a retry */

	/* Read from any thread. */
	atomic_ullong delivered, failed, settle_errors;
	atomic_ullong retried; /* offers that came back: RETRY, REQUEUE */
	atomic_size_t count;   /* head - tail */
};

/* Returns 0 or -ENOMEM.  Memory is touched only as far as a backlog
 * really reaches (an empty queue starts again at slot 0). */
int dqueue_init(struct dqueue *q, size_t cap);
void dqueue_free(struct dqueue *q);

/* Room for this many more events. */
size_t dqueue_room(struct dqueue *q);
/* Appends n <= dqueue_room() events; returns the seq of the first. */
uint64_t dqueue_push(struct dqueue *q, const struct synsink_event *ev, size_t n);

/*
 * The next run to offer, at most max events contiguous in memory: events
 * back for a retry first (oldest first) when retry is set, else queued
 * ones.  Marks them in flight.  Returns n (0: nothing to offer).
 */
size_t dqueue_take(struct dqueue *q, size_t max, int retry, const struct synsink_event **ev,
		   uint64_t *seq);
/* What write() said of a run dqueue_take gave. */
void dqueue_answer(struct dqueue *q, uint64_t seq, size_t n, int code);
/* host->settle.  Any thread. */
void dqueue_settle(struct dqueue *q, uint64_t seq, size_t n, enum synsink_outcome outcome);

/* Where the queue stands (see above), read under its lock: tail, the
 * oldest unsettled seq (head when none); next, the first never offered;
 * head, the seq the next push gets; n_retry, events back for a retry. */
struct dqueue_marks {
	uint64_t tail, next, head;
	size_t n_retry;
};
struct dqueue_marks dqueue_marks(struct dqueue *q);

/* The queue's running totals, from any thread. */
struct dqueue_totals {
	unsigned long long delivered, failed, retried, settle_errors;
};
void dqueue_totals(const struct dqueue *q, struct dqueue_totals *t);
/* Events not settled (in flight, back for a retry, or queued). */
static inline size_t dqueue_count(const struct dqueue *q)
{
	return atomic_load(&q->count);
}

/*
 * Hands every unsettled event, oldest first, to fn in contiguous runs
 * (seq: the first one's number), and forgets them (counted neither delivered nor failed: the caller
 * says what became of them).  Only once the plugin is closed: nothing may
 * settle them any more.  Returns how many.
 */
size_t dqueue_drain(struct dqueue *q,
		    void (*fn)(void *arg, uint64_t seq, const struct synsink_event *ev, size_t n),
		    void *arg);

#endif
