// SPDX-License-Identifier: MIT
/*
 * osfp.c - SYNs shaped like those of other systems and of scanners, for
 * the fingerprint tests: option layouts of Windows, macOS, the BSDs,
 * Solaris, nmap, zmap and masscan, and the header details p0f's quirks
 * look at (TTLs far from an initial one, TOS and traffic class ECN bits,
 * the NS bit, IP ID, flags, urgent pointer, ack field, flow label,
 * window multiples, odd EOL padding, bad lengths, too many options).
 *
 *   syngen osfp -4 DST4 -6 DST6 -S SRC4 -T SRC6 -p DPORT
 *     One SYN of each shape, each from its own source port.  Prints one
 *     line per packet: "osfp NAME SPORT".
 *
 * The packets are built by pkt.c and then patched; the kernel fills the
 * IPv4 header checksum, the TCP checksum of a patched packet is left as
 * it is (neither synsink nor p0f looks at it, and no stack answers).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pkt.h"
#include "raw.h"
#include "sgargs.h"

#define OSFP_SPORT_BASE 51000
#define DF		0x4000
#define MBZ		0x8000 /* the reserved IPv4 flag */

struct osfp_case {
	const char *name;
	int family;
	uint8_t ttl;
	uint8_t tos;	/* IPv4 TOS or IPv6 traffic class */
	uint16_t frag;	/* IPv4 flags and offset */
	uint16_t ip_id; /* IPv4 */
	uint32_t flow;	/* IPv6 flow label */
	uint16_t win;
	uint32_t seq;  /* 0 is a quirk of its own: seq- */
	uint32_t ack;  /* the ack field of a SYN (0 normally) */
	uint8_t flags; /* TCP flags; 0x02 = SYN */
	uint8_t ns;    /* the NS bit */
	uint16_t urg;  /* urgent pointer */
	const uint8_t *opts;
	size_t optlen;
};

#define OPTS(a) a, sizeof(a)

/* Option layouts, byte for byte. */
static const uint8_t win10[] = { 2, 4, 5, 0xb4, 1, 3, 3, 8, 1, 1, 4, 2 };
static const uint8_t winxp[] = { 2, 4, 5, 0xb4, 1, 1, 4, 2 };
static const uint8_t win7_6[] = { 2, 4, 5, 0xa0, 1, 3, 3, 8, 1, 1, 4, 2 };
static const uint8_t macos[] = { 2,    4,    5,	   0xb4, 1, 3, 3, 6, 1, 1, 8, 10,
				 0x11, 0x22, 0x33, 0x44, 0, 0, 0, 0, 4, 2, 0 };
static const uint8_t macos6[] = { 2,	4,    5,    0xa0, 1, 3, 3, 6, 1, 1, 8, 10,
				  0x11, 0x22, 0x33, 0x44, 0, 0, 0, 0, 4, 2, 0 };
static const uint8_t freebsd[] = { 2, 4, 5, 0xb4, 1, 3, 3, 6, 4, 2, 8, 10, 0, 0, 1, 0, 0, 0, 0, 0 };
static const uint8_t openbsd[] = { 2, 4, 5, 0xb4, 1, 1, 4, 2, 1, 3, 3, 3,
				   1, 1, 8, 10,	  0, 0, 2, 0, 0, 0, 0, 0 };
static const uint8_t solaris[] = { 1, 1, 8, 10,	  0, 0, 3, 0, 0, 0, 0, 0,
				   2, 4, 5, 0xb4, 1, 3, 3, 0, 1, 1, 4, 2 };
static const uint8_t nmap_syn[] = { 2, 4, 5, 0xb4 };
static const uint8_t nmap_t1[] = { 3,	 3,    10,   1,	   2, 4, 5, 0xb4, 8, 10,
				   0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0,	  4, 2 };
static const uint8_t linux_ts[] = { 2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 4, 0, 0, 0, 0, 0, 1, 3, 3, 7 };
static const uint8_t mss1380[] = { 2, 4, 5, 0x64 };
static const uint8_t eol_trail[] = { 2, 4, 5, 0xb4, 0, 0, 7, 0 };
static const uint8_t eol_trail_last[] = { 2, 4, 5, 0xb4, 0, 0, 0, 9 };
static const uint8_t mss_len6[] = { 2, 6, 5, 0xb4, 1, 1, 1, 1 };
static const uint8_t ws_len2[] = { 3, 2, 7, 1, 2, 4, 5, 0xb4 };
static const uint8_t many_nops[] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
				     1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 4, 5, 0xb4 };
