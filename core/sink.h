/* SPDX-License-Identifier: MIT */
/*
 * sink.h - one sink instance: a loaded plugin, its rings (one per capture
 * thread), and the thread that drains them into the plugin in batches.
 */
#ifndef SYNSINK_SINK_H
#define SYNSINK_SINK_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#include "loader.h"
#include "ring.h"
#include "sinkspec.h"
#include "stats.h"

struct sink {
	char label[SINK_NAME_MAX + 8];	/* "stdout" or "stdout#2" */
	struct sink_spec spec;
	struct plugin pl;
	struct synsink_value *vals;
	struct synsink_kv kvbuf[SINKSPEC_MAX_KV];	/* prefix options' keys */
	struct synsink_host host;
	void *state;			/* the plugin instance */
	int opened;
	int opening;			/* in open(): errors are held, not printed */
	char open_err[256];		/* the last error open() logged */

	struct ring *rings;		/* one per queue */
	size_t n_rings;
	unsigned int linger_us;		/* pause between busy passes (sink.c) */
	int efd;			/* eventfd: wakes the sink thread */
	atomic_int sleeping;		/* the thread is (about to be) in poll */
	atomic_int stopping;
	pthread_t thread;
	int started;
	pthread_mutex_t lock;		/* serialises plugin calls */
	int flush_timeout_ms;

	atomic_ullong written;		/* events the plugin took */
	atomic_ullong failed;		/* events in batches it refused */
	atomic_ullong flush_failed;	/* final flush left events undelivered */
};

/* Why sink_open failed, for the exit status. */
enum sink_open_err { SINK_E_USAGE = 1, SINK_E_START = 2 };

/*
 * Loads the plugin named in spec_arg from dir, parses its options, makes
 * n_rings rings of ring_size and opens the plugin instance.  Returns 0, or
 * SINK_E_USAGE (unknown sink or option) / SINK_E_START (plugin refused or
 * failed to open) with err set; nothing is left open then.
 */
int sink_open(struct sink *s, const char *spec_arg, const char *dir,
	      size_t n_rings, size_t ring_size, int flush_timeout_ms,
	      char *err, size_t errlen);
/* Starts the sink thread.  Returns 0 or a negative errno. */
int sink_start(struct sink *s);
/* Producer side: wakes the thread if it sleeps.  Cheap when it does not. */
void sink_wake(struct sink *s);
/* Drains every ring, flushes with the timeout, joins the thread. */
void sink_stop(struct sink *s);
/* Closes the plugin instance and frees everything. */
void sink_close(struct sink *s);

/* Events its rings refused (the sink fell behind), over all queues. */
unsigned long long sink_dropped(const struct sink *s);

/* Appends this sink's counters as a JSON object. */
void sink_stats_json(struct sink *s, struct strbuf *sb);

#endif
