// SPDX-License-Identifier: MIT
/*
 * decode.c - a bounds-checked SYN decoder.
 *
 * Every read is at an offset checked first against the bytes the kernel
 * copied (a byte directly, two or four through get16/get32), so no header
 * field can move the cursor past them.
 */
#include "decode.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#define TH_SYN 0x02
#define TH_ACK 0x10
#define TH_ECE 0x40
#define TH_CWR 0x80

static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static const char *const errnames[SYN_ERR__COUNT] = {
	[SYN_OK] = "ok",
	[SYN_ERR_SHORT_IP] = "short_ip",
	[SYN_ERR_IP_VERSION] = "ip_version",
	[SYN_ERR_IP_HDRLEN] = "ip_hdrlen",
	[SYN_ERR_NOT_TCP] = "not_tcp",
	[SYN_ERR_FRAGMENT] = "fragment",
	[SYN_ERR_EXTHDR] = "ipv6_exthdr",
	[SYN_ERR_SHORT_TCP] = "short_tcp",
	[SYN_ERR_TCP_DOFF] = "tcp_doff",
	[SYN_ERR_NOT_SYN] = "not_syn",
};

const char *syn_decode_errname(enum syn_decode_err err)
{
	if ((unsigned int)err >= SYN_ERR__COUNT)
		return "unknown";
	return errnames[err];
}

/*
 * Walks the option bytes [p, end) as p0f 3 does, so that the layout, the
 * values and the quirks the fingerprint prints are p0f's own:
 *  - each kind is recorded before its length is looked at, at most
 *    SYN_OPT_WALK_MAX of them; bytes left after that are "bad";
 *  - MSS, WS, SACKOK and TS are taken to be as long as they should be
 *    (4, 3, 2, 10): a different length byte is "bad", their value is read
 *    anyway (not believed: no SYNSINK_HAS_* bit) and the walk moves on by
 *    the expected length;
 *  - SACK (10-34 bytes) and unknown kinds (2-40) move on by their length
 *    byte; one out of range, or running past the end, stops the walk
 *    ("bad"), as does a fixed-size option cut off by the end;
 *  - EOL ends it; eol_pad counts the bytes after it, and a non-zero one
 *    among them is "opt+" unless it is the very last byte (p0f's loop
 *    steps past the byte it tests).
 */
/* A fixed-size option (MSS 4, WS 3, SACKOK 2, TS 10 bytes), p at its
 * length byte: false if the rest does not fit (the walk stops); else a
 * wrong length byte is "bad" and the value is not believed (no has bit). */
static bool opt_fixed(const uint8_t *p, const uint8_t *end, uint8_t len, uint8_t has,
		      struct synsink_event *ev)
{
	if (end - p < len - 1)
		return false;
	if (p[0] == len)
		ev->opt_present |= has;
	else
		ev->flags |= SYNSINK_F_OPT_BAD;
	return true;
}

/* A variable-size option (SACK 10-34, another kind 2-40 bytes), p at its
 * length byte: the bytes after its kind, or 0 when the length byte is
 * missing, out of range or past the end (the walk stops). */
static size_t opt_var(const uint8_t *p, const uint8_t *end, uint8_t min, uint8_t max)
{
	if (p == end || p[0] < min || p[0] > max || p[0] - 1 > end - p)
		return 0;
	return p[0] - 1u;
}

static void decode_options(const uint8_t *p, const uint8_t *end, struct synsink_event *ev)
{
	size_t skip;

	while (p < end && ev->n_opts < SYN_OPT_WALK_MAX) {
		uint8_t kind = *p++;

		ev->opt_order[ev->n_opts++] = kind;
		switch (kind) {
		case SYNSINK_TCPOPT_EOL:
			ev->eol_pad = (uint8_t)(end - p);
			while (p < end && !*p++)
				;
			if (p != end) {
				ev->flags |= SYNSINK_F_OPT_TRAIL;
				p = end;
			}
			break;
		case SYNSINK_TCPOPT_NOP:
			break;
		case SYNSINK_TCPOPT_MSS:
			if (!opt_fixed(p, end, 4, SYNSINK_HAS_MSS, ev))
				goto bad;
			ev->mss = get16(p + 1);
			p += 3;
			break;
		case SYNSINK_TCPOPT_WSCALE:
			if (!opt_fixed(p, end, 3, SYNSINK_HAS_WSCALE, ev))
				goto bad;
			ev->wscale = p[1];
			if (ev->wscale > 14)
				ev->flags |= SYNSINK_F_OPT_EXWS;
			p += 2;
			break;
		case SYNSINK_TCPOPT_SACKOK:
			if (!opt_fixed(p, end, 2, SYNSINK_HAS_SACKOK, ev))
				goto bad;
			p += 1;
			break;
		case SYNSINK_TCPOPT_TS:
			if (!opt_fixed(p, end, 10, SYNSINK_HAS_TS, ev))
				goto bad;
			ev->tsval = get32(p + 1);
			ev->tsecr = get32(p + 5);
			if (!ev->tsval)
				ev->flags |= SYNSINK_F_OPT_TS1_ZERO;
			if (ev->tsecr)
				ev->flags |= SYNSINK_F_OPT_TS2_NZ;
			p += 9;
			break;
		case SYNSINK_TCPOPT_SACK:
			if (!(skip = opt_var(p, end, 10, 34)))
				goto bad;
			p += skip;
			break;
		default:
			if (!(skip = opt_var(p, end, 2, 40)))
				goto bad;
			p += skip;
			break;
		}
	}
	if (p == end)
		return;
bad:
	ev->flags |= SYNSINK_F_OPT_BAD;
}

