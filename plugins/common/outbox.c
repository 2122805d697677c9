// SPDX-License-Identifier: MIT
/* outbox.c - the bounded FIFO and backoff shared by the Redis and syslog sinks. */
#include "outbox.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

int outbox_init(struct outbox *o, size_t cap, uint64_t (*now_ns)(void))
{
	o->fifo = cap ? calloc(cap, sizeof(*o->fifo)) : NULL;
	if (cap && !o->fifo)
		return -ENOMEM;
	o->cap = cap;
	o->head = 0;
	o->count = 0;
	o->dropped = 0;
	o->next_try_ns = o->backoff_ns = 0;
	o->now_ns = now_ns;
	return 0;
}

void outbox_free(struct outbox *o)
{
	free(o->fifo);
	o->fifo = NULL;
}

void outbox_add(struct outbox *o, const struct synsink_event *ev, size_t n,
		outbox_pump_fn pump, void *sink)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (o->count == o->cap) {
			pump(sink);	/* makes room unless the server is away */
			if (o->count == o->cap) {
				o->dropped += n - i;
				return;
			}
		}
		o->fifo[(o->head + o->count) % o->cap] = ev[i];
		o->count++;
	}
}

int outbox_may_connect(const struct outbox *o)
{
	return o->now_ns() >= o->next_try_ns;
}

void outbox_connect_failed(struct outbox *o)
{
	o->backoff_ns = o->backoff_ns ? o->backoff_ns * 2 : OUTBOX_BACKOFF_MIN_NS;
	if (o->backoff_ns > OUTBOX_BACKOFF_MAX_NS)
		o->backoff_ns = OUTBOX_BACKOFF_MAX_NS;
	o->next_try_ns = o->now_ns() + o->backoff_ns;
}

void outbox_connected(struct outbox *o)
{
	o->backoff_ns = 0;
}

void outbox_connection_lost(struct outbox *o)
{
	o->backoff_ns = OUTBOX_BACKOFF_MIN_NS;
	o->next_try_ns = o->now_ns() + o->backoff_ns;
}

int outbox_drain(struct outbox *o, int timeout_ms, outbox_pump_fn pump, void *sink)
{
	uint64_t deadline = o->now_ns() + (uint64_t)timeout_ms * 1000000u;

	pump(sink);
	while (o->count && o->now_ns() < deadline) {
		uint64_t now = o->now_ns();
		uint64_t wait = o->next_try_ns > now ? o->next_try_ns - now : 0;
		struct timespec ts;

		if (wait > deadline - now)
			wait = deadline - now;
		/* Waiting out the reconnect backoff, bounded by the deadline. */
		ts.tv_sec = (time_t)(wait / 1000000000u);
		ts.tv_nsec = (long)(wait % 1000000000u);
		nanosleep(&ts, NULL);
		pump(sink);
	}
	return o->count ? -ETIMEDOUT : 0;
}
