// SPDX-License-Identifier: MIT
/* The kernel's queue counters, as /proc/net/netfilter/nfnetlink_queue
 * writes them, and the stats line built from ours. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "stats.h"

static void test_parse_line(void **state)
{
	struct kq_stats ks;

	(void)state;
	assert_int_equal(
		kq_stats_parse("    1  12345     2 2  1024     3     4       99  1\n", &ks), 0);
	assert_int_equal(ks.queue, 1);
	assert_int_equal(ks.portid, 12345);
	assert_int_equal(ks.queue_total, 2);
	assert_int_equal(ks.copy_range, 1024);
	assert_int_equal(ks.queue_dropped, 3);
	assert_int_equal(ks.user_dropped, 4);
	assert_int_equal(ks.id_sequence, 99);
	assert_int_equal(kq_stats_parse("1 2 3\n", &ks), -22);
	assert_int_equal(kq_stats_parse("", &ks), -22);
}

static void test_read_file(void **state)
{
	char path[] = "/tmp/synsink-kstats-XXXXXX";
	int fd = mkstemp(path);
	struct kq_stats ks;
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("    0  100     0 2  1024     0     0        5  1\n", f);
	fputs("    7  200     1 2  1024     0     2       50  1\n", f);
	fclose(f);
	assert_int_equal(kq_stats_read(path, 7, &ks), 0);
	assert_int_equal(ks.portid, 200);
	assert_int_equal(ks.user_dropped, 2);
	assert_int_equal(kq_stats_read(path, 3, &ks), -2);
	unlink(path);
	assert_int_equal(kq_stats_read(path, 3, &ks), -2);
}

static void test_queue_json(void **state)
{
	struct queue_stats st;
	struct kq_stats ks = { .queue = 1, .queue_total = 1, .user_dropped = 2 };
	struct strbuf sb = { 0 };
	json_error_t err;
	json_t *j;

	(void)state;
	memset(&st, 0, sizeof(st));
	stat_add(&st.received, 10);
	stat_add(&st.decode_errors[SYN_ERR_TCP_DOFF], 2);
	stats_queue_json(&sb, 1, &st, &ks);
	sb_printf(&sb, "%c", '\0');
	j = json_loads(sb.s, 0, &err);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "received")), 10);
	assert_int_equal(json_integer_value(
				 json_object_get(json_object_get(j, "decode_errors"), "tcp_doff")),
			 2);
	assert_int_equal(
		json_integer_value(json_object_get(json_object_get(j, "kernel"), "user_dropped")),
		2);
	json_decref(j);
	sb_free(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_line),
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_queue_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
