// SPDX-License-Identifier: MIT
/*
 * owner.c - the socket owner and its process (see owner.h).
 *
 * Two locks: `find` serialises the lookups (the sock_diag socket, the
 * /proc index, the answers kept for a second sink), which make system
 * calls; `table` guards the process and user tables, held only to copy
 * an entry in or out, so formatting never waits for a /proc scan.
 */
#include "owner.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pwd.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "procindex.h"
#include "secctx.h"
#include "sockdiag.h"
#include "util.h"

#define PROC_SLOTS   1024 /* processes remembered (exe, cgroup) */
#define PROC_WAYS    4	  /* slots a pid may take */
#define ANSWER_SLOTS 4096 /* answers kept for the other sinks' copies */
#define USER_SLOTS   64

struct proc_ent {
	uint32_t pid;
	uint64_t start;
	uint64_t used; /* table clock at the last use */
	struct owner_proc p;
};

struct answer {
	uint32_t packet_id;
	uint16_t queue, sport;
	uint32_t pid;
	uint64_t start;
	char comm[16];
	bool valid;
};

struct user_ent {
	uint32_t uid;
	bool used, named;
	char name[64];
};

static int level;
static int diag_fd = -1;
static struct procindex pindex = { .proc_fd = -1 };
static pthread_mutex_t find_lock = PTHREAD_MUTEX_INITIALIZER;
static struct answer answers[ANSWER_SLOTS];
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct proc_ent procs[PROC_SLOTS];
static uint64_t table_clock;
static struct user_ent users[USER_SLOTS];

/* Counted once per event (a second sink's copy is not counted again). */
static atomic_ullong n_lookups, n_found, n_gone, n_noproc, n_hooked;
static bool (*hook_find)(struct synsink_event *ev);

void owner_set_hook(bool (*find)(struct synsink_event *ev))
{
	hook_find = find;
}

int owner_level_parse(const char *s)
{
	if (!s || !strcmp(s, "socket"))
		return OWNER_SOCKET;
	if (!strcmp(s, "full"))
		return OWNER_FULL;
	if (!strcmp(s, "proc"))
		return OWNER_PROC;
	return -1;
}

int owner_level(void)
{
	return level;
}

int owner_open(int lvl, char *err, size_t errlen)
{
	int ret;

	level = lvl == OWNER_PROC ? OWNER_FULL : lvl;
	if (level != OWNER_FULL)
		return 0;
	diag_fd = sockdiag_open();
	if (diag_fd < 0) {
		ret = diag_fd;
		snprintf(err, errlen, "--owner=full: sock_diag socket: %s", strerror(-ret));
		return ret;
	}
	ret = procindex_open(&pindex, "/proc");
	if (ret) {
		snprintf(err, errlen, "--owner=full: /proc: %s", strerror(-ret));
		close(diag_fd);
		diag_fd = -1;
		return ret;
	}
	return 0;
}

void owner_close(void)
{
	if (diag_fd >= 0)
		close(diag_fd);
	diag_fd = -1;
	if (pindex.slots)
		procindex_close(&pindex);
	level = OWNER_OFF;
}

/* A small /proc/PID file, without the newline the kernel ends it with.
 * Returns false when it cannot be read. */
