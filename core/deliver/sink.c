// SPDX-License-Identifier: MIT
/*
 * sink.c - a sink: opening it (the plugin, its rings, queue and spool),
 * what the core offers the plugin (host->log, settle, wake), and starting,
 * stopping and closing it.  The thread's loop is in sinkloop.c, the
 * counters in sinkstats.c.
 */
#include "sink.h"
#include "sink_int.h"

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

#include "fields.h"
#include "format.h"
#include "log.h"
#include "options.h"
#include "secret.h"
#include "sinkloop.h"
#include "util.h"

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
			slot = i; /* the longest quiet, for a new format */
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
__attribute__((format(printf, 3, 4))) static void host_log(const struct synsink_host *h, int level,
							   const char *fmt, ...)
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
			log_msg(level, "%s: (%llu similar lines suppressed)", s->label, sup);
	}
	va_end(ap);
}

/* Calls the plugin's open() (with check_only, its check(), if it has
 * one) with host_log holding what it says. */
static int plugin_open(struct sink *s, bool check_only)
{
	const struct synsink_plugin *d = s->pl.desc;
	int ret;

	pthread_mutex_lock(&s->log_lock);
	s->opener = pthread_self();
	s->opening = 1;
	pthread_mutex_unlock(&s->log_lock);
	if (check_only)
		ret = d->check ? d->check(s->vals, &s->host) : 0;
	else
		ret = d->open(&s->state, s->vals, &s->host);
	pthread_mutex_lock(&s->log_lock);
	s->opening = 0;
	pthread_mutex_unlock(&s->log_lock);
	if (!ret && s->held[0])
		log_msg(SYNSINK_LOG_WARN, "%s: %s", s->label, s->held);
	return ret;
}

static size_t host_format_text(const struct synsink_host *h, const struct synsink_event *ev,
			       char *buf, size_t len)
{
	(void)h;
	return syn_format_text(ev, buf, len);
}

static size_t host_format_json(const struct synsink_host *h, const struct synsink_event *ev,
			       char *buf, size_t len)
{
	const struct sink *s = h->ctx;

	return syn_format_json_sel(ev, buf, len, s->fields); /* take_fields set it */
}

/* fields=: the keys, known and of features that are on.  A plugin that
 * may write text (SYNSINK_PLUGIN_TEXT) is told, and refuses it for an
 * instance that does; a plugin without that flag writes JSON.  Returns 0
 * or -EINVAL with err. */
