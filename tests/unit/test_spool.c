// SPDX-License-Identifier: MIT
/*
 * The disk spool: events back in order across segments, segments removed
 * once settled, a clean stop's cursor and events read back left on disk,
 * a FIFO for a cursor, the take-over of a directory, damage (a
 * flipped byte, a torn tail, an empty or foreign segment) skipped and
 * counted, spool_max, the lock, and a directory others may touch refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "spool.h"

#define N 12000 /* three segments */

static struct synsink_event *evs, *out;
static char dir[64];

static int setup(void **state)
{
	size_t i;

	(void)state;
	evs = calloc(N, sizeof(*evs));
	out = calloc(N, sizeof(*out));
	assert_non_null(evs);
	assert_non_null(out);
	for (i = 0; i < N; i++)
		evs[i].packet_id = (uint32_t)i;
	snprintf(dir, sizeof(dir), "/tmp/synsink-spool-test.XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(evs);
	free(out);
	return 0;
}

static size_t count_files(const char *suffix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	assert_non_null(d);
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l > strlen(suffix) && !strcmp(de->d_name + l - strlen(suffix), suffix))
			n++;
	}
	closedir(d);
	return n;
}

static void open_ok(struct spool *sp, uint64_t max)
{
	char err[512];

	if (spool_open(sp, dir, max, geteuid(), getegid(), err, sizeof(err)))
		fail_msg("spool_open: %s", err);
}

/* Reads everything back; checks ids are want[0..n-1]. */
static size_t read_all(struct spool *sp, uint64_t *seq)
{
	size_t got = 0, k;

	while ((k = spool_read(sp, out + got, 777, *seq)) > 0) {
		got += k;
		*seq += k;
	}
	return got;
}

static void test_round_trip(void **state)
{
	struct spool sp;
	uint64_t seq = 0;
	size_t i;

	(void)state;
	open_ok(&sp, SPOOL_DEFAULT_MAX);
	assert_true(spool_empty(&sp));
	assert_int_equal(spool_append(&sp, evs, N / 2, 1), N / 2);
	assert_int_equal(spool_append(&sp, evs + N / 2, N / 2, 1), N / 2);
	assert_false(spool_empty(&sp));
	assert_true(count_files(".seg") >= 3);
	assert_int_equal(sp.waiting, N);
	assert_int_equal(read_all(&sp, &seq), N);
	for (i = 0; i < N; i++)
		assert_int_equal(out[i].packet_id, i);
	assert_true(spool_empty(&sp));
	assert_int_equal(sp.waiting, 0);
	/* Read is not settled: the files stay until the events are. */
	assert_true(count_files(".seg") >= 3);
	spool_settled(&sp, N / 2);
	assert_true(count_files(".seg") >= 1);
	spool_settled(&sp, N);
	assert_int_equal(count_files(".seg"), 0);
	assert_int_equal(sp.corrupt, 0);
	spool_close(&sp);
}

/* 3000 events spooled, 0-999 read back, 0-399 delivered, 400-999 left
 * on disk, a clean stop: its cursor says 400 were read. */
static void stop_mid_replay(void)
{
	struct spool sp;

	open_ok(&sp, SPOOL_DEFAULT_MAX);
	assert_int_equal(spool_append(&sp, evs, 3000, 1), 3000);
	assert_int_equal(spool_read(&sp, out, 1000, 0), 1000);
	spool_settled(&sp, 400);
	assert_true(spool_holds(&sp, 400));
	assert_false(spool_holds(&sp, 1000));
	spool_unread(&sp, 400, 600);
	assert_int_equal(sp.waiting, 2600);
	spool_close(&sp);
}

/* A clean stop in the middle of a replay: what was read and not settled
 * stays on disk, the cursor says where it starts; the next run gets every
 * event once, in order. */
