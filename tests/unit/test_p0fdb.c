// SPDX-License-Identifier: MIT
/*
 * p0f's signature database: Debian's /etc/p0f/p0f.fp loads, and SYNs of
 * known shapes get the labels p0f 3.09b gives them (the same SYNs as the
 * lab's syngen osfp set, whose p0f output e2e p0f.sh compares); malformed
 * files are refused with the file and line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "decode.h"
#include "p0fdb.h"
#include "pkt.h"
#include "testsyn.h"
#include "testp0f.h"

/* The label of an IPv4 SYN (ttl, DF, IP ID, window, options). */
static const char *label4(uint8_t ttl, bool df, uint16_t id, uint16_t win, const uint8_t *opts,
			  size_t optlen, enum p0f_how *how)
{
	struct tcp_spec t = { .sport = 40000,
			      .dport = 80,
			      .seq = 1,
			      .win = win,
			      .flags = 0x02,
			      .opts = opts,
			      .optlen = optlen };
	const struct p0f_label *l;
	struct synsink_event ev;

	test_syn4(ttl, df ? 0x4000 : 0, id, &t, &ev);
	l = p0f_db_match(&db, &ev, how);
	return l ? l->text : "???";
}

static void test_known_systems(void **state)
{
	static const uint8_t linux_o[] = { 2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0,
					   4, 0, 0, 0,	  0, 0, 1, 3,  3, 7 };
	static const uint8_t win10[] = { 2, 4, 5, 0xb4, 1, 3, 3, 8, 1, 1, 4, 2 };
	static const uint8_t winxp[] = { 2, 4, 5, 0xb4, 1, 1, 4, 2 };
	static const uint8_t freebsd[] = { 2, 4,  5, 0xb4, 1, 3, 3, 6, 4, 2,
					   8, 10, 0, 0,	   1, 0, 0, 0, 0, 0 };
	static const uint8_t openbsd[] = { 2, 4, 5, 0xb4, 1, 1, 4, 2, 1, 3, 3, 3,
					   1, 1, 8, 10,	  0, 0, 2, 0, 0, 0, 0, 0 };
	static const uint8_t macos[] = { 2,    4,    5,	   0xb4, 1, 3, 3, 6, 1, 1, 8, 10,
					 0x11, 0x22, 0x33, 0x44, 0, 0, 0, 0, 4, 2, 0 };
	static const uint8_t mss[] = { 2, 4, 5, 0xb4 };
	static const uint8_t mss_eol[] = { 2, 4, 5, 0xb4, 0, 0, 0, 9 };
	enum p0f_how how;

	(void)state;
	assert_string_equal(label4(64, true, 1, 29200, linux_o, sizeof(linux_o), &how),
			    "Linux 3.11 and newer");
	assert_int_equal(how, P0F_EXACT);
	assert_string_equal(label4(128, true, 1, 64240, win10, sizeof(win10), &how),
			    "Windows NT kernel");
	assert_int_equal(how, P0F_GENERIC);
	assert_string_equal(label4(128, true, 1, 65535, winxp, sizeof(winxp), &how), "Windows XP");
	assert_int_equal(how, P0F_EXACT);
	assert_string_equal(label4(64, true, 1, 65535, freebsd, sizeof(freebsd), &how),
			    "FreeBSD 9.x or newer");
	assert_string_equal(label4(64, true, 1, 16384, openbsd, sizeof(openbsd), &how),
			    "OpenBSD 4.x-5.x");
	/* IP ID 0 where the signature has id+: "generic fuzzy" in p0f's words */
	assert_string_equal(label4(64, true, 0, 65535, macos, sizeof(macos), &how), "Mac OS X");
	assert_int_equal(how, P0F_FUZZY);
	/* The barebone generic Linux signature: MSS only, window a multiple. */
	assert_string_equal(label4(64, true, 1, 2920, mss, sizeof(mss), &how),
			    "Linux 2.2.x-3.x (barebone)");
	assert_int_equal(how, P0F_GENERIC);
	assert_string_equal(label4(64, true, 1, 1024, mss, sizeof(mss), &how),
			    "Linux 2.2.x-3.x (barebone)");
	/* Nothing like it (an EOL after the MSS): none. */
	assert_string_equal(label4(64, true, 1, 1024, mss_eol, sizeof(mss_eol), &how), "???");
	assert_int_equal(how, P0F_NONE);
	/* A userland tool's signature (nmap's SYN scan, a random TTL). */
	assert_string_equal(label4(43, false, 7, 1024, mss, sizeof(mss), &how), "NMap SYN scan");
	/* Linux's SYN 40 hops further than p0f allows: a fuzzy match. */
	assert_string_equal(label4(20, true, 1, 29200, linux_o, sizeof(linux_o), &how),
			    "Linux 3.11 and newer");
	assert_int_equal(how, P0F_FUZZY);
}

