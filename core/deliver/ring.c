// SPDX-License-Identifier: MIT
/* ring.c - the SPSC event ring. head and tail only ever grow; the slot of
 * a position is position & mask. */
#include "ring.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int ring_init(struct ring *r, size_t capacity)
{
	memset(r, 0, sizeof(*r));
	if (capacity < 2 || (capacity & (capacity - 1)))
		return -EINVAL;
	r->slots = calloc(capacity, sizeof(*r->slots));
	if (!r->slots)
		return -ENOMEM;
	r->mask = capacity - 1;
	atomic_init(&r->head, 0);
	atomic_init(&r->tail, 0);
	atomic_init(&r->dropped, 0);
	return 0;
}

void ring_free(struct ring *r)
{
	free(r->slots);
	r->slots = NULL;
}

size_t ring_push(struct ring *r, const struct synsink_event *ev, size_t n)
{
	size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	size_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
	size_t room = r->mask + 1 - (head - tail);
	size_t take = n < room ? n : room;
	size_t i;

	for (i = 0; i < take; i++)
		r->slots[(head + i) & r->mask] = ev[i];
	atomic_store_explicit(&r->head, head + take, memory_order_release);
	if (take < n)
		atomic_fetch_add_explicit(&r->dropped, n - take, memory_order_relaxed);
	return take;
}

size_t ring_peek(struct ring *r, struct synsink_event **first)
{
	size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	size_t head = atomic_load_explicit(&r->head, memory_order_acquire);
	size_t idx = tail & r->mask;
	size_t n = head - tail;
	size_t to_end = r->mask + 1 - idx;

	*first = &r->slots[idx];
	return n < to_end ? n : to_end;
}

void ring_release(struct ring *r, size_t n)
{
	size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);

	atomic_store_explicit(&r->tail, tail + n, memory_order_release);
}

size_t ring_count(struct ring *r)
{
	return atomic_load_explicit(&r->head, memory_order_seq_cst) -
	       atomic_load_explicit(&r->tail, memory_order_seq_cst);
}

bool ring_empty(struct ring *r)
{
	return atomic_load_explicit(&r->head, memory_order_seq_cst) ==
	       atomic_load_explicit(&r->tail, memory_order_seq_cst);
}
