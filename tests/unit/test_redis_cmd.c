// SPDX-License-Identifier: MIT
/* The Redis sink's command building: argv for each mode, from the core's
 * own JSON line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "cmd.h"
#include "format.h"
#include "testev.h"

static struct redis_cmd cmd;

static size_t event_line(char *buf, size_t len)
{
	struct synsink_event ev = test_event(AF_INET6, "fd00:5e::1", "fd00:5e::2");

	ev.opt_present = SYNSINK_HAS_MSS;
	ev.mss = 1440;
	ev.n_opts = 2;
	ev.opt_order[0] = SYNSINK_TCPOPT_MSS;
	ev.opt_order[1] = 99;
	ev.indev = 2;
	memcpy(ev.indev_name, "s\"0\x01", 5);
	return syn_format_json(&ev, buf, len);
}

/* The value of field name in an XADD argv, or NULL. */
static const char *field(const char *name, size_t *len)
{
	int i;

	for (i = 6; i + 1 < cmd.argc; i += 2) {
		if (cmd.argvlen[i] == strlen(name) && !memcmp(cmd.argv[i], name, cmd.argvlen[i])) {
			*len = cmd.argvlen[i + 1];
			return cmd.argv[i + 1];
		}
	}
	return NULL;
}

static void expect_field(const char *name, const char *value)
{
	size_t len = 0;
	const char *v = field(name, &len);

	if (!v)
		fail_msg("no field %s", name);
	if (len != strlen(value) || memcmp(v, value, len))
		fail_msg("field %s is '%.*s', expected '%s'", name, (int)len, v, value);
}

static void test_xadd(void **state)
{
	char line[SYNSINK_LINE_MAX];
	size_t n = event_line(line, sizeof(line)), len;

	(void)state;
	assert_int_equal(redis_cmd_build(&cmd, MODE_XADD, "syn", 5000, line, n), 0);
	assert_string_equal(cmd.argv[0], "XADD");
	assert_string_equal(cmd.argv[1], "syn");
	assert_string_equal(cmd.argv[2], "MAXLEN");
	assert_string_equal(cmd.argv[3], "~");
	assert_string_equal(cmd.argv[4], "5000");
	assert_string_equal(cmd.argv[5], "*");
	assert_int_equal((cmd.argc - 6) % 2, 0);
	expect_field("v", "1");
	expect_field("family", "ipv6");
	expect_field("src", "fd00:5e::1");
	expect_field("sport", "40000");
	expect_field("mss", "1440");
	expect_field("sackok", "false");
	expect_field("opts", "[\"mss\",99]");
	expect_field("in", "s\"0\x01");	 /* unescaped to the real bytes */
	assert_null(field("out", &len)); /* null: left out */
	assert_null(field("mac", &len));
}

/* A string whose text is "null" (--sensor null) is a value; only a JSON
 * null is left out.  (Before: "host" went missing from the stream.) */
static void test_xadd_null_string(void **state)
{
	static const char line[] = "{\"v\":1,\"host\":\"null\",\"out\":null}\n";
	size_t len;

	(void)state;
	assert_int_equal(redis_cmd_build(&cmd, MODE_XADD, "syn", 5000, line, sizeof(line) - 1), 0);
	expect_field("host", "null");
	assert_null(field("out", &len));
}

static void test_xadd_no_trim(void **state)
{
	char line[SYNSINK_LINE_MAX];
	size_t n = event_line(line, sizeof(line));

	(void)state;
	assert_int_equal(redis_cmd_build(&cmd, MODE_XADD, "k", 0, line, n), 0);
	assert_string_equal(cmd.argv[2], "*");
	assert_int_equal(cmd.argvlen[3], 1); /* field names are not NUL-terminated */
	assert_memory_equal(cmd.argv[3], "v", 1);
}

