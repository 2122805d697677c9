/* SPDX-License-Identifier: MIT */
/*
 * fingerprint.h - what a SYN says about the stack that sent it, in the
 * style of p0f's TCP signatures.  Pure.
 *
 *   ver:ittl+hops:olen:mss:wsize,scale:olayout:quirks:pclass
 *
 * ver     4 or 6
 * ittl    the initial TTL guessed from the observed one (32, 64, 128 or
 *         255: the smallest at or above it), +hops the difference
 * olen    IPv4 header option bytes (0 for IPv6)
 * mss     the MSS option, or * when absent
 * wsize   the window: mss*N when it is a whole multiple of the MSS, else
 *         the number; scale: the window-scale option, or * when absent
 * olayout the options in wire order: mss, ws, sok, sack, ts, nop,
 *         eol+N (N bytes after it), ?K for any other kind K
 * quirks  df, id+ (DF with a non-zero IP ID), id- (no DF, zero ID),
 *         0+ (reserved IP flag), flow (IPv6 flow label), ecn, seq- (zero
 *         ISN), ack+ (non-zero ack field), uptr+ (urgent pointer without
 *         URG), urgf+, pushf+, ts1- (zero TSval), ts2+ (non-zero TSecr),
 *         opt+ (data after EOL), exws (scale above 14), bad (options cut
 *         short by a malformed length)
 * pclass  0 without payload, + with
 */
#ifndef SYNSINK_FINGERPRINT_H
#define SYNSINK_FINGERPRINT_H

#include <stddef.h>

#include <synsink/event.h>

#define SYN_FP_MAX 512 /* longest fingerprint, NUL included */

/* The initial TTL a sender most likely used. */
unsigned int syn_ittl(unsigned int ttl);

/* Writes the fingerprint and a NUL; returns its length, 0 if len is short. */
size_t syn_fingerprint(const struct synsink_event *ev, char *buf, size_t len);

#endif
