// SPDX-License-Identifier: MIT
/* link.c - a network sink's connection going down and coming back (see
 * link.h). */
#include "link.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void link_init(struct link *l, struct outbox *ob, const struct synsink_host *host)
{
	l->ob = ob;
	l->host = host;
	l->down = false;
	l->quiet = false;
	l->said[0] = '\0';
	l->said_ns = 0;
	atomic_init(&l->reconnects, 0);
	atomic_init(&l->connect_errors, 0);
	atomic_init(&l->lost, 0);
}

/* Says msg, unless this outage said the same less than LINK_RESAY_NS
 * ago: a reconnect that keeps failing for one reason is a line every 30 s
 * at most, a new reason (a refused port, then an expired certificate) is
 * said at once, subject to the core's rate limit of one line a kind
 * every 5 s, so a reason held back by that is said again later. */
#define LINK_RESAY_NS (30 * 1000000000ull)

static void say(struct link *l, const char *tail, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
static void say(struct link *l, const char *tail, const char *fmt, va_list ap)
{
	char msg[512];
	uint64_t now;
	size_t n;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	now = l->host->now_ns();
	if (l->down && !strncmp(l->said, msg, sizeof(l->said) - 1) &&
	    now - l->said_ns < LINK_RESAY_NS)
		return;
	n = strnlen(msg, sizeof(l->said) - 1);
	memcpy(l->said, msg, n);
	l->said[n] = '\0';
	l->said_ns = now;
	if (!l->quiet) /* open() says it itself; the sink thread need not again */
		l->host->log(l->host, SYNSINK_LOG_WARN, "%s%s", msg, tail);
}

void link_failed(struct link *l, const char *fmt, ...)
{
	va_list ap;

	l->connect_errors++;
	outbox_connect_failed(l->ob);
	va_start(ap, fmt);
	say(l, "; retrying", fmt, ap);
	va_end(ap);
	l->down = true;
}

void link_lost(struct link *l, const char *fmt, ...)
{
	va_list ap;

	l->lost++;
	va_start(ap, fmt);
	say(l, "", fmt, ap);
	va_end(ap);
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
