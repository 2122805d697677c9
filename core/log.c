// SPDX-License-Identifier: MIT
/* log.c - stderr logging.  Each line is written with one write(2) so lines
 * from different threads never interleave. */
#include "log.h"

#include <stdio.h>
#include <unistd.h>

#include "util.h"

void log_vmsg(int level, const char *prefix, const char *fmt, va_list ap)
{
	char line[1024];
	int n, m;

	(void)level;
	n = snprintf(line, sizeof(line), "synsink: %s%s", prefix ? prefix : "",
		     prefix ? ": " : "");
	if (n < 0 || (size_t)n >= sizeof(line))
		n = 0;
	m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	if (m < 0)
		m = 0;
	n += m;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, (size_t)n) < 0) {
		/* Nowhere left to report it. */
	}
}

void log_msg(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, NULL, fmt, ap);
	va_end(ap);
}

void log_ratelimited(struct ratelimit *rl, int level, const char *fmt, ...)
{
	uint64_t now = clock_mono_ns();
	va_list ap;

	if (rl->last_ns && now - rl->last_ns < RATELIMIT_INTERVAL_NS) {
		rl->suppressed++;
		return;
	}
	rl->last_ns = now;
	va_start(ap, fmt);
	log_vmsg(level, NULL, fmt, ap);
	va_end(ap);
	if (rl->suppressed) {
		log_msg(level, "(%llu similar lines suppressed)",
			(unsigned long long)rl->suppressed);
		rl->suppressed = 0;
	}
}
