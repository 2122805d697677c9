/* SPDX-License-Identifier: MIT */
/*
 * sink_int.h - struct sink, for deliver/'s own files (sink.c, sinkloop.c,
 * sinkstats.c) and the white-box unit tests; every other part of synsink
 * holds a sink by its opaque pointer (sink.h).
 */
#ifndef SYNSINK_SINK_INT_H
#define SYNSINK_SINK_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "counter.h"
#include "dqueue.h"
#include "loader.h"
#include "ring.h"
#include "sink.h"
#include "sinkspec.h"
#include "spool.h"

/* Plugin counters kept past the plugin's close (sink.c). */
#define SINK_LAST_STATS 64
/* Per-format limit on a plugin's log lines once it runs (sink.c). */
#define SINK_LOG_SLOTS 8

struct sink {
	char label[SINK_NAME_MAX + 8]; /* "stdout" or "stdout#2" */
	char *spec_text;	       /* the spec as given (sink_spec) */
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

#endif
