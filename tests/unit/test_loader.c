// SPDX-License-Identifier: MIT
/* The loader against plugins that are wrong in every way it checks, and
 * against files it must not trust. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "loader.h"
#include "sinklist.h"

/*
 * dlopen, as the loader calls it: when swap_to is set, first rename the
 * attacker's copy over swap_to, as a user who can write a parent
 * directory could do between the loader's check and its dlopen.
 */
void *__real_dlopen(const char *file, int mode);
void *__wrap_dlopen(const char *file, int mode);
static const char *swap_from, *swap_to;

void *__wrap_dlopen(const char *file, int mode)
{
	if (swap_to) {
		assert_int_equal(rename(swap_from, swap_to), 0);
		swap_to = NULL;
	}
	return __real_dlopen(file, mode);
}

static void expect_refusal(const char *dir, const char *name, int code, const char *needle)
{
	struct plugin pl;
	char err[1024] = "";

	assert_int_equal(plugin_load(dir, name, &pl, err, sizeof(err)), code);
	if (!strstr(err, needle))
		fail_msg("error '%s' does not mention '%s'", err, needle);
	assert_null(pl.dl); /* rolled back */
	assert_null(pl.desc);
}

static void test_good(void **state)
{
	struct plugin pl;
	char err[1024];

	(void)state;
	assert_int_equal(plugin_load(TEST_PLUGIN_DIR, "good", &pl, err, sizeof(err)), 0);
	assert_string_equal(pl.desc->name, "good");
	assert_int_equal(pl.desc->n_options, 4);
	plugin_unload(&pl);
	assert_int_equal(plugin_load(STDOUT_PLUGIN_DIR, "stdout", &pl, err, sizeof(err)), 0);
	plugin_unload(&pl);
}

/* Two plugins at once are two plugins (the loader must not confuse them,
 * whatever path it hands to dlopen). */
static void test_two_at_once(void **state)
{
	struct plugin a, b, c;
	char err[1024];

	(void)state;
	assert_int_equal(plugin_load(TEST_PLUGIN_DIR, "good", &a, err, sizeof(err)), 0);
	assert_int_equal(plugin_load(STDOUT_PLUGIN_DIR, "stdout", &b, err, sizeof(err)), 0);
	assert_string_equal(a.desc->name, "good");
	assert_string_equal(b.desc->name, "stdout");
	assert_ptr_not_equal(a.desc, b.desc);
	expect_refusal(TEST_PLUGIN_DIR, "bad_abi", -EINVAL,
		       "built for ABI 99, this synsink needs ABI 4");
	assert_int_equal(plugin_load(TEST_PLUGIN_DIR, "good", &c, err, sizeof(err)), 0);
	assert_ptr_equal(c.desc, a.desc); /* the same plugin twice is one object */
	plugin_unload(&c);
	plugin_unload(&b);
	plugin_unload(&a);
}

static void test_bad_abi(void **state)
{
	(void)state;
	expect_refusal(TEST_PLUGIN_DIR, "bad_abi", -EINVAL,
		       "built for ABI 99, this synsink needs ABI 4");
}

/* An ABI 1 plugin names both versions in its one line. */
static void test_abi1(void **state)
{
	(void)state;
	expect_refusal(TEST_PLUGIN_DIR, "abi1", -EINVAL,
		       "built for ABI 1, this synsink needs ABI 4");
}

static void test_reserved(void **state)
{
	(void)state;
	expect_refusal(TEST_PLUGIN_DIR, "reserved", -EINVAL, "plugin sets reserved fields");
}

static void test_bad_flags(void **state)
{
	(void)state;
	expect_refusal(TEST_PLUGIN_DIR, "bad_flags", -EINVAL,
		       "plugin sets flags this synsink does not know (0x80000000)");
}

static void test_bad_layout(void **state)
{
	(void)state;
	expect_refusal(TEST_PLUGIN_DIR, "bad_layout", -EINVAL,
		       "plugin built for another layout (struct 64/");
}

static void test_no_symbol(void **state)
{
	(void)state;
	expect_refusal(TEST_PLUGIN_DIR, "no_symbol", -EINVAL, "no synsink_plugin_entry symbol");
}

static void test_bad_options(void **state)
{
	(void)state;
	expect_refusal(TEST_PLUGIN_DIR, "bad_options", -EINVAL,
		       "enum option 'mode' has no choices");
}

static void test_wrong_name(void **state)
{
	(void)state;
	expect_refusal(TEST_PLUGIN_DIR, "wrong_name", -EINVAL, "calls itself 'someone_else'");
}

static void test_missing(void **state)
{
	(void)state;
	expect_refusal(TEST_PLUGIN_DIR, "nope", -ENOENT, "unknown sink 'nope'");
	expect_refusal("/nonexistent-dir", "good", -ENOENT, "unknown sink 'good'");
	expect_refusal(TEST_PLUGIN_DIR, "../x", -EINVAL, "bad sink name");
}

static int copy_file(const char *from, const char *to, mode_t mode)
{
	char buf[65536];
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	size_t n;

	if (!in || !out)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, out);
	fclose(in);
	fclose(out);
	return chmod(to, mode);
}

