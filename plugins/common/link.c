// SPDX-License-Identifier: MIT
/* link.c - a network sink's connection going down and coming back (see
 * link.h). */
#include "link.h"

#include <stdarg.h>
#include <stdio.h>

void link_init(struct link *l, struct outbox *ob, const struct synsink_host *host)
{
	l->ob = ob;
	l->host = host;
	l->down = false;
	l->quiet = false;
	atomic_init(&l->reconnects, 0);
	atomic_init(&l->connect_errors, 0);
	atomic_init(&l->lost, 0);
}

static void say(const struct link *l, int level, const char *tail, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));
static void say(const struct link *l, int level, const char *tail, const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	l->host->log(l->host, level, "%s%s", msg, tail);
}

void link_failed(struct link *l, const char *fmt, ...)
{
	va_list ap;

	l->connect_errors++;
	outbox_connect_failed(l->ob);
	if (!l->down && !l->quiet) {
		va_start(ap, fmt);
		say(l, SYNSINK_LOG_WARN, "; retrying", fmt, ap);
		va_end(ap);
	}
	l->down = true;
}

void link_lost(struct link *l, const char *fmt, ...)
{
	va_list ap;

	l->lost++;
	if (!l->down) {
		va_start(ap, fmt);
		say(l, SYNSINK_LOG_WARN, "", fmt, ap);
		va_end(ap);
	}
	l->down = true;
	outbox_connection_lost(l->ob);
}

bool link_up(struct link *l)
{
	bool was_down = l->down;

	if (was_down)
		l->reconnects++;
	l->down = false;
	outbox_connected(l->ob);
	return was_down;
}

void link_mark_down(struct link *l)
{
	l->down = true;
}

void link_stats(const struct link *l, synsink_emit_fn emit, void *arg, const char *lost_name)
{
	emit(arg, "reconnects", l->reconnects);
	emit(arg, "connect_errors", l->connect_errors);
	emit(arg, lost_name, l->lost);
}
