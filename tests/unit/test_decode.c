// SPDX-License-Identifier: MIT
/* The decoder, on well-formed SYNs of every option kind and on every
 * malformed shape it must refuse or stop at. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "decode.h"
#include "pkt.h"

static const uint8_t v4s[4] = { 198, 18, 0, 1 }, v4d[4] = { 198, 18, 0, 2 };
static const uint8_t v6s[16] = { 0xfd, 0, 0, 0x5e, [15] = 1 };
static const uint8_t v6d[16] = { 0xfd, 0, 0, 0x5e, [15] = 2 };

/* Linux's SYN option layout: MSS, SACK-permitted, timestamps, NOP, WS. */
static const uint8_t linux_opts[] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0,
				      0, 1, 0,	  0,	0, 0, 1, 3,  3, 7 };

static struct tcp_spec syn(const uint8_t *opts, size_t optlen)
{
	struct tcp_spec t = { .sport = 40000,
			      .dport = 22,
			      .seq = 0xdeadbeef,
			      .win = 64240,
			      .flags = 0x02,
			      .opts = opts,
			      .optlen = optlen };
	return t;
}

static size_t v4(uint8_t *b, const struct tcp_spec *t)
{
	return pkt_ipv4(b, PKT_MAX, v4s, v4d, 64, 0x4000, NULL, 0, t);
}

static void test_ipv4_linux_syn(void **state)
{
	struct tcp_spec t = syn(linux_opts, sizeof(linux_opts));
	uint8_t b[PKT_MAX];
	struct synsink_event ev = { 0 };
	size_t n = v4(b, &t);

	(void)state;
	assert_int_equal(syn_decode(b, n, &ev), SYN_OK);
	assert_int_equal(ev.family, AF_INET);
	assert_memory_equal(ev.saddr, v4s, 4);
	assert_memory_equal(ev.daddr, v4d, 4);
	assert_int_equal(ev.sport, 40000);
	assert_int_equal(ev.dport, 22);
	assert_int_equal(ev.seq, 0xdeadbeef);
	assert_int_equal(ev.win, 64240);
	assert_int_equal(ev.ttl, 64);
	assert_true(ev.flags & SYNSINK_F_IP_DF);
	assert_false(ev.flags & SYNSINK_F_OPT_BAD);
	assert_int_equal(ev.opt_present, SYNSINK_HAS_MSS | SYNSINK_HAS_SACKOK | SYNSINK_HAS_TS |
						 SYNSINK_HAS_WSCALE);
	assert_int_equal(ev.mss, 1460);
	assert_int_equal(ev.wscale, 7);
	assert_int_equal(ev.tsval, 1);
	assert_int_equal(ev.tsecr, 0);
	assert_int_equal(ev.n_opts, 5);
	assert_int_equal(ev.opt_order[0], SYNSINK_TCPOPT_MSS);
	assert_int_equal(ev.opt_order[1], SYNSINK_TCPOPT_SACKOK);
	assert_int_equal(ev.opt_order[2], SYNSINK_TCPOPT_TS);
	assert_int_equal(ev.opt_order[3], SYNSINK_TCPOPT_NOP);
	assert_int_equal(ev.opt_order[4], SYNSINK_TCPOPT_WSCALE);
	assert_int_equal(ev.payload_len, 0);
}

static void test_ipv6_syn(void **state)
{
	struct tcp_spec t = syn(linux_opts, sizeof(linux_opts));
	uint8_t b[PKT_MAX];
	struct synsink_event ev = { 0 };
	size_t n = pkt_ipv6(b, sizeof(b), v6s, v6d, 63, 6, NULL, 0, &t);

	(void)state;
	assert_int_equal(syn_decode(b, n, &ev), SYN_OK);
	assert_int_equal(ev.family, AF_INET6);
	assert_memory_equal(ev.saddr, v6s, 16);
	assert_memory_equal(ev.daddr, v6d, 16);
	assert_int_equal(ev.ttl, 63);
	assert_int_equal(ev.mss, 1460);
	assert_int_equal(ev.n_exthdr, 0);
}

