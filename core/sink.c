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
#include "util.h"

#define SINK_IDLE_TICK_MS 100	/* plugins get flush(0) this often when idle */
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

int sink_open(struct sink *s, const char *spec_arg, const char *dir,
	      size_t n_rings, size_t ring_size, char *err, size_t errlen)
{
	size_t i;
	int ret;

	memset(s, 0, sizeof(*s));
	s->efd = -1;
	pthread_mutex_init(&s->log_lock, NULL);
	pthread_mutex_init(&s->acct_lock, NULL);
	if (sinkspec_parse(spec_arg, &s->spec, err, errlen) ||
	    sinkspec_take_ring(&s->spec, &ring_size, err, errlen))
		return sink_fail(s, SINK_E_USAGE);
	snprintf(s->label, sizeof(s->label), "%s", s->spec.name);

	ret = plugin_load(dir, s->spec.name, &s->pl, err, errlen);
	if (ret)
		return sink_fail(s, ret == -ENOENT ? SINK_E_USAGE : SINK_E_START);
	s->vals = calloc(s->pl.desc->n_options + 1, sizeof(*s->vals));
	if (!s->vals) {
		snprintf(err, errlen, "out of memory");
		return sink_fail(s, SINK_E_START);
	}
	if (sink_values_parse(s->pl.desc, &s->spec, s->vals, s->kvbuf, err, errlen))
		return sink_fail(s, SINK_E_USAGE);

	s->rings = calloc(n_rings, sizeof(*s->rings));
	if (!s->rings) {
		snprintf(err, errlen, "out of memory");
		return sink_fail(s, SINK_E_START);
	}
	for (i = 0; i < n_rings; i++) {
		if (ring_init(&s->rings[i], ring_size)) {
			snprintf(err, errlen, "cannot allocate a ring of %zu events",
				 ring_size);
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

	s->host.struct_size = sizeof(s->host);
	s->host.ctx = s;
	s->host.log = host_log;
	s->host.format_text = syn_format_text;
	s->host.format_json = syn_format_json;
	s->host.now_ns = clock_mono_ns;
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

/* Hands a batch to the plugin, then counts it and frees its slots.
 * Returns false when the sink was given up on meanwhile. */
static bool deliver(struct sink *s, struct ring *r, const struct synsink_event *ev,
		    size_t n)
{
	int ret = s->pl.desc->write(s->state, ev, n);

	pthread_mutex_lock(&s->acct_lock);
	if (atomic_load(&s->abandoned)) {	/* sink_stop counted these */
		pthread_mutex_unlock(&s->acct_lock);
		return false;
	}
	if (ret == SYNSINK_OK)
		stat_add(&s->written, n);
	else
		stat_add(&s->failed, n);
	ring_release(r, n);
	pthread_mutex_unlock(&s->acct_lock);
	return true;
}

/* One pass over all rings; returns how many events went out and sets
 * *fullest to the most any one ring held.  A ring is peeked twice: a
 * peek stops at the end of the slots, and the rest waits at the start. */
static size_t drain_once(struct sink *s, size_t *fullest)
{
	size_t i, total = 0;

	*fullest = 0;
	for (i = 0; i < s->n_rings; i++) {
		size_t m = 0, n;
		int part;

		for (part = 0; part < 2; part++) {
			const struct synsink_event *ev;

			n = ring_peek(&s->rings[i], &ev);
			if (!n)
				break;
			if (!deliver(s, &s->rings[i], ev, n))
				return 0;
			m += n;
		}
		total += m;
		if (m > *fullest)
			*fullest = m;
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

static int rings_empty(struct sink *s)
{
	size_t i;

	for (i = 0; i < s->n_rings; i++)
		if (!ring_empty(&s->rings[i]))
			return 0;
	return 1;
}

static void *sink_thread(void *arg)
{
	struct sink *s = arg;
	struct pollfd pfd = { .fd = s->efd, .events = POLLIN };
	uint64_t junk;

	for (;;) {
		size_t fullest;

		if (atomic_load(&s->abandoned))
			return NULL;	/* main is past us: touch nothing */
		if (atomic_exchange(&s->reopen, 0))
			s->pl.desc->reopen(s->state);
		if (drain_once(s, &fullest)) {
			if (!atomic_load(&s->stopping))
				linger(s, fullest);
			continue;
		}
		atomic_store(&s->sleeping, 1);
		if (!rings_empty(s)) {
			atomic_store(&s->sleeping, 0);
			continue;
		}
		if (atomic_load(&s->stopping))
			break;
		if (poll(&pfd, 1, SINK_IDLE_TICK_MS) == 0)
			s->pl.desc->flush(s->state, 0);
		if (read(s->efd, &junk, sizeof(junk)) < 0 && errno != EAGAIN)
			log_msg(SYNSINK_LOG_ERR, "%s: eventfd: %s", s->label,
				strerror(errno));
		atomic_store(&s->sleeping, 0);
	}

	/* What is left of the time to the deadline, for the final flush. */
	{
		uint64_t now = clock_mono_ns(), end = atomic_load(&s->deadline_ns);
		int left = end > now ? (int)((end - now) / 1000000) : 0;

		if (s->pl.desc->flush(s->state, left)) {
			atomic_store(&s->flush_failed, 1);
			log_msg(SYNSINK_LOG_WARN, "%s: flush did not finish in time (%d ms left)",
				s->label, left);
		}
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

/* Makes the sink thread's poll return.  A saturated eventfd counter
 * (EAGAIN) means it is signalled already. */
static void kick(struct sink *s)
{
	static const uint64_t one = 1;

	if (write(s->efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_msg(SYNSINK_LOG_ERR, "%s: eventfd: %s", s->label, strerror(errno));
}

void sink_wake(struct sink *s)
{
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
	stat_add(&s->failed, held);
	pthread_mutex_unlock(&s->acct_lock);
	atomic_store(&s->flush_failed, 1);
	log_msg(SYNSINK_LOG_ERR,
		"%s: still inside the plugin at the deadline (a write that does not return); gave up on it, %llu undelivered events counted failed",
		s->label, held);
}

void sink_close(struct sink *s)
{
	size_t i;

	if (atomic_load(&s->abandoned))
		return;	/* its thread may still be inside the plugin */
	if (s->opened)
		s->pl.desc->close(s->state);
	s->opened = 0;
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

void sink_stats_json(struct sink *s, struct strbuf *sb)
{
	sb_printf(sb, "{\"sink\":\"%s\",\"written\":%llu,\"dropped\":%llu,"
		  "\"failed\":%llu,\"flush_failed\":%s", s->label,
		  stat_get(&s->written), sink_dropped(s), stat_get(&s->failed),
		  stat_get(&s->flush_failed) ? "true" : "false");
	if (s->opened && s->pl.desc->stats) {
		struct emit_ctx e = { sb, 0 };

		sb_printf(sb, ",\"plugin\":{");
		sink_plugin_stats(s, emit_json, &e);
		sb_printf(sb, "}");
	}
	sb_printf(sb, "}");
}

void sink_plugin_stats(struct sink *s, synsink_emit_fn emit, void *arg)
{
	if (s->opened && s->pl.desc->stats)
		s->pl.desc->stats(s->state, emit, arg);
}
