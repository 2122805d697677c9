/* SPDX-License-Identifier: MIT */
/*
 * sink.h - one sink instance: a loaded plugin, its rings (one per capture
 * thread), and the thread that drains them into the plugin in batches.
 */
#ifndef SYNSINK_SINK_H
#define SYNSINK_SINK_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include <sys/types.h>

#include "counter.h"
#include "dqueue.h"
#include "loader.h"
#include "ring.h"
#include "sinkspec.h"
#include "spool.h"

/* Plugin counters kept past the plugin's close (sink.c). */
#define SINK_LAST_STATS 64
/* Per-format limit on a plugin's log lines once it runs (sink.c). */
#define SINK_LOG_SLOTS 8

struct sink {
	char label[SINK_NAME_MAX + 8]; /* "stdout" or "stdout#2" */
	struct sink_spec spec;
	struct plugin pl;
	struct synsink_value *vals;
	char **secrets; /* read from NAME_file (secret.h), one per option, wiped at close */
	size_t n_secrets;
	struct synsink_kv kvbuf[SINKSPEC_MAX_KV]; /* prefix options' keys */
	struct synsink_host host;
	uint64_t fields; /* the JSON keys fields= selects (fields.h), SF_ALL without */
	void *state;	 /* the plugin instance */
	int opened;

	/* host->log may be called from any thread (a library's own ones
	 * too); log_lock guards what follows. */
	pthread_mutex_t log_lock;
	int opening; /* in open(), on thread opener */
	pthread_t opener;
	char open_err[512]; /* open()'s first error: its one line */
	char held[256];	    /* another thread's first line during open() */
	struct {
		const char *fmt;
		uint64_t last_ns;
		unsigned long long suppressed;
	} rl[SINK_LOG_SLOTS];

	struct dqueue q; /* taken from the rings, not yet settled */
	struct spool sp;
	/* spool= given: sp was opened (closed once sink_shutdown or
	 * sink_close ran). */
	int spooling;
	/* The plugin's counters as they were when sink_shutdown closed it,
	 * for the final stats line. */
	struct {
		char name[48];
		uint64_t value;
	} last[SINK_LAST_STATS];
	size_t n_last;
	struct synsink_event *xfer;	  /* spool reads land here */
	uint64_t backoff_ns, retry_at_ns; /* after a RETRY answer */
	atomic_int ready;		  /* host->wake: offer again now */
	atomic_ullong seen;		  /* events taken from the rings */
	atomic_ullong dropped_buffer;	  /* the queue was full, no spool */
	unsigned long long spool_start;	  /* events the spool held at start */

	struct ring *rings; /* one per queue */
	size_t n_rings;
	unsigned int linger_us; /* pause between busy passes (sinkloop.c) */
	int efd;		/* eventfd: wakes the sink thread */
	atomic_int sleeping;	/* the thread is (about to be) in poll */
	atomic_int stopping;
	atomic_int reopen;	   /* SIGHUP: reopen before the next write */
	atomic_ullong deadline_ns; /* stopping: finish by then (monotonic) */
	pthread_t thread;
	int started;
	/* The sink thread counts a batch and releases it under acct_lock,
	 * never while a write() is under way; sink_stop takes it to give up
	 * on a thread stuck in write() and count what it holds, once. */
	pthread_mutex_t acct_lock;
	atomic_int abandoned;

	atomic_ullong abandoned_events; /* held by a sink given up on: failed */
	atomic_ullong flush_failed;	/* the stop left events undelivered */
};

/* Why sink_open failed, for the exit status. */
enum sink_open_err { SINK_E_USAGE = 1, SINK_E_START = 2 };

/* What every sink gets unless its spec says otherwise. */
struct sink_env {
	const char *plugin_dir;
	size_t n_rings;	  /* one per queue */
	size_t ring_size; /* --ring-size */
	uid_t uid;	  /* owner of a spool directory (--user) */
	gid_t gid;
	bool spec_in_file; /* the spec is from --config, not the command line */
};

/*
 * Loads the plugin named in spec_arg, parses its options and the core's
 * (sinkspec.h), makes the rings and the queue, opens the spool and the
 * plugin instance.  Returns 0, or SINK_E_USAGE (unknown sink or option) /
 * SINK_E_START (plugin refused or failed to open, spool unusable) with err
 * set; nothing is left open then.
 */
int sink_open(struct sink *s, const char *spec_arg, const struct sink_env *env, char *err,
	      size_t errlen);
/* Starts the sink thread.  Returns 0 or a negative errno. */
int sink_start(struct sink *s);
/* The producer's side, from capture thread ring (that thread's ring of
 * this sink alone): queues n events, dropping and counting what does not
 * fit, and wakes the sink's thread if it sleeps.  Never waits. */
void sink_push(struct sink *s, size_t ring, const struct synsink_event *ev, size_t n);
/* SIGHUP: asks the sink thread to call the plugin's reopen() before its
 * next write.  Returns whether the plugin has one. */
bool sink_reopen(struct sink *s);
/*
 * Drains every ring and flushes, all by deadline_ns (monotonic), then joins
 * the thread.  A sink whose thread is still busy then (a write() that does
 * not return: a reader that stopped reading, a hung peer) is given up on:
 * what it holds is counted failed, and it is left alone until exit.
 */
void sink_stop(struct sink *s, uint64_t deadline_ns);
/* After sink_stop: closes the plugin instance, which settles what it
 * still held, and spools what is left undelivered (with spool=), so the
 * final counters say where every event went. */
void sink_shutdown(struct sink *s);
/* Frees everything (not for a sink given up on: its thread may still be
 * inside the plugin). */
void sink_close(struct sink *s);

#endif
