// SPDX-License-Identifier: MIT
/* log.c - stderr logging.  Each line is written with one write(2) so lines
 * from different threads never interleave. */
#include "log.h"

#include <stdio.h>
#include <unistd.h>

#include "util.h"

size_t log_vformat(char *line, size_t len, const char *prefix, const char *fmt,
		   va_list ap)
{
	int n, m;
	size_t i;

	n = snprintf(line, len, "synsink: %s%s", prefix ? prefix : "",
		     prefix ? ": " : "");
	if (n < 0 || (size_t)n >= len)
		n = 0;
	m = vsnprintf(line + n, len - (size_t)n - 1, fmt, ap);
	if (m < 0)
		m = 0;
	n += m;
	if ((size_t)n > len - 2)
		n = (int)len - 2;
	/* One line, whatever a message quotes (a user's argument may hold
	 * a newline or an escape sequence). */
	for (i = 0; i < (size_t)n; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = '?';
	line[n++] = '\n';
	line[n] = '\0';
	return (size_t)n;
}

void log_vmsg(int level, const char *prefix, const char *fmt, va_list ap)
{
	char line[1024];
	size_t n;

	(void)level;
	n = log_vformat(line, sizeof(line), prefix, fmt, ap);
	if (write(STDERR_FILENO, line, n) < 0) {
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
