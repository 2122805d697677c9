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
#include <stdint.h>

#include <synsink/plugin.h>

#include "fmtpick.h"

/* What a batch came to, added to the sink's counters. */
struct lines_counts {
	atomic_ullong *lines;	    /* whole lines written */
	atomic_ullong *bytes;	    /* bytes written, a torn line's included */
	atomic_ullong *unformatted; /* events the host could not format */
};

/*
 * Writes the n events (numbered seq..seq+n-1) as lines to fd through buf
 * (cap bytes, at least SYNSINK_LINE_MAX), formatted by h's format, and
 * settles every one of them through host->settle before it returns (the
 * sink answers SYNSINK_PENDING): delivered once its whole line is written;
 * failed when it cannot be formatted, or when a write fails before its
 * line is out.  A write cut short (a full disk) leaves no torn line
 * behind in a regular file: the file is truncated back to the end of the
 * last whole line.  Returns 0, or the negative errno of the write that
 * failed (EINTR is retried).
 */
int lines_write(int fd, const struct synsink_event *ev, size_t n, uint64_t seq,
		const struct synsink_host *h, fmt_fn format, char *buf, size_t cap,
		const struct lines_counts *c);

#endif
