// SPDX-License-Identifier: MIT
/* spool.c - a sink's disk spool (see spool.h). */
#include "spool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "safefile.h"

#define SEG_FIRST_ID  (1ull << 32) /* room below for prepended segments */
#define SYNC_AFTER_NS 1000000000ull
/* The most a segment can hold: a writer rotates past SPOOL_SEG_MAX. */
#define SEG_READ_MAX (SPOOL_SEG_MAX + SPOOL_REC_LEN)
#define PER_SEG	     ((SPOOL_SEG_MAX - SPOOL_HDR_LEN) / SPOOL_REC_LEN)

static int ids_reserve(struct spool *sp, size_t more)
{
	uint64_t *n;
	size_t cap;

	if (sp->n_ids + more <= sp->cap_ids)
		return 0;
	cap = sp->cap_ids ? sp->cap_ids * 2 : 64;
	while (cap < sp->n_ids + more)
		cap *= 2;
	n = realloc(sp->ids, cap * sizeof(*n));
	if (!n)
		return -ENOMEM;
	sp->ids = n;
	sp->cap_ids = cap;
	return 0;
}

static int cmp_id(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The events a segment of this size holds, a torn last record (a crash
 * cut its write short) included: it counts here and, once read, in
 * corrupt, so the spool's accounting adds up exactly. */
static uint64_t seg_records(uint64_t size)
{
	return size > SPOOL_HDR_LEN ? (size - SPOOL_HDR_LEN + SPOOL_REC_LEN - 1) / SPOOL_REC_LEN
				    : 0;
}

/* n events left the spool's estimate of what it holds (read, skipped as
 * corrupt, set aside): never below zero. */
static void unwait(struct spool *sp, uint64_t n)
{
	sp->waiting -= n < sp->waiting ? n : sp->waiting;
}

/* Lists the segments in the directory; anything else there is left alone. */
/* A directory stream of dfd's directory (dfd itself stays ours), or NULL
 * with errno set. */
static DIR *dir_stream(int dfd)
{
	int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), e;
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;

	if (!d && fd >= 0) {
		e = errno;
		close(fd);
		errno = e;
	}
	return d;
}

