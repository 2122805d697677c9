/* SPDX-License-Identifier: MIT */
/*
 * synsink/plugin.h - the sink plugin interface.
 *
 * A sink plugin is a shared object named NAME.so that exports one function,
 * SYNSINK_PLUGIN_ENTRY, returning a pointer to a static const
 * struct synsink_plugin whose name is NAME.  The core reads abi_version
 * first and refuses any other value, then checks struct_size and the
 * binary-compatibility fields, then the option table, before it calls
 * anything.  Plugins never link against the core: what they need (logging,
 * formatting, the clock) arrives through struct synsink_host.
 *
 * Threads: open and close are called from the main thread; write, flush
 * and reopen from the instance's own sink thread, never two at once and
 * never while open or close runs.  stats may be called from any thread at
 * any time, while a write or flush is under way too (the core never makes
 * a stats read wait for one that does not return): keep the counters it
 * reports in atomics (atomic_ullong).  host->log and host->settle may be
 * called from any thread, a library's own threads included.
 *
 * Delivery (ABI 2): the core owns it.  It numbers every event it hands to
 * a sink (seq, consecutive within a batch), keeps each one until its
 * outcome is known, retries, spools to disk and counts.  A plugin answers
 * each write() with one of the codes below and, for a batch it took with
 * SYNSINK_PENDING, later settles every one of its events exactly once
 * through host->settle().  By the time close() returns, every event taken
 * must be settled: what a plugin could not deliver it settles
 * SYNSINK_REQUEUE, and the core spools it (or counts it undelivered).
 *
 * Lifetimes:
 *   - the events of a write() are the core's: valid until write() returns
 *     when it answers SYNSINK_OK, SYNSINK_RETRY or SYNSINK_ERROR, and, when
 *     it answers SYNSINK_PENDING, until each one is settled (a plugin may
 *     keep pointers into them till then, never after);
 *   - the option values open() receives (values[], their strings, a prefix
 *     option's kv) and the host stay valid until close() returns: keep
 *     pointers to them, no copy needed;
 *   - what the plugin's stats() emits is read before emit returns.
 *
 * Sizes: a plugin built against an older header sees a smaller struct
 * synsink_host; the core's struct_size says how much of it there is.
 * Before using a member added after the plugin's own minimum ABI, check
 * it with SYNSINK_HOST_HAS(host, member).  The core checks the
 * descriptor's struct_size the same way (it must be the core's own).
 */
#ifndef SYNSINK_PLUGIN_H
#define SYNSINK_PLUGIN_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <synsink/event.h>

#define SYNSINK_PLUGIN_ABI    4
#define SYNSINK_PLUGIN_SYMBOL "synsink_plugin_entry"

/* What write() answers (it returns int, one of these). */
enum synsink_answer {
	/* taken and delivered (a sink done in write(): stdout, a file, a
	 * datagram) */
	SYNSINK_OK = 0,
	/* taken; each event's outcome follows through host->settle(), maybe
	 * before write() returns */
	SYNSINK_PENDING = 1,
	/* not taken, for now (server away, buffer full): the core keeps the
	 * batch, backs off and offers it again */
	SYNSINK_RETRY = 2,
	/* not taken, and never will be: the core counts the batch failed */
	SYNSINK_ERROR = -1,
};

/* Outcomes for host->settle(). */
enum synsink_outcome {
	SYNSINK_DELIVERED = 0, /* the destination has it */
	SYNSINK_FAILED = 1,    /* refused for good (counted failed) */
	/* Not delivered after all (connection lost, shutting down): the core
	 * offers it again or spools it; delivery is at least once. */
	SYNSINK_REQUEUE = 2,
};

enum synsink_opt_type {
	SYNSINK_OPT_STRING, /* any non-empty string */
	SYNSINK_OPT_UINT,   /* decimal, within [min, max] */
	SYNSINK_OPT_BOOL,   /* true/false, yes/no, on/off, 1/0 */
	SYNSINK_OPT_ENUM,   /* one of choices[] */
	/* The name ends in '.': every "name.KEY=VALUE" given (passed
	 * through, e.g. to a library's config). */
	SYNSINK_OPT_PREFIX,
	/* A non-empty string that is a secret (ABI 3).  The core also takes
	 * it as NAME_file=PATH and reads the file itself (a regular file of
	 * root's or synsink's, 0600 or 0400, one line), before --user; given
	 * inline on the command line, it works and the core warns. */
	SYNSINK_OPT_SECRET,
};

