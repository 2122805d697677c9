// SPDX-License-Identifier: MIT
/* dqueue.c - a sink's delivery queue (see dqueue.h). */
#include "dqueue.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { DQ_QUEUED, DQ_INFLIGHT, DQ_RETRY, DQ_DONE };

int dqueue_init(struct dqueue *q, size_t cap)
{
	memset(q, 0, sizeof(*q));
	/* calloc'd pages are not touched until used: see advance(). */
	q->ev = calloc(cap, sizeof(*q->ev));
	q->st = calloc(cap, 1);
	if (!q->ev || !q->st) {
		free(q->ev);
		free(q->st);
		q->ev = NULL;
		q->st = NULL;
		return -ENOMEM;
	}
	q->cap = cap;
	pthread_mutex_init(&q->lock, NULL);
	return 0;
}

void dqueue_free(struct dqueue *q)
{
	if (!q->ev)
		return;
	free(q->ev);
	free(q->st);
	q->ev = NULL;
	q->st = NULL;
	pthread_mutex_destroy(&q->lock);
}

static size_t slot(const struct dqueue *q, uint64_t seq)
{
	return (size_t)((q->base + (seq - q->tail)) % q->cap);
}

size_t dqueue_room(struct dqueue *q)
{
	size_t room;

	pthread_mutex_lock(&q->lock);
	room = q->cap - (size_t)(q->head - q->tail);
	pthread_mutex_unlock(&q->lock);
	return room;
}

uint64_t dqueue_push(struct dqueue *q, const struct synsink_event *ev, size_t n)
{
	uint64_t first;
	size_t i = 0;

	pthread_mutex_lock(&q->lock);
	first = q->head;
	while (i < n) {
		size_t s = slot(q, q->head);
		size_t run = q->cap - s < n - i ? q->cap - s : n - i;

		memcpy(&q->ev[s], &ev[i], run * sizeof(*ev));
		memset(&q->st[s], DQ_QUEUED, run);
		q->head += run;
		i += run;
	}
	atomic_store(&q->count, (size_t)(q->head - q->tail));
	pthread_mutex_unlock(&q->lock);
	return first;
}

/* The first slot back for a retry, from retry_from on (q->next if none). */
static uint64_t first_retry(struct dqueue *q)
{
	uint64_t s = q->retry_from > q->tail ? q->retry_from : q->tail;

	while (s < q->next && q->st[slot(q, s)] != DQ_RETRY)
		s++;
	q->retry_from = s;
	return s;
}

size_t dqueue_take(struct dqueue *q, size_t max, int retry, const struct synsink_event **ev,
		   uint64_t *seq)
{
	uint64_t from, end;
	size_t n = 0, s;

	pthread_mutex_lock(&q->lock);
	if (q->n_retry) {
		if (!retry)
			goto out; /* nothing newer overtakes a retry */
		from = first_retry(q);
		end = q->next;
	} else {
		from = q->next;
		end = q->head;
	}
	s = slot(q, from);
	while (from + n < end && n < max && s + n < q->cap &&
	       q->st[s + n] == (q->n_retry ? DQ_RETRY : DQ_QUEUED))
		n++;
	if (!n)
		goto out;
	if (q->n_retry)
		q->n_retry -= n;
	else
		q->next += n;
	memset(&q->st[s], DQ_INFLIGHT, n);
	*ev = &q->ev[s];
	*seq = from;
out:
	pthread_mutex_unlock(&q->lock);
	return n;
}

/* Moves tail past settled slots; an empty queue starts again at slot 0,
 * so while the sink keeps up only the first slots are ever touched. */
static void advance(struct dqueue *q)
{
	while (q->tail < q->next && q->st[q->base] == DQ_DONE) {
		q->tail++;
		q->base = (q->base + 1) % q->cap;
	}
	if (q->tail == q->head)
		q->base = 0;
	atomic_store(&q->count, (size_t)(q->head - q->tail));
}

/* Under the lock. */
static void settle_locked(struct dqueue *q, uint64_t seq, size_t n, enum synsink_outcome outcome)
{
	size_t i;

	if (n > UINT64_MAX - seq) { /* wraps: names nothing we hold */
		q->settle_errors += n;
		return;
	}
	for (i = 0; i < n; i++) {
		uint64_t e = seq + i;
		uint8_t *st;

		if (e < q->tail || e >= q->next || *(st = &q->st[slot(q, e)]) != DQ_INFLIGHT) {
			q->settle_errors++; /* a plugin's bug: never ours to crash on */
			continue;
		}
		switch (outcome) {
		case SYNSINK_DELIVERED:
			*st = DQ_DONE;
			q->delivered++;
			break;
		case SYNSINK_REQUEUE:
			*st = DQ_RETRY;
			q->n_retry++;
			q->retried++;
			if (e < q->retry_from)
				q->retry_from = e;
			break;
		case SYNSINK_FAILED:
		default:
			*st = DQ_DONE;
			q->failed++;
			break;
		}
	}
	advance(q);
}

void dqueue_settle(struct dqueue *q, uint64_t seq, size_t n, enum synsink_outcome outcome)
{
	pthread_mutex_lock(&q->lock);
	settle_locked(q, seq, n, outcome);
	pthread_mutex_unlock(&q->lock);
}

void dqueue_answer(struct dqueue *q, uint64_t seq, size_t n, int code)
{
	switch (code) {
	case SYNSINK_PENDING:
		return; /* settles follow */
	case SYNSINK_OK:
		dqueue_settle(q, seq, n, SYNSINK_DELIVERED);
		return;
	case SYNSINK_RETRY:
		dqueue_settle(q, seq, n, SYNSINK_REQUEUE);
		return;
	default: /* SYNSINK_ERROR, or a code no plugin should return */
		dqueue_settle(q, seq, n, SYNSINK_FAILED);
		return;
	}
}

struct dqueue_marks dqueue_marks(struct dqueue *q)
{
	struct dqueue_marks m;

	pthread_mutex_lock(&q->lock);
	m.tail = q->tail;
	m.next = q->next;
	m.head = q->head;
	m.n_retry = q->n_retry;
	pthread_mutex_unlock(&q->lock);
	return m;
}

size_t dqueue_drain(struct dqueue *q,
		    void (*fn)(void *arg, uint64_t seq, const struct synsink_event *ev, size_t n),
		    void *arg)
{
	size_t total = 0;

	pthread_mutex_lock(&q->lock);
	while (q->tail < q->head) {
		size_t s = q->base, n = 0;

		while (q->tail + n < q->head && s + n < q->cap && q->st[s + n] != DQ_DONE)
			n++;
		if (n) {
			fn(arg, q->tail, &q->ev[s], n);
			total += n;
		} else {
			n = 1; /* a settled one, already counted */
		}
		q->tail += n;
		q->base = (q->base + n) % q->cap;
	}
	q->next = q->head;
	q->n_retry = 0;
	q->base = 0;
	atomic_store(&q->count, 0);
	pthread_mutex_unlock(&q->lock);
	return total;
}

void dqueue_totals(const struct dqueue *q, struct dqueue_totals *t)
{
	t->delivered = atomic_load(&q->delivered);
	t->failed = atomic_load(&q->failed);
	t->retried = atomic_load(&q->retried);
	t->settle_errors = atomic_load(&q->settle_errors);
}
