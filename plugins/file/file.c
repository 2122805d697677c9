// SPDX-License-Identifier: MIT
/*
 * file.c - the file sink: one line per event appended to a file, for
 * logrotate and the shippers that tail it (Filebeat, Vector, Fluent Bit).
 *
 * Each batch is written with as few write(2) calls as it takes, in append
 * mode, so a reader never sees half a line.  On SIGHUP synsink asks the
 * sink to reopen its path (reopen()): after logrotate renamed the file, the
 * next line goes to a new one, and every event is in exactly one of them.
 * The file is opened through no symbolic link anywhere on its path, never
 * blocks on a FIFO put in its place, must be owned by root or us and
 * writable by nobody else (safefile.h), and is created with the given mode
 * (0640 by default).  A write cut short (a full disk) leaves no torn line:
 * the file is cut back to the last whole one (lines.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <synsink/plugin.h>

#include "lines.h"
#include "safefile.h"

#define OUTBUF_SIZE (64 * 1024)
#define SECOND_NS   1000000000ull

enum { OPT_PATH, OPT_FORMAT, OPT_MODE, OPT_FSYNC, N_OPTS };
enum { FMT_TEXT, FMT_JSON };
enum { FSYNC_NONE, FSYNC_BATCH, FSYNC_SECOND };

static const char *const formats[] = { "text", "json", NULL };
static const char *const fsyncs[] = { "none", "batch", "second", NULL };

static const struct synsink_option options[N_OPTS] = {
	[OPT_PATH] = { .name = "path",
		       .type = SYNSINK_OPT_STRING,
		       .help = "the file to append to (required; absolute)" },
	[OPT_FORMAT] = { .name = "format",
			 .type = SYNSINK_OPT_ENUM,
			 .def = "json",
			 .choices = formats,
			 .help = "json: one object per line (schema v1); text: the origin's line" },
	[OPT_MODE] = { .name = "mode",
		       .type = SYNSINK_OPT_STRING,
		       .def = "0640",
		       .help = "permissions of a file the sink creates, octal" },
	[OPT_FSYNC] = { .name = "fsync",
			.type = SYNSINK_OPT_ENUM,
			.def = "none",
			.choices = fsyncs,
			.help = "none: leave it to the kernel; batch: fdatasync after each batch; second: at most once a second" },
};

struct file_sink {
	const struct synsink_host *host;
	fmt_fn format;
	const char *path;
	mode_t mode;
	int fsync;
	int fd;
	uint64_t synced_ns;
	/* Counters: stats() reads them from any thread. */
	atomic_ullong lines, bytes, write_errors, reopens, reopen_errors, unformatted;
	char buf[OUTBUF_SIZE];
};

/* Opens (creating) the path for appending: a regular file, reached
 * through no symbolic link, owned by root or us and writable by nobody
 * else (safefile.h).  Returns the fd or -errno. */
static int open_path(struct file_sink *s)
{
	return sf_open(AT_FDCWD, s->path, O_WRONLY | O_APPEND | O_CREAT, s->mode,
		       SF_NO_SYMLINKS | SF_TRUSTED);
}

/* The options, as open takes them: path absolute, mode octal and no wider
 * than 0644, a format the sink may write.  0 and *mode, or -EINVAL after
 * one line. */
static int file_options(const struct synsink_value *v, const struct synsink_host *host,
			mode_t *mode_out)
{
	unsigned long mode;
	char *end;

	if (!v[OPT_PATH].str) {
		host->log(host, SYNSINK_LOG_ERR, "path= is required");
		return -EINVAL;
	}
	if (v[OPT_PATH].str[0] != '/') {
		host->log(host, SYNSINK_LOG_ERR, "path '%s' is relative; give an absolute path",
			  v[OPT_PATH].str);
		return -EINVAL;
	}
	errno = 0;
	mode = strtoul(v[OPT_MODE].str, &end, 8);
	if (errno || *end || end == v[OPT_MODE].str || mode > 0777) {
		host->log(host, SYNSINK_LOG_ERR, "mode '%s' is not an octal mode (0-0777)",
			  v[OPT_MODE].str);
		return -EINVAL;
	}
	if (mode & 022) {
		host->log(host, SYNSINK_LOG_ERR,
			  "mode '%s' lets other users change the events; at most 0644",
			  v[OPT_MODE].str);
		return -EINVAL;
	}
	if (!fmt_pick(host, v[OPT_FORMAT].num == FMT_JSON))
		return -EINVAL;
	*mode_out = (mode_t)mode;
	return 0;
}

