/* SPDX-License-Identifier: MIT */
/*
 * lines.h - a batch of events as lines on a file descriptor, for the
 * stdout and file sinks: formatted into the caller's buffer and written
 * with as few write(2) calls as it takes, never half a line per call
 * while the buffer holds a whole batch.  Compiled into each plugin that
 * uses it (plugins never link the core).
 */
#ifndef SYNSINK_LINES_H
#define SYNSINK_LINES_H

#include <stdatomic.h>
#include <stddef.h>

#include <synsink/plugin.h>

typedef size_t (*lines_format_fn)(const struct synsink_host *h, const struct synsink_event *ev,
				  char *buf, size_t len);

/* Writes the n events' lines to fd through buf (cap bytes, at least
 * SYNSINK_LINE_MAX), formatted by h's format, adding what went out to
 * *bytes.  Returns 0, or the negative errno of the write that failed
 * (EINTR is retried). */
int lines_write(int fd, const struct synsink_event *ev, size_t n, const struct synsink_host *h,
		lines_format_fn format, char *buf, size_t cap, atomic_ullong *bytes);

#endif
