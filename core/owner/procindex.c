// SPDX-License-Identifier: MIT
/* procindex.c - socket inode to pid (see procindex.h). */
#include "procindex.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

int procindex_open(struct procindex *pi, const char *proc)
{
	memset(pi, 0, sizeof(*pi));
	pi->slots = calloc(PROCINDEX_SLOTS, sizeof(*pi->slots));
	if (!pi->slots)
		return -ENOMEM;
	pi->proc_fd = open(proc, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pi->proc_fd < 0) {
		int e = errno;

		free(pi->slots);
		pi->slots = NULL;
		return -e;
	}
	return 0;
}

void procindex_close(struct procindex *pi)
{
	if (pi->proc_fd >= 0)
		close(pi->proc_fd);
	pi->proc_fd = -1;
	free(pi->slots);
	pi->slots = NULL;
}

static size_t slot_of(uint32_t inode)
{
	return (inode * 2654435761u) & (PROCINDEX_SLOTS - 1);
}

static struct pi_slot *lookup(struct procindex *pi, uint32_t inode)
{
	size_t i = slot_of(inode);

	while (pi->slots[i].inode) {
		if (pi->slots[i].inode == inode)
			return &pi->slots[i];
		i = (i + 1) & (PROCINDEX_SLOTS - 1);
	}
	return NULL;
}

/* Remembers inode -> pid.  A full table starts again: the sockets it
 * named are mostly closed by then, and those still open are found again
 * by the next scan. */
static void insert(struct procindex *pi, uint32_t inode, uint32_t pid, uint64_t start)
{
	size_t i;

	if (pi->used >= PROCINDEX_SLOTS / 2) {
		memset(pi->slots, 0, PROCINDEX_SLOTS * sizeof(*pi->slots));
		pi->used = 0;
	}
	for (i = slot_of(inode); pi->slots[i].inode; i = (i + 1) & (PROCINDEX_SLOTS - 1))
		if (pi->slots[i].inode == inode)
			break;
	if (!pi->slots[i].inode)
		pi->used++;
	pi->slots[i].inode = inode;
	pi->slots[i].pid = pid;
	pi->slots[i].start = start;
}

