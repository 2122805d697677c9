/* SPDX-License-Identifier: MIT */
/*
 * sink.h - one sink instance: a loaded plugin, its rings (one per capture
 * thread), and the thread that drains them into the plugin in batches.
 */
#ifndef SYNSINK_SINK_H
#define SYNSINK_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/types.h>

#include <synsink/event.h>

/* A sink, opaque outside deliver/ (sink_int.h). */
struct sink;

/* The most sinks a daemon runs at once. */
#define SINK_SET_MAX 16

/*
 * The sinks in use, as one unit: the capture threads push to the set the
 * daemon's pointer names (source.h), and a reload publishes a new set
 * whole instead of changing one in place.  A sink may be in two sets
 * across a reload (one it keeps).
 */
struct sink_set {
	size_t n;
	struct sink *sinks[SINK_SET_MAX];
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
 * plugin instance, into a new sink at *out.  Returns 0, or SINK_E_USAGE
 * (unknown sink or option) / SINK_E_START (plugin refused or failed to
 * open, spool unusable) with err set and *out NULL; nothing is left open
 * then.
 */
int sink_open(struct sink **out, const char *spec_arg, const struct sink_env *env, char *err,
	      size_t errlen);

/*
 * What sink_open checks, opening nothing (--check-config): the spec, the
 * plugin loaded, its options parsed, secrets files read, fields=, then
 * the plugin's own check of the values (struct synsink_plugin.check) with
 * no connection made and no file or spool created.  Returns 0, or
 * SINK_E_USAGE / SINK_E_START with err set to the line sink_open would
 * give.
 */
int sink_check(const char *spec_arg, const struct sink_env *env, char *err, size_t errlen);
/* The sink's name in log lines, the stats line and /metrics: its
 * plugin's name, "#K" added for a second sink of the same plugin
 * (sink_label_new).  It does not change while the sink lives. */
const char *sink_label(const struct sink *s);
/* Names s (not yet started) beside the n others: its plugin's name if no
 * other has it, else "NAME#K" with the least K >= 2 none has, so a second
 * "stdout" is "stdout#2", and a sink a reload keeps keeps its name. */
void sink_label_new(struct sink *s, struct sink *const *others, size_t n);
/* The spec the sink was opened with, as given: a reload keeps a sink
 * whose spec is the same, byte for byte. */
const char *sink_spec(const struct sink *s);
/* The sink's plugin's name. */
const char *sink_plugin(const struct sink *s);
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
/* Frees everything, the sink too, and returns true; but a sink given up
 * on is left for the exit (its thread may still be inside the plugin):
 * false, and the caller keeps it reachable.  NULL is a no-op (true). */
bool sink_close(struct sink *s);

#endif
