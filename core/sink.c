// SPDX-License-Identifier: MIT
/*
 * sink.c - sink threads.
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
#include "sink.h"

#include <errno.h>
#include <stddef.h>
#include <pthread.h>
#include <stdbool.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "format.h"
#include "log.h"
#include "options.h"
#include "util.h"

#define SINK_IDLE_TICK_MS 100	/* plugins get flush(0) this often when idle */
#define SINK_STOP_TICK_MS 10	/* ... and this often while stopping */
#define SINK_FULL_WAIT_MS 1	/* a full queue is looked at again this soon */
#define SINK_BATCH_MAX 4096	/* events per write() */
#define SINK_OFFERS_PER_PASS 8	/* write()s between looks at the rings */
#define SINK_RETRY_MIN_NS (10 * 1000000ull)	/* after a RETRY answer, doubling */
#define SINK_RETRY_MAX_NS (1000 * 1000000ull)
#define SINK_LINGER_MAX_US 1000	/* the longest pause between busy passes */
#define SINK_LINGER_MIN_US 16	/* below this, no pause at all */
/* How long past its deadline a sink thread may take to return from the
 * final flush before it is given up on. */
#define SINK_STOP_GRACE_NS 200000000ull

/* Whether a plugin's line with this format may be printed now: one per
 * format and RATELIMIT_INTERVAL_NS, the rest counted and summed up in the
 * next one, as the core's own rate-limited lines are.  Under log_lock. */
static bool log_pass(struct sink *s, const char *fmt, unsigned long long *sup)
{
	uint64_t now = clock_mono_ns();
	size_t i, slot = 0;

	for (i = 0; i < SINK_LOG_SLOTS; i++) {
		if (s->rl[i].fmt == fmt)
			break;
		if (s->rl[i].last_ns < s->rl[slot].last_ns)
			slot = i;	/* the longest quiet, for a new format */
	}
	if (i == SINK_LOG_SLOTS) {
		i = slot;
		s->rl[i].fmt = fmt;
		s->rl[i].last_ns = 0;
		s->rl[i].suppressed = 0;
	}
	if (s->rl[i].last_ns && now - s->rl[i].last_ns < RATELIMIT_INTERVAL_NS) {
		s->rl[i].suppressed++;
		return false;
	}
	s->rl[i].last_ns = now;
	*sup = s->rl[i].suppressed;
	s->rl[i].suppressed = 0;
	return true;
}

/*
 * host->log, from any thread.  While open() runs, its own first error
 * becomes sink_open's one error line, and a line from another thread (a
 * library's) is held: printed if open() succeeds, dropped if it fails, so
 * neither can replace the reason open() gave.
 */
__attribute__((format(printf, 3, 4)))
static void host_log(const struct synsink_host *h, int level, const char *fmt, ...)
{
	struct sink *s = h->ctx;
	unsigned long long sup = 0;
	bool print = false;
	va_list ap;

	va_start(ap, fmt);
	pthread_mutex_lock(&s->log_lock);
	if (s->opening && pthread_equal(pthread_self(), s->opener)) {
		if (level > SYNSINK_LOG_ERR)
			print = true;
		else if (!s->open_err[0])
			vsnprintf(s->open_err, sizeof(s->open_err), fmt, ap);
	} else if (s->opening) {
		if (level <= SYNSINK_LOG_WARN && !s->held[0])
			vsnprintf(s->held, sizeof(s->held), fmt, ap);
	} else {
		print = log_pass(s, fmt, &sup);
	}
	pthread_mutex_unlock(&s->log_lock);
	if (print) {
		log_vmsg(level, s->label, fmt, ap);
		if (sup)
			log_msg(level, "%s: (%llu similar lines suppressed)",
				s->label, sup);
	}
	va_end(ap);
}

/* Calls the plugin's open() with host_log holding what it says. */
static int plugin_open(struct sink *s)
{
	int ret;

	pthread_mutex_lock(&s->log_lock);
	s->opener = pthread_self();
	s->opening = 1;
	pthread_mutex_unlock(&s->log_lock);
	ret = s->pl.desc->open(&s->state, s->vals, &s->host);
	pthread_mutex_lock(&s->log_lock);
	s->opening = 0;
	pthread_mutex_unlock(&s->log_lock);
	if (!ret && s->held[0])
		log_msg(SYNSINK_LOG_WARN, "%s: %s", s->label, s->held);
	return ret;
}

