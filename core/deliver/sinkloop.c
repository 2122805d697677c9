// SPDX-License-Identifier: MIT
/*
 * sinkloop.c - a sink's thread: rings into its queue (or spool), the queue
 * into the plugin, retries, and the stop.
 *
 * Wake-up protocol (no lost wake-ups, no syscall while the sink is busy):
 * the sink sets `sleeping`, then looks at its rings once more, and only
 * then polls its eventfd; a producer publishes events, then reads
 * `sleeping` and writes the eventfd only if it was set.  Both sides use
 * sequentially consistent operations, so at least one sees the other.
 *
 * Lingering: a pass that found events is followed by a short pause
 * (linger_us, at most SINK_LINGER_MAX_US) and another pass, before the
 * thread goes to sleep on its eventfd.  While it lingers `sleeping` is
 * clear, so producers do not write the eventfd: under load the sink takes
 * its events in a few large batches a millisecond instead of being woken
 * for every verdict batch (one wake-up, write(2) and context switch each).
 * An event that finds the sink asleep still wakes it at once.  A pass that
 * finds a ring more than a quarter full halves the pause, one that finds
 * little doubles it again, so a small ring (ring=N) is not overrun while
 * the sink lingers.  The verdict never waits for any of this.
 */
#include "sinkloop.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "sink_int.h"
#include "owner.h"
#include "util.h"

#define SINK_IDLE_TICK_MS    100	       /* plugins get flush(0) this often when idle */
#define SINK_STOP_TICK_MS    10		       /* ... and this often while stopping */
#define SINK_FULL_WAIT_MS    1		       /* a full queue is looked at again this soon */
#define SINK_OFFERS_PER_PASS 8		       /* write()s between looks at the rings */
#define SINK_OFFER_SLICE_NS  (2 * 1000000ull)  /* ... and at most this long, bar one write */
#define SINK_RETRY_MIN_NS    (10 * 1000000ull) /* after a RETRY answer, doubling */
#define SINK_RETRY_MAX_NS    (1000 * 1000000ull)
#define SINK_LINGER_MIN_US   16 /* below this, no pause at all */

/*
 * A batch from a ring: into the queue while it has room and nothing is
 * spooled (nothing newer may overtake a spooled event), else onto the
 * spool.  Without a spool, what does not fit waits in the ring while the
 * sink is taking events, and is dropped (dropped_buffer) while it is away
 * (backing off after a RETRY): then the queue holds the oldest `buffer`
 * events and the newest go.  Never waits for the plugin.  Returns how
 * many events of the batch were taken off the ring.
 */
static size_t take_batch(struct sink *s, const struct synsink_event *ev, size_t n, uint64_t now)
{
	size_t room = 0, k;

	if (!s->spooling || spool_empty(&s->sp))
		room = dqueue_room(&s->q);
	k = room < n ? room : n;
	if (k)
		dqueue_push(&s->q, ev, k);
	if (k == n)
		return n;
	if (s->spooling) {
		spool_append(&s->sp, ev + k, n - k, now); /* counts what does not fit */
		return n;
	}
	if (s->backoff_ns) {
		stat_add(&s->dropped_buffer, n - k);
		return n;
	}
	return k;
}

/* Rings into the queue (or the spool).  Returns how many events moved and
 * sets *fullest to the most any one ring held; a ring is peeked twice: a
 * peek stops at the end of the slots, and the rest waits at the start. */
static size_t move_in(struct sink *s, size_t *fullest, uint64_t now)
{
	size_t i, total = 0;

	*fullest = 0;
	for (i = 0; i < s->n_rings; i++) {
		size_t m = 0, n, k;
		int part;

		for (part = 0; part < 2; part++) {
			struct synsink_event *ev;

			n = ring_peek(&s->rings[i], &ev);
			if (!n)
				break;
			owner_enrich(ev, n); /* --owner=full; before the queue or spool */
			pthread_mutex_lock(&s->acct_lock);
			if (atomic_load(&s->abandoned)) { /* sink_stop counted these */
				pthread_mutex_unlock(&s->acct_lock);
				return total;
			}
			k = take_batch(s, ev, n, now);
			stat_add(&s->seen, k);
			ring_release(&s->rings[i], k);
			pthread_mutex_unlock(&s->acct_lock);
			m += k;
			if (k < n)
				break; /* the queue is full */
		}
		total += m;
		if (m > *fullest)
			*fullest = m;
	}
	return total;
}

