// SPDX-License-Identifier: MIT
/* Fingerprints of SYNs shaped like Linux, Windows, macOS and common
 * scanners (their published option layouts), built byte by byte and run
 * through the real decoder.  The expected strings are what p0f 3.09b
 * prints as raw_sig for the same packets (e2e p0f.sh checks that against
 * p0f itself, in the lab). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "decode.h"
#include "fingerprint.h"
#include "pkt.h"
#include "testsyn.h"

static const uint8_t src6[16] = { 0xfd, 0, 0, 0x5e, [15] = 1 };
static const uint8_t dst6[16] = { 0xfd, 0, 0, 0x5e, [15] = 2 };

/* Decodes a v4 SYN and returns its fingerprint in a static buffer. */
static const char *fp4(uint8_t ttl, uint16_t frag, uint16_t ipid, const struct tcp_spec *t)
{
	static char out[SYN_FP_MAX];
	struct synsink_event ev;

	test_syn4(ttl, frag, ipid, t, &ev);
	assert_true(syn_fingerprint(&ev, out, sizeof(out)) > 0);
	return out;
}

static struct tcp_spec syn(const uint8_t *opts, size_t len, uint16_t win)
{
	struct tcp_spec t = { .sport = 40000,
			      .dport = 443,
			      .seq = 12345,
			      .win = win,
			      .flags = 0x02,
			      .opts = opts,
			      .optlen = len };
	return t;
}

static void test_linux(void **state)
{
	/* MSS 1460, SACK-permitted, TS, NOP, WS 7; window 64240 */
	static const uint8_t o[] = { 2, 4, 5, 180, 4, 2, 8, 10, 0, 1, 2, 3, 0, 0, 0, 0, 1, 3, 3, 7 };
	struct tcp_spec t = syn(o, sizeof(o), 64240);

	(void)state;
	assert_string_equal(fp4(64, 0x4000, 0x1234, &t),
			    "4:64+0:0:1460:mss*44,7:mss,sok,ts,nop,ws:df,id+:0");
	assert_string_equal(fp4(61, 0x4000, 0x1234, &t),
			    "4:61+3:0:1460:mss*44,7:mss,sok,ts,nop,ws:df,id+:0");
	/* More than 35 hops from any initial TTL: p0f writes "+?". */
	assert_string_equal(fp4(70, 0x4000, 0x1234, &t),
			    "4:70+?:0:1460:mss*44,7:mss,sok,ts,nop,ws:df,id+:0");
	assert_string_equal(fp4(200, 0x4000, 0x1234, &t),
			    "4:200+?:0:1460:mss*44,7:mss,sok,ts,nop,ws:df,id+:0");
}

static void test_windows(void **state)
{
	/* MSS, NOP, WS 8, NOP, NOP, SACK-permitted; window 65535, TTL 128 */
	static const uint8_t o[] = { 2, 4, 5, 180, 1, 3, 3, 8, 1, 1, 4, 2 };
	struct tcp_spec t = syn(o, sizeof(o), 65535);

	(void)state;
	assert_string_equal(fp4(118, 0x4000, 0x7a1b, &t),
			    "4:118+10:0:1460:65535,8:mss,nop,ws,nop,nop,sok:df,id+:0");
}

static void test_macos(void **state)
{
	/* MSS, NOP, WS 6, NOP, NOP, TS, SACK-permitted, EOL, one pad byte */
	static const uint8_t o[] = { 2,	   4,	 5,    180,  1, 3, 3, 6, 1, 1, 8, 10,
				     0x10, 0x20, 0x30, 0x40, 0, 0, 0, 0, 4, 2, 0, 0 };
	struct tcp_spec t = syn(o, sizeof(o), 65535);

	(void)state;
	assert_string_equal(fp4(64, 0x4000, 0, &t),
			    "4:64+0:0:1460:65535,6:mss,nop,ws,nop,nop,ts,sok,eol+1:df:0");
}

static void test_nmap_syn_scan(void **state)
{
	/* nmap -sS: window 1024, MSS 1460 only, no DF */
	static const uint8_t o[] = { 2, 4, 5, 180 };
	struct tcp_spec t = syn(o, sizeof(o), 1024);

	(void)state;
	assert_string_equal(fp4(43, 0, 0xbeef, &t), "4:43+21:0:1460:1024,0:mss::0");
}

static void test_masscan_zmap(void **state)
{
	/* no options at all, TTL 255, window 1024 / 65535, IP ID 0 */
	struct tcp_spec t = syn(NULL, 0, 1024);

	(void)state;
	assert_string_equal(fp4(255, 0, 0, &t), "4:255+0:0:0:1024,0::id-:0");
	t.win = 65535;
	t.seq = 0;
	assert_string_equal(fp4(250, 0, 54321, &t), "4:250+5:0:0:65535,0::seq-:0");
}

