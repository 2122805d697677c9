// SPDX-License-Identifier: MIT
/* The --config file: what it turns into, what overrides it, and one
 * "FILE:LINE: why" for each thing it refuses. */
#include <errno.h>
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

#include "cli.h"
#include "config.h"
#include "owner.h"

static char path[] = "/tmp/synsink-config-XXXXXX";

static const char *write_file(const char *text)
{
	int fd;
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/synsink-config-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static void test_good_file(void **state)
{
	struct config_file cf;
	struct cli_config cfg;
	char err[512];
	char *argv[] = { "synsink", "--stats-interval", "7", NULL };

	(void)state;
	write_file("# a comment\n"
		   "queue = 2-3   # trailing comment\n"
		   "stats-interval = 60\n"
		   "sensor = edge-3\n"
		   "owner = full\n"
		   "\n"
		   "[sink stdout]\n"
		   "format = json\n"
		   "[sink kafka]\n"
		   "brokers = a:1,b:2\n"
		   "topic = syn#1\n"
		   "rdkafka.linger.ms = 20\n");
	assert_int_equal(config_file_load(path, &cf, err, sizeof(err)), 0);
	cli_defaults(&cfg);
	assert_int_equal(cli_apply(cf.argc, cf.argv, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.queue_lo, 2);
	assert_int_equal(cfg.queue_hi, 3);
	assert_int_equal(cfg.stats_interval, 60);
	assert_string_equal(cfg.sensor, "edge-3");
	assert_int_equal(cfg.owner, OWNER_FULL); /* "--owner=full": the value is optional */
	assert_int_equal(cfg.n_sinks, 2);
	assert_string_equal(cfg.sinks[0], "stdout:format=json");
	assert_string_equal(cfg.sinks[1], "kafka:brokers=a:1,b:2,topic=syn#1,rdkafka.linger.ms=20");
	/* the command line on top: its values win, the file's sinks stay */
	assert_int_equal(cli_apply(3, argv, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.stats_interval, 7);
	assert_int_equal(cfg.n_sinks, 2);
	config_file_free(&cf);
	unlink(path);
}

static void test_cli_sinks_replace_file_sinks(void **state)
{
	struct config_file cf;
	struct cli_config cfg;
	char err[512];
	char *argv[] = { "synsink", "--sink", "redis", NULL };

	(void)state;
	write_file("[sink stdout]\n[sink syslog]\ntarget = udp:127.0.0.1:514\n");
	assert_int_equal(config_file_load(path, &cf, err, sizeof(err)), 0);
	cli_defaults(&cfg);
	assert_int_equal(cli_apply(cf.argc, cf.argv, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.n_sinks, 2);
	assert_string_equal(cfg.sinks[0], "stdout");
	assert_int_equal(cli_apply(3, argv, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.n_sinks, 1);
	assert_string_equal(cfg.sinks[0], "redis");
	config_file_free(&cf);
	unlink(path);
}

static void expect_refusal(const char *text, const char *needle)
{
	struct config_file cf;
	char err[512] = "";

	write_file(text);
	assert_true(config_file_load(path, &cf, err, sizeof(err)) < 0);
	if (!strstr(err, needle) || strncmp(err, path, strlen(path)))
		fail_msg("error '%s' does not start with the file or lacks '%s'", err, needle);
	unlink(path);
}

static void test_refusals(void **state)
{
	(void)state;
	expect_refusal("queue = 1\n\nfoo = 2\n", ":3: unknown key 'foo'");
	expect_refusal("sink = stdout\n", ":1: unknown key 'sink'");
	expect_refusal("help = 1\n", ":1: unknown key 'help'");
	expect_refusal("queue\n", ":1: expected key = value");
	expect_refusal("= 3\n", ":1: a value without a key");
	expect_refusal("[source x]\n", ":1: expected [sink NAME]");
	expect_refusal("[sink Bad]\n", ":1: bad sink name 'Bad'");
	expect_refusal("[sink kafka]\nbrokers = a,b=c\n", ":2: brokers: a value cannot hold");
	expect_refusal("queue = 1\nstats-interval = 5\nqueue = 2\n",
		       ":3: 'queue' given twice (first at line 1)");
	expect_refusal("[sink stdout]\nformat = json\nformat = text\n",
		       ":3: 'format' given twice (first at line 2)");
	{
		/* Past what the duplicate check holds: refused, not unchecked. */
		char text[4096] = "[sink kafka]\n";
		size_t n = strlen(text);
		int i;

		for (i = 0; i < 257; i++)
			n += (size_t)snprintf(text + n, sizeof(text) - n, "k%d=1\n", i);
		expect_refusal(text, ":258: more than 256 keys in one section");
	}
}

/* Whole files that are no config file: one line naming the file. */
static void expect_file_refusal(const char *file, const char *needle)
{
	struct config_file cf;
	char err[512] = "";

	assert_true(config_file_load(file, &cf, err, sizeof(err)) < 0);
	if (!strstr(err, needle) || strncmp(err, file, strlen(file)))
		fail_msg("error '%s' does not start with %s or lacks '%s'", err, file, needle);
}

static void test_not_a_config_file(void **state)
{
	char dir[] = "/tmp/synsink-config-XXXXXX", fifo[64], big[64];
	struct config_file cf;
	char err[512] = "";
	FILE *f;
	int i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	expect_file_refusal(dir, ": not a regular file (a directory)");
	expect_file_refusal("/dev/zero", ": not a regular file (a device)");
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0); /* no writer: would block */
	expect_file_refusal(fifo, ": not a regular file (a FIFO)");
	snprintf(big, sizeof(big), "%s/big", dir);
	f = fopen(big, "w");
	assert_non_null(f);
	for (i = 0; i < (1 << 20) / 16 + 1; i++)
		fputs("# a comment....\n", f);
	fclose(f);
	expect_file_refusal(big, ": larger than 1048576 bytes");
	/* A NUL inside a line would cut it short unseen. */
	f = fopen(big, "w");
	assert_non_null(f);
	{
		static const char nul_line[] = "queue = 1\nstats-interval = 5\0 0\n";

		fwrite(nul_line, 1, sizeof(nul_line) - 1, f);
	}
	fclose(f);
	assert_true(config_file_load(big, &cf, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, ":2: a NUL byte in the line"));
	unlink(big);
	unlink(fifo);
	rmdir(dir);
}

static void test_value_error_has_line(void **state)
{
	struct config_file cf;
	struct cli_config cfg;
	char err[512];

	(void)state;
	write_file("stats-interval = 5\n# x\nqueue = 70000\n");
	assert_int_equal(config_file_load(path, &cf, err, sizeof(err)), 0);
	cli_defaults(&cfg);
	assert_int_equal(cli_apply(cf.argc, cf.argv, &cfg, err, sizeof(err)), -22);
	assert_int_equal(cf.line[cfg.err_index], 3);
	assert_non_null(strstr(err, "outside 0-65535"));
	config_file_free(&cf);
	unlink(path);
}

static void test_missing_file(void **state)
{
	struct config_file cf;
	char err[512];

	(void)state;
	assert_int_equal(config_file_load("/nonexistent/synsink.conf", &cf, err, sizeof(err)), -2);
	assert_non_null(strstr(err, "No such file"));
}

/* A config file others can write is refused, whatever it says: it names
 * secrets' files and where events go.  (Before: accepted; its writer
 * aimed password_file= at a root-only file and a sink at their server.) */
static void test_writable_by_others(void **state)
{
	struct config_file cf;
	char err[512];

	(void)state;
	write_file("queue = 1\n");
	assert_int_equal(chmod(path, 0666), 0);
	assert_int_equal(config_file_load(path, &cf, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "refused: writable by others (mode 0666)"));
	assert_int_equal(chmod(path, 0620), 0);
	assert_int_equal(config_file_load(path, &cf, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "refused: writable by its group"));
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(config_file_load(path, &cf, err, sizeof(err)), 0);
	config_file_free(&cf);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_writable_by_others),
		cmocka_unit_test(test_cli_sinks_replace_file_sinks),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_not_a_config_file),
		cmocka_unit_test(test_value_error_has_line),
		cmocka_unit_test(test_missing_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
