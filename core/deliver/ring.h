/* SPDX-License-Identifier: MIT */
/*
 * ring.h - a bounded single-producer single-consumer ring of events.
 *
 * One capture thread pushes, one sink thread pops; neither ever waits for
 * the other.  A push that finds the ring full fails and the producer
 * counts the drop.  The consumer reads events in place (ring_peek), copies
 * them into its sink's queue (dqueue_push: the one copy on the way to a
 * plugin) and frees their slots at once (ring_release).
 */
#ifndef SYNSINK_RING_H
#define SYNSINK_RING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include <synsink/event.h>

struct ring {
	_Alignas(64) atomic_size_t head; /* next slot to write; producer's */
	atomic_ullong dropped;		 /* pushes refused; producer's */
	_Alignas(64) atomic_size_t tail; /* next slot to read; consumer's */
	_Alignas(64) size_t mask;
	struct synsink_event *slots;
};

/* Allocates a ring of capacity slots (a power of two, at least 2).
 * Returns 0, -EINVAL for a bad capacity, or -ENOMEM. */
int ring_init(struct ring *r, size_t capacity);
void ring_free(struct ring *r);

/* Producer: copies up to n events in; returns how many fit.  The rest are
 * added to r->dropped. */
size_t ring_push(struct ring *r, const struct synsink_event *ev, size_t n);

/* Consumer: points *first at the oldest event and returns how many follow
 * it contiguously (0 when empty).  They are the consumer's until it
 * releases them: it may complete them in place (owner_enrich). */
size_t ring_peek(struct ring *r, struct synsink_event **first);
/* Consumer: frees the n oldest events. */
void ring_release(struct ring *r, size_t n);

/* How many events the ring holds at most. */
static inline size_t ring_capacity(const struct ring *r)
{
	return r->mask + 1;
}

/* Either side: how many events the ring holds (pushed, not released). */
size_t ring_count(struct ring *r);

/* Either side: whether the ring holds no event. */
bool ring_empty(struct ring *r);

#endif
