// SPDX-License-Identifier: MIT
/* privs.c - the privilege drop behind --user and --group. */
#include "privs.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

static int fail(char *err, size_t errlen, const char *what)
{
	int e = errno ? errno : EPERM;

	snprintf(err, errlen, "--user: %s: %s", what, strerror(e));
	return -e;
}

int privs_lookup(const char *user, const char *group, uid_t *uid, gid_t *gid, char *err,
		 size_t errlen)
{
	struct passwd *pw;

	errno = 0;
	pw = getpwnam(user);
	if (!pw) {
		snprintf(err, errlen, "--user: no user '%s'", user);
		return -ENOENT;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	if (group) {
		struct group *gr;

		errno = 0;
		gr = getgrnam(group);
		if (!gr) {
			snprintf(err, errlen, "--group: no group '%s'", group);
			return -ENOENT;
		}
		*gid = gr->gr_gid;
	}
	return 0;
}

/* What is kept: CAP_NET_ADMIN for the queues; with procs (--owner=full)
 * also what reading other users' /proc/PID/fd and exe takes: listing the
 * fd directory (mode 0500, the process's own) needs CAP_DAC_READ_SEARCH,
 * reading its links (a ptrace access check) CAP_SYS_PTRACE. */
static const cap_value_t keep_caps[] = { CAP_NET_ADMIN, CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH };

static int n_keep(bool procs)
{
	return procs ? 3 : 1;
}

static bool kept(int c, bool procs)
{
	int i;

	for (i = 0; i < n_keep(procs); i++)
		if (keep_caps[i] == c)
			return true;
	return false;
}

/* The bounding set down to what is kept, for the calling thread. */
static int drop_bounding_set(bool procs, char *err, size_t errlen)
{
	int c;

	for (c = 0; c <= CAP_LAST_CAP; c++) {
		if (kept(c, procs))
			continue;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) && errno != EINVAL)
			return fail(err, errlen, "dropping the bounding set");
	}
	return 0;
}

int privs_fence(bool procs, char *err, size_t errlen)
{
	int ret = drop_bounding_set(procs, err, errlen);

	if (ret)
		return ret;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return fail(err, errlen, "no_new_privs");
	return 0;
}

int privs_drop(const char *user, const char *group, bool procs, char *err, size_t errlen)
{
	cap_t caps;
	uid_t uid;
	gid_t gid;
	int ret;

	ret = privs_lookup(user, group, &uid, &gid, err, errlen);
	if (ret)
		return ret;

	/* Keep the permitted set across setuid(), and empty the bounding
	 * set of everything else while we still may (privs_fence did, for
	 * this thread and those started since; once more costs nothing). */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0))
		return fail(err, errlen, "PR_SET_KEEPCAPS");
	ret = drop_bounding_set(procs, err, errlen);
	if (ret)
		return ret;
	if (setgroups(1, &gid) || setgid(gid) || setuid(uid))
		return fail(err, errlen, "switching user");
	if (setuid(0) == 0) { /* must be impossible now */
		snprintf(err, errlen, "--user: could switch back to root");
		return -EPERM;
	}

	caps = cap_init();
	if (!caps)
		return fail(err, errlen, "cap_init");
	ret = cap_set_flag(caps, CAP_PERMITTED, n_keep(procs), keep_caps, CAP_SET) ||
	      cap_set_flag(caps, CAP_EFFECTIVE, n_keep(procs), keep_caps, CAP_SET) ||
	      cap_set_proc(caps);
	cap_free(caps);
	if (ret)
		return fail(err, errlen,
			    procs ? "keeping CAP_NET_ADMIN, CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH"
				  : "keeping CAP_NET_ADMIN");
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return fail(err, errlen, "no_new_privs");
	return 0;
}
