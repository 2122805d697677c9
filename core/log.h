/* SPDX-License-Identifier: MIT */
/* log.h - one line per message on stderr, "synsink: " first. */
#ifndef SYNSINK_LOG_H
#define SYNSINK_LOG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <synsink/plugin.h>	/* SYNSINK_LOG_* levels */

void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Formats one log line into line (len >= 3): "synsink: [prefix: ]message\n",
 * control characters replaced by '?', so it is always exactly one line.
 * Returns its length. */
size_t log_vformat(char *line, size_t len, const char *prefix, const char *fmt,
		   va_list ap) __attribute__((format(printf, 4, 0)));
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