static void test_ipv6_ext_chain(void **state)
{
	struct tcp_spec t = syn(linux_opts, sizeof(linux_opts));
	uint8_t chain[1024], b[PKT_MAX];
	struct synsink_event ev = { 0 };
	size_t len = 0, n;

	(void)state;
	/* hop-by-hop -> dstopts -> routing -> dstopts(big) -> TCP */
	len = pkt_ext_append(chain, len, sizeof(chain), 60, 8);
	len = pkt_ext_append(chain, len, sizeof(chain), 43, 16);
	len = pkt_ext_append(chain, len, sizeof(chain), 60, 8);
	len = pkt_ext_append(chain, len, sizeof(chain), 6, 256);
	n = pkt_ipv6(b, sizeof(b), v6s, v6d, 64, 0, chain, len, &t);
	assert_int_equal(syn_decode(b, n, &ev), SYN_OK);
	assert_int_equal(ev.n_exthdr, 4);
	assert_int_equal(ev.dport, 22);
	assert_int_equal(ev.mss, 1460);

	/* The same chain cut inside an extension header. */
	memset(&ev, 0, sizeof(ev));
	assert_int_equal(syn_decode(b, 40 + 8 + 16 + 8 + 100, &ev), SYN_ERR_EXTHDR);
	/* ... and cut before an extension header's first 8 bytes. */
	memset(&ev, 0, sizeof(ev));
	assert_int_equal(syn_decode(b, 44, &ev), SYN_ERR_EXTHDR);
}

/* The kernel walks a chain of any length, so synsink does too: a SYN
 * behind 150 destination-options headers (a minimum-MTU packet) is an
 * event; past 255 headers the count saturates; a chain that runs past
 * the copied bytes is counted, not guessed at. */
static void test_ipv6_long_chain(void **state)
{
	struct tcp_spec t = syn(NULL, 0);
	static uint8_t chain[4096], b[4096];
	struct synsink_event ev = { 0 };
	size_t len = 0, n;
	int i;

	(void)state;
	for (i = 0; i < 149; i++)
		len = pkt_ext_append(chain, len, sizeof(chain), 60, 8);
	len = pkt_ext_append(chain, len, sizeof(chain), 6, 8);
	n = pkt_ipv6(b, sizeof(b), v6s, v6d, 64, 60, chain, len, &t);
	assert_true(n <= 1280);
	assert_int_equal(syn_decode(b, n, &ev), SYN_OK);
	assert_int_equal(ev.n_exthdr, 150);
	assert_int_equal(ev.dport, 22);

	/* Cut inside the chain, as a short copy range would. */
	memset(&ev, 0, sizeof(ev));
	assert_int_equal(syn_decode(b, 40 + 8 * 100 + 4, &ev), SYN_ERR_EXTHDR);

	len = 0;
	for (i = 0; i < 299; i++)
		len = pkt_ext_append(chain, len, sizeof(chain), 60, 8);
	len = pkt_ext_append(chain, len, sizeof(chain), 6, 8);
	n = pkt_ipv6(b, sizeof(b), v6s, v6d, 64, 60, chain, len, &t);
	memset(&ev, 0, sizeof(ev));
	assert_int_equal(syn_decode(b, n, &ev), SYN_OK);
	assert_int_equal(ev.n_exthdr, 255);
}

static void test_ipv6_fragments(void **state)
{
	struct tcp_spec t = syn(NULL, 0);
	uint8_t frag[8] = { 6, 0, 0, 1, 0, 0, 0, 42 }; /* offset 0, M=1 */
	uint8_t b[PKT_MAX];
	struct synsink_event ev = { 0 };
	size_t n;

	(void)state;
	n = pkt_ipv6(b, sizeof(b), v6s, v6d, 64, 44, frag, 8, &t);
	assert_int_equal(syn_decode(b, n, &ev), SYN_OK);
	assert_true(ev.flags & SYNSINK_F_IP_MF);

	frag[2] = 0x01; /* offset 32 */
	frag[3] = 0x00;
	n = pkt_ipv6(b, sizeof(b), v6s, v6d, 64, 44, frag, 8, &t);
	memset(&ev, 0, sizeof(ev));
	assert_int_equal(syn_decode(b, n, &ev), SYN_ERR_FRAGMENT);
}

static void test_ipv6_no_next_header(void **state)
{
	struct tcp_spec t = syn(NULL, 0);
	uint8_t b[PKT_MAX];
	struct synsink_event ev = { 0 };
	size_t n = pkt_ipv6(b, sizeof(b), v6s, v6d, 64, 59, NULL, 0, &t);

	(void)state;
	assert_int_equal(syn_decode(b, n, &ev), SYN_ERR_NOT_TCP);
}

