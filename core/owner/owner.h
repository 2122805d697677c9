/* SPDX-License-Identifier: MIT */
/*
 * owner.h - who sent a SYN from this host (--owner).
 *
 *   --owner (=socket)  the kernel's answer, with every queued packet that
 *                      has a local socket: uid, gid (NFQA_UID/GID) and the
 *                      security context (NFQA_SECCTX) where there is one;
 *                      the user name is looked up once per uid.
 *   --owner=full       also the process: pid, comm, exe, the cgroup v2 path
 *                      and the unit and container it names (cgname.h).
 *                      The socket's inode comes from sock_diag, its holder
 *                      from an index of /proc/PID/fd (procindex.h).  This
 *                      runs in the sink threads, on events already
 *                      accepted: never on the verdict path.
 *
 * An event carries uid, gid, pid, the process's start time and comm; exe
 * and the cgroup stay in a table keyed by pid and start time, read when
 * the event is formatted (an event replayed from the spool after a
 * restart gets them only if the process still runs).
 */
#ifndef SYNSINK_OWNER_H
#define SYNSINK_OWNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cgname.h"
#include "synsink/event.h"

/* OWNER_PROC is full found the old way only: sock_diag and /proc, never
 * the connect hook; owner_level() says OWNER_FULL for it. */
enum owner_level { OWNER_OFF, OWNER_SOCKET, OWNER_FULL, OWNER_PROC };

/* "socket", "full" or "proc" (NULL: a bare --owner, socket).  Returns the
 * level, or -1. */
int owner_level_parse(const char *s);

/* Sets the level; for full, opens the sock_diag socket (in this network
 * namespace) and /proc, before --user.  Returns 0 or -errno with one line
 * in err.  Main thread, before any sink thread starts. */
int owner_open(int level, char *err, size_t errlen);
void owner_close(void);
int owner_level(void);

/* With --owner=full: find, the connect hook's answer for an event (fills
 * pid, pid_start, comm and SYNSINK_OWN_PID|LOOKED, or returns false), asked
 * for a SYN whose socket was gone before sock_diag could find it.  Main
 * thread, before any sink thread starts; NULL: none. */
void owner_set_hook(bool (*find)(struct synsink_event *ev));

/* Completes events that have a uid with the process holding their
 * socket (--owner=full): pid, pid_start, comm, SYNSINK_OWN_LOOKED.  A
 * second sink's copy of an event finds the first one's answer.  Sink
 * threads. */
void owner_enrich(struct synsink_event *ev, size_t n);

/* What the table knows of the process an event names. */
struct owner_proc {
	char exe[256];
	char cgroup[256];
	char unit[128];
	char container[CGNAME_ID_LEN + 1];
};

/* Copies it out; false when the event names no process, or the process
 * is neither in the table nor running any more.  Any thread. */
bool owner_proc_get(const struct synsink_event *ev, struct owner_proc *p);

/* uid's user name into buf, or false when it has none.  Any thread. */
bool owner_user(uint32_t uid, char *buf, size_t len);

/* Each counter: name, help, value.  Any thread. */
void owner_counts_each(void (*fn)(void *arg, const char *name, const char *help,
				  unsigned long long v),
		       void *arg);

#endif
