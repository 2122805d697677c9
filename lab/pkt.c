// SPDX-License-Identifier: MIT
/* pkt.c - SYN builders with correct checksums (unless told otherwise). */
#include "pkt.h"

#include <string.h>

void pkt_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void pkt_put32(uint8_t *p, uint32_t v)
{
	pkt_put16(p, (uint16_t)(v >> 16));
	pkt_put16(p + 2, (uint16_t)v);
}

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Writes the TCP header, options and payload at p; returns its length. */
static size_t tcp_write(uint8_t *p, size_t cap, const struct tcp_spec *t)
{
	size_t optpad = (t->optlen + 3) & ~(size_t)3;
	size_t hlen = 20 + optpad, len = hlen + t->paylen;

	if (len > cap)
		return 0;
	memset(p, 0, len);
	pkt_put16(p, t->sport);
	pkt_put16(p + 2, t->dport);
	pkt_put32(p + 4, t->seq);
	p[12] = (uint8_t)((t->doff ? t->doff : hlen / 4) << 4);
	p[13] = t->flags;
	pkt_put16(p + 14, t->win);
	if (t->optlen)
		memcpy(p + 20, t->opts, t->optlen);
	return len;
}

size_t pkt_ipv4(uint8_t *buf, size_t cap, const uint8_t src[4], const uint8_t dst[4], uint8_t ttl,
		uint16_t frag, const uint8_t *ipopts, size_t ipoptlen, const struct tcp_spec *t)
{
	size_t ihl = 20 + ((ipoptlen + 3) & ~(size_t)3), tl;
	uint32_t sum;

	if (ihl > 60 || ihl > cap)
		return 0;
	memset(buf, 0, ihl);
	tl = tcp_write(buf + ihl, cap - ihl, t);
	if (!tl)
		return 0;
	buf[0] = (uint8_t)(0x40 | ihl / 4);
	pkt_put16(buf + 2, (uint16_t)(ihl + tl));
	pkt_put16(buf + 4, 0x1234);
	pkt_put16(buf + 6, frag);
	buf[8] = ttl;
	buf[9] = 6;
	memcpy(buf + 12, src, 4);
	memcpy(buf + 16, dst, 4);
	if (ipoptlen)
		memcpy(buf + 20, ipopts, ipoptlen);
	pkt_put16(buf + 10, fold(sum16(buf, ihl, 0)));

	sum = sum16(buf + 12, 8, 0) + 6 + (uint32_t)tl;
	pkt_put16(buf + ihl + 16, fold(sum16(buf + ihl, tl, sum)));
	return ihl + tl;
}

size_t pkt_ipv6(uint8_t *buf, size_t cap, const uint8_t src[16], const uint8_t dst[16],
		uint8_t hops, uint8_t first_nh, const uint8_t *ext, size_t extlen,
		const struct tcp_spec *t)
{
	size_t off = 40 + extlen, tl;
	uint32_t sum;

	if (off > cap)
		return 0;
	memset(buf, 0, 40);
	tl = tcp_write(buf + off, cap - off, t);
	if (!tl)
		return 0;
	buf[0] = 0x60;
	pkt_put16(buf + 4, (uint16_t)(extlen + tl));
	buf[6] = first_nh;
	buf[7] = hops;
	memcpy(buf + 8, src, 16);
	memcpy(buf + 24, dst, 16);
	if (extlen)
		memcpy(buf + 40, ext, extlen);

	sum = sum16(buf + 8, 32, 0) + (uint32_t)tl + 6;
	pkt_put16(buf + off + 16, fold(sum16(buf + off, tl, sum)));
	return off + tl;
}

size_t pkt_ext_append(uint8_t *chain, size_t len, size_t cap, uint8_t nh, size_t hlen)
{
	uint8_t *h = chain + len;

	if (hlen < 8 || hlen % 8 || hlen > 2048 || len + hlen > cap)
		return 0;
	memset(h, 0, hlen);
	h[0] = nh;
	h[1] = (uint8_t)(hlen / 8 - 1);
	h[2] = 1; /* PadN covering the rest */
	h[3] = (uint8_t)(hlen - 4);
	return len + hlen;
}
