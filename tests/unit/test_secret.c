// SPDX-License-Identifier: MIT
/* Secrets from files: what a secret's file must be, and what is read. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "secret.h"

static char dir[] = "/tmp/synsink-secret.XXXXXX";

static const char *file(const char *name, const char *text, mode_t mode)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

static void expect_refused(const char *path, const char *why)
{
	char err[512] = "", *out = (char *)1;

	assert_true(secret_file_read(path, &out, err, sizeof(err)) < 0);
	assert_null(out);
	if (!strstr(err, why))
		fail_msg("'%s' does not say '%s'", err, why);
	assert_non_null(strstr(err, path));
}

static void expect_secret(const char *path, const char *want)
{
	char err[512], *out;

	assert_int_equal(secret_file_read(path, &out, err, sizeof(err)), 0);
	assert_string_equal(out, want);
	secret_free(out);
}

static void test_reads(void **state)
{
	(void)state;
	expect_secret(file("a", "s3cret\n", 0600), "s3cret");
	expect_secret(file("b", "no newline", 0400), "no newline");
	expect_secret(file("c", "dos\r\n", 0600), "dos");
	expect_secret(file("d", "with spaces and = , :\n", 0600), "with spaces and = , :");
}

static void test_refusals(void **state)
{
	char big[SECRET_MAX + 2], path[128];

	(void)state;
	expect_refused(file("open", "x\n", 0644), "mode 0644");
	expect_refused(file("grp", "x\n", 0640), "mode 0640");
	expect_refused(file("gw", "x\n", 0620), "mode 0620");
	expect_refused(file("empty", "", 0600), "empty");
	expect_refused(file("nl", "\n", 0600), "empty");
	expect_refused(file("two", "a\nb\n", 0600), "not one line of text");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	expect_refused(file("big", big, 0600), "longer than 4096 bytes");
	snprintf(path, sizeof(path), "%s/none", dir);
	expect_refused(path, "No such file");
	expect_refused(dir, "not a regular file");
	snprintf(path, sizeof(path), "%s/link", dir);
	assert_int_equal(symlink(file("target", "x\n", 0600), path), 0);
	expect_refused(path, "a symbolic link"); /* O_NOFOLLOW: ELOOP */
	if (geteuid() == 0) {			 /* as CI runs it: a file of another user's */
		const char *theirs = file("theirs", "x\n", 0600);

		assert_int_equal(chown(theirs, 65534, 65534), 0);
		expect_refused(theirs, "owned by uid 65534");
	}
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
