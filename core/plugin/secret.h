/* SPDX-License-Identifier: MIT */
/*
 * secret.h - a secret option's value from a file (NAME_file=PATH, for any
 * plugin option of type SYNSINK_OPT_SECRET), so no secret need appear on
 * the command line, where every local user can read it (ps,
 * /proc/PID/cmdline).  Read once, when the sink opens, before --user.
 */
#ifndef SYNSINK_SECRET_H
#define SYNSINK_SECRET_H

#include <stddef.h>

#define SECRET_MAX 4096 /* bytes a secret file may hold */

/* Reads the secret in path: a regular file, owned by root or by the user
 * running synsink, with no permission for group or others, at most
 * SECRET_MAX bytes; its content without one trailing newline is the
 * secret, which must be one non-empty line without NUL.  *out is
 * malloc'ed (secret_free wipes and frees it).  Returns 0, or -errno /
 * -EINVAL with one line in err naming path and what is wrong. */
int secret_file_read(const char *path, char **out, char *err, size_t errlen);
void secret_free(char *s);

#endif
