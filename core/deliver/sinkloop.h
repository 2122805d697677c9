/* SPDX-License-Identifier: MIT */
/* sinkloop.h - a sink's thread (sinkloop.c), started by sink_start. */
#ifndef SYNSINK_SINKLOOP_H
#define SYNSINK_SINKLOOP_H

#include "sink.h"

#define SINK_BATCH_MAX	   4096 /* events per write(), and per spool read */
#define SINK_LINGER_MAX_US 1000 /* the longest pause between busy passes */

/* The thread's body; arg is the struct sink.  Returns when the sink is
 * stopped (sink_stop) and done, or given up on. */
void *sink_loop(void *arg);

#endif
