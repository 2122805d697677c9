/* SPDX-License-Identifier: MIT */
/*
 * metrics.h - the counters and the verdict-latency histogram in the
 * Prometheus text format, over HTTP (libmicrohttpd) at /metrics.
 */
#ifndef SYNSINK_METRICS_H
#define SYNSINK_METRICS_H

#include <pthread.h>
#include <stddef.h>
#include <sys/socket.h>

#include "httpguard.h"
#include "reload.h"
#include "stats.h"

struct capture;
struct sink_set;
struct MHD_Daemon;

struct metrics {
	int fd; /* bound and listening before the privilege drop */
	struct MHD_Daemon *mhd;
	struct capture *caps;
	size_t n_caps;
	pthread_mutex_t lock;	      /* over sinks: held while they are read */
	const struct sink_set *sinks; /* metrics_set_sinks */
	const struct reload_stats *reload;
	unsigned long long started_ns;
	struct httpguard guard;
};

/* Parses ADDR:PORT ([v6]:PORT for IPv6) into ss and len.  Returns 0, or
 * -EINVAL with one line in err. */
int metrics_addr(const char *addr, struct sockaddr_storage *ss, socklen_t *len, char *err,
		 size_t errlen);
/* Binds ADDR:PORT ([v6]:PORT for IPv6).  Returns 0, or -EINVAL (a bad
 * address, with one line in err) or -errno (cannot listen). */
int metrics_listen(struct metrics *m, const char *addr, char *err, size_t errlen);
/* Starts serving (a thread of libmicrohttpd's).  Returns 0 or -errno. */
int metrics_start(struct metrics *m, char *err, size_t errlen);
/* The sinks /metrics shows from now on: once this returns, the earlier
 * set is not read any more (it may be freed).  Any thread. */
void metrics_set_sinks(struct metrics *m, const struct sink_set *set);
void metrics_stop(struct metrics *m);

#endif
