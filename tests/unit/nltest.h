/* SPDX-License-Identifier: MIT */
/*
 * nltest.h - what the tests of the capture sources share (test_capture,
 * test_nflog): a capture with its buffers and no socket, a datagram being
 * built, a SYN's bytes, a counter's value.  Include after cmocka.h.
 */
#ifndef SYNSINK_NLTEST_H
#define SYNSINK_NLTEST_H

#include <stdint.h>
#include <stdlib.h>

#include "nflog_int.h"
#include "pkt.h"

#define NOW_REAL 1700000000000000000ull
#define NOW_MONO 5000000000ull

/* A datagram as one read returns it, being built. */
struct dgram {
	_Alignas(8) char buf[65536];
	size_t len;
};

/* A capture of kind numbered n: buffers and a retransmit table, no
 * socket (nothing may send: a full NFQUEUE batch needs rx->unbound). */
static inline struct capture *cap_new(enum capture_kind kind, uint16_t n)
{
	struct capture *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	c->kind = kind;
	c->queue = n;
	c->kfd = -1;
	if (kind == CAPTURE_NFLOG) {
		c->ops = &nflog_ops;
		c->lrx = calloc(1, sizeof(*c->lrx));
		assert_non_null(c->lrx);
		c->batch = &c->lrx->b;
	} else {
		c->ops = &capture_nfq_ops;
		c->rx = calloc(1, sizeof(*c->rx));
		assert_non_null(c->rx);
		c->batch = &c->rx->b;
	}
	assert_int_equal(retx_init(&c->out.retx, 1024, 1000000000ull), 0);
	return c;
}

static inline void cap_free(struct capture *c)
{
	retx_free(&c->out.retx);
	free(c->rx);
	free(c->lrx);
	free(c);
}

/* A Linux-like SYN (MSS 1460) from 198.18.0.1:sport to 198.18.0.2:dport
 * into pkt; its length. */
static inline size_t syn4(uint8_t *pkt, uint16_t sport, uint16_t dport)
{
	static const uint8_t src[4] = { 198, 18, 0, 1 }, dst[4] = { 198, 18, 0, 2 };
	static const uint8_t mss[4] = { 2, 4, 0x05, 0xb4 };
	struct tcp_spec t = { .sport = sport,
			      .dport = dport,
			      .seq = 1,
			      .win = 64240,
			      .flags = 0x02,
			      .opts = mss,
			      .optlen = sizeof(mss) };

	return pkt_ipv4(pkt, PKT_MAX, src, dst, 64, 0x4000, NULL, 0, &t);
}

static inline unsigned long long got(const atomic_ullong *v)
{
	return stat_get(v);
}

#endif