static const uint8_t exws_ts[] = { 3, 3, 15, 1, 8, 10, 0, 0, 0, 0, 0, 0, 0, 9, 1, 1 };
static const uint8_t sack_unknown[] = { 2, 4, 5, 0xb4, 5,  10, 0,    0,	   0, 1,
					0, 0, 0, 2,    30, 4,  0xab, 0xcd, 1, 1 };
static const uint8_t sack_short[] = { 2, 4, 5, 0xb4, 5, 6, 0, 0, 0, 1 };
static const uint8_t ts_cut[] = { 2, 4, 5, 0xb4, 1, 1, 8, 10, 0, 0 };

static const struct osfp_case cases[] = {
	/* Other systems, as p0f's database knows them. */
	{ "windows10", AF_INET, 128, 0, DF, 0x1a2b, 0, 64240, 1, 0, 0x02, 0, 0, OPTS(win10) },
	{ "windows_xp", AF_INET, 128, 0, DF, 0x0c01, 0, 65535, 1, 0, 0x02, 0, 0, OPTS(winxp) },
	{ "windows7_v6", AF_INET6, 128, 0, 0, 0, 0, 8192, 1, 0, 0x02, 0, 0, OPTS(win7_6) },
	{ "macos", AF_INET, 64, 0, DF, 0, 0, 65535, 1, 0, 0x02, 0, 0, OPTS(macos) },
	{ "macos_v6_flow", AF_INET6, 64, 0, 0, 0, 0x5e5e5, 65535, 1, 0, 0x02, 0, 0, OPTS(macos6) },
	{ "freebsd", AF_INET, 64, 0, DF, 0x4711, 0, 65535, 1, 0, 0x02, 0, 0, OPTS(freebsd) },
	{ "openbsd", AF_INET, 64, 0, DF, 0x2222, 0, 16384, 1, 0, 0x02, 0, 0, OPTS(openbsd) },
	{ "solaris", AF_INET, 64, 0, DF, 0x3333, 0, 49232, 1, 0, 0x02, 0, 0, OPTS(solaris) },
	/* Scanners. */
	{ "nmap_syn", AF_INET, 43, 0, 0, 0x3c2f, 0, 1024, 1, 0, 0x02, 0, 0, OPTS(nmap_syn) },
	{ "nmap_t1", AF_INET, 52, 0, 0, 0x0101, 0, 1, 1, 0, 0x02, 0, 0, OPTS(nmap_t1) },
	{ "zmap", AF_INET, 255, 0, 0, 54321, 0, 65535, 1, 0, 0x02, 0, 0, NULL, 0 },
	{ "masscan_seq0", AF_INET, 255, 0, 0, 0x0bad, 0, 1024, 0, 0, 0x02, 0, 0, NULL, 0 },
	/* TTLs far from an initial one, and the header quirks. */
	{ "ttl70_ecn_tos", AF_INET, 70, 0x02, DF, 0x0101, 0, 29200, 1, 0, 0x02, 0, 0,
	  OPTS(linux_ts) },
	{ "ttl200_ns_uptr_push", AF_INET, 200, 0, DF, 0x0101, 0, 29200, 1, 0x01000000, 0x0a, 1, 77,
	  OPTS(linux_ts) },
	{ "ack_even_first_byte", AF_INET, 64, 0, DF, 0x0101, 0, 29200, 1, 0x00000001, 0x02, 0, 0,
	  OPTS(linux_ts) },
	{ "urg_flag_cwr", AF_INET, 64, 0, 0, 0, 0, 1024, 1, 0, 0xa2, 0, 5, OPTS(nmap_syn) },
	{ "ip_reserved_flag", AF_INET, 64, 0, DF | MBZ, 0x0101, 0, 1024, 1, 0, 0x02, 0, 0,
	  OPTS(nmap_syn) },
	{ "v6_ecn_ce", AF_INET6, 64, 0x01, 0, 0, 0, 1024, 1, 0, 0x02, 0, 0, OPTS(nmap_syn) },
	/* Windows that are multiples of something else than the MSS. */
	{ "win_mtu_1500", AF_INET, 64, 0, DF, 0x0101, 0, 6000, 1, 0, 0x02, 0, 0, OPTS(mss1380) },
	{ "win_mtu_from_mss", AF_INET, 64, 0, DF, 0x0101, 0, 2840, 1, 0, 0x02, 0, 0,
	  OPTS(mss1380) },
	{ "win_mss_minus_ts", AF_INET, 64, 0, DF, 0x0101, 0, 14480, 1, 0, 0x02, 0, 0,
	  OPTS(linux_ts) },
	{ "win_1448_no_ts", AF_INET, 64, 0, DF, 0x0101, 0, 2896, 1, 0, 0x02, 0, 0, OPTS(nmap_syn) },
	/* Option walks p0f treats in its own way. */
	{ "eol_nonzero_pad", AF_INET, 64, 0, DF, 0x0101, 0, 1024, 1, 0, 0x02, 0, 0,
	  OPTS(eol_trail) },
	{ "eol_nonzero_last", AF_INET, 64, 0, DF, 0x0101, 0, 1024, 1, 0, 0x02, 0, 0,
	  OPTS(eol_trail_last) },
	{ "mss_length_6", AF_INET, 64, 0, DF, 0x0101, 0, 1024, 1, 0, 0x02, 0, 0, OPTS(mss_len6) },
	{ "ws_length_2", AF_INET6, 64, 0, 0, 0, 0, 1024, 1, 0, 0x02, 0, 0, OPTS(ws_len2) },
	{ "thirty_nops", AF_INET, 64, 0, DF, 0x0101, 0, 1024, 1, 0, 0x02, 0, 0, OPTS(many_nops) },
	{ "exws_ts1_ts2", AF_INET, 64, 0, DF, 0x0101, 0, 1024, 1, 0, 0x02, 0, 0, OPTS(exws_ts) },
	{ "sack_and_unknown", AF_INET6, 64, 0, 0, 0, 0, 1024, 1, 0, 0x02, 0, 0,
	  OPTS(sack_unknown) },
	{ "sack_too_short", AF_INET, 64, 0, DF, 0x0101, 0, 1024, 1, 0, 0x02, 0, 0,
	  OPTS(sack_short) },
	{ "ts_cut_off", AF_INET, 64, 0, DF, 0x0101, 0, 1024, 1, 0, 0x02, 0, 0, OPTS(ts_cut) },
};

