/* SPDX-License-Identifier: MIT */
/* privs.h - giving up root after set-up, keeping only CAP_NET_ADMIN. */
#ifndef SYNSINK_PRIVS_H
#define SYNSINK_PRIVS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The ids of user (and group, or the user's primary group).  Returns 0 or
 * -ENOENT with one line in err. */
int privs_lookup(const char *user, const char *group, uid_t *uid, gid_t *gid, char *err,
		 size_t errlen);

/*
 * The part of the drop that threads inherit when they are created: the
 * bounding set down to CAP_NET_ADMIN (with procs, --owner=full, also
 * CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH: privs.c) and no_new_privs (neither touches
 * what the process may do now).  Both are per thread, so this comes
 * before any thread exists: a sink's library starts its own during open
 * (librdkafka does), and those would otherwise keep a full bounding set
 * and could exec a set-uid program back to root.  Returns 0 or -errno
 * with one line in err.
 */
int privs_fence(bool procs, char *err, size_t errlen);

/*
 * Switches to user (and group, or the user's primary group) and keeps
 * only CAP_NET_ADMIN (and with procs the two above), effective and permitted, which verdicts and the
 * final unbind on an nfnetlink socket need; every other capability leaves
 * the bounding set, and no_new_privs is set, so there is no way back.
 * Capabilities are per thread: call before synsink starts its own
 * threads, after privs_fence (the uid and gid change reaches every
 * thread: glibc applies it process-wide).  Returns 0, or -errno with one
 * line in err.
 */
int privs_drop(const char *user, const char *group, bool procs, char *err, size_t errlen);

#endif
