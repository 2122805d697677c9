// SPDX-License-Identifier: MIT
/* safefile.c - opening files without trusting their names (see safefile.h). */
#include "safefile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SAFE_FLAGS (O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY)

static int open_no_symlinks(int dirfd, const char *path, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = (unsigned long long)flags,
		.mode = flags & O_CREAT ? mode : 0,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

int sf_open(int dirfd, const char *path, int flags, mode_t mode, unsigned how)
{
	struct stat st;
	int fd, e;

	flags |= SAFE_FLAGS;
	if (how & SF_FOLLOW)
		flags &= ~O_NOFOLLOW;
	fd = how & SF_NO_SYMLINKS ? open_no_symlinks(dirfd, path, flags, mode)
				  : openat(dirfd, path, flags, mode);
	if (fd < 0)
		return errno == ENXIO ? -SF_ENOTREG : -errno; /* ENXIO: a FIFO, no reader */
	if (fstat(fd, &st))
		e = errno;
	else if (!S_ISREG(st.st_mode))
		e = SF_ENOTREG;
	else if ((how & SF_TRUSTED) && !sf_trusted(&st, false, path, NULL, 0))
		e = EPERM;
	else if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK))
		e = errno;
	else
		return fd;
	close(fd);
	return -e;
}

int sf_open_fdpath(const char *path, unsigned how, char out[SF_FDPATH_LEN])
{
	int fd = sf_open(AT_FDCWD, path, O_RDONLY, 0, how);

	if (fd >= 0)
		snprintf(out, SF_FDPATH_LEN, "/proc/self/fd/%d", fd);
	return fd;
}

const char *sf_strerror(int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case SF_ENOTREG:
		return "not a regular file";
	case ELOOP:
		return "a symbolic link on the path; give the file itself";
	case EPERM:
		return "owned by another user or writable by group or others";
	default:
		return strerror(err);
	}
}

const char *sf_kind(mode_t mode)
{
	return S_ISREG(mode)			? "a regular file"
	       : S_ISDIR(mode)			? "a directory"
	       : S_ISFIFO(mode)			? "a FIFO"
	       : S_ISCHR(mode) || S_ISBLK(mode) ? "a device"
	       : S_ISSOCK(mode)			? "a socket"
						: "not a file";
}

int sf_read(const char *path, size_t max, unsigned how, char **out, size_t *len, struct stat *st)
{
	size_t used = 0;
	char *buf;
	int fd, ret = 0;

	*out = NULL;
	*len = 0;
	fd = sf_open(AT_FDCWD, path, O_RDONLY, 0, how);
	if (fd < 0)
		return fd;
	if (st && fstat(fd, st)) {
		ret = -errno;
		close(fd);
		return ret;
	}
	buf = malloc(max + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t n = read(fd, buf + used, max + 1 - used);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		if (!n)
			break;
		if ((used += (size_t)n) > max) {
			ret = -EFBIG;
			break;
		}
	}
	close(fd);
	if (ret) {
		explicit_bzero(buf, used < max + 1 ? used : max + 1);
		free(buf);
		return ret;
	}
	buf[used] = '\0';
	*out = buf;
	*len = used;
	return 0;
}

bool sf_trusted(const struct stat *st, bool parent, const char *path, char *err, size_t errlen)
{
	if (st->st_uid != 0 && st->st_uid != geteuid()) {
		snprintf(err, errlen, "%s: refused: owned by uid %u, neither root nor me", path,
			 (unsigned int)st->st_uid);
		return false;
	}
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) &&
	    !(parent && S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX))) {
		snprintf(err, errlen, "%s: refused: writable by %s (mode %04o)%s", path,
			 st->st_mode & S_IWOTH ? "others" : "its group",
			 (unsigned int)(st->st_mode & 07777), parent ? ", and not sticky" : "");
		return false;
	}
	return true;
}

int sf_open_trusted_dir(const char *dir, const char *what, bool sticky_ok, char *err, size_t errlen)
{
	char real[PATH_MAX], walked[PATH_MAX] = "";
	char *comp, *save = NULL;
	struct stat st;
	size_t wl = 0;
	int fd, next, e;

	if (!realpath(dir, real)) {
		snprintf(err, errlen, "%s %s: %s", what, dir, strerror(errno));
		return -ENOENT;
	}
	fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		snprintf(err, errlen, "/: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -EPERM;
	}
	for (comp = strtok_r(real, "/", &save);; comp = strtok_r(NULL, "/", &save)) {
		bool last = comp == NULL;

		if (!sf_trusted(&st, !last || sticky_ok, wl ? walked : "/", err, errlen)) {
			close(fd);
			return -EPERM;
		}
		if (last)
			return fd;
		wl += (size_t)snprintf(walked + wl, sizeof(walked) - wl, "/%s", comp);
		next = openat(fd, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		e = next < 0 || fstat(next, &st) ? errno : 0;
		close(fd);
		if (e) {
			snprintf(err, errlen, "%s %s: %s (it changed while checked?)", what, walked,
				 strerror(e));
			if (next >= 0)
				close(next);
			return -EPERM;
		}
		fd = next;
	}
}