static void test_ipv4_options_and_fragments(void **state)
{
	static const uint8_t rr[] = { 7, 7, 4, 0, 0, 0, 0 }; /* record route */
	struct tcp_spec t = syn(linux_opts, sizeof(linux_opts));
	uint8_t b[PKT_MAX];
	struct synsink_event ev = { 0 };
	size_t n;

	(void)state;
	n = pkt_ipv4(b, sizeof(b), v4s, v4d, 64, 0, rr, sizeof(rr), &t);
	assert_int_equal(syn_decode(b, n, &ev), SYN_OK);
	assert_int_equal(ev.ipopt_len, 8);
	assert_int_equal(ev.mss, 1460);

	/* First fragment (MF, offset 0): TCP is there. */
	n = pkt_ipv4(b, sizeof(b), v4s, v4d, 64, 0x2000, NULL, 0, &t);
	memset(&ev, 0, sizeof(ev));
	assert_int_equal(syn_decode(b, n, &ev), SYN_OK);
	assert_true(ev.flags & SYNSINK_F_IP_MF);

	/* A later fragment: no TCP header. */
	n = pkt_ipv4(b, sizeof(b), v4s, v4d, 64, 0x0010, NULL, 0, &t);
	memset(&ev, 0, sizeof(ev));
	assert_int_equal(syn_decode(b, n, &ev), SYN_ERR_FRAGMENT);
}

static void test_ipv4_header_errors(void **state)
{
	struct tcp_spec t = syn(NULL, 0);
	uint8_t b[PKT_MAX];
	struct synsink_event ev = { 0 };
	size_t n;

	(void)state;
	n = v4(b, &t);
	assert_int_equal(syn_decode(b, 0, &ev), SYN_ERR_SHORT_IP);
	assert_int_equal(syn_decode(b, 19, &ev), SYN_ERR_SHORT_IP);

	b[0] = 0x44; /* IHL 4 */
	assert_int_equal(syn_decode(b, n, &ev), SYN_ERR_IP_HDRLEN);
	b[0] = 0x4f; /* IHL 15: 60 bytes, more than present */
	assert_int_equal(syn_decode(b, 40, &ev), SYN_ERR_IP_HDRLEN);
	b[0] = 0x45;
	b[2] = 0; /* total length 10 < IHL */
	b[3] = 10;
	assert_int_equal(syn_decode(b, n, &ev), SYN_ERR_IP_HDRLEN);

	n = v4(b, &t);
	b[0] = 0x55;
	assert_int_equal(syn_decode(b, n, &ev), SYN_ERR_IP_VERSION);
	n = v4(b, &t);
	b[9] = 17;
	assert_int_equal(syn_decode(b, n, &ev), SYN_ERR_NOT_TCP);
}

static void test_tcp_errors(void **state)
{
	struct tcp_spec t = syn(NULL, 0);
	uint8_t b[PKT_MAX];
	struct synsink_event ev = { 0 };
	size_t n;

	(void)state;
	n = v4(b, &t);
	assert_int_equal(syn_decode(b, 20 + 19, &ev), SYN_ERR_SHORT_TCP);

	t.doff = 4; /* below 5 */
	n = v4(b, &t);
	assert_int_equal(syn_decode(b, n, &ev), SYN_ERR_TCP_DOFF);

	t.doff = 15; /* 60 bytes, past the 20 present */
	n = v4(b, &t);
	assert_int_equal(syn_decode(b, n, &ev), SYN_ERR_TCP_DOFF);

	t.doff = 0;
	t.flags = 0x12; /* SYN+ACK */
	n = v4(b, &t);
	assert_int_equal(syn_decode(b, n, &ev), SYN_ERR_NOT_SYN);
	t.flags = 0x10; /* ACK only */
	n = v4(b, &t);
	assert_int_equal(syn_decode(b, n, &ev), SYN_ERR_NOT_SYN);
}

static void test_padding_trimmed(void **state)
{
	struct tcp_spec t = syn(NULL, 0);
	uint8_t b[PKT_MAX];
	struct synsink_event ev = { 0 };
	size_t n;

	(void)state;
	n = v4(b, &t);
	memset(b + n, 0xff, 6); /* Ethernet padding after the datagram */
	assert_int_equal(syn_decode(b, n + 6, &ev), SYN_OK);
	assert_int_equal(ev.payload_len, 0);
}

