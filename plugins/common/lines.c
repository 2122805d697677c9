// SPDX-License-Identifier: MIT
/* lines.c - a batch of events as lines on a file descriptor. */
#include "lines.h"

#include <errno.h>
#include <unistd.h>

/* Writes all of buf; returns 0 or a negative errno. */
static int write_all(int fd, const char *buf, size_t len, atomic_ullong *bytes)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
		*bytes += (size_t)n;
	}
	return 0;
}

int lines_write(int fd, const struct synsink_event *ev, size_t n, const struct synsink_host *h,
		lines_format_fn format, char *buf, size_t cap, atomic_ullong *bytes)
{
	size_t used = 0, i;
	int ret;

	for (i = 0; i < n; i++) {
		if (cap - used < SYNSINK_LINE_MAX) {
			ret = write_all(fd, buf, used, bytes);
			if (ret)
				return ret;
			used = 0;
		}
		used += format(h, &ev[i], buf + used, cap - used);
	}
	return write_all(fd, buf, used, bytes);
}
