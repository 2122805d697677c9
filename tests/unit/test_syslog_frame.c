// SPDX-License-Identifier: MIT
/* syslog framing: exact bytes of RFC 3164 and RFC 5424 headers, PRI for
 * every facility and severity, UTF-8-safe truncation, RFC 6587 octet
 * counting, and target parsing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "frame.h"

#define TS 1795701600123456789ull /* 2026-11-26T14:00:00.123456789Z */

static size_t fmt(const struct syslog_hdr *h, const char *msg, char *out, size_t max, int *trunc)
{
	size_t n = syslog_format(h, TS, msg, strlen(msg), out, max, trunc);

	out[n] = '\0';
	return n;
}

static void test_3164(void **state)
{
	struct syslog_hdr h = { RFC_3164, 3, 6, NULL, "synsink", 42 };
	char out[256];
	int t;

	(void)state;
	fmt(&h, "hello", out, sizeof(out) - 1, &t);
	assert_string_equal(out, "<30>Nov 26 14:00:00 synsink[42]: hello");
	assert_false(t);
	h.hostname = "host1";
	fmt(&h, "hello", out, sizeof(out) - 1, &t);
	assert_string_equal(out, "<30>Nov 26 14:00:00 host1 synsink[42]: hello");
}

static void test_3164_single_digit_day(void **state)
{
	struct syslog_hdr h = { RFC_3164, 1, 5, NULL, "t", 1 };
	char out[256];
	int t;

	(void)state;
	/* 2026-11-06T00:00:00Z */
	syslog_format(&h, 1793923200ull * 1000000000ull, "m", 1, out, sizeof(out), &t);
	assert_memory_equal(out, "<13>Nov  6 00:00:00 t[1]: m", 27);
}

static void test_5424(void **state)
{
	struct syslog_hdr h = { RFC_5424, 16, 4, "lab", "synsink", 7 };
	char out[256];
	int t;

	(void)state;
	fmt(&h, "hi", out, sizeof(out) - 1, &t);
	assert_string_equal(out, "<132>1 2026-11-26T14:00:00.123456Z lab synsink 7 syn - hi");
	h.hostname = NULL;
	fmt(&h, "hi", out, sizeof(out) - 1, &t);
	assert_string_equal(out, "<132>1 2026-11-26T14:00:00.123456Z - synsink 7 syn - hi");
}

static void test_pri_everywhere(void **state)
{
	int f, s;

	(void)state;
	for (f = 0; syslog_facility_names[f]; f++) {
		assert_int_equal(syslog_facility(syslog_facility_names[f]), f);
		for (s = 0; syslog_severity_names[s]; s++) {
			struct syslog_hdr h = { RFC_5424, (unsigned)f, (unsigned)s, "h", "t", 1 };
			char out[128], want[16];
			int t;

			syslog_format(&h, TS, "", 0, out, sizeof(out), &t);
			snprintf(want, sizeof(want), "<%d>1 ", f * 8 + s);
			assert_memory_equal(out, want, strlen(want));
		}
	}
	assert_int_equal(f, 24);
	assert_int_equal(syslog_severity("debug"), 7);
	assert_int_equal(syslog_severity("emerg"), 0);
	assert_int_equal(syslog_facility("local7"), 23);
	assert_int_equal(syslog_facility("nope"), -1);
	assert_int_equal(syslog_severity("loud"), -1);
}

static void test_truncation_utf8(void **state)
{
	struct syslog_hdr h = { RFC_3164, 3, 6, NULL, "t", 1 };
	/* header "<30>Nov 26 14:00:00 t[1]: " is 26 bytes */
	const char *msg = "ab\xc3\xa9\xe2\x82\xac"; /* a b é € */
	char out[64];
	size_t n;
	int t;

	(void)state;
	n = syslog_format(&h, TS, msg, strlen(msg), out, 26 + 7, &t);
	assert_int_equal(n, 26 + 7);
	assert_false(t);
	n = syslog_format(&h, TS, msg, strlen(msg), out, 26 + 6, &t); /* inside € */
	assert_int_equal(n, 26 + 4);
	assert_true(t);
	n = syslog_format(&h, TS, msg, strlen(msg), out, 26 + 3, &t); /* inside é */
	assert_int_equal(n, 26 + 2);
	assert_true(t);
	assert_int_equal(syslog_format(&h, TS, msg, strlen(msg), out, 10, &t), 0);
}

static void test_octet_frame(void **state)
{
	char buf[64];
	size_t len;
	char *f;

	(void)state;
	memcpy(buf + 24, "<30>hello", 9);
	f = syslog_octet_frame(buf + 24, 9, 24, &len);
	assert_ptr_equal(f, buf + 22);
	assert_int_equal(len, 11);
	assert_memory_equal(f, "9 <30>hello", 11);
	memcpy(buf + 24, "0123456789abc", 13);
	f = syslog_octet_frame(buf + 24, 13, 24, &len);
	assert_memory_equal(f, "13 0123456789abc", 16);
	assert_null(syslog_octet_frame(buf + 2, 13, 2, &len));
}

/* A header that leaves no byte for the message can never make a frame:
 * refused at open, not counted failed per event. */
