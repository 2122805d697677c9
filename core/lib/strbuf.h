/* SPDX-License-Identifier: MIT */
/* strbuf.h - a growing text buffer, for the stats line and /metrics (not
 * on any hot path).  Out of memory sticks: later writes are dropped and
 * oom says so. */
#ifndef SYNSINK_STRBUF_H
#define SYNSINK_STRBUF_H

#include <stddef.h>

struct strbuf {
	char *s;
	size_t len, cap;
	int oom;
};

void sb_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_free(struct strbuf *sb);

#endif
