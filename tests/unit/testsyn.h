/* SPDX-License-Identifier: MIT */
/* testsyn.h - an IPv4 SYN from 198.18.0.1 to 198.18.0.2, built by lab/pkt.c
 * and run through the real decoder, for the unit tests that look at what
 * a SYN's shape says (the fingerprint, p0f's labels).  Include after
 * cmocka.h. */
#ifndef SYNSINK_TESTSYN_H
#define SYNSINK_TESTSYN_H

#include <string.h>

#include "decode.h"
#include "pkt.h"

/* Decodes the SYN t with this TTL, IPv4 flags field (0x4000: DF) and IP
 * ID into *ev; fails the test unless it decodes. */
static inline void test_syn4(uint8_t ttl, uint16_t frag, uint16_t ipid, const struct tcp_spec *t,
			     struct synsink_event *ev)
{
	static const uint8_t src[4] = { 198, 18, 0, 1 }, dst[4] = { 198, 18, 0, 2 };
	uint8_t b[PKT_MAX];
	size_t n = pkt_ipv4(b, sizeof(b), src, dst, ttl, frag, NULL, 0, t);

	pkt_put16(b + 4, ipid);
	memset(ev, 0, sizeof(*ev));
	assert_int_equal(syn_decode(b, n, ev), SYN_OK);
}

#endif
