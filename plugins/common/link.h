/* SPDX-License-Identifier: MIT */
/*
 * link.h - the up-and-down life of a network sink's connection, which the
 * Redis and syslog sinks share: a failed connect is counted, backs off
 * (the outbox's backoff) and is said once until the link is back; a
 * connection that breaks is counted and said once; coming back is
 * counted and said.  How to connect, and what "up" means (a socket, a
 * handshake answered), stays the sink's own.
 */
#ifndef SYNSINK_LINK_H
#define SYNSINK_LINK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <synsink/plugin.h>

#include "outbox.h"

struct link {
	struct outbox *ob; /* its backoff paces the connects */
	const struct synsink_host *host;
	bool down;	  /* said to be down, not yet back */
	bool quiet;	  /* open() is trying: it reports failures itself */
	char said[256];	  /* what was said of this outage last */
	uint64_t said_ns; /* and when (host->now_ns) */
	/* Counters: stats() reads them from any thread. */
	atomic_ullong reconnects, connect_errors, lost;
};

void link_init(struct link *l, struct outbox *ob, const struct synsink_host *host);

/* Whether a (re)connect may be tried now (the backoff is over). */
static inline bool link_may_connect(const struct link *l)
{
	return outbox_may_connect(l->ob);
}

/* A connect (or its handshake) failed, for the reason given: counted,
 * backed off, said once ("REASON; retrying") until link_up(). */
void link_failed(struct link *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* An established connection broke: counted, said unless already down;
 * what was on its way goes again after the minimum backoff. */
void link_lost(struct link *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Up (connected, and whatever handshake the sink needs answered).
 * Returns true if it had been down: the sink then says so (it knows what
 * is worth saying) and wakes the core if it refused events meanwhile. */
bool link_up(struct link *l);
/* Down without a failure to count (open() going on without a server). */
void link_mark_down(struct link *l);

/* The counters, under the sink's names for them. */
void link_stats(const struct link *l, synsink_emit_fn emit, void *arg, const char *lost_name);

#endif