static bool read_line(uint32_t pid, const char *name, char *buf, size_t len)
{
	char path[48];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%u/%s", pid, name);
	fd = openat(pindex.proc_fd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return false;
	/* The kernel's newline ends it; one inside is the name's own (a
	 * comm may hold any byte: PR_SET_NAME). */
	buf[n] = 0;
	if (buf[n - 1] == '\n')
		buf[n - 1] = 0;
	return true;
}

/* The cgroup v2 path of pid ("0::PATH" in /proc/PID/cgroup). */
static void read_cgroup(uint32_t pid, char *out, size_t len)
{
	char path[48], buf[4096], *line;
	ssize_t n;
	int fd;

	*out = 0;
	snprintf(path, sizeof(path), "%u/cgroup", pid);
	fd = openat(pindex.proc_fd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = 0;
	for (line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		if (!strncmp(line, "0::", 3)) {
			size_t l = strcspn(line + 3, "\n");

			if (l < len) {
				memcpy(out, line + 3, l);
				out[l] = 0;
			}
			return;
		}
}

/* Reads what /proc says of pid into p (comm into comm).  False when the
 * process is gone or is another one by now. */
static bool read_proc(uint32_t pid, uint64_t start, struct owner_proc *p, char comm[16])
{
	char path[48];
	ssize_t n;

	memset(p, 0, sizeof(*p));
	if (!read_line(pid, "comm", comm, 16))
		return false;
	snprintf(path, sizeof(path), "%u/exe", pid);
	n = readlinkat(pindex.proc_fd, path, p->exe, sizeof(p->exe) - 1);
	p->exe[n > 0 ? n : 0] = 0;
	read_cgroup(pid, p->cgroup, sizeof(p->cgroup));
	cgname_parse(p->cgroup, p->unit, sizeof(p->unit), p->container);
	/* Read last: a process that ended (and a new one that took its pid)
	 * meanwhile is caught here. */
	return procindex_start(pindex.proc_fd, pid) == start;
}

/* The table's entry for (pid, start), or NULL.  Under table_lock. */
static struct proc_ent *proc_find(uint32_t pid, uint64_t start)
{
	size_t i, base = (pid * 2654435761u) % PROC_SLOTS;

	for (i = 0; i < PROC_WAYS; i++) {
		struct proc_ent *e = &procs[(base + i) % PROC_SLOTS];

		if (e->used && e->pid == pid && e->start == start) {
			e->used = ++table_clock;
			return e;
		}
	}
	return NULL;
}

/* Puts (pid, start) in the table, over the least recently used of its
 * ways.  Under table_lock. */
static void proc_put(uint32_t pid, uint64_t start, const struct owner_proc *p)
{
	size_t i, base = (pid * 2654435761u) % PROC_SLOTS;
	struct proc_ent *victim = &procs[base];

	for (i = 0; i < PROC_WAYS; i++) {
		struct proc_ent *e = &procs[(base + i) % PROC_SLOTS];

		if (e->used && e->pid == pid && e->start == start)
			return;
		if (e->used < victim->used)
			victim = e;
	}
	victim->pid = pid;
	victim->start = start;
	victim->used = ++table_clock;
	victim->p = *p;
}

/* Fills in the process for an event whose holder was found. */
static bool describe(struct synsink_event *ev, uint32_t pid, uint64_t start)
{
	struct owner_proc p;
	char comm[16];

	if (!read_proc(pid, start, &p, comm))
		return false;
	pthread_mutex_lock(&table_lock);
	proc_put(pid, start, &p);
	pthread_mutex_unlock(&table_lock);
	ev->pid = pid;
	ev->pid_start = start;
	memcpy(ev->comm, comm, sizeof(ev->comm));
	ev->owner |= SYNSINK_OWN_PID;
	return true;
}

static struct answer *answer_slot(const struct synsink_event *ev)
{
	return &answers[(ev->packet_id ^ ((uint32_t)ev->queue << 20)) % ANSWER_SLOTS];
}

/* A copy of an event another sink has already looked up. */
static bool answered(struct synsink_event *ev)
{
	const struct answer *a = answer_slot(ev);

	if (!a->valid || a->packet_id != ev->packet_id || a->queue != ev->queue ||
	    a->sport != ev->sport)
		return false;
	if (a->pid) {
		ev->pid = a->pid;
		ev->pid_start = a->start;
		memcpy(ev->comm, a->comm, sizeof(ev->comm));
		ev->owner |= SYNSINK_OWN_PID;
	}
	ev->owner |= SYNSINK_OWN_LOOKED;
	return true;
}

static void remember(const struct synsink_event *ev)
{
	struct answer *a = answer_slot(ev);

	a->packet_id = ev->packet_id;
	a->queue = ev->queue;
	a->sport = ev->sport;
	a->pid = ev->owner & SYNSINK_OWN_PID ? ev->pid : 0;
	a->start = ev->pid_start;
	memcpy(a->comm, ev->comm, sizeof(a->comm));
	a->valid = true;
}

/* Up to SOCKDIAG_BATCH events not looked up before. */
static void find_batch(struct synsink_event **ev, size_t n)
{
	uint32_t inode[SOCKDIAG_BATCH], uid[SOCKDIAG_BATCH], pid[SOCKDIAG_BATCH];
	uint64_t start[SOCKDIAG_BATCH];
	size_t i;

	sockdiag_inodes(diag_fd, (const struct synsink_event *const *)ev, n, inode);
	for (i = 0; i < n; i++)
		uid[i] = ev[i]->uid;
	procindex_find(&pindex, inode, uid, n, pid, start, clock_mono_ns());
	for (i = 0; i < n; i++) {
		if (inode[i] && pid[i] && describe(ev[i], pid[i], start[i])) {
			atomic_fetch_add(&n_found, 1);
		} else if (hook_find && hook_find(ev[i])) {
			/* The socket closed before sock_diag or the fd scan got
			 * to it: it left SYN_SENT first, and the hook kept its
			 * owner by 4-tuple then. */
			atomic_fetch_add(&n_found, 1);
			atomic_fetch_add(&n_hooked, 1);
		} else if (!inode[i]) {
			atomic_fetch_add(&n_gone, 1);
		} else {
			atomic_fetch_add(&n_noproc, 1);
		}
		ev[i]->owner |= SYNSINK_OWN_LOOKED;
		remember(ev[i]);
	}
	atomic_fetch_add(&n_lookups, n);
}

void owner_enrich(struct synsink_event *ev, size_t n)
{
	struct synsink_event *batch[SOCKDIAG_BATCH];
	size_t i, k = 0;

	if (level != OWNER_FULL)
		return;
	pthread_mutex_lock(&find_lock);
	for (i = 0; i < n; i++) {
		if ((ev[i].owner & (SYNSINK_OWN_UID | SYNSINK_OWN_LOOKED)) != SYNSINK_OWN_UID ||
		    answered(&ev[i]))
			continue;
		batch[k++] = &ev[i];
		if (k == SOCKDIAG_BATCH) {
			find_batch(batch, k);
			k = 0;
		}
	}
	if (k)
		find_batch(batch, k);
	pthread_mutex_unlock(&find_lock);
}

bool owner_proc_get(const struct synsink_event *ev, struct owner_proc *p)
{
	struct proc_ent *e;
	char comm[16];

	if (!(ev->owner & SYNSINK_OWN_PID) || pindex.proc_fd < 0)
		return false;
	pthread_mutex_lock(&table_lock);
	e = proc_find(ev->pid, ev->pid_start);
	if (e)
		*p = e->p;
	pthread_mutex_unlock(&table_lock);
	if (e)
		return true;
	/* Not in the table (replayed after a restart, or pushed out): the
	 * process itself, if it still runs. */
	if (!read_proc(ev->pid, ev->pid_start, p, comm))
		return false;
	pthread_mutex_lock(&table_lock);
	proc_put(ev->pid, ev->pid_start, p);
	pthread_mutex_unlock(&table_lock);
	return true;
}

bool owner_user(uint32_t uid, char *buf, size_t len)
{
	struct user_ent *u = &users[uid % USER_SLOTS];
	struct passwd pw, *res = NULL;
	char tmp[1024];
	bool named;

	pthread_mutex_lock(&table_lock);
	if (u->used && u->uid == uid) {
		named = u->named;
		if (named)
			snprintf(buf, len, "%s", u->name);
		pthread_mutex_unlock(&table_lock);
		return named;
	}
	pthread_mutex_unlock(&table_lock);
	/* Looked up outside the lock (NSS may be slow); a name that does not
	 * fit is no name. */
	named = !getpwuid_r(uid, &pw, tmp, sizeof(tmp), &res) && res &&
		strlen(res->pw_name) < sizeof(u->name);
	pthread_mutex_lock(&table_lock);
	u->uid = uid;
	u->used = true;
	u->named = named;
	if (named)
		snprintf(u->name, sizeof(u->name), "%s", res->pw_name);
	if (named)
		snprintf(buf, len, "%s", u->name);
	pthread_mutex_unlock(&table_lock);
	return named;
}

void owner_counts_each(void (*fn)(void *arg, const char *name, const char *help,
				  unsigned long long v),
		       void *arg)
{
	fn(arg, "lookups", "locally sent SYNs whose process was looked for (--owner=full)",
	   atomic_load(&n_lookups));
	fn(arg, "found", "... and found: pid, comm, exe, cgroup", atomic_load(&n_found));
	fn(arg, "hooked", "... found through the connect hook, the socket closed before the lookup",
	   atomic_load(&n_hooked));
	fn(arg, "gone", "... not found, whose socket was closed before the lookup",
	   atomic_load(&n_gone));
	fn(arg, "noproc", "... whose socket no process we can read holds (ended, or out of reach)",
	   atomic_load(&n_noproc));
	fn(arg, "scans", "process fd tables read", atomic_load(&pindex.scans));
	fn(arg, "wide_scans", "scans of all of /proc", atomic_load(&pindex.wide));
	fn(arg, "scans_cut", "fd table scans cut short: the budget of fd links a second was spent",
	   atomic_load(&pindex.cut));
	fn(arg, "secctx_dropped", "security contexts too long, or past the table's 255",
	   secctx_dropped());
}
