// SPDX-License-Identifier: MIT
/* Lines for the stdout and file sinks (plugins/common/lines.c): every
 * event settled by what became of its line.  An event the host cannot
 * format is failed, not delivered (before: counted delivered, and no line
 * written); a write that fails fails the events whose lines did not go
 * out. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lines.h"
#include "testhost.h"

#define N 2000

/* Every third event "too long": the host's format gives 0. */
static size_t format(const struct synsink_host *h, const struct synsink_event *ev, char *buf,
		     size_t len)
{
	int n;

	(void)h;
	if (ev->packet_id % 3 == 1)
		return 0;
	n = snprintf(buf, len, "event %u\n", ev->packet_id);
	return n > 0 && (size_t)n < len ? (size_t)n : 0;
}

static void test_unformatted_are_failed(void **state)
{
	static struct synsink_event ev[N];
	static char buf[3 * SYNSINK_LINE_MAX]; /* a few chunks per batch */
	char path[] = "/tmp/synsink-lines-XXXXXX", line[64];
	atomic_ullong lines = 0, bytes = 0, unformatted = 0;
	const struct lines_counts c = { &lines, &bytes, &unformatted };
	size_t i, delivered = 0;
	FILE *f;
	int fd;

	const struct synsink_host host = testhost_host();

	(void)state;
	testhost_reset();
	for (i = 0; i < N; i++)
		ev[i].packet_id = (uint32_t)i;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(lines_write(fd, ev, N, 0, &host, format, buf, sizeof(buf), &c), 0);
	close(fd);
	for (i = 0; i < N; i++) {
		assert_int_equal(th.times[i], 1);
		assert_int_equal(th.outcome[i], i % 3 == 1 ? SYNSINK_FAILED : SYNSINK_DELIVERED);
		delivered += i % 3 != 1;
	}
	assert_int_equal(lines, delivered);
	assert_int_equal(unformatted, N - delivered);
	f = fopen(path, "r");
	assert_non_null(f);
	for (i = 0; fgets(line, sizeof(line), f); i++, i += i % 3 == 1) {
		char want[64];

		snprintf(want, sizeof(want), "event %zu\n", i);
		assert_string_equal(line, want);
	}
	fclose(f);
	unlink(path);
}

/* A write that fails: nothing went out, every event failed, once. */
static void test_write_error(void **state)
{
	static struct synsink_event ev[10];
	static char buf[2 * SYNSINK_LINE_MAX];
	atomic_ullong lines = 0, bytes = 0, unformatted = 0;
	const struct lines_counts c = { &lines, &bytes, &unformatted };
	int fd = open("/dev/null", O_RDONLY);
	const struct synsink_host host = testhost_host();

	(void)state;
	testhost_reset();
	assert_true(fd >= 0);
	for (size_t i = 0; i < 10; i++)
		ev[i].packet_id = (uint32_t)(3 * i); /* all formatted */
	assert_int_equal(lines_write(fd, ev, 10, 100, &host, format, buf, sizeof(buf), &c), -EBADF);
	close(fd);
	for (size_t i = 100; i < 110; i++) {
		assert_int_equal(th.times[i], 1);
		assert_int_equal(th.outcome[i], SYNSINK_FAILED);
	}
	assert_int_equal(lines, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unformatted_are_failed),
		cmocka_unit_test(test_write_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
