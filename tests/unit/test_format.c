// SPDX-License-Identifier: MIT
/* The formatters: the origin's text line byte for byte, and JSON that a
 * real parser (jansson) accepts with every field as documented. */
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <jansson.h>

#include "decode.h"
#include "format.h"
#include "pkt.h"
#include "testev.h"

static struct synsink_event ev4(void)
{
	return test_event(AF_INET, "198.18.0.1", "198.18.0.2");
}

static struct synsink_event ev6(void)
{
	return test_event(AF_INET6, "fd00:5e::1", "fd00:5e::2");
}

static void test_text_v4(void **state)
{
	struct synsink_event ev = ev4();
	char buf[256];
	size_t n = syn_format_text(&ev, buf, sizeof(buf));

	(void)state;
	assert_string_equal(
		buf,
		"A new tcp connection will be established: 198.18.0.1:40000 -> 198.18.0.2:22\n");
	assert_int_equal(n, strlen(buf));
}

/* IPv4 is formatted by hand: every octet width, against inet_ntop. */
static void test_text_v4_every_octet(void **state)
{
	static const uint8_t octets[] = { 0, 1, 9, 10, 99, 100, 199, 200, 255 };
	struct synsink_event ev = ev4();
	char buf[256], want[256], a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(octets); i++) {
		uint8_t x = octets[i], y = octets[sizeof(octets) - 1 - i];

		memcpy(ev.saddr, (uint8_t[]){ x, y, x, y }, 4);
		memcpy(ev.daddr, (uint8_t[]){ y, x, 0, 255 }, 4);
		inet_ntop(AF_INET, ev.saddr, a, sizeof(a));
		inet_ntop(AF_INET, ev.daddr, b, sizeof(b));
		snprintf(want, sizeof(want),
			 "A new tcp connection will be established: %s:40000 -> %s:22\n", a, b);
		syn_format_text(&ev, buf, sizeof(buf));
		assert_string_equal(buf, want);
	}
}

static void test_text_v6(void **state)
{
	struct synsink_event ev = ev6();
	char buf[256];

	(void)state;
	assert_true(syn_format_text(&ev, buf, sizeof(buf)) > 0);
	assert_string_equal(
		buf,
		"A new tcp connection will be established: [fd00:5e::1]:40000 -> [fd00:5e::2]:22\n");
}

static void test_text_short_buffer(void **state)
{
	struct synsink_event ev = ev6();
	char buf[256];
	size_t full = syn_format_text(&ev, buf, sizeof(buf));

	(void)state;
	assert_int_equal(syn_format_text(&ev, buf, full), 0); /* no room for NUL */
	assert_int_equal(syn_format_text(&ev, buf, full + 1), full);
	assert_int_equal(syn_format_text(&ev, buf, 10), 0);
}

static json_t *parse(const char *line)
{
	json_error_t err;
	json_t *j = json_loads(line, JSON_REJECT_DUPLICATES, &err);

	if (!j)
		fail_msg("invalid JSON (%s at %d): %s", err.text, err.position, line);
	return j;
}