static int sink_fail(struct sink *s, int code)
{
	sink_close(s);
	return code;
}

/* Makes the sink thread's poll return.  A saturated eventfd counter
 * (EAGAIN) means it is signalled already. */
static void kick(struct sink *s)
{
	static const uint64_t one = 1;

	if (write(s->efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_msg(SYNSINK_LOG_ERR, "%s: eventfd: %s", s->label, strerror(errno));
}

/* host->settle. */
static void host_settle(const struct synsink_host *h, uint64_t seq, size_t n,
			enum synsink_outcome outcome)
{
	struct sink *s = h->ctx;

	dqueue_settle(&s->q, seq, n, outcome);
}

/* host->wake. */
static void host_wake(const struct synsink_host *h)
{
	struct sink *s = h->ctx;

	atomic_store(&s->ready, 1);
	kick(s);
}

static int open_spool(struct sink *s, const struct sink_core_opts *o,
		      const struct sink_env *env, char *err, size_t errlen)
{
	char why[512];

	if (!o->spool)
		return 0;
	if (spool_open(&s->sp, o->spool, o->spool_max ? o->spool_max : SPOOL_DEFAULT_MAX,
		       env->uid, env->gid, why, sizeof(why))) {
		snprintf(err, errlen, "sink %s: %s", s->label, why);
		return -1;
	}
	s->spooling = 1;
	s->spool_start = stat_get(&s->sp.waiting);
	s->xfer = calloc(SINK_BATCH_MAX, sizeof(*s->xfer));
	if (!s->xfer) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (s->spool_start)
		log_msg(SYNSINK_LOG_INFO, "%s: spool %s holds about %llu events; they go first",
			s->label, o->spool, s->spool_start);
	return 0;
}

int sink_open(struct sink *s, const char *spec_arg, const struct sink_env *env,
	      char *err, size_t errlen)
{
	struct sink_core_opts o = { .ring = env->ring_size, .buffer = SINK_BUFFER_DEFAULT };
	size_t i;
	int ret;

	memset(s, 0, sizeof(*s));
	s->efd = -1;
	pthread_mutex_init(&s->log_lock, NULL);
	pthread_mutex_init(&s->acct_lock, NULL);
	if (sinkspec_parse(spec_arg, &s->spec, err, errlen) ||
	    sinkspec_take_core(&s->spec, &o, err, errlen))
		return sink_fail(s, SINK_E_USAGE);
	snprintf(s->label, sizeof(s->label), "%s", s->spec.name);

	ret = plugin_load(env->plugin_dir, s->spec.name, &s->pl, err, errlen);
	if (ret)
		return sink_fail(s, ret == -ENOENT ? SINK_E_USAGE : SINK_E_START);
	s->vals = calloc(s->pl.desc->n_options + 1, sizeof(*s->vals));
	if (!s->vals) {
		snprintf(err, errlen, "out of memory");
		return sink_fail(s, SINK_E_START);
	}
	if (sink_values_parse(s->pl.desc, &s->spec, s->vals, s->kvbuf, err, errlen))
		return sink_fail(s, SINK_E_USAGE);

	s->rings = calloc(env->n_rings, sizeof(*s->rings));
	if (!s->rings || dqueue_init(&s->q, o.buffer)) {
		snprintf(err, errlen, "out of memory");
		return sink_fail(s, SINK_E_START);
	}
	for (i = 0; i < env->n_rings; i++) {
		if (ring_init(&s->rings[i], o.ring)) {
			snprintf(err, errlen, "cannot allocate a ring of %zu events",
				 o.ring);
			return sink_fail(s, SINK_E_START);
		}
		s->n_rings = i + 1;
	}
	s->linger_us = SINK_LINGER_MAX_US;
	s->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->efd < 0) {
		snprintf(err, errlen, "eventfd: %s", strerror(errno));
		return sink_fail(s, SINK_E_START);
	}
	if (open_spool(s, &o, env, err, errlen))
		return sink_fail(s, SINK_E_START);

	s->host.struct_size = sizeof(s->host);
	s->host.ctx = s;
	s->host.log = host_log;
	s->host.format_text = syn_format_text;
	s->host.format_json = syn_format_json;
	s->host.now_ns = clock_mono_ns;
	s->host.settle = host_settle;
	s->host.wake = host_wake;
	s->host.flags = s->spooling ? SYNSINK_HOST_SPOOL : 0;
	s->host.sensor = syn_sensor();
	ret = plugin_open(s);
	if (ret) {
		if (ret == -EINVAL) {	/* an option value the plugin refused */
			snprintf(err, errlen, "sink %s: %s", s->label,
				 s->open_err[0] ? s->open_err : "bad option value");
			return sink_fail(s, SINK_E_USAGE);
		}
		snprintf(err, errlen, "sink %s cannot start: %s", s->label,
			 s->open_err[0] ? s->open_err : strerror(ret < 0 ? -ret : ret));
		return sink_fail(s, SINK_E_START);
	}
	s->opened = 1;
	return 0;
}

/*
 * A batch from a ring: into the queue while it has room and nothing is
 * spooled (nothing newer may overtake a spooled event), else onto the
 * spool.  Without a spool, what does not fit waits in the ring while the
 * sink is taking events, and is dropped (dropped_buffer) while it is away
 * (backing off after a RETRY): then the queue holds the oldest `buffer`
 * events and the newest go.  Never waits for the plugin.  Returns how
 * many events of the batch were taken off the ring.
 */
static size_t take_batch(struct sink *s, const struct synsink_event *ev, size_t n,
			 uint64_t now)
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
		spool_append(&s->sp, ev + k, n - k, now);	/* counts what does not fit */
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
			const struct synsink_event *ev;

			n = ring_peek(&s->rings[i], &ev);
			if (!n)
				break;
			pthread_mutex_lock(&s->acct_lock);
			if (atomic_load(&s->abandoned)) {	/* sink_stop counted these */
				pthread_mutex_unlock(&s->acct_lock);
				return total;
			}
			k = take_batch(s, ev, n, now);
			stat_add(&s->seen, k);
			ring_release(&s->rings[i], k);
			pthread_mutex_unlock(&s->acct_lock);
			m += k;
			if (k < n)
				break;	/* the queue is full */
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
		k = spool_read(&s->sp, s->xfer, room, s->q.head);
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

/* Queue into the plugin, a few batches at most.  Returns how many events
 * it took. */
static size_t offer(struct sink *s, uint64_t now)
{
	size_t total = 0;
	int b;

	for (b = 0; b < SINK_OFFERS_PER_PASS; b++) {
		const struct synsink_event *ev;
		uint64_t seq;
		size_t n = dqueue_take(&s->q, SINK_BATCH_MAX, now >= s->retry_at_ns,
				       &ev, &seq);
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
	return rings_empty(s) && !dqueue_count(&s->q) &&
	       (!s->spooling || spool_empty(&s->sp));
}

/* How long the thread may sleep: the idle tick, cut short by a retry due
 * or the stop's deadline. */
static int sleep_ms(struct sink *s, uint64_t now)
{
	uint64_t until = now + (atomic_load(&s->stopping) ? SINK_STOP_TICK_MS :
				SINK_IDLE_TICK_MS) * 1000000ull;

	if (dqueue_retries(&s->q) && s->retry_at_ns > now && s->retry_at_ns < until)
		until = s->retry_at_ns;
	if (atomic_load(&s->stopping) && atomic_load(&s->deadline_ns) < until)
		until = atomic_load(&s->deadline_ns);
	return until > now ? (int)((until - now + 999999) / 1000000) : 0;
}

static void *sink_thread(void *arg)
{
	struct sink *s = arg;
	struct pollfd pfd = { .fd = s->efd, .events = POLLIN };
	uint64_t junk;

	for (;;) {
		uint64_t now = clock_mono_ns();
		size_t fullest, busy;

		if (atomic_load(&s->abandoned))
			return NULL;	/* main is past us: touch nothing */
		if (atomic_exchange(&s->reopen, 0))
			s->pl.desc->reopen(s->state);
		if (atomic_exchange(&s->ready, 0))
			s->backoff_ns = s->retry_at_ns = 0;	/* back: offer now */
		busy = move_in(s, &fullest, now);
		busy += refill(s);
		busy += offer(s, now);
		if (s->spooling) {
			spool_settled(&s->sp, dqueue_tail(&s->q));
			spool_tick(&s->sp, now);
		}
		if (busy) {
			if (!atomic_load(&s->stopping))
				linger(s, fullest);
			continue;
		}
		if (atomic_load(&s->stopping) &&
		    (all_done(s) || now >= atomic_load(&s->deadline_ns)))
			break;
		if (!rings_empty(s)) {
			/* The queue is full of events on their way: give the
			 * plugin a moment to settle some, then look again. */
			poll(&pfd, 1, SINK_FULL_WAIT_MS);
			if (read(s->efd, &junk, sizeof(junk)) < 0 && errno != EAGAIN)
				log_msg(SYNSINK_LOG_ERR, "%s: eventfd: %s", s->label,
					strerror(errno));
			s->pl.desc->flush(s->state, 0);
			continue;
		}
		atomic_store(&s->sleeping, 1);
		if (!rings_empty(s)) {
			atomic_store(&s->sleeping, 0);
			continue;
		}
		if (poll(&pfd, 1, sleep_ms(s, now)) == 0)
			s->pl.desc->flush(s->state, 0);	/* replies, reconnects */
		if (read(s->efd, &junk, sizeof(junk)) < 0 && errno != EAGAIN)
			log_msg(SYNSINK_LOG_ERR, "%s: eventfd: %s", s->label,
				strerror(errno));
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

int sink_start(struct sink *s)
{
	int ret = pthread_create(&s->thread, NULL, sink_thread, s);

	if (ret)
		return -ret;
	s->started = 1;
	return 0;
}


void sink_push(struct sink *s, size_t ring, const struct synsink_event *ev, size_t n)
{
	ring_push(&s->rings[ring], ev, n);	/* counts its own drops */
	if (atomic_exchange(&s->sleeping, 0))
		kick(s);
}

bool sink_reopen(struct sink *s)
{
	if (!s->pl.desc->reopen)
		return false;
	atomic_store(&s->reopen, 1);
	kick(s);
	return true;
}

void sink_stop(struct sink *s, uint64_t deadline_ns)
{
	uint64_t wait_ns, now = clock_mono_ns();
	unsigned long long held = 0;
	struct timespec until;
	size_t i;

	if (!s->started)
		return;
	atomic_store(&s->deadline_ns, deadline_ns);
	atomic_store(&s->stopping, 1);
	kick(s);
	/* pthread_timedjoin_np takes CLOCK_REALTIME. */
	wait_ns = deadline_ns + SINK_STOP_GRACE_NS > now ?
		  deadline_ns + SINK_STOP_GRACE_NS - now : 0;
	wait_ns += clock_real_ns();
	until.tv_sec = (time_t)(wait_ns / 1000000000u);
	until.tv_nsec = (long)(wait_ns % 1000000000u);
	if (pthread_timedjoin_np(s->thread, NULL, &until) == 0) {
		s->started = 0;
		return;
	}
	pthread_mutex_lock(&s->acct_lock);
	atomic_store(&s->abandoned, 1);
	for (i = 0; i < s->n_rings; i++)
		held += ring_count(&s->rings[i]);
	held += dqueue_count(&s->q);
	stat_add(&s->abandoned_events, held);
	pthread_mutex_unlock(&s->acct_lock);
	atomic_store(&s->flush_failed, 1);
	log_msg(SYNSINK_LOG_ERR,
		"%s: still inside the plugin at the deadline (a write that does not return); gave up on it, %llu undelivered events counted failed",
		s->label, held);
}

struct prepend_ctx {
	struct synsink_event *all;
	size_t n;
};

static void collect(void *arg, const struct synsink_event *ev, size_t n)
{
	struct prepend_ctx *c = arg;

	memcpy(c->all + c->n, ev, n * sizeof(*ev));
	c->n += n;
}

/* The stop's undelivered events, in front of the spool's.  Returns how
 * many could not be written there (counted by the spool as full). */
static void spool_rest(struct sink *s)
{
	struct prepend_ctx c = { NULL, 0 };
	size_t n = dqueue_count(&s->q);

	if (!n)
		return;
	c.all = malloc(n * sizeof(*c.all));
	if (!c.all) {
		s->sp.full += n;
		log_msg(SYNSINK_LOG_ERR, "%s: out of memory: %zu undelivered events not spooled",
			s->label, n);
		return;
	}
	dqueue_drain(&s->q, collect, &c);
	if (spool_prepend(&s->sp, c.all, c.n))
		log_msg(SYNSINK_LOG_ERR, "%s: spool %s: %zu undelivered events could not be spooled",
			s->label, s->sp.dir, c.n);
	else
		log_msg(SYNSINK_LOG_INFO, "%s: %zu undelivered events spooled to %s; they go first at the next start",
			s->label, c.n, s->sp.dir);
	free(c.all);
}

static void keep_last(void *arg, const char *name, uint64_t value)
{
	struct sink *s = arg;

	if (s->n_last == SINK_LAST_STATS)
		return;
	snprintf(s->last[s->n_last].name, sizeof(s->last[0].name), "%s", name);
	s->last[s->n_last].value = value;
	s->n_last++;
}

void sink_shutdown(struct sink *s)
{
	if (atomic_load(&s->abandoned) || !s->opened || s->started)
		return;
	s->n_last = 0;
	if (s->pl.desc->stats)
		s->pl.desc->stats(s->state, keep_last, s);
	s->pl.desc->close(s->state);	/* settles what it held */
	s->opened = 0;
	if (s->spooling) {
		spool_rest(s);
		spool_close(&s->sp);
		s->spooling = 0;
		s->spool_closed = 1;
	}
}

void sink_close(struct sink *s)
{
	size_t i;

	if (atomic_load(&s->abandoned))
		return;	/* its thread may still be inside the plugin */
	if (s->opened)
		s->pl.desc->close(s->state);
	s->opened = 0;
	if (s->spooling)
		spool_close(&s->sp);
	s->spooling = 0;
	free(s->xfer);
	s->xfer = NULL;
	dqueue_free(&s->q);
	plugin_unload(&s->pl);
	for (i = 0; i < s->n_rings; i++)
		ring_free(&s->rings[i]);
	free(s->rings);
	s->rings = NULL;
	s->n_rings = 0;
	free(s->vals);
	s->vals = NULL;
	if (s->efd >= 0)
		close(s->efd);
	s->efd = -1;
	sinkspec_free(&s->spec);
	pthread_mutex_destroy(&s->log_lock);
	pthread_mutex_destroy(&s->acct_lock);
}

struct emit_ctx {
	struct strbuf *sb;
	int n;
};

static void emit_json(void *arg, const char *name, uint64_t value)
{
	struct emit_ctx *e = arg;

	sb_printf(e->sb, "%s\"%s\":%llu", e->n++ ? "," : "", name,
		  (unsigned long long)value);
}

unsigned long long sink_dropped(const struct sink *s)
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

	memset(c, 0, sizeof(*c));
	c->seen = stat_get(&s->seen);
	c->delivered = stat_get(&s->q.delivered);
	c->failed = stat_get(&s->q.failed) + stat_get(&s->abandoned_events);
	c->dropped_ring = sink_dropped(s);
	c->dropped_buffer = stat_get(&s->dropped_buffer);
	c->dropped_spool = stat_get(&s->sp.full);
	c->dropped = c->dropped_ring + c->dropped_buffer + c->dropped_spool;
	c->pending = ab ? 0 : dqueue_count(&s->q);
	c->spooled = stat_get(&s->sp.waiting);
	c->spool_start = s->spool_start;
	c->spool_corrupt = stat_get(&s->sp.corrupt);
	c->retried = stat_get(&s->q.retried);
	c->settle_errors = stat_get(&s->q.settle_errors);
}

/* The core's counters of a sink, by name: the stats line and /metrics
 * both print this table (and so cannot drift apart). */
#define SC(name, gauge) { #name, offsetof(struct sink_counts, name), gauge }
static const struct {
	const char *name;
	size_t off;
	int gauge;	/* a level (pending, spooled), not a running total */
} count_fields[] = {
	SC(seen, 0), SC(delivered, 0), SC(failed, 0), SC(dropped, 0),
	SC(dropped_ring, 0), SC(dropped_buffer, 0), SC(dropped_spool, 0),
	SC(pending, 1), SC(spooled, 1), SC(spool_start, 1), SC(spool_corrupt, 0),
	SC(retried, 0), SC(settle_errors, 0),
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

void sink_stats_json(struct sink *s, struct strbuf *sb)
{
	sb_printf(sb, "{\"sink\":\"%s\"", s->label);
	sink_counts_each(s, count_json, sb);
	sb_printf(sb, ",\"flush_failed\":%s", stat_get(&s->flush_failed) ? "true" : "false");
	if (s->spooling || s->spool_closed)
		sb_printf(sb, ",\"spool\":{\"appended\":%llu,\"replayed\":%llu,"
			  "\"bad_segments\":%llu,\"io_errors\":%llu}",
			  stat_get(&s->sp.appended), stat_get(&s->sp.replayed),
			  stat_get(&s->sp.bad_segments), stat_get(&s->sp.io_errors));
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
	for (i = 0; i < s->n_last; i++)	/* closed by sink_shutdown */
		emit(arg, s->last[i].name, s->last[i].value);
}