/* Spooled events back into the queue, as far as it has room. */
static size_t refill(struct sink *s)
{
	size_t total = 0;

	while (s->spooling && !spool_empty(&s->sp)) {
		size_t room = dqueue_room(&s->q), k;

		if (room > SINK_BATCH_MAX)
			room = SINK_BATCH_MAX;
		if (!room)
			break;
		k = spool_read(&s->sp, s->xfer, room, dqueue_marks(&s->q).head);
		if (!k)
			break;
		dqueue_push(&s->q, s->xfer, k);
		total += k;
	}
	return total;
}

/* A RETRY answer: offer again after a capped exponential backoff with
 * jitter (so many sinks of many hosts do not come back in step). */
static void back_off(struct sink *s, uint64_t now)
{
	uint64_t j;

	s->backoff_ns = s->backoff_ns ? s->backoff_ns * 2 : SINK_RETRY_MIN_NS;
	if (s->backoff_ns > SINK_RETRY_MAX_NS)
		s->backoff_ns = SINK_RETRY_MAX_NS;
	/* +-25%, from the clock's low bits: jitter needs no good randomness. */
	j = s->backoff_ns / 2 ? now % (s->backoff_ns / 2) : 0;
	s->retry_at_ns = now + s->backoff_ns - s->backoff_ns / 4 + j;
}

/*
 * Queue into the plugin, a few batches at most, and for about
 * SINK_OFFER_SLICE_NS: a write may take a while (Redis pumps its pipeline
 * up to 10 ms), and while it does nobody empties the rings; eight of them
 * in a row, with Redis slow, outlasted a default ring at 100k SYN/s.
 * Returns how many events it took; *more: it stopped for the time, with
 * events still to offer.
 */
static size_t offer(struct sink *s, uint64_t now, bool *more)
{
	size_t total = 0;
	int b;

	*more = false;
	for (b = 0; b < SINK_OFFERS_PER_PASS; b++) {
		const struct synsink_event *ev;
		uint64_t seq;
		size_t n = dqueue_take(&s->q, SINK_BATCH_MAX, now >= s->retry_at_ns, &ev, &seq);
		int code;

		if (!n)
			break;
		code = s->pl.desc->write(s->state, ev, n, seq);
		dqueue_answer(&s->q, seq, n, code);
		if (code == SYNSINK_RETRY) {
			back_off(s, now);
			break;
		}
		s->backoff_ns = 0;
		total += n;
		if (clock_mono_ns() - now >= SINK_OFFER_SLICE_NS) {
			struct dqueue_marks m = dqueue_marks(&s->q);

			*more = m.head > m.next; /* some never offered yet */
			break;
		}
	}
	return total;
}

/* The pause after a busy pass that found at most `fullest` events in one
 * ring: shorter when the rings fill up, longer again when they do not. */
static void linger(struct sink *s, size_t fullest)
{
	size_t cap = ring_capacity(&s->rings[0]);
	struct timespec ts;

	if (fullest > cap / 4)
		s->linger_us /= 2;
	else if (fullest < cap / 16 && s->linger_us < SINK_LINGER_MAX_US)
		s->linger_us = s->linger_us ? s->linger_us * 2 : SINK_LINGER_MIN_US;
	if (s->linger_us < SINK_LINGER_MIN_US) {
		s->linger_us = 0;
		return;
	}
	ts.tv_sec = 0;
	ts.tv_nsec = (long)s->linger_us * 1000;
	nanosleep(&ts, NULL);
}