uint64_t procindex_start(int proc_fd, uint32_t pid)
{
	char path[32], buf[1024], *p;
	unsigned long long start = 0;
	ssize_t len;
	int fd, field;

	snprintf(path, sizeof(path), "%u/stat", pid);
	fd = openat(proc_fd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return 0;
	buf[len] = 0;
	p = strrchr(buf, ')'); /* the name may hold anything, ')' too */
	if (!p)
		return 0;
	/* p ends field 2; each space found starts the next: 20 to field 22. */
	for (field = 2; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%llu", &start) != 1)
		return 0;
	return start;
}

/* Reads pid's fd table into the index, each link charged to the uid's
 * budget u and to everybody's.  Returns how many of the wanted inodes it
 * held. */
static size_t scan_pid(struct procindex *pi, struct pi_uid *u, uint32_t pid, const uint32_t *want,
		       size_t n)
{
	char path[32], link[64];
	struct dirent *de;
	uint64_t start;
	size_t found = 0, i;
	DIR *d;
	int fd;

	snprintf(path, sizeof(path), "%u/fd", pid);
	fd = openat(pi->proc_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return 0;
	}
	atomic_fetch_add_explicit(&pi->scans, 1, memory_order_relaxed);
	start = procindex_start(pi->proc_fd, pid);
	while ((de = readdir(d))) {
		unsigned long inode;
		char *end;
		ssize_t len;

		if (de->d_name[0] == '.')
			continue;
		if (!pi->all.links || !u->b.links) {
			atomic_fetch_add_explicit(&pi->cut, 1, memory_order_relaxed);
			break;
		}
		pi->all.links--;
		u->b.links--;
		len = readlinkat(dirfd(d), de->d_name, link, sizeof(link) - 1);

		if (len < 9 || memcmp(link, "socket:[", 8))
			continue;
		link[len] = 0;
		errno = 0;
		inode = strtoul(link + 8, &end, 10);
		if (errno || *end != ']' || !inode || inode > UINT32_MAX)
			continue;
		insert(pi, (uint32_t)inode, pid, start);
		for (i = 0; i < n; i++)
			if (want[i] == inode)
				found++;
	}
	closedir(d);
	return found;
}

/* How many wanted inodes (not yet found) there are. */
static size_t missing(struct procindex *pi, const uint32_t *inode, size_t n, uint32_t *want)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (inode[i] && !lookup(pi, inode[i]))
			want[k++] = inode[i];
	return k;
}

/* Scans /proc for u's inodes: the processes of u's uid, or (others) all
 * the rest.  Stops once nothing is missing or u's budget is spent. */
static size_t scan_all(struct procindex *pi, struct pi_uid *u, bool others, uint32_t *want,
		       size_t left)
{
	struct dirent *de;
	DIR *d;
	int fd = openat(pi->proc_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return left;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return left;
	}
	while (left && u->b.links && pi->all.links && (de = readdir(d))) {
		struct stat st;
		uint64_t pid;

		if (parse_u64(de->d_name, 1, UINT32_MAX, &pid) ||
		    fstatat(pi->proc_fd, de->d_name, &st, 0))
			continue;
		if ((st.st_uid == u->uid) == others)
			continue;
		if (scan_pid(pi, u, (uint32_t)pid, want, left))
			left = missing(pi, want, left, want);
	}
	closedir(d);
	return left;
}

/* A bucket of rate links a second, at most one second's worth saved up. */
static void refill(struct pi_bucket *b, uint64_t rate, uint64_t now_ns)
{
	uint64_t add;

	if (!b->budget_ns || now_ns - b->budget_ns >= 1000000000ull) {
		b->links = rate;
		b->budget_ns = now_ns;
		return;
	}
	add = (now_ns - b->budget_ns) * rate / 1000000000ull;
	if (!add)
		return;
	b->links = b->links + add > rate ? rate : b->links + add;
	b->budget_ns = now_ns;
}

/* uid's budget entry, refilled; a uid not seen lately takes the entry
 * used least recently (a full one to start with). */
static struct pi_uid *uid_entry(struct procindex *pi, uint32_t uid, uint64_t now_ns)
{
	struct pi_uid *u = &pi->uids[0];
	size_t i;

	for (i = 0; i < PROCINDEX_UIDS; i++) {
		if (pi->uids[i].used_ns && pi->uids[i].uid == uid) {
			u = &pi->uids[i];
			goto found;
		}
		if (pi->uids[i].used_ns < u->used_ns)
			u = &pi->uids[i];
	}
	memset(u, 0, sizeof(*u));
	u->uid = uid;
found:
	u->used_ns = now_ns ? now_ns : 1;
	refill(&u->b, PROCINDEX_UID_LINKS_S, now_ns);
	return u;
}

/* pid, found for a socket of uid, becomes the first of the recent owners. */
static void make_hot(struct procindex *pi, uint32_t pid, uint32_t uid)
{
	size_t i;

	for (i = 0; i < pi->n_hot && pi->hot[i].pid != pid; i++)
		;
	if (i == pi->n_hot && pi->n_hot < PROCINDEX_HOT)
		pi->n_hot++;
	if (i == PROCINDEX_HOT)
		i--;
	memmove(&pi->hot[1], &pi->hot[0], i * sizeof(pi->hot[0]));
	pi->hot[0].pid = pid;
	pi->hot[0].uid = uid;
}

/* Looks for the missing inodes of one uid on its own budget: its recent
 * owners, then (unless its last wide scan missed a moment ago) its
 * processes, then everybody else's. */
static void find_for(struct procindex *pi, struct pi_uid *u, uint32_t *want, size_t left,
		     uint64_t now_ns)
{
	size_t i;

	for (i = 0; left && i < pi->n_hot; i++)
		if (pi->hot[i].uid == u->uid && scan_pid(pi, u, pi->hot[i].pid, want, left))
			left = missing(pi, want, left, want);
	if (left && (!u->fruitless_ns || now_ns - u->fruitless_ns >= PROCINDEX_WIDE_GAP)) {
		atomic_fetch_add_explicit(&pi->wide, 1, memory_order_relaxed);
		left = scan_all(pi, u, false, want, left);
		if (left)
			left = scan_all(pi, u, true, want, left);
		u->fruitless_ns = left ? now_ns : 0;
	}
}

/* pid[i] and start[i] for the inodes of uid u, from the index. */
static void resolve(struct procindex *pi, const uint32_t *inode, const uint32_t *uid, size_t n,
		    uint32_t u, uint32_t *pid, uint64_t *start)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct pi_slot *s = uid[i] == u && inode[i] ? lookup(pi, inode[i]) : NULL;

		if (uid[i] != u)
			continue;
		pid[i] = s ? s->pid : 0;
		start[i] = s ? s->start : 0;
		if (s)
			make_hot(pi, s->pid, u);
	}
}

void procindex_find(struct procindex *pi, const uint32_t *inode, const uint32_t *uid, size_t n,
		    uint32_t *pid, uint64_t *start, uint64_t now_ns)
{
	uint32_t want[PROCINDEX_BATCH], done[PROCINDEX_BATCH];
	size_t i, j, k, n_done = 0;

	if (n > PROCINDEX_BATCH)
		n = PROCINDEX_BATCH;
	refill(&pi->all, PROCINDEX_LINKS_S, now_ns);
	/* One uid at a time, in the order they come, each uid's answers
	 * taken at once: another's scans may fill (and so clear) the index. */
	for (i = 0; i < n; i++) {
		for (j = 0; j < n_done && done[j] != uid[i]; j++)
			;
		if (j < n_done)
			continue;
		done[n_done++] = uid[i];
		for (j = i, k = 0; j < n; j++)
			if (uid[j] == uid[i] && inode[j] && !lookup(pi, inode[j]))
				want[k++] = inode[j];
		if (k)
			find_for(pi, uid_entry(pi, uid[i], now_ns), want, k, now_ns);
		resolve(pi, inode, uid, n, uid[i], pid, start);
	}
}
