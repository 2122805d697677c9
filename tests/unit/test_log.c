// SPDX-License-Identifier: MIT
/* Log levels: what --log-level holds back, and the priority prefix when
 * stderr is the journal's stream. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "log.h"

/* Runs the messages with stderr on a temporary file; returns what was
 * written (static). */
static const char *captured(void (*emit)(void))
{
	static char buf[4096];
	FILE *f = tmpfile();
	int saved = dup(STDERR_FILENO);
	size_t n;

	assert_non_null(f);
	assert_true(saved >= 0);
	assert_int_equal(dup2(fileno(f), STDERR_FILENO), STDERR_FILENO);
	emit();
	assert_int_equal(dup2(saved, STDERR_FILENO), STDERR_FILENO);
	close(saved);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void emit_each_level(void)
{
	log_msg(SYNSINK_LOG_ERR, "e");
	log_msg(SYNSINK_LOG_WARN, "w");
	log_msg(SYNSINK_LOG_INFO, "i");
	log_msg(SYNSINK_LOG_DEBUG, "d");
}

static void test_threshold(void **state)
{
	(void)state;
	unsetenv("JOURNAL_STREAM");
	log_setup(SYNSINK_LOG_INFO);
	assert_string_equal(captured(emit_each_level), "synsink: e\nsynsink: w\nsynsink: i\n");
	log_setup(SYNSINK_LOG_ERR);
	assert_string_equal(captured(emit_each_level), "synsink: e\n");
	log_setup(SYNSINK_LOG_DEBUG);
	assert_string_equal(captured(emit_each_level),
			    "synsink: e\nsynsink: w\nsynsink: i\nsynsink: d\n");
	log_setup(SYNSINK_LOG_INFO);
}

static void test_names(void **state)
{
	(void)state;
	assert_int_equal(log_level_parse("err"), SYNSINK_LOG_ERR);
	assert_int_equal(log_level_parse("warning"), SYNSINK_LOG_WARN);
	assert_int_equal(log_level_parse("info"), SYNSINK_LOG_INFO);
	assert_int_equal(log_level_parse("debug"), SYNSINK_LOG_DEBUG);
	assert_int_equal(log_level_parse("WARNING"), -1);
	assert_int_equal(log_level_parse(""), -1);
	assert_string_equal(log_level_name(SYNSINK_LOG_WARN), "warning");
}

static char journal_env[64];

/* log_setup() runs with stderr on the file, as main() runs under systemd. */
static void setup_then_emit(void)
{
	struct stat st;

	assert_int_equal(fstat(STDERR_FILENO, &st), 0);
	snprintf(journal_env, sizeof(journal_env), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", journal_env, 1);
	log_setup(SYNSINK_LOG_INFO);
	emit_each_level();
}

/* A JOURNAL_STREAM that names another file (inherited from a parent whose
 * stderr was the journal): no prefixes. */
static void setup_stale_then_emit(void)
{
	setenv("JOURNAL_STREAM", "1:2", 1);
	log_setup(SYNSINK_LOG_INFO);
	emit_each_level();
}

static void test_journal_prefix(void **state)
{
	(void)state;
	assert_string_equal(captured(setup_then_emit),
			    "<3>synsink: e\n<4>synsink: w\n<6>synsink: i\n");
	assert_string_equal(captured(setup_stale_then_emit),
			    "synsink: e\nsynsink: w\nsynsink: i\n");
	unsetenv("JOURNAL_STREAM");
	log_setup(SYNSINK_LOG_INFO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threshold),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_journal_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