static int list_segments(struct spool *sp, char *err, size_t errlen)
{
	DIR *d = dir_stream(sp->dfd);
	struct dirent *de;

	if (!d) {
		snprintf(err, errlen, "spool %s: %s", sp->dir, strerror(errno));
		return -errno;
	}
	while ((de = readdir(d))) {
		char want[SPOOL_SEG_NAME_LEN], *end;
		uint64_t id;
		struct stat st;

		if (strlen(de->d_name) != 20)
			continue;
		id = strtoull(de->d_name, &end, 16);
		spool_seg_name(want, id);
		if (strcmp(want, de->d_name) ||
		    fstatat(sp->dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISREG(st.st_mode))
			continue;
		if (ids_reserve(sp, 1)) {
			closedir(d);
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
		sp->ids[sp->n_ids++] = id;
		sp->bytes += (uint64_t)st.st_size;
		sp->waiting += seg_records((uint64_t)st.st_size);
	}
	closedir(d);
	if (sp->n_ids)
		qsort(sp->ids, sp->n_ids, sizeof(*sp->ids), cmp_id);
	sp->wid = sp->n_ids ? sp->ids[sp->n_ids - 1] + 1 : SEG_FIRST_ID;
	return 0;
}

/* A clean stop's note of how far it had read the first segment. */
static void load_cursor(struct spool *sp)
{
	char text[64] = "";
	uint64_t id, off;
	size_t i;
	/* The --user account owns the directory: "cursor" may be a FIFO. */
	int fd = sf_open(sp->dfd, "cursor", O_RDONLY, 0, 0);
	ssize_t r;

	if (fd < 0)
		return;
	r = read(fd, text, sizeof(text) - 1);
	close(fd);
	/* Used once: a later segment may reuse the id.  One that cannot be
	 * removed is not used at all: replaying a segment again (duplicates)
	 * is better than skipping a later segment's events. */
	if (unlinkat(sp->dfd, "cursor", 0) && errno != ENOENT) {
		sp->io_errors++;
		return;
	}
	if (r <= 0 || sscanf(text, "%" SCNx64 " %" SCNu64, &id, &off) != 2)
		return;
	for (i = 0; i < sp->n_ids; i++) {
		if (sp->ids[i] != id || off <= SPOOL_HDR_LEN)
			continue;
		sp->cursor_id = id;
		sp->cursor_off = off; /* applied (and checked) at load */
		unwait(sp, seg_records(off));
	}
}

/* How many entries dir holds besides "lock" (a drained spool's), or
 * -errno. */
static int dir_entries(int dfd)
{
	DIR *d = dir_stream(dfd);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		     strcmp(de->d_name, "lock");
	closedir(d);
	return n;
}

static int lock_dir(struct spool *sp, uid_t uid, gid_t gid, char *err, size_t errlen)
{
	char pid[32] = "";
	int n;

	sp->lockfd = sf_open(sp->dfd, "lock", O_RDWR | O_CREAT, 0600, 0);
	if (sp->lockfd < 0) {
		snprintf(err, errlen, "spool %s: lock: %s", sp->dir, sf_strerror(sp->lockfd));
		return sp->lockfd;
	}
	if (flock(sp->lockfd, LOCK_EX | LOCK_NB)) {
		int e = errno;

		if (pread(sp->lockfd, pid, sizeof(pid) - 1, 0) < 0)
			pid[0] = 0;
		pid[strcspn(pid, "\n")] = 0;
		if (strtol(pid, NULL, 10) == (long)getpid())
			snprintf(
				err, errlen,
				"spool %s is given to two sinks of this synsink; each needs its own",
				sp->dir);
		else
			snprintf(err, errlen, "spool %s is in use by another synsink%s%s%s",
				 sp->dir, pid[0] ? " (pid " : "", pid, pid[0] ? ")" : "");
		return e == EWOULDBLOCK ? -EBUSY : -e;
	}
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(sp->lockfd, 0) || pwrite(sp->lockfd, pid, (size_t)n, 0) != n ||
	    (geteuid() != uid && fchown(sp->lockfd, uid, gid))) {
		snprintf(err, errlen, "spool %s: lock: %s", sp->dir, strerror(errno));
		return -errno;
	}
	return 0;
}

int spool_open(struct spool *sp, const char *dir, uint64_t max_bytes, uid_t uid, gid_t gid,
	       char *err, size_t errlen)
{
	struct stat st;
	bool made;
	int ret;

	memset(sp, 0, sizeof(*sp));
	sp->dfd = sp->lockfd = sp->wfd = -1;
	sp->max_bytes = max_bytes;
	snprintf(sp->dir, sizeof(sp->dir), "%s", dir);
	made = !mkdir(dir, 0700);
	if (!made && errno != EEXIST) {
		snprintf(err, errlen, "spool %s: %s", dir, strerror(errno));
		return -errno;
	}
	sp->dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sp->dfd < 0 || fstat(sp->dfd, &st)) {
		ret = -errno;
		snprintf(err, errlen, "spool %s: %s", dir,
			 !lstat(dir, &st) && S_ISLNK(st.st_mode)
				 ? "a symbolic link; give the directory itself"
				 : strerror(-ret));
		goto fail;
	}
	/* Events are who talked to whom: ours alone to read, and nobody
	 * else's to write (a planted record would be shipped as an event). */
	if ((st.st_uid != geteuid() && st.st_uid != uid) || (st.st_mode & 077)) {
		snprintf(err, errlen,
			 "spool %s: owned by uid %u with mode %04o; it must be ours and mode 0700",
			 dir, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
		ret = -EPERM;
		goto fail;
	}
	/* Given to the --user account only if we made it or nothing is in
	 * it: root's files in it would stay root's, and unreadable after
	 * the drop (a whole spool lost as "not a spool segment"). */
	if (st.st_uid != uid && !made && (ret = dir_entries(sp->dfd)) != 0) {
		if (ret > 0)
			snprintf(
				err, errlen,
				"spool %s: uid %u's, with %d files in it; not handed over to uid %u (chown -R it to that user, or give an empty directory)",
				dir, (unsigned)st.st_uid, ret, (unsigned)uid);
		else
			snprintf(err, errlen, "spool %s: %s", dir, strerror(-ret));
		ret = ret > 0 ? -EPERM : ret;
		goto fail;
	}
	if (st.st_uid != uid && fchown(sp->dfd, uid, gid)) {
		snprintf(err, errlen, "spool %s: chown: %s", dir, strerror(errno));
		ret = -errno;
		goto fail;
	}
	ret = lock_dir(sp, uid, gid, err, errlen);
	if (!ret)
		ret = list_segments(sp, err, errlen);
	if (ret)
		goto fail;
	load_cursor(sp);
	return 0;
fail:
	spool_close(sp);
	return ret;
}

static void sync_writer(struct spool *sp)
{
	if (sp->wfd >= 0 && sp->unsynced_ns && fdatasync(sp->wfd))
		sp->io_errors++;
	sp->unsynced_ns = 0;
}

static void close_writer(struct spool *sp)
{
	if (sp->wfd < 0)
		return;
	sync_writer(sp);
	close(sp->wfd);
	sp->wfd = -1;
	sp->wid++; /* the next append starts a new segment */
}

/* Creates segment id with its header.  Returns the fd or -errno. */
static int seg_create(struct spool *sp, uint64_t id)
{
	uint8_t hdr[SPOOL_HDR_LEN];
	char name[SPOOL_SEG_NAME_LEN];
	int fd;

	spool_seg_name(name, id);
	fd = openat(sp->dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_NOFOLLOW | O_CLOEXEC,
		    0600);
	if (fd < 0)
		return -errno;
	spool_header_put(hdr);
	if (write(fd, hdr, sizeof(hdr)) != (ssize_t)sizeof(hdr)) {
		int e = errno ? errno : ENOSPC;

		close(fd);
		(void)unlinkat(sp->dfd, name,
			       0); /* best effort: the reader sets a torn one aside */
		return -e;
	}
	sp->bytes += SPOOL_HDR_LEN;
	return fd;
}

/* Writes n records to fd, all or none (a short write is cut off again,
 * so no torn record is left behind by a full disk).  Returns 0 or -errno. */
static int put_records(int fd, uint64_t size, const struct synsink_event *ev, size_t n)
{
	uint8_t rec[SPOOL_REC_LEN * 64];
	size_t i = 0;

	while (i < n) {
		size_t k = n - i < 64 ? n - i : 64, j, len = k * SPOOL_REC_LEN;
		ssize_t w;

		for (j = 0; j < k; j++)
			spool_record_put(rec + j * SPOOL_REC_LEN, &ev[i + j]);
		w = write(fd, rec, len);
		if (w != (ssize_t)len) {
			int e = w < 0 ? errno : ENOSPC;

			if (ftruncate(fd, (off_t)size)) {
				/* nothing more to do: the reader skips a torn tail */
			}
			return -e;
		}
		size += len;
		i += k;
	}
	return 0;
}

/* The bytes n more events take: their records, and the headers of the
 * segments they start. */
static uint64_t need_bytes(const struct spool *sp, size_t n, bool fresh)
{
	size_t room = 0;

	if (!fresh && sp->wfd >= 0 && sp->wsize < SPOOL_SEG_MAX)
		room = (SPOOL_SEG_MAX - sp->wsize) / SPOOL_REC_LEN;
	room = room < n ? room : n;
	return (uint64_t)n * SPOOL_REC_LEN + ((n - room + PER_SEG - 1) / PER_SEG) * SPOOL_HDR_LEN;
}

/* n records are on disk: counted. */
static void wrote(struct spool *sp, size_t n)
{
	sp->bytes += n * SPOOL_REC_LEN;
	sp->waiting += n;
	sp->appended += n;
}

/* n events could not be written (e: -errno): counted full, and an I/O
 * error unless the disk or quota was simply full. */
static void not_written(struct spool *sp, int e, size_t n)
{
	if (e != -ENOSPC && e != -EDQUOT)
		sp->io_errors++;
	sp->full += n;
}

size_t spool_append(struct spool *sp, const struct synsink_event *ev, size_t n, uint64_t now_ns)
{
	size_t done = 0;

	if (sp->bytes + need_bytes(sp, n, false) > sp->max_bytes) {
		sp->full += n;
		return 0;
	}
	while (done < n) {
		size_t k;
		int ret;

		if (sp->wfd < 0) {
			ret = seg_create(sp, sp->wid);
			if (ret >= 0 && ids_reserve(sp, 1)) {
				close(ret);
				ret = -ENOMEM;
			}
			if (ret < 0) {
				not_written(sp, ret, n - done);
				return done;
			}
			sp->wfd = ret;
			sp->wsize = SPOOL_HDR_LEN;
			sp->ids[sp->n_ids++] = sp->wid;
		}
		k = (SPOOL_SEG_MAX - sp->wsize) / SPOOL_REC_LEN;
		if (!k)
			k = 1;
		if (k > n - done)
			k = n - done;
		ret = put_records(sp->wfd, sp->wsize, ev + done, k);
		if (ret) {
			not_written(sp, ret, n - done);
			return done;
		}
		sp->wsize += k * SPOOL_REC_LEN;
		wrote(sp, k);
		done += k;
		if (!sp->unsynced_ns)
			sp->unsynced_ns = now_ns ? now_ns : 1;
		if (sp->wsize + SPOOL_REC_LEN > SPOOL_SEG_MAX)
			close_writer(sp);
	}
	return done;
}

int spool_prepend(struct spool *sp, const struct synsink_event *ev, size_t n)
{
	size_t k = (n + PER_SEG - 1) / PER_SEG, i, done = 0;
	uint64_t first = sp->n_ids ? sp->ids[0] : sp->wid;

	if (!n)
		return 0;
	if (sp->n_done && sp->done[0].id < first)
		first = sp->done[0].id; /* removed only after this is safe */
	if (sp->bytes + need_bytes(sp, n, true) > sp->max_bytes) {
		sp->full += n;
		return -ENOSPC;
	}
	if (ids_reserve(sp, k)) {
		sp->full += n;
		return -ENOMEM;
	}
	memmove(sp->ids + k, sp->ids, sp->n_ids * sizeof(*sp->ids));
	sp->n_ids += k;
	for (i = 0; i < k; i++) {
		size_t m = n - done < PER_SEG ? n - done : PER_SEG;
		int fd = seg_create(sp, first - k + i), ret;

		sp->ids[i] = first - k + i;
		ret = fd < 0 ? fd : put_records(fd, SPOOL_HDR_LEN, ev + done, m);
		if (fd >= 0 && !ret && fdatasync(fd))
			ret = -errno;
		if (fd >= 0)
			close(fd);
		if (ret) {
			not_written(sp, ret, n - done);
			return ret;
		}
		wrote(sp, m);
		done += m;
	}
	return 0;
}

bool spool_empty(const struct spool *sp)
{
	if (!sp->n_ids)
		return true;
	/* Only the writer's segment, with no record in it yet. */
	return sp->n_ids == 1 && !sp->loaded && sp->wfd >= 0 && sp->ids[0] == sp->wid &&
	       sp->wsize <= SPOOL_HDR_LEN;
}

static void remove_seg(struct spool *sp, uint64_t id)
{
	char name[SPOOL_SEG_NAME_LEN];
	struct stat st;

	spool_seg_name(name, id);
	if (!fstatat(sp->dfd, name, &st, AT_SYMLINK_NOFOLLOW))
		sp->bytes -= (uint64_t)st.st_size < sp->bytes ? (uint64_t)st.st_size : sp->bytes;
	if (unlinkat(sp->dfd, name, 0) && errno != ENOENT)
		sp->io_errors++;
}

/* Reads segment ids[0] into buf.  Returns 0, -1 when it is unusable (then
 * it is set aside, counted), or -ENOMEM (nothing changed: try later). */
static int load_first(struct spool *sp)
{
	char name[SPOOL_SEG_NAME_LEN];
	struct stat st;
	size_t want = sp->ids[0] == sp->cursor_id ? (size_t)sp->cursor_off : 0;
	ssize_t r;
	int fd;

	if (sp->ids[0] == sp->wid && sp->wfd >= 0)
		close_writer(sp); /* caught up: read only closed segments */
	if (!sp->buf && !(sp->buf = malloc(SEG_READ_MAX)))
		return -ENOMEM; /* not the segment's fault */
	spool_seg_name(name, sp->ids[0]);
	fd = sf_open(sp->dfd, name, O_RDONLY, 0, 0);
	if (fd < 0 || fstat(fd, &st)) {
		if (fd >= 0)
			close(fd);
		st.st_size = 0;
		goto bad;
	}
	if ((uint64_t)st.st_size > SEG_READ_MAX) {
		close(fd);
		goto bad;
	}
	sp->len = 0;
	while (sp->len < (size_t)st.st_size &&
	       (r = read(fd, sp->buf + sp->len, (size_t)st.st_size - sp->len)) > 0)
		sp->len += (size_t)r;
	close(fd);
	if (!spool_header_ok(sp->buf, sp->len))
		goto bad;
	sp->off = want >= SPOOL_HDR_LEN && want <= sp->len ? want : SPOOL_HDR_LEN;
	sp->loaded = 1;
	sp->rid = sp->ids[0];
	return 0;
bad:
	/* Kept for a look (a spool from another build, a damaged disk), out
	 * of the way: it counts no more against spool_max. */
	{
		char aside[40];

		snprintf(aside, sizeof(aside), "%s.bad", name);
		if (renameat(sp->dfd, name, sp->dfd, aside) && errno != ENOENT)
			sp->io_errors++;
		if (!fstatat(sp->dfd, aside, &st, AT_SYMLINK_NOFOLLOW))
			sp->bytes -= (uint64_t)st.st_size < sp->bytes ? (uint64_t)st.st_size
								      : sp->bytes;
	}
	log_msg(SYNSINK_LOG_WARN,
		"spool %s: segment %s is not a spool segment of this build; moved aside (.bad)",
		sp->dir, name);
	sp->bad_segments++;
	/* Its events, as counted when the spool was listed, are lost to
	 * this run: counted corrupt, and no longer waiting. */
	sp->corrupt += seg_records((uint64_t)st.st_size);
	unwait(sp, seg_records((uint64_t)st.st_size));
	sp->off = 0;
	sp->len = 0;
	return -1;
}

/* The first segment is read to its end: off the read list, onto the
 * done list until its events are settled. */
static void seg_finished(struct spool *sp)
{
	memmove(sp->ids, sp->ids + 1, (sp->n_ids - 1) * sizeof(*sp->ids));
	sp->n_ids--;
	sp->loaded = 0;
	sp->off = 0;
	if (sp->n_done == sp->cap_done) {
		size_t cap = sp->cap_done ? sp->cap_done * 2 : 16;
		struct spool_done *d = realloc(sp->done, cap * sizeof(*d));

		if (!d) { /* cannot wait for the settle: keep the file */
			return;
		}
		sp->done = d;
		sp->cap_done = cap;
	}
	sp->done[sp->n_done++] = sp->cur;
}

size_t spool_read(struct spool *sp, struct synsink_event *out, size_t max, uint64_t first_seq)
{
	size_t got = 0;

	while (got < max && sp->n_ids) {
		unsigned long long bad = 0;
		int ret;

		if (!sp->loaded) {
			if (spool_empty(sp))
				break;
			ret = load_first(sp);
			if (ret == -ENOMEM)
				break;
			if (ret) {
				memmove(sp->ids, sp->ids + 1, (sp->n_ids - 1) * sizeof(*sp->ids));
				sp->n_ids--;
				continue;
			}
			sp->cur = (struct spool_done){ sp->rid, first_seq + got, first_seq + got,
						       sp->off, true };
		}
		while (got < max && spool_parse(sp->buf, sp->len, &sp->off, &out[got], &bad))
			sp->cur.last_seq = first_seq + ++got; /* one past it */
		if (bad)
			sp->cur.clean = false;
		sp->corrupt += bad;
		unwait(sp, bad);
		if (sp->off >= sp->len)
			seg_finished(sp);
	}
	sp->replayed += got;
	unwait(sp, got);
	if (!sp->n_ids || spool_empty(sp))
		sp->waiting = 0; /* estimates end here */
	return got;
}

void spool_settled(struct spool *sp, uint64_t tail_seq)
{
	while (sp->n_done && sp->done[0].last_seq <= tail_seq) {
		remove_seg(sp, sp->done[0].id);
		memmove(sp->done, sp->done + 1, (sp->n_done - 1) * sizeof(*sp->done));
		sp->n_done--;
	}
}

static bool in(const struct spool_done *d, uint64_t seq)
{
	return seq >= d->first_seq && seq < d->last_seq;
}

bool spool_holds(const struct spool *sp, uint64_t seq)
{
	size_t i;

	if (sp->loaded && in(&sp->cur, seq))
		return true;
	for (i = 0; i < sp->n_done; i++)
		if (in(&sp->done[i], seq))
			return true;
	return false;
}

void spool_unread(struct spool *sp, uint64_t seq, size_t n)
{
	const struct spool_done *d;

	if (!n)
		return;
	spool_settled(sp, seq); /* what holds only events before seq */
	d = sp->n_done ? &sp->done[0] : &sp->cur;
	if (!in(d, seq))
		return; /* not read back here: nothing to keep */
	/* The segments read to their end stay (spool_close keeps the done
	 * list's now), and are listed again at the next start; the cursor
	 * points into the first at seq, its other events settled. */
	sp->keep_done = true;
	sp->loaded = 1;
	sp->rid = d->id;
	sp->off = d->start_off + (d->clean ? (seq - d->first_seq) * SPOOL_REC_LEN : 0);
	sp->waiting += n;
}

void spool_tick(struct spool *sp, uint64_t now_ns)
{
	if (sp->unsynced_ns && now_ns - sp->unsynced_ns >= SYNC_AFTER_NS)
		sync_writer(sp);
}

static void save_cursor(struct spool *sp)
{
	char text[64];
	int n = snprintf(text, sizeof(text), "%016" PRIx64 " %zu\n", sp->rid, sp->off);
	int fd;

	/* Made anew: whatever is there (a FIFO the --user account put
	 * there) goes first. */
	(void)unlinkat(sp->dfd, "cursor.tmp", 0);
	fd = sf_open(sp->dfd, "cursor.tmp", O_WRONLY | O_CREAT | O_EXCL, 0600, 0);
	if (fd < 0 || write(fd, text, (size_t)n) != n || fdatasync(fd) ||
	    renameat(sp->dfd, "cursor.tmp", sp->dfd, "cursor"))
		sp->io_errors++;
	if (fd >= 0)
		close(fd);
}

void spool_close(struct spool *sp)
{
	size_t i;

	if (sp->dfd >= 0) {
		close_writer(sp);
		if (sp->loaded && sp->off > SPOOL_HDR_LEN)
			save_cursor(sp);
		/* What they held is settled, or spool_unread kept them. */
		for (i = 0; i < sp->n_done && !sp->keep_done; i++)
			remove_seg(sp, sp->done[i].id);
		sp->n_done = 0;
		if (fsync(sp->dfd))
			sp->io_errors++;
		close(sp->dfd);
	}
	if (sp->lockfd >= 0)
		close(sp->lockfd);
	sp->dfd = sp->lockfd = -1;
	free(sp->ids);
	free(sp->done);
	free(sp->buf);
	sp->ids = NULL;
	sp->done = NULL;
	sp->buf = NULL;
}

void spool_totals(const struct spool *sp, struct spool_totals *t)
{
	t->waiting = atomic_load(&sp->waiting);
	t->appended = atomic_load(&sp->appended);
	t->replayed = atomic_load(&sp->replayed);
	t->corrupt = atomic_load(&sp->corrupt);
	t->bad_segments = atomic_load(&sp->bad_segments);
	t->full = atomic_load(&sp->full);
	t->io_errors = atomic_load(&sp->io_errors);
	t->bytes = atomic_load(&sp->bytes);
	t->max_bytes = sp->max_bytes;
}

void spool_lost(struct spool *sp, size_t n)
{
	sp->full += n;
}

const char *spool_dir(const struct spool *sp)
{
	return sp->dir;
}
