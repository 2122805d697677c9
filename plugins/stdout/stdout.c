// SPDX-License-Identifier: MIT
/*
 * stdout.c - the default sink: one line per event on standard output.
 *
 * Lines of a batch are gathered in one buffer and written with as few
 * write(2) calls as it takes, so `synsink | grep` sees each batch at once
 * and a reader never gets half a line.  A closed pipe (EPIPE) ends the
 * sink quietly: later batches are counted as failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <synsink/plugin.h>

#include "lines.h"

#define OUTBUF_SIZE (64 * 1024)

enum { OPT_FORMAT, OPT_FD };
enum { FMT_TEXT, FMT_JSON };

static const char *const formats[] = { "text", "json", NULL };

static const struct synsink_option options[] = {
	[OPT_FORMAT] = { .name = "format",
			 .type = SYNSINK_OPT_ENUM,
			 .def = "text",
			 .choices = formats,
			 .help = "text: the origin's line; json: one object per line (schema v1)" },
	[OPT_FD] = { .name = "fd",
		     .type = SYNSINK_OPT_UINT,
		     .def = "1",
		     .min = 1,
		     .max = 1023,
		     .help = "file descriptor to write to (1 is standard output)" },
};

struct stdout_sink {
	const struct synsink_host *host;
	fmt_fn format;
	int fd;
	int closed; /* EPIPE or another hard error seen */
	/* Read by stats(). */
	atomic_ullong lines, bytes, write_errors, epipe, unformatted;
	char buf[OUTBUF_SIZE];
};

/* The fd is open and the format one the sink may write; 0, or a negative
 * errno after one line.  Checked at open: an fd opened later (a file
 * sink's file) must not become this sink's output. */
static int stdout_check(const struct synsink_value *v, const struct synsink_host *host)
{
	if (fcntl((int)v[OPT_FD].num, F_GETFD) < 0) {
		host->log(host, SYNSINK_LOG_ERR, "fd=%llu: %s", (unsigned long long)v[OPT_FD].num,
			  errno == EBADF ? "not open" : strerror(errno));
		return -EBADF;
	}
	return fmt_pick(host, v[OPT_FORMAT].num == FMT_JSON) ? 0 : -EINVAL;
}

static int stdout_open(void **state, const struct synsink_value *v, const struct synsink_host *host)
{
	struct stdout_sink *s;
	int ret = stdout_check(v, host);

	if (ret)
		return ret;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->host = host;
	s->format = fmt_pick(host, v[OPT_FORMAT].num == FMT_JSON);
	s->fd = (int)v[OPT_FD].num;
	*state = s;
	return 0;
}

static void fail(struct stdout_sink *s, int err)
{
	if (err == -EPIPE) {
		if (!s->closed)
			s->host->log(s->host, SYNSINK_LOG_INFO,
				     "reader went away (EPIPE); output stops here");
		s->epipe++;
		s->closed = 1;
	} else {
		if (!s->write_errors)
			s->host->log(s->host, SYNSINK_LOG_ERR, "write: %s", strerror(-err));
		s->write_errors++;
	}
}

static int stdout_write(void *state, const struct synsink_event *ev, size_t n, uint64_t seq)
{
	struct stdout_sink *s = state;
	const struct lines_counts c = { &s->lines, &s->bytes, &s->unformatted };
	int ret;

	if (s->closed)
		return SYNSINK_ERROR;
	ret = lines_write(s->fd, ev, n, seq, s->host, s->format, s->buf, sizeof(s->buf), &c);
	if (ret)
		fail(s, ret);
	return SYNSINK_PENDING; /* every event settled in lines_write */
}

static int stdout_flush(void *state, int timeout_ms)
{
	(void)state;
	(void)timeout_ms;
	return 0; /* nothing is held between batches */
}

static void stdout_close(void *state)
{
	free(state);
}

static void stdout_stats(void *state, synsink_emit_fn emit, void *arg)
{
	struct stdout_sink *s = state;

	emit(arg, "lines", s->lines);
	emit(arg, "bytes", s->bytes);
	emit(arg, "write_errors", s->write_errors);
	emit(arg, "epipe", s->epipe);
	emit(arg, "unformatted", s->unformatted);
}

static const struct synsink_plugin stdout_plugin = {
	SYNSINK_PLUGIN_INIT,
	.flags = SYNSINK_PLUGIN_TEXT,
	.name = "stdout",
	.description = "one line per event on standard output (text or JSON)",
	.options = options,
	.n_options = sizeof(options) / sizeof(options[0]),
	.open = stdout_open,
	.write = stdout_write,
	.flush = stdout_flush,
	.close = stdout_close,
	.stats = stdout_stats,
	.check = stdout_check,
};

SYNSINK_PLUGIN_DEFINE(stdout_plugin)