static void test_syn_with_data_and_ecn(void **state)
{
	struct tcp_spec t = syn(NULL, 0);
	uint8_t b[PKT_MAX];
	struct synsink_event ev = { 0 };
	size_t n;

	(void)state;
	t.paylen = 100;
	t.flags = 0x02 | 0x40 | 0x80;
	n = v4(b, &t);
	assert_int_equal(syn_decode(b, n, &ev), SYN_OK);
	assert_int_equal(ev.payload_len, 100);
	assert_true(ev.flags & SYNSINK_F_ECN_SETUP);
	assert_int_equal(ev.tcp_flags, 0xc2);

	/* Copy range cut the payload: lengths still come from the header. */
	memset(&ev, 0, sizeof(ev));
	assert_int_equal(syn_decode(b, 40, &ev), SYN_OK);
	assert_int_equal(ev.payload_len, 100);
}

static void decode_opts(const uint8_t *opts, size_t len, uint8_t doff, struct synsink_event *ev)
{
	struct tcp_spec t = syn(opts, len);
	uint8_t b[PKT_MAX];
	size_t n;

	t.doff = doff;
	n = v4(b, &t);
	memset(ev, 0, sizeof(*ev));
	assert_int_equal(syn_decode(b, n, ev), SYN_OK);
}

/* The option walk is p0f's (decode.c): these are its rules, case by case. */
static void test_options_zero_length(void **state)
{
	static const uint8_t o[] = { 2, 4, 5, 0xb4, 30, 0, 1, 1 };
	struct synsink_event ev;

	(void)state;
	decode_opts(o, sizeof(o), 0, &ev);
	assert_true(ev.flags & SYNSINK_F_OPT_BAD);
	assert_int_equal(ev.mss, 1460);
	assert_int_equal(ev.n_opts, 2); /* kind 30 recorded, then the walk stops */
	assert_int_equal(ev.opt_order[1], 30);
}

static void test_options_overlong(void **state)
{
	static const uint8_t o[] = { 1, 3, 40, 7 }; /* WS claiming 40 bytes */
	struct synsink_event ev;

	(void)state;
	decode_opts(o, sizeof(o), 0, &ev);
	assert_true(ev.flags & SYNSINK_F_OPT_BAD);
	assert_false(ev.opt_present & SYNSINK_HAS_WSCALE); /* not believed */
	assert_int_equal(ev.wscale, 7);			   /* but read, as p0f does */
	assert_int_equal(ev.n_opts, 2);
}

static void test_options_length_one_and_cut(void **state)
{
	static const uint8_t one[] = { 8, 1, 1, 1 };
	static const uint8_t cut[] = { 1, 1, 1, 2 }; /* MSS kind, no length */
	struct synsink_event ev;

	(void)state;
	decode_opts(one, sizeof(one), 0, &ev);
	assert_true(ev.flags & SYNSINK_F_OPT_BAD); /* a timestamp needs 10 bytes */
	assert_int_equal(ev.n_opts, 1);
	decode_opts(cut, sizeof(cut), 0, &ev);
	assert_true(ev.flags & SYNSINK_F_OPT_BAD);
	assert_int_equal(ev.n_opts, 4);
	assert_int_equal(ev.mss, 0);
}

static void test_options_wrong_known_length(void **state)
{
	/* MSS with length 3: read anyway, and the walk moves on by 4 bytes,
	 * as if it were right; so does WS with length 7. */
	static const uint8_t o[] = { 2, 3, 5, 3, 3, 7, 1, 1 };
	struct synsink_event ev;

	(void)state;
	decode_opts(o, sizeof(o), 0, &ev);
	assert_true(ev.flags & SYNSINK_F_OPT_BAD);
	assert_false(ev.opt_present & (SYNSINK_HAS_MSS | SYNSINK_HAS_WSCALE));
	assert_int_equal(ev.mss, 0x0503);
	assert_int_equal(ev.wscale, 1);
	assert_int_equal(ev.n_opts, 3);
	assert_int_equal(ev.opt_order[2], SYNSINK_TCPOPT_NOP);
}