static void test_json_v4_full(void **state)
{
	static const uint8_t opts[] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0,   0,
					9, 0, 0,    0,	  0, 1, 3, 3,  7, 200, 2 };
	struct tcp_spec t = { .sport = 40000,
			      .dport = 22,
			      .seq = 4000000000u,
			      .win = 64240,
			      .flags = 0x02,
			      .opts = opts,
			      .optlen = sizeof(opts) };
	static const uint8_t s[4] = { 198, 18, 0, 1 }, d[4] = { 198, 18, 0, 2 };
	uint8_t b[PKT_MAX];
	struct synsink_event ev = { 0 };
	char buf[SYNSINK_LINE_MAX];
	size_t n = pkt_ipv4(b, sizeof(b), s, d, 64, 0x4000, NULL, 0, &t);
	json_t *j, *o;

	(void)state;
	assert_int_equal(syn_decode(b, n, &ev), SYN_OK);
	ev.ts_ns = 1795701600123456789ull; /* 2026-11-26T14:00:00.123456Z */
	ev.queue = 1;
	ev.packet_id = 7;
	ev.mark = 0x10;
	ev.indev = 3;
	snprintf(ev.indev_name, sizeof(ev.indev_name), "s0");
	ev.flags |= SYNSINK_F_HAS_HW;
	ev.hwaddr_len = 6;
	memcpy(ev.hwaddr, "\x02\x00\x5e\x00\x00\x01", 6);

	n = syn_format_json(&ev, buf, sizeof(buf));
	assert_true(n > 0 && buf[n - 1] == '\n');
	j = parse(buf);
	assert_int_equal(json_integer_value(json_object_get(j, "v")), 1);
	assert_string_equal(json_string_value(json_object_get(j, "ts")),
			    "2026-11-26T14:00:00.123456Z");
	assert_string_equal(json_string_value(json_object_get(j, "family")), "ipv4");
	assert_string_equal(json_string_value(json_object_get(j, "src")), "198.18.0.1");
	assert_string_equal(json_string_value(json_object_get(j, "dst")), "198.18.0.2");
	assert_int_equal(json_integer_value(json_object_get(j, "sport")), 40000);
	assert_int_equal(json_integer_value(json_object_get(j, "dport")), 22);
	assert_int_equal(json_integer_value(json_object_get(j, "seq")), 4000000000u);
	assert_int_equal(json_integer_value(json_object_get(j, "ttl")), 64);
	assert_int_equal(json_integer_value(json_object_get(j, "win")), 64240);
	assert_int_equal(json_integer_value(json_object_get(j, "mss")), 1460);
	assert_int_equal(json_integer_value(json_object_get(j, "wscale")), 7);
	assert_true(json_is_true(json_object_get(j, "sackok")));
	assert_true(json_is_true(json_object_get(j, "df")));
	assert_int_equal(json_integer_value(json_object_get(j, "tsval")), 9);
	assert_int_equal(json_integer_value(json_object_get(j, "ipopt_len")), 0);
	assert_true(json_is_false(json_object_get(j, "truncated")));
	assert_true(json_is_false(json_object_get(j, "frag")));
	assert_int_equal(json_integer_value(json_object_get(j, "v_minor")), 7);
	assert_string_equal(json_string_value(json_object_get(j, "host")), "-");
	assert_null(json_object_get(j, "exthdrs"));
	assert_int_equal(json_integer_value(json_object_get(j, "queue")), 1);
	assert_int_equal(json_integer_value(json_object_get(j, "id")), 7);
	assert_int_equal(json_integer_value(json_object_get(j, "mark")), 16);
	assert_string_equal(json_string_value(json_object_get(j, "in")), "s0");
	assert_true(json_is_null(json_object_get(j, "out")));
	assert_string_equal(json_string_value(json_object_get(j, "mac")), "02:00:5e:00:00:01");
	o = json_object_get(j, "opts");
	assert_int_equal(json_array_size(o), 7); /* padding reads as EOL */
	assert_string_equal(json_string_value(json_array_get(o, 0)), "mss");
	assert_string_equal(json_string_value(json_array_get(o, 1)), "sackok");
	assert_string_equal(json_string_value(json_array_get(o, 2)), "ts");
	assert_string_equal(json_string_value(json_array_get(o, 3)), "nop");
	assert_string_equal(json_string_value(json_array_get(o, 4)), "wscale");
	assert_int_equal(json_integer_value(json_array_get(o, 5)), 200);
	assert_string_equal(json_string_value(json_array_get(o, 6)), "eol");
	json_decref(j);
}

static void test_json_v6_minimal(void **state)
{
	struct synsink_event ev = ev6();
	char buf[SYNSINK_LINE_MAX];
	json_t *j;

	(void)state;
	assert_true(syn_format_json(&ev, buf, sizeof(buf)) > 0);
	j = parse(buf);
	assert_string_equal(json_string_value(json_object_get(j, "family")), "ipv6");
	assert_string_equal(json_string_value(json_object_get(j, "src")), "fd00:5e::1");
	assert_null(json_object_get(j, "mss")); /* absent options are absent */
	assert_null(json_object_get(j, "tsval"));
	assert_true(json_is_false(json_object_get(j, "sackok")));
	assert_true(json_is_null(json_object_get(j, "mac")));
	assert_int_equal(json_integer_value(json_object_get(j, "exthdrs")), 0);
	assert_null(json_object_get(j, "ip_id"));
	assert_true(json_is_false(json_object_get(j, "frag")));
	json_decref(j);
	/* A first fragment: reported, and said to be one. */
	ev.flags |= SYNSINK_F_IP_MF;
	assert_true(syn_format_json(&ev, buf, sizeof(buf)) > 0);
	j = parse(buf);
	assert_true(json_is_true(json_object_get(j, "frag")));
	assert_string_equal(json_string_value(json_object_get(j, "ts")),
			    "1970-01-01T00:00:00.000000Z");
	json_decref(j);
}

/* The seconds part of ts is cached per thread: it must follow every
 * change of second, forward and back, against strftime. */
static void test_json_ts_follows_the_clock(void **state)
{
	static const uint64_t secs[] = { 1795701600, 1795701600, 1795701601, 1795701599,
					 0,	     4102444799, 1795701600 };
	struct synsink_event ev = ev4();
	char buf[SYNSINK_LINE_MAX], want[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(secs) / sizeof(secs[0]); i++) {
		time_t t = (time_t)secs[i];
		struct tm tm;
		json_t *j;

		ev.ts_ns = secs[i] * 1000000000ull + i * 1000;
		assert_true(syn_format_json(&ev, buf, sizeof(buf)) > 0);
		gmtime_r(&t, &tm);
		strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(want + strlen(want), sizeof(want) - strlen(want), ".%06zuZ", i);
		j = parse(buf);
		assert_string_equal(json_string_value(json_object_get(j, "ts")), want);
		json_decref(j);
	}
}