static int take_fields(struct sink *s, const char *list, char *err, size_t errlen)
{
	char why[256];

	s->fields = SF_ALL;
	if (!list)
		return 0;
	if (syn_fields_parse(list, syn_format_features(), &s->fields, why, sizeof(why))) {
		snprintf(err, errlen, "sink %s: %s", s->spec.name, why);
		return -EINVAL;
	}
	if (s->pl.desc->flags & SYNSINK_PLUGIN_TEXT)
		s->host.flags |= SYNSINK_HOST_FIELDS;
	return 0;
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

static int open_spool(struct sink *s, const struct sink_core_opts *o, const struct sink_env *env,
		      char *err, size_t errlen)
{
	struct spool_totals t;
	char why[512];

	if (!o->spool)
		return 0;
	if (spool_open(&s->sp, o->spool, o->spool_max ? o->spool_max : SPOOL_DEFAULT_MAX, env->uid,
		       env->gid, why, sizeof(why))) {
		snprintf(err, errlen, "sink %s: %s", s->label, why);
		return -1;
	}
	s->spooling = 1;
	spool_totals(&s->sp, &t);
	s->spool_start = t.waiting;
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

/* A passed-through key that names a password (rdkafka.sasl.password),
 * given on the command line: the same warning. */
static void warn_passed_secrets(const struct sink *s, const struct synsink_option *o,
				const struct synsink_value *v)
{
	size_t k;

	for (k = 0; k < v->n_kv; k++)
		if (strstr(v->kv[k].key, "password"))
			log_msg(SYNSINK_LOG_WARN,
				"sink %s: option '%s%s' on the command line can be read by every local user (ps, /proc/PID/cmdline); put it in the config file",
				s->spec.name, o->name, v->kv[k].key);
}

/* The secrets given as NAME_file are read now, as root, before --user;
 * one given inline on the command line is one warning (the config file,
 * root's and private, is the other right place for it). */
static int take_secrets(struct sink *s, bool in_file, char *err, size_t errlen)
{
	const struct synsink_plugin *p = s->pl.desc;
	char why[512];
	uint32_t i;

	s->secrets = calloc(p->n_options + 1, sizeof(*s->secrets));
	if (!s->secrets) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	s->n_secrets = p->n_options;
	for (i = 0; i < p->n_options; i++) {
		if (p->options[i].type == SYNSINK_OPT_PREFIX && !in_file)
			warn_passed_secrets(s, &p->options[i], &s->vals[i]);
		if (p->options[i].type != SYNSINK_OPT_SECRET || !s->vals[i].set)
			continue;
		if (s->vals[i].set != OPTION_SET_FILE) {
			if (!in_file)
				log_msg(SYNSINK_LOG_WARN,
					"sink %s: option '%s' on the command line can be read by every local user (ps, /proc/PID/cmdline); give %s_file= or put it in the config file",
					s->spec.name, p->options[i].name, p->options[i].name);
			continue;
		}
		if (secret_file_read(s->vals[i].str, &s->secrets[i], why, sizeof(why))) {
			snprintf(err, errlen, "sink %s: option '%s_file': %s", s->spec.name,
				 p->options[i].name, why);
			return -EINVAL;
		}
		s->vals[i].str = s->secrets[i];
		s->vals[i].set = 1;
	}
	return 0;
}

/* The sink's spec, plugin and option values, as sink_open and sink_check
 * both need them.  Returns 0 or SINK_E_* with err. */
static int prepare(struct sink *s, const char *spec_arg, const struct sink_env *env,
		   struct sink_core_opts *o, char *err, size_t errlen)
{
	int ret;

	s->efd = -1;
	pthread_mutex_init(&s->log_lock, NULL);
	pthread_mutex_init(&s->acct_lock, NULL);
	s->spec_text = strdup(spec_arg);
	if (!s->spec_text) {
		snprintf(err, errlen, "out of memory");
		return SINK_E_START;
	}
	if (sinkspec_parse(spec_arg, &s->spec, err, errlen) ||
	    sinkspec_take_core(&s->spec, o, err, errlen))
		return SINK_E_USAGE;
	snprintf(s->label, sizeof(s->label), "%s", s->spec.name);

	ret = plugin_load(env->plugin_dir, s->spec.name, &s->pl, err, errlen);
	if (ret)
		return ret == -ENOENT ? SINK_E_USAGE : SINK_E_START;
	s->vals = calloc(s->pl.desc->n_options + 1, sizeof(*s->vals));
	if (!s->vals) {
		snprintf(err, errlen, "out of memory");
		return SINK_E_START;
	}
	if (option_values_parse(s->pl.desc, &s->spec, s->vals, s->kvbuf, err, errlen) ||
	    take_secrets(s, env->spec_in_file, err, errlen) ||
	    take_fields(s, o->fields, err, errlen))
		return SINK_E_USAGE;
	return 0;
}

/* What the core offers the plugin. */
static void host_init(struct sink *s)
{
	s->host.struct_size = sizeof(s->host);
	s->host.ctx = s;
	s->host.log = host_log;
	s->host.format_text = host_format_text;
	s->host.format_json = host_format_json;
	s->host.now_ns = clock_mono_ns;
	s->host.settle = host_settle;
	s->host.wake = host_wake;
	s->host.flags |= s->spooling ? SYNSINK_HOST_SPOOL : 0;
	s->host.sensor = syn_sensor();
}

/* The plugin's open() or check() refused with ret: its line into err,
 * and which exit that is. */
static int plugin_refused(struct sink *s, int ret, char *err, size_t errlen)
{
	if (ret == -EINVAL) { /* an option value the plugin refused */
		snprintf(err, errlen, "sink %s: %s", s->label,
			 s->open_err[0] ? s->open_err : "bad option value");
		return SINK_E_USAGE;
	}
	snprintf(err, errlen, "sink %s cannot start: %s", s->label,
		 s->open_err[0] ? s->open_err : strerror(ret < 0 ? -ret : ret));
	return SINK_E_START;
}

int sink_open(struct sink **out, const char *spec_arg, const struct sink_env *env, char *err,
	      size_t errlen)
{
	struct sink_core_opts o = { .ring = env->ring_size, .buffer = SINK_BUFFER_DEFAULT };
	struct sink *s = calloc(1, sizeof(*s));
	size_t i;
	int ret;

	*out = NULL;
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return SINK_E_START;
	}
	ret = prepare(s, spec_arg, env, &o, err, errlen);
	if (ret)
		return sink_fail(s, ret);
	s->rings = calloc(env->n_rings, sizeof(*s->rings));
	if (!s->rings || dqueue_init(&s->q, o.buffer)) {
		snprintf(err, errlen, "out of memory");
		return sink_fail(s, SINK_E_START);
	}
	for (i = 0; i < env->n_rings; i++) {
		if (ring_init(&s->rings[i], o.ring)) {
			snprintf(err, errlen, "cannot allocate a ring of %zu events", o.ring);
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
	host_init(s);
	ret = plugin_open(s, false);
	if (ret)
		return sink_fail(s, plugin_refused(s, ret, err, errlen));
	s->opened = 1;
	*out = s;
	return 0;
}

int sink_check(const char *spec_arg, const struct sink_env *env, char *err, size_t errlen)
{
	struct sink_core_opts o = { .ring = env->ring_size, .buffer = SINK_BUFFER_DEFAULT };
	struct sink *s = calloc(1, sizeof(*s));
	int ret;

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return SINK_E_START;
	}
	ret = prepare(s, spec_arg, env, &o, err, errlen);
	if (!ret) {
		host_init(s);
		if (o.spool) /* as it will run: the plugin is told of its spool */
			s->host.flags |= SYNSINK_HOST_SPOOL;
		ret = plugin_open(s, true);
		if (ret)
			ret = plugin_refused(s, ret, err, errlen);
	}
	return sink_fail(s, ret);
}

const char *sink_label(const struct sink *s)
{
	return s->label;
}

static bool label_taken(const char *label, struct sink *const *others, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(others[i]->label, label))
			return true;
	return false;
}

void sink_label_new(struct sink *s, struct sink *const *others, size_t n)
{
	int k;

	snprintf(s->label, sizeof(s->label), "%s", s->spec.name);
	for (k = 2; label_taken(s->label, others, n); k++)
		snprintf(s->label, sizeof(s->label), "%s#%d", s->spec.name, k);
}

const char *sink_spec(const struct sink *s)
{
	return s->spec_text;
}

const char *sink_plugin(const struct sink *s)
{
	return s->spec.name;
}

int sink_start(struct sink *s)
{
	int ret = pthread_create(&s->thread, NULL, sink_loop, s);

	if (ret)
		return -ret;
	s->started = 1;
	return 0;
}

void sink_push(struct sink *s, size_t ring, const struct synsink_event *ev, size_t n)
{
	ring_push(&s->rings[ring], ev, n); /* counts its own drops */
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
	wait_ns = deadline_ns + SINK_STOP_GRACE_NS > now ? deadline_ns + SINK_STOP_GRACE_NS - now
							 : 0;
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

struct rest_ctx {
	const struct spool *sp;
	struct synsink_event *fresh; /* not from the spool: to be prepended */
	size_t n_fresh, n_held;
	uint64_t first_held; /* the oldest read back from the spool */
};

static void collect(void *arg, uint64_t seq, const struct synsink_event *ev, size_t n)
{
	struct rest_ctx *c = arg;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!spool_holds(c->sp, seq + i))
			c->fresh[c->n_fresh++] = ev[i];
		else if (!c->n_held++)
			c->first_held = seq + i;
	}
}

