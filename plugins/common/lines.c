// SPDX-License-Identifier: MIT
/* lines.c - a batch of events as lines on a file descriptor. */
#include "lines.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "settle.h"

/* Writes all of buf; returns 0 or a negative errno, with *done the bytes
 * that went out either way. */
static int write_all(int fd, const char *buf, size_t len, size_t *done)
{
	*done = 0;
	while (*done < len) {
		ssize_t n = write(fd, buf + *done, len - *done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		*done += (size_t)n;
	}
	return 0;
}

/* A write failed after `done` bytes of buf went out: the whole lines among
 * them count, and a regular file is cut back to the last one's end.
 * Returns how many whole lines went out. */
static size_t keep_whole_lines(int fd, const char *buf, size_t done)
{
	const char *nl = done ? memrchr(buf, '\n', done) : NULL;
	size_t whole = nl ? (size_t)(nl - buf) + 1 : 0, lines = 0, i;
	struct stat st;

	if (done > whole && !fstat(fd, &st) && S_ISREG(st.st_mode) &&
	    (off_t)(done - whole) <= st.st_size)
		(void)ftruncate(fd, st.st_size - (off_t)(done - whole)); /* best effort */
	for (i = 0; i < whole; i++)
		lines += buf[i] == '\n';
	return lines;
}

/* Writes buf[0..used), the lines of the events seq..seq+k-1, and settles
 * them.  Returns 0 or the write's negative errno. */
static int put_chunk(int fd, const char *buf, size_t used, uint64_t seq, size_t k,
		     struct settle_run *r, const struct lines_counts *c)
{
	size_t done, ok = k, i;
	int ret = write_all(fd, buf, used, &done);

	if (ret)
		ok = keep_whole_lines(fd, buf, done);
	*c->bytes += done;
	*c->lines += ok;
	for (i = 0; i < k; i++)
		settle_add(r, seq + i, i < ok ? SYNSINK_DELIVERED : SYNSINK_FAILED);
	return ret;
}

int lines_write(int fd, const struct synsink_event *ev, size_t n, uint64_t seq,
		const struct synsink_host *h, fmt_fn format, char *buf, size_t cap,
		const struct lines_counts *c)
{
	struct settle_run r = SETTLE_RUN_INIT(h);
	size_t used = 0, first = 0, i, len;
	int ret = 0;

	for (i = 0; i < n && !ret; i++) {
		if (cap - used < SYNSINK_LINE_MAX) {
			ret = put_chunk(fd, buf, used, seq + first, i - first, &r, c);
			used = 0;
			first = i;
			if (ret)
				break;
		}
		len = format(h, &ev[i], buf + used, cap - used);
		if (len) {
			used += len;
			continue;
		}
		/* Too long for a line: failed, and the chunk ends before it so
		 * that a chunk's events are consecutive. */
		++*c->unformatted;
		ret = put_chunk(fd, buf, used, seq + first, i - first, &r, c);
		settle_add(&r, seq + i, SYNSINK_FAILED);
		used = 0;
		first = i + 1;
	}
	if (!ret) {
		ret = put_chunk(fd, buf, used, seq + first, n - first, &r, c);
		first = n;
	}
	for (i = first; i < n; i++) /* after a write failed: never written */
		settle_add(&r, seq + i, SYNSINK_FAILED);
	settle_end(&r);
	return ret;
}