/* --check-config: the options alone; the file is neither opened nor made. */
static int file_check(const struct synsink_value *v, const struct synsink_host *host)
{
	mode_t mode;

	return file_options(v, host, &mode);
}

static int file_open(void **state, const struct synsink_value *v, const struct synsink_host *host)
{
	struct file_sink *s;
	mode_t mode;
	int fd;

	if (file_options(v, host, &mode))
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->host = host;
	s->format = fmt_pick(host, v[OPT_FORMAT].num == FMT_JSON);
	s->path = v[OPT_PATH].str;
	s->mode = mode;
	s->fsync = (int)v[OPT_FSYNC].num;
	fd = open_path(s);
	if (fd < 0) {
		host->log(host, SYNSINK_LOG_ERR, "%s: %s", s->path, sf_strerror(fd));
		free(s);
		/* A path we will not write to is the operator's to change. */
		return fd == -SF_ENOTREG || fd == -ELOOP || fd == -EPERM ? -EINVAL : fd;
	}
	s->fd = fd;
	*state = s;
	return 0;
}

static void fail(struct file_sink *s, int err)
{
	if (!s->write_errors++)
		s->host->log(s->host, SYNSINK_LOG_ERR, "%s: %s", s->path, strerror(-err));
}

static void maybe_sync(struct file_sink *s)
{
	uint64_t now;

	if (s->fsync == FSYNC_NONE)
		return;
	now = s->host->now_ns();
	if (s->fsync == FSYNC_SECOND && now - s->synced_ns < SECOND_NS)
		return;
	if (fdatasync(s->fd) && !s->write_errors++)
		s->host->log(s->host, SYNSINK_LOG_ERR, "%s: fdatasync: %s", s->path,
			     strerror(errno));
	s->synced_ns = now;
}

static int file_write(void *state, const struct synsink_event *ev, size_t n, uint64_t seq)
{
	struct file_sink *s = state;
	const struct lines_counts c = { &s->lines, &s->bytes, &s->unformatted };
	int ret;

	if (s->fd < 0)
		return SYNSINK_ERROR; /* a reopen failed; said so then */
	ret = lines_write(s->fd, ev, n, seq, s->host, s->format, s->buf, sizeof(s->buf), &c);
	if (ret)
		fail(s, ret);
	else
		maybe_sync(s);
	return SYNSINK_PENDING; /* every event settled in lines_write */
}

static int file_flush(void *state, int timeout_ms)
{
	struct file_sink *s = state;

	(void)timeout_ms;
	if (s->fd >= 0 && s->fsync != FSYNC_NONE && fdatasync(s->fd))
		return -errno;
	return 0; /* nothing is held between batches */
}

/* SIGHUP: the file may have been renamed (logrotate); start a new one. */
static void file_reopen(void *state)
{
	struct file_sink *s = state;
	int fd = open_path(s);

	if (fd < 0) {
		s->reopen_errors++;
		s->host->log(
			s->host, SYNSINK_LOG_ERR, "reopening %s: %s; %s", s->path, sf_strerror(fd),
			s->fd >= 0 ? "writing on to the old file" : "events are counted failed");
		return;
	}
	if (s->fd >= 0) {
		if (s->fsync != FSYNC_NONE)
			(void)fdatasync(s->fd); /* best effort: it is closed next */
		close(s->fd);
	}
	s->fd = fd;
	s->reopens++;
}

static void file_close(void *state)
{
	struct file_sink *s = state;

	if (s->fd >= 0)
		close(s->fd);
	free(s);
}

static void file_stats(void *state, synsink_emit_fn emit, void *arg)
{
	struct file_sink *s = state;

	emit(arg, "lines", s->lines);
	emit(arg, "bytes", s->bytes);
	emit(arg, "write_errors", s->write_errors);
	emit(arg, "reopens", s->reopens);
	emit(arg, "reopen_errors", s->reopen_errors);
	emit(arg, "unformatted", s->unformatted);
}

static const struct synsink_plugin file_plugin = {
	SYNSINK_PLUGIN_INIT,
	.flags = SYNSINK_PLUGIN_TEXT,
	.name = "file",
	.description = "one line per event appended to a file, reopened on SIGHUP (logrotate)",
	.options = options,
	.n_options = N_OPTS,
	.open = file_open,
	.write = file_write,
	.flush = file_flush,
	.close = file_close,
	.stats = file_stats,
	.reopen = file_reopen,
	.check = file_check,
};

SYNSINK_PLUGIN_DEFINE(file_plugin)
