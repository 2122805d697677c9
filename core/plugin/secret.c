// SPDX-License-Identifier: MIT
/* secret.c - secrets from files (see secret.h). */
#include "secret.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "safefile.h"

/* Whether the file read (st) may hold a secret; else one line in err. */
static int file_ok(const struct stat *st, const char *path, char *err, size_t errlen)
{
	if (st->st_uid != 0 && st->st_uid != geteuid()) {
		snprintf(err, errlen,
			 "%s: owned by uid %u, not by root or the user running synsink", path,
			 (unsigned int)st->st_uid);
		return -EINVAL;
	}
	if (st->st_mode & (S_IRWXG | S_IRWXO)) {
		snprintf(
			err, errlen,
			"%s: mode %04o lets group or others at it; a secret's file must be 0600 or 0400",
			path, (unsigned int)(st->st_mode & 07777));
		return -EINVAL;
	}
	return 0;
}

int secret_file_read(const char *path, char **out, char *err, size_t errlen)
{
	struct stat st;
	size_t size, len;
	char *buf;
	int ret;

	*out = NULL;
	/* The one bounded reader: no FIFO (it would hang the start), no
	 * symbolic link, a regular file of at most SECRET_MAX bytes. */
	ret = sf_read(path, SECRET_MAX, 0, &buf, &size, &st);
	if (ret == -EFBIG)
		snprintf(err, errlen, "%s: longer than %d bytes", path, SECRET_MAX);
	else if (ret)
		snprintf(err, errlen, "%s: %s", path,
			 ret == -ELOOP ? "a symbolic link; give the file itself"
				       : sf_strerror(ret));
	if (ret)
		return ret == -ELOOP || ret == -EFBIG || ret == -SF_ENOTREG ? -EINVAL : ret;
	len = size;
	ret = file_ok(&st, path, err, errlen);
	if (!ret) {
		if (len && buf[len - 1] == '\n')
			len--;
		if (len && buf[len - 1] == '\r')
			len--;
		buf[len] = 0;
		if (!len || memchr(buf, 0, len) || memchr(buf, '\n', len)) {
			snprintf(err, errlen, "%s: %s", path,
				 len ? "not one line of text" : "empty");
			ret = -EINVAL;
		}
	}
	if (ret) {
		explicit_bzero(buf, size);
		free(buf);
		return ret;
	}
	*out = buf;
	return 0;
}

void secret_free(char *s)
{
	if (!s)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}