static void test_quirks(void **state)
{
	/* ECN setup, PSH, a TS with zero TSval and non-zero TSecr, scale 15,
	 * data after EOL, a payload */
	static const uint8_t o[] = { 8, 10, 0, 0, 0, 0, 0, 0, 0, 9, 3, 3, 15, 0, 7, 0 };
	struct tcp_spec t = syn(o, sizeof(o), 1000);

	(void)state;
	t.flags = 0x02 | 0x08 | 0x40 | 0x80;
	t.paylen = 10;
	assert_string_equal(
		fp4(64, 0xc000, 1, &t),
		"4:64+0:0:0:1000,15:ts,ws,eol+2:df,id+,ecn,0+,pushf+,ts1-,ts2+,opt+,exws:+");
}

static void test_ipv6_flow(void **state)
{
	static const uint8_t o[] = { 2, 4, 5, 160, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7 };
	struct tcp_spec t = syn(o, sizeof(o), 64800);
	uint8_t b[PKT_MAX];
	struct synsink_event ev;
	char out[SYN_FP_MAX];
	size_t n = pkt_ipv6(b, sizeof(b), src6, dst6, 63, 6, NULL, 0, &t);

	(void)state;
	b[2] = 0x12; /* flow label */
	memset(&ev, 0, sizeof(ev));
	assert_int_equal(syn_decode(b, n, &ev), SYN_OK);
	assert_true(syn_fingerprint(&ev, out, sizeof(out)) > 0);
	assert_string_equal(out, "6:63+1:0:1440:mss*45,7:mss,sok,ts,nop,ws:flow:0");
}

/* The windows p0f recognises besides a multiple of the MSS, in its order. */
static void test_window_multiples(void **state)
{
	static const uint8_t mss1380[] = { 2, 4, 5, 0x64 };
	static const uint8_t mss1460[] = { 2, 4, 5, 0xb4 };
	static const uint8_t lts[] = { 2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0,
				       4, 0, 0, 0,    0, 0, 1, 3,  3, 7 };
	struct tcp_spec t = syn(mss1380, sizeof(mss1380), 6000);

	(void)state;
	assert_string_equal(fp4(64, 0x4000, 1, &t), "4:64+0:0:1380:mtu*4,0:mss:df,id+:0");
	t.win = 2840; /* 2 * (1380 + 40) */
	assert_string_equal(fp4(64, 0x4000, 1, &t), "4:64+0:0:1380:mtu*2,0:mss:df,id+:0");
	t = syn(lts, sizeof(lts), 14480); /* 10 * (1460 - 12), with a timestamp */
	assert_string_equal(fp4(64, 0x4000, 1, &t),
			    "4:64+0:0:1460:mss*10,7:mss,sok,ts,nop,ws:df,id+:0");
	t = syn(mss1460, sizeof(mss1460), 2896); /* 2 * 1448, without: the 1500 MTU's */
	assert_string_equal(fp4(64, 0x4000, 1, &t), "4:64+0:0:1460:mss*2,0:mss:df,id+:0");
}

/* p0f means "ack+" for a non-zero ack field, but tests one bit of it: the
 * lowest of its first byte on the wire.  fp does as p0f does. */
static void test_ack_bit(void **state)
{
	static const uint8_t o[] = { 2, 4, 5, 0xb4 };
	struct tcp_spec t = syn(o, sizeof(o), 1024);
	struct synsink_event ev;
	char out[SYN_FP_MAX];

	(void)state;
	test_syn4(64, 0x4000, 0x1234, &t, &ev);
	ev.ack = 0x01000000;
	assert_true(syn_fingerprint(&ev, out, sizeof(out)) > 0);
	assert_non_null(strstr(out, ":df,id+,ack+:"));
	ev.ack = 0x00000001;
	assert_true(syn_fingerprint(&ev, out, sizeof(out)) > 0);
	assert_null(strstr(out, "ack+"));
}

static void test_ittl(void **state)
{
	(void)state;
	assert_int_equal(syn_fp_ittl(1), 32);
	assert_int_equal(syn_fp_ittl(32), 32);
	assert_int_equal(syn_fp_ittl(33), 64);
	assert_int_equal(syn_fp_ittl(64), 64);
	assert_int_equal(syn_fp_ittl(100), 128);
	assert_int_equal(syn_fp_ittl(129), 255);
	assert_int_equal(syn_fp_ittl(255), 255);
}

static void test_short_buffer(void **state)
{
	struct tcp_spec t = syn(NULL, 0, 1024);
	char out[8];
	struct synsink_event ev;

	(void)state;
	test_syn4(64, 0, 0x1234, &t, &ev);
	assert_int_equal(syn_fingerprint(&ev, out, sizeof(out)), 0);
	assert_string_equal(out, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linux),	     cmocka_unit_test(test_windows),
		cmocka_unit_test(test_macos),	     cmocka_unit_test(test_nmap_syn_scan),
		cmocka_unit_test(test_masscan_zmap), cmocka_unit_test(test_quirks),
		cmocka_unit_test(test_ipv6_flow),    cmocka_unit_test(test_ittl),
		cmocka_unit_test(test_short_buffer), cmocka_unit_test(test_window_multiples),
		cmocka_unit_test(test_ack_bit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