/* One "KEY=VALUE" of a prefix option, the prefix removed from KEY. */
struct synsink_kv {
	const char *key;
	const char *value;
};

struct synsink_option {
	const char *name;
	enum synsink_opt_type type;
	const char *def;	    /* default as text; NULL: no default (unset) */
	const char *help;	    /* one line */
	const char *const *choices; /* ENUM: NULL-terminated list */
	uint64_t min, max;	    /* UINT: inclusive range */
};

/* A parsed option value, one per entry of the plugin's option table. */
struct synsink_value {
	const char *str;	     /* the text (NULL when unset and no default) */
	uint64_t num;		     /* UINT: the number; ENUM: index in choices; BOOL: 0/1 */
	int set;		     /* given on the command line (not the default) */
	const struct synsink_kv *kv; /* PREFIX: what was given, in order */
	size_t n_kv;
};

enum synsink_log_level {
	SYNSINK_LOG_ERR = 3,
	SYNSINK_LOG_WARN = 4,
	SYNSINK_LOG_INFO = 6,
	SYNSINK_LOG_DEBUG = 7
};

/* What the core offers a plugin instance. */
struct synsink_host {
	uint32_t struct_size; /* sizeof(struct synsink_host) of the core */
	void *ctx;	      /* the core's, pass back unchanged */
	/* One log line, prefixed with the instance name. */
	void (*log)(const struct synsink_host *h, int level, const char *fmt, ...)
		__attribute__((format(printf, 3, 4)));
	/* The origin's text line, newline included.  Returns its length, or
	 * 0 when len is too small (nothing useful is written then). */
	size_t (*format_text)(const struct synsink_host *h, const struct synsink_event *ev,
			      char *buf, size_t len);
	/* One JSON object (schema v1) and a newline, with the keys the
	 * sink's fields= selects (ABI 4: why it takes h); same return rule. */
	size_t (*format_json)(const struct synsink_host *h, const struct synsink_event *ev,
			      char *buf, size_t len);
	/* CLOCK_MONOTONIC in nanoseconds. */
	uint64_t (*now_ns)(void);
	/* The outcome of events seq .. seq+n-1, taken with SYNSINK_PENDING.
	 * Any thread, any order between ranges; an event settled twice, or
	 * never taken, is ignored and counted (settle_errors). */
	void (*settle)(const struct synsink_host *h, uint64_t seq, size_t n,
		       enum synsink_outcome outcome);
	/* After answering SYNSINK_RETRY: the sink can take events again
	 * (reconnected, a hold is over).  The core offers them at once
	 * instead of waiting out its backoff.  Any thread. */
	void (*wake)(const struct synsink_host *h);
	uint32_t flags; /* SYNSINK_HOST_* */
	/* This sensor's name (--sensor, or the host name): in every JSON
	 * event as "host"; for a sink's own use, e.g. syslog's HOSTNAME. */
	const char *sensor;
};

/* host->flags: the core spools what this sink cannot take, so a server
 * away at open() need not stop synsink from starting. */
#define SYNSINK_HOST_SPOOL (1u << 0)
/* host->flags: the sink's spec has fields=, a selection of JSON keys that
 * host->format_json applies.  Set for plugins with SYNSINK_PLUGIN_TEXT. */
#define SYNSINK_HOST_FIELDS (1u << 1)

/* Whether h has member: a plugin built for a later header than the core's
 * must check before it uses a member the core may not have. */
#define SYNSINK_HOST_HAS(h, member)                                                            \
	(offsetof(struct synsink_host, member) + sizeof(((struct synsink_host *)0)->member) <= \
	 (h)->struct_size)

