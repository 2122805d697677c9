// SPDX-License-Identifier: MIT
/* outbox.c - the bounded FIFO and backoff shared by the Redis and syslog sinks. */
#include "outbox.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "settle.h"

int outbox_init(struct outbox *o, size_t cap, const struct synsink_host *host)
{
	o->fifo = cap ? calloc(cap, sizeof(*o->fifo)) : NULL;
	o->seq = cap ? calloc(cap, sizeof(*o->seq)) : NULL;
	if (cap && (!o->fifo || !o->seq)) {
		free(o->fifo);
		free(o->seq);
		return -ENOMEM;
	}
	o->cap = cap;
	o->head = 0;
	o->count = 0;
	o->next_try_ns = o->backoff_ns = 0;
	o->host = host;
	return 0;
}

void outbox_free(struct outbox *o)
{
	free(o->fifo);
	free(o->seq);
	o->fifo = NULL;
	o->seq = NULL;
}

void outbox_add(struct outbox *o, const struct synsink_event *ev, size_t n, uint64_t seq)
{
	size_t i;

	for (i = 0; i < n && o->count < o->cap; i++) {
		size_t at = (o->head + o->count) % o->cap;

		o->fifo[at] = ev[i];
		o->seq[at] = seq + i;
		o->count++;
	}
}

void outbox_settle(struct outbox *o, size_t n, enum synsink_outcome outcome)
{
	struct settle_run r = SETTLE_RUN_INIT(o->host);
	size_t i;

	if (n > o->count)
		n = o->count;
	for (i = 0; i < n; i++)
		settle_add(&r, o->seq[(o->head + i) % o->cap], outcome);
	settle_end(&r);
	o->head = (o->head + n) % (o->cap ? o->cap : 1);
	o->count -= n;
	if (!o->count)
		o->head = 0;
}

void outbox_rotate(struct outbox *o)
{
	size_t back;

	if (!o->count)
		return;
	back = (o->head + o->count) % o->cap; /* == head when full: fine */
	o->fifo[back] = o->fifo[o->head];
	o->seq[back] = o->seq[o->head];
	o->head = (o->head + 1) % o->cap;
}

void outbox_requeue_all(struct outbox *o)
{
	outbox_settle(o, o->count, SYNSINK_REQUEUE);
}

bool outbox_may_connect(const struct outbox *o)
{
	return o->host->now_ns() >= o->next_try_ns;
}

void outbox_connect_failed(struct outbox *o)
{
	o->backoff_ns = o->backoff_ns ? o->backoff_ns * 2 : OUTBOX_BACKOFF_MIN_NS;
	if (o->backoff_ns > OUTBOX_BACKOFF_MAX_NS)
		o->backoff_ns = OUTBOX_BACKOFF_MAX_NS;
	o->next_try_ns = o->host->now_ns() + o->backoff_ns;
}

void outbox_connected(struct outbox *o)
{
	o->backoff_ns = 0;
}

void outbox_connection_lost(struct outbox *o)
{
	o->backoff_ns = OUTBOX_BACKOFF_MIN_NS;
	o->next_try_ns = o->host->now_ns() + o->backoff_ns;
}

int outbox_drain(struct outbox *o, int timeout_ms, outbox_pump_fn pump, void *sink)
{
	uint64_t deadline = o->host->now_ns() + (uint64_t)timeout_ms * 1000000u;

	pump(sink);
	while (o->count && o->host->now_ns() < deadline) {
		uint64_t now = o->host->now_ns();
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
