/* SPDX-License-Identifier: MIT */
/*
 * httpguard.h - an absolute deadline for each connection to /metrics.
 *
 * libmicrohttpd's own timeout is an idle one: a client that sends a header
 * line every few seconds keeps its connection, and sixteen such clients
 * held every slot for as long as they liked.  The guard notes when each
 * connection began (MHD_OPTION_NOTIFY_CONNECTION) and a thread of its own
 * shuts down any that is still open HTTPGUARD_DEADLINE_NS later; the
 * server then sees the end of its stream and drops it.  A keep-alive
 * client reconnects for its next scrape.  With the per-address limit
 * (metrics.c), one address cannot hold every slot even for that long.
 */
#ifndef SYNSINK_HTTPGUARD_H
#define SYNSINK_HTTPGUARD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define HTTPGUARD_DEADLINE_NS (5ull * 1000000000ull)
#define HTTPGUARD_SLOTS	      32 /* the server's connection limit */

#include <microhttpd.h>

struct httpguard {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool running, stopping;
	struct {
		int fd; /* our own dup of the socket: no fd number is reused under us */
		uint64_t start_ns;
	} slot[HTTPGUARD_SLOTS];
	atomic_ullong cut; /* connections ended at their deadline */
};

/* Starts the guard's thread.  Returns 0 or -errno. */
int httpguard_start(struct httpguard *g);
/* Stops it; then stop the server (its close notifications still come). */
void httpguard_stop(struct httpguard *g);
/* MHD_OPTION_NOTIFY_CONNECTION's callback; its closure is the guard. */
void httpguard_notify(void *cls, struct MHD_Connection *c, void **socket_context,
		      enum MHD_ConnectionNotificationCode toe);

#endif
