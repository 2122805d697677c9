/* SPDX-License-Identifier: MIT */
/*
 * reload.h - the sinks, opened at start and replaced on SIGHUP from
 * --config without stopping capture (reload.c).
 */
#ifndef SYNSINK_RELOAD_H
#define SYNSINK_RELOAD_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

/* What /metrics and the stats line say of the reloads. */
struct reload_stats {
	atomic_ullong done;	      /* reloads applied */
	atomic_ullong errors;	      /* reloads refused */
	atomic_ullong flush_failures; /* sinks a reload closed with events undelivered */
	atomic_int last_ok;	      /* 0 after a refused reload, else 1 */
};

struct cli_config;
struct config_file;
struct daemon;

/* The command line, and with --config the file under it, into cfg and
 * file (which cfg points into: free it with config_file_free).  Returns 0,
 * or -1 with one line in err ("FILE:LINE: why" for the file's). */
int reload_settings(struct cli_config *cfg, struct config_file *file, int argc, char **argv,
		    char *err, size_t errlen);

/*
 * Opens every sink into a new set, d->set.  With check_only, checks each
 * as --check-config does (sink_check), opening none.  Returns 0, or the
 * exit status after the first one's line.
 */
int reload_open(struct daemon *d, bool check_only);

/*
 * SIGHUP: every sink that writes to a file reopens it (logrotate); with
 * --config, first the file is read again and the sinks become what it
 * and the command line say, capture never stopping:
 *   - a sink whose spec is the same keeps its rings, queue, spool and
 *     connection;
 *   - a new spec opens a sink before anything changes: if any fails, or
 *     the file does not parse, one line, errors counted, nothing changes;
 *   - the new set is published (capture threads push to it from their
 *     next batch), then a sink no longer named drains by --flush-timeout
 *     and closes, its last counters in one line;
 *   - a new sink starts at once, or once a closed sink of its plugin has
 *     drained (a changed sink: its old and new outputs never interleave).
 * What cannot change at run time (--source, --user, --metrics...) is
 * named in one line and stays as at start.
 */
void reload_sighup(struct daemon *d);

#endif
