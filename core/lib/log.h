/* SPDX-License-Identifier: MIT */
/* log.h - one line per message on stderr, "synsink: " first.  Messages
 * above the threshold (--log-level) are dropped.  When stderr is the
 * journal's stream (systemd's JOURNAL_STREAM names it), each line starts
 * with its priority as "<N>", which journald stores and strips. */
#ifndef SYNSINK_LOG_H
#define SYNSINK_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <synsink/plugin.h> /* SYNSINK_LOG_* levels */

/* The most verbose level still written, and whether stderr is the
 * journal: main() calls it once, after the command line is read. */
/* Sets the threshold and makes stderr one that never blocks: a FIFO or a
 * terminal is reopened as a description of our own with O_NONBLOCK (the
 * shell's is left as it was), a socket (journald's) is written with
 * MSG_DONTWAIT. */
void log_setup(int threshold);
/* Writes one whole line (or the stats line) to stderr without waiting for
 * a reader that does not read: what does not fit is dropped and counted. */
void log_write(const char *line, size_t n);
/* Lines dropped so far because stderr was full. */
unsigned long long log_dropped(void);

/* "err", "warning", "info", "debug" to SYNSINK_LOG_*; -1 if none. */
int log_level_parse(const char *name);
const char *log_level_name(int level);

void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Formats one log line into line (len >= 3): "synsink: [prefix: ]message\n",
 * control characters replaced by '?', so it is always exactly one line.
 * Returns its length. */
size_t log_vformat(char *line, size_t len, const char *prefix, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));
void log_vmsg(int level, const char *prefix, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* At most one line per interval; the lines held back are counted and
 * reported with the next one that passes.  One per call site and thread. */
struct ratelimit {
	uint64_t last_ns;
	uint64_t suppressed;
};

#define RATELIMIT_INTERVAL_NS (5ull * 1000000000ull)

void log_ratelimited(struct ratelimit *rl, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
