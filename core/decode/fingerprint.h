/* SPDX-License-Identifier: MIT */
/*
 * fingerprint.h - what a SYN says about the stack that sent it: p0f 3's
 * raw_sig for the same packet, byte for byte (p0f 3.09b, fp_tcp.c and
 * process.c, read and written anew).  Pure.
 *
 *   ver:ttl+dist:olen:mss:wsize,scale:olayout:quirks:pclass
 *
 * ver     4 or 6
 * ttl     the observed TTL (hop limit); +dist the hops to the initial TTL
 *         guessed from it (32, 64, 128 or 255: the smallest at or above
 *         it), or +? when that is more than SYN_FP_MAX_DIST
 * olen    IPv4 header option bytes (0 for IPv6)
 * mss     the MSS option's value, 0 without one
 * wsize   mss*N or mtu*N when the window is a multiple of the MSS or the
 *         MTU as p0f tries them (syn_fp_win_multi), else the number;
 *         scale: the window-scale option's value, 0 without one
 * olayout the options as p0f walks them (decode.c): mss, ws, sok, sack,
 *         ts, nop, eol+N (N bytes after it), ?K for any other kind K
 * quirks  in p0f's order: df, id+ (DF with a non-zero IP ID), id- (no
 *         DF, zero ID), ecn (ECN bits in TOS, ECE, CWR or NS), 0+
 *         (reserved IP flag), flow (IPv6 flow label), seq- (zero ISN),
 *         ack+ (see below), uptr+ (urgent pointer without URG), urgf+,
 *         pushf+, ts1- (zero TSval), ts2+ (non-zero TSecr), opt+ (data
 *         after EOL), exws (scale above 14), bad (an option of the wrong
 *         length, or a walk cut short)
 * pclass  0 without payload, + with
 *
 * ack+: p0f 3.09b means "a non-zero ack field" but tests one bit of it,
 * the lowest of its first byte on the wire; fp does the same, so that it
 * stays p0f's.
 */
#ifndef SYNSINK_FINGERPRINT_H
#define SYNSINK_FINGERPRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <synsink/event.h>

#define SYN_FP_MAX	512 /* longest fingerprint, NUL included */
#define SYN_FP_MAX_DIST 35  /* p0f's MAX_DIST: more hops print as "+?" */

/* p0f's quirks, as bits, in the order raw_sig prints them. */
enum syn_quirk {
	SYN_Q_DF,
	SYN_Q_NZ_ID,
	SYN_Q_ZERO_ID,
	SYN_Q_ECN,
	SYN_Q_NZ_MBZ,
	SYN_Q_FLOW,
	SYN_Q_ZERO_SEQ,
	SYN_Q_NZ_ACK,
	SYN_Q_ZERO_ACK, /* only on ACKs: never a SYN's */
	SYN_Q_NZ_URG,
	SYN_Q_URG,
	SYN_Q_PUSH,
	SYN_Q_TS1_ZERO,
	SYN_Q_TS2_NZ,
	SYN_Q_OPT_EOL_NZ,
	SYN_Q_EXWS,
	SYN_Q_BAD,
	SYN_Q__COUNT
};

/* The quirks' names in raw_sig ("df", "id+", ...), by enum syn_quirk. */
extern const char *const syn_fp_quirk_names[SYN_Q__COUNT];

/* The SYN's quirks: bit (1u << SYN_Q_x) for each. */
uint32_t syn_fp_quirks(const struct synsink_event *ev);

/* The initial TTL a sender most likely used. */
unsigned int syn_fp_ittl(unsigned int ttl);

/* The window as a multiple of the MSS (*mtu false) or the MTU (*mtu true),
 * as p0f tries them in turn; 0 when it is none of them. */
unsigned int syn_fp_win_multi(const struct synsink_event *ev, bool *mtu);

/* Writes the fingerprint and a NUL; returns its length, 0 if len is short. */
size_t syn_fingerprint(const struct synsink_event *ev, char *buf, size_t len);

#endif