static void test_stop_and_resume(void **state)
{
	struct spool sp;
	uint64_t seq = 0;
	size_t i;

	(void)state;
	stop_mid_replay();
	open_ok(&sp, SPOOL_DEFAULT_MAX);
	assert_int_equal(sp.waiting, 2600);
	assert_int_equal(read_all(&sp, &seq), 2600);
	for (i = 0; i < 2600; i++)
		assert_int_equal(out[i].packet_id, 400 + i);
	spool_settled(&sp, seq);
	spool_close(&sp);
	assert_int_equal(count_files(".seg"), 0);
}

/* unlinkat() as the spool sees it (-Wl,--wrap=unlinkat): it can be made
 * to fail for the cursor, as on a directory gone read-only. */
int __real_unlinkat(int dfd, const char *name, int flags);
static int fail_cursor_unlink;
int __wrap_unlinkat(int dfd, const char *name, int flags);
int __wrap_unlinkat(int dfd, const char *name, int flags)
{
	if (fail_cursor_unlink && !strcmp(name, "cursor")) {
		errno = EROFS;
		return -1;
	}
	return __real_unlinkat(dfd, name, flags);
}

/* A cursor that cannot be removed at open is not used either: it could
 * outlive its segment and skip a later one's events.  The segment is
 * replayed whole (duplicates, not loss) and the error counted. */
static void test_cursor_not_removable(void **state)
{
	struct spool sp;
	uint64_t seq = 0;
	size_t i;

	(void)state;
	stop_mid_replay();
	fail_cursor_unlink = 1;
	open_ok(&sp, SPOOL_DEFAULT_MAX);
	fail_cursor_unlink = 0;
	assert_int_equal(sp.io_errors, 1);
	assert_int_equal(read_all(&sp, &seq), 3000);
	for (i = 0; i < 3000; i++) /* 0-399 a second time */
		assert_int_equal(out[i].packet_id, i);
	spool_settled(&sp, seq);
	spool_close(&sp);
	assert_int_equal(count_files(".seg"), 0);
}

static void segment_path(char *buf, size_t len, int which)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char names[16][32];
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		if (strstr(de->d_name, ".seg") && strlen(de->d_name) < 32 && n < 16)
			memcpy(names[n++], de->d_name, strlen(de->d_name) + 1);
	closedir(d);
	qsort(names, (size_t)n, 32, (int (*)(const void *, const void *))strcmp);
	assert_true(which < n);
	snprintf(buf, len, "%s/%s", dir, names[which]);
}

/* Damage after a crash: a flipped byte in one record, a torn tail, an
 * empty segment, a segment of another build.  The rest comes back. */
static void test_damage(void **state)
{
	char path[128];
	struct spool sp;
	uint64_t seq = 0;
	struct stat st;
	int fd;

	(void)state;
	open_ok(&sp, SPOOL_DEFAULT_MAX);
	assert_int_equal(spool_append(&sp, evs, 1000, 1), 1000);
	spool_close(&sp);
	segment_path(path, sizeof(path), 0);
	fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	/* record 100's payload, one byte */
	assert_int_equal(pwrite(fd, "\xff", 1, SPOOL_HDR_LEN + 100 * SPOOL_REC_LEN + 40), 1);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(ftruncate(fd, st.st_size - 7), 0); /* the last record torn */
	close(fd);
	/* an empty segment and a foreign one, after it */
	snprintf(path + strlen(path) - 8, 9, "ff00.seg");
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	snprintf(path + strlen(path) - 8, 9, "ff01.seg");
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	assert_int_equal(write(fd, "SYNSPOOL\x09\0\0\0\x10\0\0\0", 16), 16);
	assert_int_equal(ftruncate(fd, SPOOL_HDR_LEN + 2 * SPOOL_REC_LEN), 0); /* two "events" */
	close(fd);

	/* The accounting adds up exactly: what the spool held at open (the
	 * torn record and the foreign segment's two included) is what comes
	 * back plus what is counted corrupt. */
	open_ok(&sp, SPOOL_DEFAULT_MAX);
	assert_int_equal(sp.waiting, 1000 + 2);
	assert_int_equal(read_all(&sp, &seq), 998);
	assert_int_equal(sp.waiting, 0);
	assert_int_equal(out[99].packet_id, 99);
	assert_int_equal(out[100].packet_id, 101); /* 100 skipped */
	assert_int_equal(out[997].packet_id, 998); /* 999 torn */
	assert_int_equal(sp.corrupt, 2 + 2);
	assert_int_equal(sp.bad_segments, 2);
	spool_settled(&sp, seq);
	spool_close(&sp);
	assert_int_equal(count_files(".seg"), 0);
	assert_int_equal(count_files(".bad"), 2); /* kept aside, not replayed */
}

