// SPDX-License-Identifier: MIT
/* sink_open: the one error line of a plugin that cannot start is the first
 * error its open() logged, whatever other threads log meanwhile. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sink.h"

static void test_open_error_is_opens_own(void **state)
{
	struct sink *s;
	char err[512];
	const struct sink_env env = {
		.plugin_dir = TEST_PLUGIN_DIR,
		.n_rings = 1,
		.ring_size = 8,
	};

	(void)state;
	assert_int_equal(sink_open(&s, "thread_log", &env, err, sizeof(err)), SINK_E_START);
	assert_null(s);
	assert_string_equal(err, "sink thread_log cannot start: the real reason: topic refused");
}

/* Opens spec from dir; returns sink_open's answer, err filled, the sink
 * closed again. */
static int try_open(const char *dir, const char *spec, char *err, size_t errlen)
{
	const struct sink_env env = { .plugin_dir = dir, .n_rings = 1, .ring_size = 8 };
	struct sink *s;
	int ret;

	err[0] = '\0';
	ret = sink_open(&s, spec, &env, err, errlen);
	sink_close(s);
	return ret;
}

/* SYNSINK_PLUGIN_TEXT: the core tells the plugin about fields= and the
 * plugin decides, by an option the core knows nothing of. */
static void test_text_flag(void **state)
{
	char err[512];

	(void)state;
	assert_int_equal(try_open(TEST_PLUGIN_DIR, "textual:style=plain,fields=sport", err,
				  sizeof(err)),
			 SINK_E_USAGE);
	assert_string_equal(err, "sink textual: style=plain writes no JSON keys");
	assert_int_equal(try_open(TEST_PLUGIN_DIR, "textual:style=plain", err, sizeof(err)), 0);
	assert_int_equal(try_open(TEST_PLUGIN_DIR, "textual:style=json_expect_fields,fields=sport",
				  err, sizeof(err)),
			 0);
	assert_int_equal(try_open(TEST_PLUGIN_DIR, "textual:style=json_expect_fields", err,
				  sizeof(err)),
			 SINK_E_START);
	/* Our own sinks say it through plugins/common/fmtpick.h. */
	assert_int_equal(try_open(STDOUT_PLUGIN_DIR, "stdout:format=text,fields=sport", err,
				  sizeof(err)),
			 SINK_E_USAGE);
	assert_string_equal(
		err,
		"sink stdout: option 'fields' selects JSON keys, and this sink writes text (format=json)");
	assert_int_equal(try_open(STDOUT_PLUGIN_DIR, "stdout:fields=sport", err, sizeof(err)),
			 SINK_E_USAGE); /* text by default */
	assert_int_equal(try_open(STDOUT_PLUGIN_DIR, "stdout:format=json,fields=sport", err,
				  sizeof(err)),
			 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_error_is_opens_own),
		cmocka_unit_test(test_text_flag),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
