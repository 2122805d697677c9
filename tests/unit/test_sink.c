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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_error_is_opens_own),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
