/* SPDX-License-Identifier: MIT */
/*
 * daemon.h - the running daemon's parts, as main.c wires them and
 * reload.c replaces its sinks.
 */
#ifndef SYNSINK_DAEMON_H
#define SYNSINK_DAEMON_H

#include <limits.h>
#include <stdint.h>

#include "capture.h"
#include "cli.h"
#include "config.h"
#include "metrics.h"
#include "p0fdb.h"
#include "reload.h"
#include "sink.h"

struct daemon {
	int argc;
	char **argv;
	struct cli_config cfg;
	struct config_file file; /* --config, kept: cfg points into it */
	char plugin_dir[PATH_MAX];
	/* The sinks: the capture threads push to the set this names (source.h);
	 * the main thread alone changes it (reload.c). */
	struct sink_set *_Atomic set;
	/* Sinks a reload closed that were still busy at their deadline: left
	 * for the exit (sink_close), kept here so they stay reachable. */
	struct sink *given_up[4 * SINK_SET_MAX];
	size_t n_given_up;
	struct capture caps[CLI_MAX_QUEUES];
	size_t n_caps;
	int stop_fd;
	uint64_t started_ns;
	struct metrics metrics;
	struct reload_stats reloads;
	struct p0f_db p0f; /* --p0f-db, when loaded */
};

#endif