/* Builds case i from src to dst into buf; returns its length or 0. */
static size_t build(size_t i, uint16_t sport, uint16_t dport, const uint8_t src[16],
		    const uint8_t dst[16], uint8_t *buf, size_t cap)
{
	const struct osfp_case *c = &cases[i];
	struct tcp_spec t = { .sport = sport,
			      .dport = dport,
			      .seq = c->seq,
			      .win = c->win,
			      .flags = c->flags,
			      .opts = c->opts,
			      .optlen = c->optlen };
	size_t n, ip;
	uint8_t *tcp;

	if (c->family == AF_INET) {
		n = pkt_ipv4(buf, cap, src, dst, c->ttl, c->frag, NULL, 0, &t);
		if (!n)
			return 0;
		ip = 20;
		buf[1] = c->tos;
		pkt_put16(buf + 4, c->ip_id);
	} else {
		n = pkt_ipv6(buf, cap, src, dst, c->ttl, 6, NULL, 0, &t);
		if (!n)
			return 0;
		ip = 40;
		pkt_put32(buf, 6u << 28 | (uint32_t)c->tos << 20 | (c->flow & 0xfffff));
	}
	tcp = buf + ip;
	pkt_put32(tcp + 8, c->ack);
	if (c->ns)
		tcp[12] |= 0x01;
	pkt_put16(tcp + 18, c->urg);
	return n;
}

static struct sg_case describe(size_t i)
{
	return (struct sg_case){ cases[i].name, cases[i].family, NULL };
}

int sg_osfp(int argc, char **argv)
{
	static const struct sg_cases osfp = { "osfp", sizeof(cases) / sizeof(cases[0]),
					      OSFP_SPORT_BASE, describe, build };

	return sg_crafted_run(argc, argv, &osfp);
}