static void test_options_eol_unknown_sack(void **state)
{
	static const uint8_t ok[] = { 254, 4, 0xf9, 0x89, 5, 10, 0, 0, 0,    1,
				      0,   0, 0,    2,	  0, 2,	 4, 5, 0xb4, 0 };
	static const uint8_t short_sack[] = { 254, 4, 0xf9, 0x89, 5, 2, 0, 2 };
	struct synsink_event ev;

	(void)state;
	decode_opts(ok, sizeof(ok), 0, &ev);
	assert_false(ev.flags & SYNSINK_F_OPT_BAD);
	assert_int_equal(ev.n_opts, 3);
	assert_int_equal(ev.opt_order[0], 254);
	assert_int_equal(ev.opt_order[1], SYNSINK_TCPOPT_SACK);
	assert_int_equal(ev.opt_order[2], SYNSINK_TCPOPT_EOL);
	assert_int_equal(ev.eol_pad, 5);
	assert_true(ev.flags & SYNSINK_F_OPT_TRAIL);	/* the MSS after EOL */
	assert_false(ev.opt_present & SYNSINK_HAS_MSS); /* after EOL: ignored */
	/* SACK must be 10 to 34 bytes long: a shorter one stops the walk. */
	decode_opts(short_sack, sizeof(short_sack), 0, &ev);
	assert_true(ev.flags & SYNSINK_F_OPT_BAD);
	assert_int_equal(ev.n_opts, 2);
}

static void test_options_eol_last_byte(void **state)
{
	/* p0f's padding check steps past the byte it tests: a non-zero last
	 * byte alone is not "opt+". */
	static const uint8_t last[] = { 2, 4, 5, 0xb4, 0, 0, 0, 9 };
	static const uint8_t mid[] = { 2, 4, 5, 0xb4, 0, 0, 9, 0 };
	struct synsink_event ev;

	(void)state;
	decode_opts(last, sizeof(last), 0, &ev);
	assert_false(ev.flags & SYNSINK_F_OPT_TRAIL);
	assert_int_equal(ev.eol_pad, 3);
	decode_opts(mid, sizeof(mid), 0, &ev);
	assert_true(ev.flags & SYNSINK_F_OPT_TRAIL);
}

static void test_options_all_nops(void **state)
{
	uint8_t o[40];
	struct synsink_event ev;

	(void)state;
	memset(o, 1, sizeof(o));
	decode_opts(o, sizeof(o), 0, &ev);
	assert_int_equal(ev.n_opts, SYN_OPT_WALK_MAX); /* p0f walks 24 at most */
	assert_true(ev.flags & SYNSINK_F_OPT_BAD);     /* and the rest is "bad" */
	decode_opts(o, SYN_OPT_WALK_MAX, 0, &ev);
	assert_int_equal(ev.n_opts, SYN_OPT_WALK_MAX);
	assert_false(ev.flags & SYNSINK_F_OPT_BAD);
}

static void test_errnames(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < SYN_ERR__COUNT; i++)
		assert_non_null(syn_decode_errname((enum syn_decode_err)i));
	assert_string_equal(syn_decode_errname(SYN_ERR__COUNT), "unknown");
	assert_string_equal(syn_decode_errname(SYN_ERR_TCP_DOFF), "tcp_doff");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_linux_syn),
		cmocka_unit_test(test_ipv6_syn),
		cmocka_unit_test(test_ipv6_ext_chain),
		cmocka_unit_test(test_ipv6_long_chain),
		cmocka_unit_test(test_ipv6_fragments),
		cmocka_unit_test(test_ipv6_no_next_header),
		cmocka_unit_test(test_ipv4_options_and_fragments),
		cmocka_unit_test(test_ipv4_header_errors),
		cmocka_unit_test(test_tcp_errors),
		cmocka_unit_test(test_padding_trimmed),
		cmocka_unit_test(test_syn_with_data_and_ecn),
		cmocka_unit_test(test_options_zero_length),
		cmocka_unit_test(test_options_overlong),
		cmocka_unit_test(test_options_length_one_and_cut),
		cmocka_unit_test(test_options_wrong_known_length),
		cmocka_unit_test(test_options_eol_unknown_sack),
		cmocka_unit_test(test_options_eol_last_byte),
		cmocka_unit_test(test_options_all_nops),
		cmocka_unit_test(test_errnames),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
