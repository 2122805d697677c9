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
		stats_kq_parse("    1  12345     2 2  1024     3     4       99  1\n", &ks), 0);
	assert_int_equal(ks.queue, 1);
	assert_int_equal(ks.portid, 12345);
	assert_int_equal(ks.queue_total, 2);
	assert_int_equal(ks.copy_range, 1024);
	assert_int_equal(ks.queue_dropped, 3);
	assert_int_equal(ks.user_dropped, 4);
	assert_int_equal(ks.id_sequence, 99);
	assert_int_equal(stats_kq_parse("1 2 3\n", &ks), -22);
	assert_int_equal(stats_kq_parse("", &ks), -22);
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
	assert_int_equal(stats_kq_read(path, 7, &ks), 0);
	assert_int_equal(ks.portid, 200);
	assert_int_equal(ks.user_dropped, 2);
	assert_int_equal(stats_kq_read(path, 3, &ks), -2);
	unlink(path);
	assert_int_equal(stats_kq_read(path, 3, &ks), -2);
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

/* The counter table drives both outputs: every counter is in the stats
 * line under its key, and has a distinct Prometheus name and help text
 * (metrics.c prints the table as it is; e2e metrics.sh compares a scrape
 * with a stats line value by value). */
static void test_counter_table(void **state)
{
	struct queue_stats st;
	struct kq_stats ks = { .queue = 1 };
	struct strbuf sb = { 0 };
	json_error_t err;
	json_t *j;
	size_t i, k;

	(void)state;
	memset(&st, 0, sizeof(st));
	for (i = 0; i < stats_n_queue_counters; i++)
		stat_add((atomic_ullong *)queue_counter_of(&st, &stats_queue_counters[i]), 100 + i);
	stats_queue_json(&sb, 1, &st, &ks);
	sb_printf(&sb, "%c", '\0');
	j = json_loads(sb.s, 0, &err);
	assert_non_null(j);
	for (i = 0; i < stats_n_queue_counters; i++) {
		const struct queue_counter *qc = &stats_queue_counters[i];
		size_t ml = strlen(qc->metric);

		assert_int_equal(json_integer_value(json_object_get(j, qc->key)), 100 + i);
		assert_true(!strncmp(qc->metric, "synsink_", 8));
		assert_true(ml > 6 && !strcmp(qc->metric + ml - 6, "_total"));
		assert_true(qc->help[0] && qc->help[strlen(qc->help) - 1] == '.');
		for (k = 0; k < i; k++) {
			assert_string_not_equal(qc->key, stats_queue_counters[k].key);
			assert_string_not_equal(qc->metric, stats_queue_counters[k].metric);
			assert_true(qc->off != stats_queue_counters[k].off);
		}
	}
	json_decref(j);
	sb_free(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_line),
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_queue_json),
		cmocka_unit_test(test_counter_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