static void test_json_escapes_interface_names(void **state)
{
	struct synsink_event ev = ev4();
	char buf[SYNSINK_LINE_MAX];
	json_t *j;

	(void)state;
	ev.indev = 5;
	memcpy(ev.indev_name, "a\"b\\c\x01\xff", 8); /* 15 chars max + NUL */
	ev.outdev = 6;
	memset(ev.outdev_name, 'x', sizeof(ev.outdev_name)); /* no NUL at all */
	assert_true(syn_format_json(&ev, buf, sizeof(buf)) > 0);
	j = parse(buf);
	/* 0xff is no UTF-8: U+FFFD (before: \u00ff, as if Latin-1) */
	assert_string_equal(json_string_value(json_object_get(j, "in")), "a\"b\\c\x01\xef\xbf\xbd");
	assert_int_equal(strlen(json_string_value(json_object_get(j, "out"))), 16);
	json_decref(j);
}

/* Every string field: well-formed UTF-8 passes as it is; each byte of an
 * ill-formed sequence (overlong, a surrogate, cut short, a stray
 * continuation) is one U+FFFD; the output is valid UTF-8 JSON. */
static void test_json_utf8(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "caf\xc3\xa9-\xce\xb4", "caf\xc3\xa9-\xce\xb4" },
		{ "\xf0\x9f\x90\xa7", "\xf0\x9f\x90\xa7" },
		{ "\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "a\xce", "a\xef\xbf\xbd" },
		{ "\x80z", "\xef\xbf\xbdz" },
	};
	struct synsink_event ev = ev4();
	char buf[SYNSINK_LINE_MAX];
	size_t i;
	json_t *j;

	(void)state;
	ev.indev = 5;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(ev.indev_name, 0, sizeof(ev.indev_name));
		memcpy(ev.indev_name, cases[i].in, strlen(cases[i].in));
		assert_true(syn_format_json(&ev, buf, sizeof(buf)) > 0);
		j = parse(buf);
		assert_string_equal(json_string_value(json_object_get(j, "in")), cases[i].out);
		json_decref(j);
	}
}

static void test_json_worst_case_fits(void **state)
{
	struct synsink_event ev = test_event_longest();
	char buf[SYNSINK_LINE_MAX], sensor[SYN_SENSOR_MAX + 1];
	json_t *j;

	(void)state;
	memset(sensor, 'h', SYN_SENSOR_MAX); /* the longest sensor name too */
	sensor[SYN_SENSOR_MAX] = '\0';
	assert_int_equal(syn_format_set_sensor(sensor), 0);
	assert_true(syn_format_json(&ev, buf, sizeof(buf)) > 0);
	j = parse(buf);
	assert_string_equal(json_string_value(json_object_get(j, "host")), sensor);
	json_decref(j);
	assert_int_equal(syn_format_json(&ev, buf, 100), 0);
	assert_int_equal(syn_format_set_sensor("-"), 0);
}

/* Sensor names: what syslog's HOSTNAME and a JSON string take unescaped. */
static void test_sensor_names(void **state)
{
	char longest[SYN_SENSOR_MAX + 2];

	(void)state;
	assert_true(syn_sensor_valid("edge-1.example.net"));
	assert_true(syn_sensor_valid("a"));
	memset(longest, 'x', SYN_SENSOR_MAX);
	longest[SYN_SENSOR_MAX] = '\0';
	assert_true(syn_sensor_valid(longest));
	longest[SYN_SENSOR_MAX] = 'x';
	longest[SYN_SENSOR_MAX + 1] = '\0';
	assert_false(syn_sensor_valid(longest));
	assert_false(syn_sensor_valid(""));
	assert_false(syn_sensor_valid("two words"));
	assert_false(syn_sensor_valid("quo\"te"));
	assert_false(syn_sensor_valid("back\\slash"));
	assert_false(syn_sensor_valid("tab\there"));
	assert_false(syn_sensor_valid("caf\xc3\xa9"));
	assert_int_equal(syn_format_set_sensor("two words"), -EINVAL);
	assert_string_equal(syn_sensor(), "-"); /* unchanged */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_v4),
		cmocka_unit_test(test_text_v4_every_octet),
		cmocka_unit_test(test_text_v6),
		cmocka_unit_test(test_text_short_buffer),
		cmocka_unit_test(test_json_v4_full),
		cmocka_unit_test(test_json_v6_minimal),
		cmocka_unit_test(test_json_ts_follows_the_clock),
		cmocka_unit_test(test_json_escapes_interface_names),
		cmocka_unit_test(test_json_utf8),
		cmocka_unit_test(test_json_worst_case_fits),
		cmocka_unit_test(test_sensor_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
