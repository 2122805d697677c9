/* SPDX-License-Identifier: MIT */
/* log.h - one line per message on stderr, "synsink: " first. */
#ifndef SYNSINK_LOG_H
#define SYNSINK_LOG_H

#include <stdarg.h>
#include <stdint.h>

#include <synsink/plugin.h>	/* SYNSINK_LOG_* levels */

void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
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
