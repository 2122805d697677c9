// SPDX-License-Identifier: MIT
/* strbuf.c - a growing text buffer (see strbuf.h). */
#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for need more bytes.  Returns 0, or -1 with oom set. */
static int grow(struct strbuf *sb, size_t need)
{
	size_t cap = (sb->cap ? sb->cap * 2 : 1024) + need;
	char *s = realloc(sb->s, cap);

	if (!s) {
		sb->oom = 1;
		return -1;
	}
	sb->s = s;
	sb->cap = cap;
	return 0;
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sb->oom)
		return;
	for (;;) {
		size_t room = sb->cap - sb->len;

		va_start(ap, fmt);
		n = vsnprintf(sb->s ? sb->s + sb->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0) {
			sb->oom = 1;
			return;
		}
		if ((size_t)n < room) {
			sb->len += (size_t)n;
			return;
		}
		if (grow(sb, (size_t)n))
			return;
	}
}

void sb_free(struct strbuf *sb)
{
	free(sb->s);
	memset(sb, 0, sizeof(*sb));
}