/* hostname= and tag=: printable US-ASCII, no space, 255 and 48 at most. */
static void test_name_check(void **state)
{
	char why[512], long_name[300];

	(void)state;
	assert_int_equal(syslog_name_check("hostname", "web-1.example", SYSLOG_HOSTNAME_MAX, why,
					   sizeof(why)),
			 0);
	assert_int_equal(syslog_name_check("hostname", "a\n<13>1 forged", SYSLOG_HOSTNAME_MAX, why,
					   sizeof(why)),
			 -22);
	assert_null(strchr(why, '\n'));
	assert_int_equal(
		syslog_name_check("tag", "two words", SYSLOG_APPNAME_MAX, why, sizeof(why)), -22);
	assert_int_equal(syslog_name_check("tag", "", SYSLOG_APPNAME_MAX, why, sizeof(why)), -22);
	memset(long_name, 'h', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	assert_int_equal(syslog_name_check("hostname", long_name, SYSLOG_HOSTNAME_MAX, why,
					   sizeof(why)),
			 -22);
	assert_non_null(strstr(why, "too long"));
	long_name[SYSLOG_APPNAME_MAX] = '\0';
	assert_int_equal(syslog_name_check("tag", long_name, SYSLOG_APPNAME_MAX, why, sizeof(why)),
			 0);
}

static void test_hdr_check(void **state)
{
	char tag[600], why[512];
	struct syslog_hdr h = { RFC_5424, 3, 6, "host", "synsink", 42 };

	(void)state;
	assert_int_equal(syslog_hdr_check(&h, 480, why, sizeof(why)), 0);
	memset(tag, 't', sizeof(tag) - 1);
	tag[sizeof(tag) - 1] = '\0';
	h.tag = tag;
	assert_int_equal(syslog_hdr_check(&h, 480, why, sizeof(why)), -22);
	assert_non_null(strstr(why, "leaves no room for a message within max_size=480"));
	assert_int_equal(syslog_hdr_check(&h, 2048, why, sizeof(why)), 0);
	h.rfc = RFC_3164;
	h.hostname = NULL;
	assert_int_equal(syslog_hdr_check(&h, 600, why, sizeof(why)), -22);
}

static void test_targets(void **state)
{
	struct syslog_target t;
	char why[256];

	(void)state;
	assert_int_equal(syslog_target_parse("unix:/dev/log", &t, why, sizeof(why)), 0);
	assert_int_equal(t.kind, TARGET_UNIX);
	assert_string_equal(t.path, "/dev/log");
	assert_int_equal(syslog_target_parse("udp:127.0.0.1:514", &t, why, sizeof(why)), 0);
	assert_int_equal(t.kind, TARGET_UDP);
	assert_string_equal(t.host, "127.0.0.1");
	assert_string_equal(t.port, "514");
	assert_int_equal(syslog_target_parse("tcp:[fd00::1]:6514", &t, why, sizeof(why)), 0);
	assert_int_equal(t.kind, TARGET_TCP);
	assert_string_equal(t.host, "fd00::1");
	assert_string_equal(t.port, "6514");
	assert_int_equal(syslog_target_parse("tcp:logs.example:601", &t, why, sizeof(why)), 0);
	assert_string_equal(t.host, "logs.example");
	assert_int_equal(syslog_target_parse("tls:logs.example:6514", &t, why, sizeof(why)), 0);
	assert_int_equal(t.kind, TARGET_TLS);
	assert_true(target_is_stream_inet(t.kind));
	assert_string_equal(t.host, "logs.example");
	assert_string_equal(t.port, "6514");

	assert_int_equal(syslog_target_parse("udp:h:0", &t, why, sizeof(why)), -22);
	assert_non_null(strstr(why, "not in 1-65535"));
	assert_int_equal(syslog_target_parse("udp:h:65536", &t, why, sizeof(why)), -22);
	assert_int_equal(syslog_target_parse("udp:h:-1", &t, why, sizeof(why)), -22);
	assert_int_equal(syslog_target_parse("udp:h:", &t, why, sizeof(why)), -22);
	assert_int_equal(syslog_target_parse("udp:fd00::1:514", &t, why, sizeof(why)), -22);
	assert_int_equal(syslog_target_parse("udp:[fd00::1]514", &t, why, sizeof(why)), -22);
	assert_int_equal(syslog_target_parse("udp::514", &t, why, sizeof(why)), -22);
	assert_int_equal(syslog_target_parse("http:h:80", &t, why, sizeof(why)), -22);
	assert_non_null(
		strstr(why, "is not unix:PATH, udp:HOST:PORT, tcp:HOST:PORT or tls:HOST:PORT"));
	assert_int_equal(syslog_target_parse("unix:dev/log", &t, why, sizeof(why)), -22);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_check),
		cmocka_unit_test(test_3164),
		cmocka_unit_test(test_3164_single_digit_day),
		cmocka_unit_test(test_5424),
		cmocka_unit_test(test_pri_everywhere),
		cmocka_unit_test(test_truncation_utf8),
		cmocka_unit_test(test_octet_frame),
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_hdr_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