static bool rings_empty(struct sink *s)
{
	size_t i;

	for (i = 0; i < s->n_rings; i++)
		if (!ring_empty(&s->rings[i]))
			return false;
	return true;
}

/* Nothing left to deliver: rings, queue and spool all empty. */
static bool all_done(struct sink *s)
{
	return rings_empty(s) && !dqueue_count(&s->q) && (!s->spooling || spool_empty(&s->sp));
}

/* How long the thread may sleep: the idle tick, cut short by a retry due
 * or the stop's deadline. */
static int sleep_ms(struct sink *s, uint64_t now)
{
	uint64_t until = now + (atomic_load(&s->stopping) ? SINK_STOP_TICK_MS : SINK_IDLE_TICK_MS) *
				       1000000ull;

	if (dqueue_marks(&s->q).n_retry && s->retry_at_ns > now && s->retry_at_ns < until)
		until = s->retry_at_ns;
	if (atomic_load(&s->stopping) && atomic_load(&s->deadline_ns) < until)
		until = atomic_load(&s->deadline_ns);
	return until > now ? (int)((until - now + 999999) / 1000000) : 0;
}

/* Waits up to ms for a kick (sink_push, wake, reopen, stop) and clears it.
 * Returns poll's answer: 0 when the time ran out. */
static int wait_kick(struct sink *s, int ms)
{
	struct pollfd pfd = { .fd = s->efd, .events = POLLIN };
	uint64_t junk;
	int ret = poll(&pfd, 1, ms);

	if (read(s->efd, &junk, sizeof(junk)) < 0 && errno != EAGAIN)
		log_msg(SYNSINK_LOG_ERR, "%s: eventfd: %s", s->label, strerror(errno));
	return ret;
}

void *sink_loop(void *arg)
{
	struct sink *s = arg;

	thread_name("sink/%s", s->label);
	for (;;) {
		uint64_t now = clock_mono_ns();
		size_t fullest, busy;
		bool more;

		if (atomic_load(&s->abandoned))
			return NULL; /* main is past us: touch nothing */
		if (atomic_exchange(&s->reopen, 0))
			s->pl.desc->reopen(s->state);
		if (atomic_exchange(&s->ready, 0))
			s->backoff_ns = s->retry_at_ns = 0; /* back: offer now */
		busy = move_in(s, &fullest, now);
		busy += refill(s);
		busy += offer(s, now, &more);
		if (s->spooling) {
			spool_settled(&s->sp, dqueue_marks(&s->q).tail);
			spool_tick(&s->sp, now);
		}
		if (busy) {
			/* no pause while the queue waits to be offered */
			if (!atomic_load(&s->stopping) && !more)
				linger(s, fullest);
			continue;
		}
		if (atomic_load(&s->stopping) &&
		    (all_done(s) || now >= atomic_load(&s->deadline_ns)))
			break;
		if (!rings_empty(s)) {
			/* The queue is full of events on their way: give the
			 * plugin a moment to settle some, then look again. */
			wait_kick(s, SINK_FULL_WAIT_MS);
			s->pl.desc->flush(s->state, 0);
			continue;
		}
		atomic_store(&s->sleeping, 1);
		if (!rings_empty(s)) {
			atomic_store(&s->sleeping, 0);
			continue;
		}
		if (wait_kick(s, sleep_ms(s, now)) == 0)
			s->pl.desc->flush(s->state, 0); /* replies, reconnects */
		atomic_store(&s->sleeping, 0);
	}

	/* What is left of the time to the deadline, for the final flush. */
	{
		uint64_t now = clock_mono_ns(), end = atomic_load(&s->deadline_ns);
		int left = end > now ? (int)((end - now) / 1000000) : 0;

		if (s->pl.desc->flush(s->state, left) || dqueue_count(&s->q))
			atomic_store(&s->flush_failed, 1);
	}
	return NULL;
}