static void test_label_parts(void **state)
{
	size_t i;
	bool seen = false;

	(void)state;
	assert_true(db.n_labels > 40);
	for (i = 0; i < db.n_labels; i++) {
		const struct p0f_label *l = &db.labels[i];

		if (!strcmp(l->text, "Linux 3.11 and newer")) {
			assert_string_equal(l->name, "Linux");
			assert_string_equal(l->flavor, "3.11 and newer");
			assert_string_equal(l->cls, "unix");
			assert_false(l->generic);
			seen = true;
		}
	}
	assert_true(seen);
	assert_string_equal(p0f_how_name(P0F_GENERIC), "generic");
}

/* A file of the given text: its first error, "" if it loads. */
static const char *load_text(const char *text)
{
	static char err[256];
	char path[] = "/tmp/synsink-p0fdb.XXXXXX";
	struct p0f_db d;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	err[0] = '\0';
	if (!p0f_db_load(&d, path, err, sizeof(err)))
		p0f_db_free(&d);
	unlink(path);
	return strchr(err, ':') ? strchr(err, ':') + 1 : err;
}

static void test_malformed(void **state)
{
	static const char head[] = "classes = win,unix\n[tcp:request]\nlabel = s:unix:X:1\n";
	static const struct {
		const char *sig, *why;
	} bad[] = {
		{ "sig = 5:64:0:*:*,*:mss:df:0", "unknown IP version" },
		{ "sig = 4:0:0:*:*,*:mss:df:0", "bad initial TTL" },
		{ "sig = 4:64:0:70000:*,*:mss:df:0", "bad MSS" },
		{ "sig = 4:64:0:*:mss*0,*:mss:df:0", "bad MSS/MTU multiplier" },
		{ "sig = 4:64:0:*:*,*:mss,bogus:df:0", "unknown TCP option" },
		{ "sig = 4:64:0:*:*,*:eol+1,mss:df:0", "eol+N must be the last option" },
		{ "sig = 4:64:0:*:*,*:mss:weird:0", "unknown quirk" },
		{ "sig = 6:64:0:*:*,*:mss:df:0", "'df' is not valid for IPv6" },
		{ "sig = 4:64:0:*:*,*:mss:df:x", "bad payload class" },
		{ "nonsense", "expected NAME = VALUE" },
	};
	char text[512];
	size_t i;

	(void)state;
	assert_string_equal(load_text("classes = win\n[tcp:request]\nlabel = s:unix:X:1\n"),
			    "3: unknown class 'unix'");
	assert_non_null(strstr(load_text("[bogus]\n"), "unknown section"));
	assert_non_null(
		strstr(load_text("classes = unix\n[tcp:request]\nsig = 4:64:0:*:*,*:mss:df:0\n"),
		       "a signature before any label"));
	assert_non_null(strstr(load_text("classes = unix\n"), "no [tcp:request] signatures"));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "%s%s\n", head, bad[i].sig);
		if (!strstr(load_text(text), bad[i].why))
			fail_msg("'%s': '%s', expected '%s'", bad[i].sig, load_text(text),
				 bad[i].why);
		assert_non_null(strstr(load_text(text), "4: ")); /* the line */
	}
	/* One that is fine, with sections that are not ours. */
	assert_string_equal(
		load_text("classes = unix\n[mtu]\nlabel = x\nsig = 1500\n"
			  "[tcp:request]\nlabel = g:unix:X:\nsig = *:64-:0:*:%8,*:mss:df:*\n"
			  "[http:request]\nua_os = x\n"),
		"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_known_systems, load, unload),
		cmocka_unit_test_setup_teardown(test_label_parts, load, unload),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