static void test_untrusted(void **state)
{
	char dir[] = "/tmp/synsink-loader-XXXXXX", path[256];

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chmod(dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/good.so", dir);
	assert_int_equal(copy_file(TEST_PLUGIN_DIR "/good.so", path, 0664), 0);
	expect_refusal(dir, "good", -EPERM, "writable by its group");
	assert_int_equal(chmod(path, 0646), 0);
	expect_refusal(dir, "good", -EPERM, "writable by others");
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(chmod(dir, 0777), 0);
	expect_refusal(dir, "good", -EPERM, "refused: writable by others");
	assert_int_equal(chmod(dir, 0755), 0);
	{
		struct plugin pl;
		char err[512];

		assert_int_equal(plugin_load(dir, "good", &pl, err, sizeof(err)), 0);
		plugin_unload(&pl);
	}
	unlink(path);
	rmdir(dir);
}

/* Every directory above the plugin directory counts: one writable by
 * others lets them swap the whole tree, unless it is sticky (/tmp). */
static void test_untrusted_parent(void **state)
{
	char top[] = "/tmp/synsink-loader-XXXXXX", mid[64], dir[128], path[192];

	(void)state;
	assert_non_null(mkdtemp(top));
	snprintf(mid, sizeof(mid), "%s/open", top);
	snprintf(dir, sizeof(dir), "%s/plugins", mid);
	snprintf(path, sizeof(path), "%s/good.so", dir);
	assert_int_equal(mkdir(mid, 0755), 0);
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(copy_file(TEST_PLUGIN_DIR "/good.so", path, 0644), 0);
	assert_int_equal(chmod(mid, 0777), 0);
	expect_refusal(dir, "good", -EPERM,
		       "open: refused: writable by others (mode 0777), and not sticky");
	assert_int_equal(chmod(mid, 0775), 0);
	expect_refusal(dir, "good", -EPERM, "open: refused: writable by its group");
	assert_int_equal(chmod(mid, 01777), 0); /* sticky, like /tmp */
	{
		struct plugin pl;
		char err[512];

		assert_int_equal(plugin_load(dir, "good", &pl, err, sizeof(err)), 0);
		plugin_unload(&pl);
	}
	assert_int_equal(chmod(dir, 01777), 0); /* the plugin dir itself: never */
	expect_refusal(dir, "good", -EPERM, "plugins: refused: writable by others");
	unlink(path);
	rmdir(dir);
	rmdir(mid);
	rmdir(top);
}

/* The file swapped between the check and dlopen: what gets mapped is the
 * file that was checked, and the attacker's constructor never runs. */
static void test_swap_before_dlopen(void **state)
{
	char dir[] = "/tmp/synsink-loader-XXXXXX", path[256], evil[256], mark[256];
	struct plugin pl;
	char err[512];

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chmod(dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/good.so", dir);
	snprintf(evil, sizeof(evil), "%s/evil.tmp", dir);
	snprintf(mark, sizeof(mark), "%s/constructor-ran", dir);
	assert_int_equal(copy_file(TEST_PLUGIN_DIR "/good.so", path, 0644), 0);
	assert_int_equal(copy_file(EVIL_PLUGIN_DIR "/good.so", evil, 0644), 0);
	setenv("SYNSINK_TEST_EVIL_MARK", mark, 1);
	swap_from = evil;
	swap_to = path;
	assert_int_equal(plugin_load(dir, "good", &pl, err, sizeof(err)), 0);
	assert_null(swap_to); /* the swap did happen */
	assert_int_equal(access(mark, F_OK), -1);
	assert_string_equal(pl.desc->description, "a valid test plugin");
	plugin_unload(&pl);
	unsetenv("SYNSINK_TEST_EVIL_MARK");
	unlink(path);
	unlink(mark);
	rmdir(dir);
}

static void test_dir_resolve(void **state)
{
	char out[4096], err[256];

	(void)state;
	unsetenv("SYNSINK_PLUGIN_DIR");
	assert_int_equal(plugin_dir_resolve("rel/dir", "x", out, sizeof(out), err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "is relative"));
	assert_int_equal(plugin_dir_resolve("/abs", "x", out, sizeof(out), err, sizeof(err)), 0);
	assert_string_equal(out, "/abs");
	setenv("SYNSINK_PLUGIN_DIR", "/from/env", 1);
	assert_int_equal(plugin_dir_resolve(NULL, "x", out, sizeof(out), err, sizeof(err)), 0);
	assert_string_equal(out, "/from/env");
	assert_int_equal(plugin_dir_resolve("/flag", "x", out, sizeof(out), err, sizeof(err)), 0);
	assert_string_equal(out, "/flag");
	unsetenv("SYNSINK_PLUGIN_DIR");
	assert_int_equal(
		plugin_dir_resolve(NULL, "../lib/synsink", out, sizeof(out), err, sizeof(err)), 0);
	assert_true(out[0] == '/');
}

static void test_list(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_int_equal(sinklist_print(TEST_PLUGIN_DIR, f), 3); /* good, thread_log, textual */
	fclose(f);
	assert_non_null(strstr(text, "good - a valid test plugin"));
	assert_non_null(strstr(text, "mode             choice  (a|b) default: a"));
	assert_non_null(strstr(text, "bad_abi - not loadable:"));
	free(text);
	assert_int_equal(sinklist_print("/nonexistent-dir", stdout), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_two_at_once),
		cmocka_unit_test(test_bad_abi),
		cmocka_unit_test(test_abi1),
		cmocka_unit_test(test_reserved),
		cmocka_unit_test(test_bad_flags),
		cmocka_unit_test(test_bad_layout),
		cmocka_unit_test(test_no_symbol),
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_wrong_name),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_untrusted),
		cmocka_unit_test(test_untrusted_parent),
		cmocka_unit_test(test_swap_before_dlopen),
		cmocka_unit_test(test_dir_resolve),
		cmocka_unit_test(test_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
