/* SPDX-License-Identifier: MIT */
/*
 * safefile.h - the one way synsink opens a file it reads or writes: the
 * sink's log file, the spool's segments and cursor, --config, secrets, the
 * p0f database, TLS certificates.  Built as a small static library of its
 * own, like hostport, so the core and the plugins share it.
 *
 * Whoever can create a name synsink opens (an unprivileged user in /tmp,
 * the --user account in its spool) must not be able to make synsink block
 * in open(2) on a FIFO, read a device, or write through a symbolic link.
 * So every open here is O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
 * the opened thing is checked with fstat (a regular file, nothing else),
 * and only then is O_NONBLOCK cleared.
 */
#ifndef SYNSINK_SAFEFILE_H
#define SYNSINK_SAFEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

/* The error sf_open returns for a name that is there but is no regular
 * file (a FIFO, a device, a directory, a socket): sf_strerror says so. */
#define SF_ENOTREG EMEDIUMTYPE

/* sf_open's how. */
enum {
	/* No symbolic link anywhere in path, not only at its end
	 * (openat2's RESOLVE_NO_SYMLINKS): for a path an operator gave,
	 * whose parent directories another user may have planted. */
	SF_NO_SYMLINKS = 1 << 0,
	/* Refuse a file owned by anyone but root and us, or writable by its
	 * group or others: what another user could have planted or can
	 * change. */
	SF_TRUSTED = 1 << 1,
	/* Follow a symbolic link at the end of path: for files only read,
	 * like a CA bundle in /etc/ssl/certs, where links are the rule. */
	SF_FOLLOW = 1 << 2,
};

/*
 * Opens path (relative to dirfd, or AT_FDCWD) with flags (O_RDONLY,
 * O_WRONLY | O_APPEND | O_CREAT, ...; mode for O_CREAT) as described
 * above.  Returns the fd, or a negative errno: -ELOOP for a symbolic link,
 * -SF_ENOTREG for what is not a regular file, -EPERM for an untrusted
 * file (SF_TRUSTED).  Never blocks on what the name turns out to be.
 */
int sf_open(int dirfd, const char *path, int flags, mode_t mode, unsigned how);

/*
 * For a library that opens files by name (OpenSSL, librdkafka): opens path
 * for reading with sf_open and writes "/proc/self/fd/N" to out, a name of
 * the very file checked, for as long as the returned fd stays open.
 * Returns the fd (the caller closes it once the library has read the
 * file), or a negative errno.
 */
#define SF_FDPATH_LEN 32
int sf_open_fdpath(const char *path, unsigned how, char out[SF_FDPATH_LEN]);

/* Why sf_open failed, in words, for err of either sign. */
const char *sf_strerror(int err);

/* What kind of file st is, for a message: "a FIFO", "a directory"... */
const char *sf_kind(mode_t mode);

/*
 * The one bounded file reader (--config, the p0f database, secrets): all
 * of a regular file, at most max bytes whatever st_size says, into a
 * NUL-terminated heap buffer (*out, length *len), through sf_open(
 * AT_FDCWD, path, O_RDONLY, 0, how).  st, if not NULL, gets the file's
 * fstat, for a caller's own rules (a secret's mode).  Returns 0, or a
 * negative errno (-EFBIG when the file is longer than max); *out is NULL
 * then.  A caller reading a secret wipes the buffer before freeing it.
 */
int sf_read(const char *path, size_t max, unsigned how, char **out, size_t *len, struct stat *st);

/*
 * Whether st may be trusted: owned by root or us, and not writable by its
 * group or others -- unless it is a parent directory with the sticky bit
 * (/tmp), where nobody can rename or remove what is not theirs.  If not,
 * err says why, naming path (nothing with errlen 0).  The one rule of
 * trust: sf_open's SF_TRUSTED, the plugin loader and --config use it.
 */
bool sf_trusted(const struct stat *st, bool parent, const char *path, char *err, size_t errlen);

/*
 * Opens dir (absolute) as an O_PATH fd, checking every directory on the
 * way down from / by fd: each one, and dir itself, must be sf_trusted(),
 * so nobody but root and us can rename, swap or add anything on the path.
 * Symbolic links are resolved first (realpath); the walk then follows
 * none.  sticky_ok: dir itself may be writable by others if sticky, like
 * every parent (for one file of ours in it, not for a directory whose
 * every file is taken, like the plugins').  Returns the fd, or a negative
 * errno with err set ("what: ...").
 */
int sf_open_trusted_dir(const char *dir, const char *what, bool sticky_ok, char *err,
			size_t errlen);

#endif