static void test_publish_and_lists(void **state)
{
	static const enum redis_mode m[] = { MODE_PUBLISH, MODE_LPUSH, MODE_RPUSH };
	static const char *const verb[] = { "PUBLISH", "LPUSH", "RPUSH" };
	char line[SYNSINK_LINE_MAX];
	size_t n = event_line(line, sizeof(line));
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		assert_int_equal(redis_cmd_build(&cmd, m[i], "chan", 10, line, n), 0);
		assert_int_equal(cmd.argc, 3);
		assert_string_equal(cmd.argv[0], verb[i]);
		assert_string_equal(cmd.argv[1], "chan");
		assert_ptr_equal(cmd.argv[2], line);
		assert_int_equal(cmd.argvlen[2], n - 1); /* no newline */
	}
}

static void test_bad_lines(void **state)
{
	static const char *const bad[] = {
		"",
		"[]",
		"{\"a\":\"unterminated}",
		"{\"a\"1}",
		"{\"a\":\"\\q\"}",
		"{\"a\":\"\\u0100\"}",
		"{\"a\":[1,2}",
		"{\"a\":}",
		"{\"a\":1",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (redis_cmd_build(&cmd, MODE_XADD, "k", 0, bad[i], strlen(bad[i])) != -22)
			fail_msg("accepted: %s", bad[i]);
	}
}

static void test_too_many_fields(void **state)
{
	char line[4096];
	size_t n = 0;
	int i;

	(void)state;
	n += (size_t)snprintf(line + n, sizeof(line) - n, "{");
	for (i = 0; i < CMD_MAX_ARGS / 2; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s\"f%d\":1", i ? "," : "", i);
	n += (size_t)snprintf(line + n, sizeof(line) - n, "}");
	assert_int_equal(redis_cmd_build(&cmd, MODE_XADD, "k", 0, line, n), -28);
}

/* The longest line the core can write, with every key the schema has
 * (53, with a p0f database and --owner=full): one XADD.  The limits were
 * 45 fields and 2 KiB of text before the owner's keys came, so such an
 * event could not be sent. */
static void test_every_key_fits(void **state)
{
	char line[SYNSINK_LINE_MAX];
	size_t n = 0;
	int i;

	(void)state;
	line[n++] = '{';
	for (i = 0; i < 53; i++) {
		size_t room = (sizeof(line) - n - 3) / (size_t)(53 - i);
		size_t val = room - sizeof("\"k00\":\"\",");

		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s\"k%02d\":\"", i ? "," : "",
				      i);
		memset(line + n, 'x', val);
		n += val;
		line[n++] = '"';
	}
	line[n++] = '}';
	line[n++] = '\n';
	assert_true(n < SYNSINK_LINE_MAX);
	assert_true(n > SYNSINK_LINE_MAX - 64);
	assert_int_equal(redis_cmd_build(&cmd, MODE_XADD, "k", 5000, line, n), 0);
	assert_int_equal(cmd.argc, 6 + 2 * 53);
	expect_field("k52", cmd.argv[cmd.argc - 1]);
}

static void test_resp(void **state)
{
	static const char want[] = "*3\r\n$7\r\nPUBLISH\r\n$2\r\nch\r\n$9\r\n{\"a\":\"b\"}\r\n";
	char out[256];
	size_t n;

	(void)state;
	assert_int_equal(redis_cmd_build(&cmd, MODE_PUBLISH, "ch", 0, "{\"a\":\"b\"}\n", 10), 0);
	n = redis_cmd_resp(&cmd, out, sizeof(out));
	assert_int_equal(n, sizeof(want) - 1);
	assert_memory_equal(out, want, n);
	assert_int_equal(redis_cmd_resp(&cmd, out, n), n); /* exactly fits */
	assert_int_equal(redis_cmd_resp(&cmd, out, n - 1), 0);
	assert_int_equal(redis_cmd_resp(&cmd, out, 3), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xadd),
		cmocka_unit_test(test_xadd_null_string),
		cmocka_unit_test(test_xadd_no_trim),
		cmocka_unit_test(test_publish_and_lists),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_every_key_fits),
		cmocka_unit_test(test_too_many_fields),
		cmocka_unit_test(test_resp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
