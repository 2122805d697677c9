// SPDX-License-Identifier: MIT
/*
 * The disk spool: events back in order across segments, segments removed
 * once settled, a clean stop's cursor and prepended events, damage (a
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

/* 3000 events spooled, 0-999 read back, 0-399 delivered, 400-999
 * prepended again, a clean stop: its cursor says 1000 were read. */
static void stop_mid_replay(void)
{
	struct spool sp;

	open_ok(&sp, SPOOL_DEFAULT_MAX);
	assert_int_equal(spool_append(&sp, evs, 3000, 1), 3000);
	assert_int_equal(spool_read(&sp, out, 1000, 0), 1000);
	spool_settled(&sp, 400);
	assert_int_equal(spool_prepend(&sp, evs + 400, 600), 0);
	spool_close(&sp);
}

/* A clean stop in the middle of a replay: what was read and not settled
 * is prepended, the cursor says how far the first segment was read; the
 * next run gets every event once, the prepended ones first. */
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
	assert_int_equal(read_all(&sp, &seq), 600 + 3000);
	for (i = 0; i < 600; i++)
		assert_int_equal(out[i].packet_id, 400 + i);
	for (i = 0; i < 3000; i++)
		assert_int_equal(out[600 + i].packet_id, i);
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

	(void)state;
	open_ok(&a, SPOOL_DEFAULT_MAX);
	assert_int_equal(spool_open(&b, dir, SPOOL_DEFAULT_MAX, geteuid(), getegid(), err,
				    sizeof(err)),
			 -EBUSY);
	assert_non_null(strstr(err, "is in use by another synsink (pid "));
	spool_close(&a);
	assert_int_equal(chmod(dir, 0750), 0);
	assert_int_equal(spool_open(&b, dir, SPOOL_DEFAULT_MAX, geteuid(), getegid(), err,
				    sizeof(err)),
			 -EPERM);
	assert_non_null(strstr(err, "it must be ours and mode 0700"));
	assert_int_equal(chmod(dir, 0700), 0);
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