/* TCP header at tcp, with avail bytes up to the end of the IP datagram as
 * far as it was copied, and total the datagram's length from its header. */
static enum syn_decode_err decode_tcp(const uint8_t *tcp, size_t avail, size_t total,
				      struct synsink_event *ev)
{
	size_t doff;

	if (avail < 20)
		return SYN_ERR_SHORT_TCP;
	doff = (size_t)(tcp[12] >> 4) * 4;
	if (doff < 20 || doff > avail || doff > total)
		return SYN_ERR_TCP_DOFF;

	ev->sport = get16(tcp);
	ev->dport = get16(tcp + 2);
	ev->seq = get32(tcp + 4);
	ev->ack = get32(tcp + 8);
	ev->tcp_flags = tcp[13];
	ev->win = get16(tcp + 14);
	ev->urg_ptr = get16(tcp + 18);
	ev->doff = (uint8_t)(doff / 4);
	ev->payload_len = (uint16_t)(total - doff);
	if ((ev->tcp_flags & (TH_ECE | TH_CWR)) == (TH_ECE | TH_CWR))
		ev->flags |= SYNSINK_F_ECN_SETUP;
	if (tcp[12] & 0x01)
		ev->flags |= SYNSINK_F_TCP_NS;
	if (!(ev->tcp_flags & TH_SYN) || (ev->tcp_flags & TH_ACK))
		return SYN_ERR_NOT_SYN;

	decode_options(tcp + 20, tcp + doff, ev);
	return SYN_OK;
}

static enum syn_decode_err decode_ipv4(const uint8_t *pkt, size_t len, struct synsink_event *ev)
{
	size_t ihl, total;
	uint16_t frag;

	if (len < 20)
		return SYN_ERR_SHORT_IP;
	ihl = (size_t)(pkt[0] & 0x0f) * 4;
	total = get16(pkt + 2);
	if (ihl < 20 || ihl > len || total < ihl)
		return SYN_ERR_IP_HDRLEN;

	ev->family = AF_INET;
	ev->tos = pkt[1];
	ev->ip_id = get16(pkt + 4);
	ev->ttl = pkt[8];
	ev->ipopt_len = (uint8_t)(ihl - 20);
	memcpy(ev->saddr, pkt + 12, 4);
	memcpy(ev->daddr, pkt + 16, 4);
	frag = get16(pkt + 6);
	if (frag & 0x4000)
		ev->flags |= SYNSINK_F_IP_DF;
	if (frag & 0x2000)
		ev->flags |= SYNSINK_F_IP_MF;
	if (frag & 0x8000)
		ev->flags |= SYNSINK_F_IP_RES;
	if (pkt[9] != IPPROTO_TCP)
		return SYN_ERR_NOT_TCP;
	if (frag & 0x1fff)
		return SYN_ERR_FRAGMENT;

	if (len > total) /* link-layer padding */
		len = total;
	return decode_tcp(pkt + ihl, len - ihl, total - ihl, ev);
}

static enum syn_decode_err decode_ipv6(const uint8_t *pkt, size_t len, struct synsink_event *ev)
{
	size_t off = 40, total;
	uint8_t next;

	if (len < 40)
		return SYN_ERR_SHORT_IP;
	ev->family = AF_INET6;
	ev->tos = (uint8_t)((get16(pkt) >> 4) & 0xff);
	ev->flowlabel = get32(pkt) & 0xfffff;
	ev->ttl = pkt[7];
	memcpy(ev->saddr, pkt + 8, 16);
	memcpy(ev->daddr, pkt + 24, 16);
	next = pkt[6];
	total = 40 + (size_t)get16(pkt + 4);
	if (total == 40) /* jumbogram or empty: trust what is present */
		total = len;
	if (len > total)
		len = total;

	for (;;) {
		size_t hlen;

		switch (next) {
		case IPPROTO_TCP:
			return decode_tcp(pkt + off, len - off, total - off, ev);
		case IPPROTO_HOPOPTS:
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
		case IPPROTO_FRAGMENT:
		case IPPROTO_AH:
			break;
		default: /* 59 no-next-header, ESP, UDP, ... */
			return SYN_ERR_NOT_TCP;
		}
		/* As far as the copied bytes go, as the kernel walks it: no
		 * limit on the number of headers but the packet's length. */
		if (len - off < 8)
			return SYN_ERR_EXTHDR;
		if (next == IPPROTO_FRAGMENT) {
			uint16_t fo = get16(pkt + off + 2);

			hlen = 8;
			if (fo & 1)
				ev->flags |= SYNSINK_F_IP_MF;
			if (fo & 0xfff8)
				return SYN_ERR_FRAGMENT;
		} else if (next == IPPROTO_AH) {
			hlen = ((size_t)pkt[off + 1] + 2) * 4;
		} else {
			hlen = ((size_t)pkt[off + 1] + 1) * 8;
		}
		if (hlen > len - off)
			return SYN_ERR_EXTHDR;
		if (ev->n_exthdr < UINT8_MAX)
			ev->n_exthdr++; /* saturates; the walk goes on */
		next = pkt[off];
		off += hlen;
	}
}

enum syn_decode_err syn_decode(const uint8_t *pkt, size_t len, struct synsink_event *ev)
{
	if (len < 1)
		return SYN_ERR_SHORT_IP;
	switch (pkt[0] >> 4) {
	case 4:
		return decode_ipv4(pkt, len, ev);
	case 6:
		return decode_ipv6(pkt, len, ev);
	default:
		return SYN_ERR_IP_VERSION;
	}
}
