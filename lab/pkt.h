/* SPDX-License-Identifier: MIT */
/*
 * pkt.h - building IPv4/IPv6 TCP SYNs byte by byte, well-formed or not.
 * Shared by the lab's generator (raw and odd modes) and the unit tests.
 */
#ifndef SYNSINK_PKT_H
#define SYNSINK_PKT_H

#include <stddef.h>
#include <stdint.h>

#define PKT_MAX 2048

struct tcp_spec {
	uint16_t sport, dport;
	uint32_t seq;
	uint16_t win;
	uint8_t flags;	     /* 0x02 = SYN */
	const uint8_t *opts; /* raw option bytes */
	size_t optlen;	     /* padded to 4 by the builder unless doff is set */
	uint8_t doff;	     /* 0: from optlen; else written as is */
	size_t paylen;	     /* zero bytes of payload */
};

/* Big-endian (network order) writers. */
void pkt_put16(uint8_t *p, uint16_t v);
void pkt_put32(uint8_t *p, uint32_t v);

/* An IPv4 packet; ipopts is padded to 4 bytes.  frag is the 16-bit flags
 * and offset field (0x4000 = DF).  Returns the length, 0 if cap is short. */
size_t pkt_ipv4(uint8_t *buf, size_t cap, const uint8_t src[4], const uint8_t dst[4], uint8_t ttl,
		uint16_t frag, const uint8_t *ipopts, size_t ipoptlen, const struct tcp_spec *t);

/* An IPv6 packet.  ext is a ready chain of extension headers and first_nh
 * the Next Header of the fixed header (6 when ext is empty); the chain's
 * last header must name TCP (6).  Returns the length or 0. */
size_t pkt_ipv6(uint8_t *buf, size_t cap, const uint8_t src[16], const uint8_t dst[16],
		uint8_t hops, uint8_t first_nh, const uint8_t *ext, size_t extlen,
		const struct tcp_spec *t);

/* Appends an 8-byte-multiple extension header (hop-by-hop, routing or
 * destination options, padded with PadN) naming nh as next; returns the
 * new chain length or 0. */
size_t pkt_ext_append(uint8_t *chain, size_t len, size_t cap, uint8_t nh, size_t hlen);

#endif
