// SPDX-License-Identifier: MIT
/* log.c - stderr logging.  Each line is written with one write(2) so lines
 * from different threads never interleave. */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static atomic_int threshold = SYNSINK_LOG_INFO;
static atomic_bool journal, stderr_socket;
static atomic_ullong dropped;

static const struct {
	const char *name;
	int level;
} levels[] = {
	{ "err", SYNSINK_LOG_ERR },
	{ "warning", SYNSINK_LOG_WARN },
	{ "info", SYNSINK_LOG_INFO },
	{ "debug", SYNSINK_LOG_DEBUG },
};

int log_level_parse(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(levels); i++)
		if (!strcmp(name, levels[i].name))
			return levels[i].level;
	return -1;
}

const char *log_level_name(int level)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(levels); i++)
		if (levels[i].level == level)
			return levels[i].name;
	return "?";
}

/* JOURNAL_STREAM is "DEV:INODE" of the stream systemd connected; it is
 * inherited, so it counts only while stderr is still that stream. */
static bool stderr_is_journal(void)
{
	const char *env = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	char end;

	if (!env || sscanf(env, "%llu:%llu%c", &dev, &ino, &end) != 2)
		return false;
	return !fstat(STDERR_FILENO, &st) && st.st_dev == dev && st.st_ino == ino;
}

/* A FIFO or a terminal whose reader stopped reading (a stalled pipeline,
 * a terminal on XOFF) must not stop the thread that logs: the main thread
 * with signals to answer.  O_NONBLOCK on the inherited description would
 * change it for the shell too, so stderr is reopened: a description of
 * our own, of the same file.  A regular file never waits for a reader,
 * and a socket is written with MSG_DONTWAIT. */
static void stderr_nonblocking(void)
{
	struct stat st, mine;
	int fd;

	if (fstat(STDERR_FILENO, &st))
		return;
	atomic_store(&stderr_socket, S_ISSOCK(st.st_mode));
	if (!S_ISFIFO(st.st_mode) && !S_ISCHR(st.st_mode))
		return;
	fd = open("/proc/self/fd/2", O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return; /* left as it is: better than no stderr */
	if (!fstat(fd, &mine) && mine.st_dev == st.st_dev && mine.st_ino == st.st_ino)
		(void)dup2(fd, STDERR_FILENO);
	close(fd);
}

void log_setup(int level)
{
	atomic_store(&threshold, level);
	atomic_store(&journal, stderr_is_journal());
	stderr_nonblocking();
}

/* A line longer than a pipe takes at once may go out in parts: the rest
 * gets this long to find room, then it is dropped (cut, and counted). */
#define PART_WAIT_MS 100

void log_write(const char *line, size_t n)
{
	bool sock = atomic_load_explicit(&stderr_socket, memory_order_relaxed);
	size_t done = 0;

	while (done < n) {
		ssize_t w = sock ? send(STDERR_FILENO, line + done, n - done,
					MSG_DONTWAIT | MSG_NOSIGNAL)
				 : write(STDERR_FILENO, line + done, n - done);
		struct pollfd pfd = { STDERR_FILENO, POLLOUT, 0 };

		if (w > 0) {
			done += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		/* Full (EAGAIN) or gone: a line not begun is dropped whole;
		 * one begun gets a short wait to end it. */
		if (!done || w == 0 || (errno != EAGAIN && errno != EWOULDBLOCK) ||
		    poll(&pfd, 1, PART_WAIT_MS) <= 0)
			break;
	}
	if (done < n)
		atomic_fetch_add_explicit(&dropped, 1, memory_order_relaxed);
}

unsigned long long log_dropped(void)
{
	return atomic_load_explicit(&dropped, memory_order_relaxed);
}

static bool log_enabled(int level)
{
	return level <= atomic_load_explicit(&threshold, memory_order_relaxed);
}

size_t log_vformat(char *line, size_t len, const char *prefix, const char *fmt, va_list ap)
{
	int n, m;
	size_t i;

	n = snprintf(line, len, "synsink: %s%s", prefix ? prefix : "", prefix ? ": " : "");
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
	char line[1024 + 4];
	size_t n = 0;

	if (!log_enabled(level))
		return;
	if (atomic_load_explicit(&journal, memory_order_relaxed))
		n = (size_t)snprintf(line, 5, "<%d>", level & 7);
	n += log_vformat(line + n, sizeof(line) - n, prefix, fmt, ap);
	log_write(line, n);
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

	if (!log_enabled(level))
		return;
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