/* spool_max: what does not fit is counted, never half-written. */
static void test_full(void **state)
{
	struct spool sp;
	uint64_t seq = 0;

	(void)state;
	open_ok(&sp, SPOOL_HDR_LEN + 100 * SPOOL_REC_LEN);
	assert_int_equal(spool_append(&sp, evs, 60, 1), 60);
	assert_int_equal(spool_append(&sp, evs + 60, 60, 1), 0);
	assert_int_equal(sp.full, 60);
	assert_int_equal(spool_append(&sp, evs + 60, 40, 1), 40);
	assert_int_equal(read_all(&sp, &seq), 100);
	spool_settled(&sp, seq);
	assert_int_equal(spool_append(&sp, evs, 90, 1), 90); /* room again */
	spool_close(&sp);
	open_ok(&sp, SPOOL_DEFAULT_MAX);
	seq = 0;
	assert_int_equal(read_all(&sp, &seq), 90);
	spool_settled(&sp, seq);
	spool_close(&sp);
}

static void test_lock_and_mode(void **state)
{
	struct spool a, b;
	char err[512];
	int status;
	pid_t pid;

	(void)state;
	open_ok(&a, SPOOL_DEFAULT_MAX);
	assert_int_equal(spool_open(&b, dir, SPOOL_DEFAULT_MAX, geteuid(), getegid(), err,
				    sizeof(err)),
			 -EBUSY);
	/* Both in this process: two sinks given one directory. */
	assert_non_null(strstr(err, "is given to two sinks of this synsink"));
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) { /* another synsink: names the holder */
		int ret = spool_open(&b, dir, SPOOL_DEFAULT_MAX, geteuid(), getegid(), err,
				     sizeof(err));

		_exit(ret == -EBUSY && strstr(err, "is in use by another synsink (pid ") ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	spool_close(&a);
	assert_int_equal(chmod(dir, 0750), 0);
	assert_int_equal(spool_open(&b, dir, SPOOL_DEFAULT_MAX, geteuid(), getegid(), err,
				    sizeof(err)),
			 -EPERM);
	assert_non_null(strstr(err, "it must be ours and mode 0700"));
	assert_int_equal(chmod(dir, 0700), 0);
}

/* Three restarts during an outage, each reading back a buffer's worth
 * and delivering none: a spool filled to spool_max loses nothing (before,
 * each stop copied them in front, was refused as full, and skipped them),
 * and the fourth run gets every event once, in order. */
static void test_restarts_keep_read_events(void **state)
{
	const size_t n = 1258;
	uint64_t max = SPOOL_HDR_LEN + n * SPOOL_REC_LEN, seq;
	struct spool sp;
	int round;
	size_t i;

	(void)state;
	open_ok(&sp, max);
	assert_int_equal(spool_append(&sp, evs, n, 1), n);
	assert_int_equal(spool_append(&sp, evs, 1, 1), 0); /* full */
	spool_close(&sp);
	for (round = 0; round < 3; round++) {
		open_ok(&sp, max);
		assert_int_equal(sp.waiting, n);
		seq = 1000; /* the sink's numbers, not 0 */
		assert_int_equal(spool_read(&sp, out, 100, seq), 100);
		spool_settled(&sp, seq);
		spool_unread(&sp, seq, 100);
		assert_int_equal(sp.waiting, n);
		assert_int_equal(sp.full, 0);
		spool_close(&sp);
	}
	open_ok(&sp, max);
	seq = 0;
	assert_int_equal(read_all(&sp, &seq), n);
	for (i = 0; i < n; i++)
		assert_int_equal(out[i].packet_id, i);
	spool_settled(&sp, seq);
	spool_close(&sp);
	assert_int_equal(count_files(".seg"), 0);
}

/* Read across segments, some delivered: the cursor goes back into the
 * first segment that holds an unsettled one; the segments read to their
 * end stay. */
static void test_unread_across_segments(void **state)
{
	struct spool sp;
	uint64_t seq = 0;
	size_t i;

	(void)state;
	open_ok(&sp, SPOOL_DEFAULT_MAX);
	assert_int_equal(spool_append(&sp, evs, N, 1), N);
	assert_int_equal(read_all(&sp, &seq), N);
	spool_settled(&sp, 3000);
	spool_unread(&sp, 3000, N - 3000);
	spool_close(&sp);
	open_ok(&sp, SPOOL_DEFAULT_MAX);
	seq = 0;
	assert_int_equal(read_all(&sp, &seq), N - 3000);
	for (i = 0; i < N - 3000; i++)
		assert_int_equal(out[i].packet_id, 3000 + i);
	spool_settled(&sp, seq);
	spool_close(&sp);
}

/* The --user account owns the directory: a FIFO it puts at "cursor" or
 * "cursor.tmp" neither hangs a start nor a stop (before: open(2) waited
 * for a writer, SIGTERM blocked). */
static void test_fifo_cursor(void **state)
{
	char path[128];
	struct spool sp;
	uint64_t seq = 0;

	(void)state;
	open_ok(&sp, SPOOL_DEFAULT_MAX);
	assert_int_equal(spool_append(&sp, evs, 100, 1), 100);
	assert_int_equal(spool_read(&sp, out, 10, 0), 10);
	spool_settled(&sp, 10);
	snprintf(path, sizeof(path), "%s/cursor.tmp", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	spool_close(&sp); /* saves its cursor all the same */
	snprintf(path, sizeof(path), "%s/cursor", dir);
	open_ok(&sp, SPOOL_DEFAULT_MAX);
	assert_int_equal(read_all(&sp, &seq), 90);
	assert_int_equal(out[0].packet_id, 10);
	spool_close(&sp);
	unlink(path);
	assert_int_equal(mkfifo(path, 0600), 0);
	open_ok(&sp, SPOOL_DEFAULT_MAX); /* the FIFO is not a cursor */
	spool_close(&sp);
}

/* A directory of root's with files in it is not handed to the --user
 * account (they would stay root's, unreadable after the drop); an empty
 * one is.  As root only: CI runs the unit tests as root. */
static void test_no_takeover(void **state)
{
	struct spool sp;
	char err[512], path[128];
	struct stat st;
	int fd;

	(void)state;
	if (geteuid() != 0) {
		print_message("not root: the take-over is tested as root (CI)\n");
		return;
	}
	snprintf(path, sizeof(path), "%s/0000000100000000.seg", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(spool_open(&sp, dir, SPOOL_DEFAULT_MAX, 65534, 65534, err, sizeof(err)),
			 -EPERM);
	assert_non_null(strstr(err, "not handed over to uid 65534"));
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_uid, 0);
	assert_int_equal(unlink(path), 0);
	if (spool_open(&sp, dir, SPOOL_DEFAULT_MAX, 65534, 65534, err, sizeof(err)))
		fail_msg("an empty directory: %s", err);
	spool_close(&sp);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_uid, 65534);
}

/* A symbolic link for the directory is named as such. */
static void test_symlinked_dir(void **state)
{
	char link[96], err[512];
	struct spool sp;

	(void)state;
	snprintf(link, sizeof(link), "%s.link", dir);
	assert_int_equal(symlink(dir, link), 0);
	assert_true(spool_open(&sp, link, SPOOL_DEFAULT_MAX, geteuid(), getegid(), err,
			       sizeof(err)) < 0);
	unlink(link);
	assert_non_null(strstr(err, "a symbolic link; give the directory itself"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_and_resume, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cursor_not_removable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_and_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restarts_keep_read_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unread_across_segments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fifo_cursor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_takeover, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlinked_dir, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