/* struct synsink_plugin's flags. */
/* Some instances write the origin's text line (host->format_text), not
 * JSON, so fields= cannot apply to them, and only the plugin knows which
 * (an option of its own says).  The core then sets SYNSINK_HOST_FIELDS
 * when fields= is given, and open() refuses (-EINVAL, one line) an
 * instance that writes text with it.  Without this flag every instance is
 * taken to write JSON through host->format_json. */
#define SYNSINK_PLUGIN_TEXT (1u << 0)
/* Every flag this header knows; the core refuses a plugin with another. */
#define SYNSINK_PLUGIN_FLAGS SYNSINK_PLUGIN_TEXT

/* Called by a plugin's stats() once per counter. */
typedef void (*synsink_emit_fn)(void *arg, const char *name, uint64_t value);

struct synsink_plugin {
	uint32_t abi_version;	 /* SYNSINK_PLUGIN_ABI; read before anything else */
	uint32_t struct_size;	 /* sizeof(struct synsink_plugin) */
	uint16_t ptr_size;	 /* sizeof(void *) */
	uint16_t event_size;	 /* sizeof(struct synsink_event) */
	uint32_t flags;		 /* SYNSINK_PLUGIN_*; a zero reserved field before */
	const char *name;	 /* equals the file name without ".so" */
	const char *description; /* one line */
	const struct synsink_option *options;
	uint32_t n_options;
	/* Returns 0 and sets *state, or a negative errno after logging why:
	 * -EINVAL for an option value it refuses (synsink exits 64, a usage
	 * error), anything else for a sink that cannot start (exit 1).  What
	 * open logs at SYNSINK_LOG_ERR becomes synsink's one error line. */
	int (*open)(void **state, const struct synsink_value *values,
		    const struct synsink_host *host);
	/* Offers n events numbered seq .. seq+n-1; returns an enum
	 * synsink_answer.  Must not block for long: a sink whose server is
	 * away says SYNSINK_RETRY. */
	int (*write)(void *state, const struct synsink_event *ev, size_t n, uint64_t seq);
	/* Pushes out what is buffered, waiting at most timeout_ms (0: do what
	 * can be done now; the core calls it so on its idle tick).  Returns
	 * 0, or -ETIMEDOUT / a negative errno when something stays unsettled. */
	int (*flush)(void *state, int timeout_ms);
	/* Settles what is still unsettled (SYNSINK_REQUEUE), then frees. */
	void (*close)(void *state);
	/* Reports the plugin's own counters through emit; may be NULL. */
	void (*stats)(void *state, synsink_emit_fn emit, void *arg);
	/* On SIGHUP: reopen what the plugin writes to (a log file renamed by
	 * logrotate).  Called from the sink's thread, between writes; may be
	 * NULL (a slot that older plugins leave zero). */
	void (*reopen)(void *state);
	/* Checks values as open() would, opening nothing outward: no
	 * connection, no file created (local files it only reads, a CA or a
	 * certificate, it may read).  Returns 0, or -EINVAL after logging why
	 * at SYNSINK_LOG_ERR, the same line open() gives for the same values.
	 * synsink --check-config calls it; may be NULL (a slot that older
	 * plugins leave zero): then the core's checks of the options' types
	 * and ranges are all. */
	int (*check)(const struct synsink_value *values, const struct synsink_host *host);
	void *reserved[2]; /* zero (checked); room to grow without a new ABI */
};

/* clang-format off */
#define SYNSINK_PLUGIN_INIT						\
	.abi_version = SYNSINK_PLUGIN_ABI,				\
	.struct_size = sizeof(struct synsink_plugin),			\
	.ptr_size = sizeof(void *),					\
	.event_size = sizeof(struct synsink_event)

/* Declares the exported entry point returning desc. */
#define SYNSINK_PLUGIN_DEFINE(desc)					\
	__attribute__((visibility("default")))				\
	const struct synsink_plugin *synsink_plugin_entry(void);	\
	const struct synsink_plugin *synsink_plugin_entry(void)		\
	{								\
		return &(desc);						\
	}
/* clang-format on */

#endif /* SYNSINK_PLUGIN_H */