/*
 * The stop's undelivered events.  Those read back from the spool are on
 * disk still: they stay there, the cursor going back to the oldest (never
 * copied: a copy could be refused as "full", and the originals were gone
 * with it).  The others go in front of the spool's events; what cannot be
 * written there is counted by the spool as full.  An event that was read
 * back after fresh ones were queued is replayed after them.
 */
static void spool_rest(struct sink *s)
{
	struct rest_ctx c = { &s->sp, NULL, 0, 0, 0 };
	size_t n = dqueue_count(&s->q);

	if (!n)
		return;
	c.fresh = malloc(n * sizeof(*c.fresh));
	if (!c.fresh) {
		spool_lost(&s->sp, n);
		log_msg(SYNSINK_LOG_ERR, "%s: out of memory: %zu undelivered events not spooled",
			s->label, n);
		return;
	}
	dqueue_drain(&s->q, collect, &c);
	spool_unread(&s->sp, c.first_held, c.n_held);
	if (c.n_held)
		log_msg(SYNSINK_LOG_INFO,
			"%s: %zu undelivered events stay in spool %s, read again at the next start",
			s->label, c.n_held, spool_dir(&s->sp));
	if (c.n_fresh && spool_prepend(&s->sp, c.fresh, c.n_fresh))
		log_msg(SYNSINK_LOG_ERR,
			"%s: spool %s: %zu undelivered events could not be spooled", s->label,
			spool_dir(&s->sp), c.n_fresh);
	else if (c.n_fresh)
		log_msg(SYNSINK_LOG_INFO,
			"%s: %zu undelivered events spooled to %s; they go first at the next start",
			s->label, c.n_fresh, spool_dir(&s->sp));
	free(c.fresh);
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
	s->pl.desc->close(s->state); /* settles what it held */
	s->opened = 0;
	if (s->spooling) {
		spool_rest(s);
		spool_close(&s->sp); /* again in sink_close: a no-op */
	}
}

bool sink_close(struct sink *s)
{
	size_t i;

	if (!s)
		return true;
	if (atomic_load(&s->abandoned))
		return false; /* its thread may still be inside the plugin */
	if (s->opened)
		s->pl.desc->close(s->state);
	if (s->spooling)
		spool_close(&s->sp);
	free(s->xfer);
	dqueue_free(&s->q);
	plugin_unload(&s->pl);
	for (i = 0; i < s->n_rings; i++)
		ring_free(&s->rings[i]);
	free(s->rings);
	free(s->vals);
	for (i = 0; i < s->n_secrets; i++)
		secret_free(s->secrets[i]);
	free(s->secrets);
	if (s->efd >= 0)
		close(s->efd);
	sinkspec_free(&s->spec);
	free(s->spec_text);
	pthread_mutex_destroy(&s->log_lock);
	pthread_mutex_destroy(&s->acct_lock);
	free(s);
	return true;
}
