// SPDX-License-Identifier: MIT
/* secret.c - secrets from files (see secret.h). */
#include "secret.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Whether the open file may hold a secret; else one line in err. */
static int file_ok(int fd, const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		return -EINVAL;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		snprintf(err, errlen,
			 "%s: owned by uid %u, not by root or the user running synsink", path,
			 (unsigned int)st.st_uid);
		return -EINVAL;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		snprintf(
			err, errlen,
			"%s: mode %04o lets group or others at it; a secret's file must be 0600 or 0400",
			path, (unsigned int)(st.st_mode & 07777));
		return -EINVAL;
	}
	if (st.st_size > SECRET_MAX) {
		snprintf(err, errlen, "%s: longer than %d bytes", path, SECRET_MAX);
		return -EINVAL;
	}
	return 0;
}

int secret_file_read(const char *path, char **out, char *err, size_t errlen)
{
	char buf[SECRET_MAX + 2];
	size_t len = 0;
	ssize_t n;
	int fd, ret;

	*out = NULL;
	/* O_NONBLOCK: a FIFO put there must not hang the start. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path,
			 errno == ELOOP ? "a symbolic link; give the file itself"
					: strerror(errno));
		return ret;
	}
	ret = file_ok(fd, path, err, errlen);
	while (!ret && (n = read(fd, buf + len, sizeof(buf) - 1 - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		} else if ((len += (size_t)n) > SECRET_MAX) {
			snprintf(err, errlen, "%s: longer than %d bytes", path, SECRET_MAX);
			ret = -EINVAL;
		}
	}
	close(fd);
	if (!ret) {
		if (len && buf[len - 1] == '\n')
			len--;
		if (len && buf[len - 1] == '\r')
			len--;
		if (!len || memchr(buf, 0, len) || memchr(buf, '\n', len)) {
			snprintf(err, errlen, "%s: %s", path,
				 len ? "not one line of text" : "empty");
			ret = -EINVAL;
		}
	}
	if (!ret) {
		*out = malloc(len + 1);
		if (!*out) {
			ret = -ENOMEM;
			snprintf(err, errlen, "out of memory");
		} else {
			memcpy(*out, buf, len);
			(*out)[len] = 0;
		}
	}
	explicit_bzero(buf, sizeof(buf));
	return ret;
}

void secret_free(char *s)
{
	if (!s)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}
