/* SPDX-License-Identifier: MIT */
/* decode.h - from the bytes NFQUEUE copied to a struct synsink_event. Pure. */
#ifndef SYNSINK_DECODE_H
#define SYNSINK_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include <synsink/event.h>

/* TCP options walked, at most, as p0f walks them (its MAX_TCP_OPT). */
#define SYN_OPT_WALK_MAX 24

enum syn_decode_err {
	SYN_OK = 0,
	SYN_ERR_SHORT_IP,   /* fewer bytes than the IP header needs */
	SYN_ERR_IP_VERSION, /* neither 4 nor 6 */
	SYN_ERR_IP_HDRLEN,  /* IHL below 5, or header past the bytes/total length */
	SYN_ERR_NOT_TCP,    /* the transport is not TCP */
	SYN_ERR_FRAGMENT,   /* a non-first fragment: no TCP header in it */
	SYN_ERR_EXTHDR,	    /* IPv6 extension chain past the copied bytes */
	SYN_ERR_SHORT_TCP,  /* fewer than 20 bytes of TCP */
	SYN_ERR_TCP_DOFF,   /* data offset below 5, or past the packet */
	SYN_ERR_NOT_SYN,    /* SYN clear or ACK set */
	SYN_ERR__COUNT
};

/*
 * Decodes one IPv4 or IPv6 packet carrying a TCP SYN.  len is the number of
 * bytes present (the copy range may have cut the packet; the lengths in the
 * headers are checked against what is present, never trusted beyond it).
 * Fills the packet fields of *ev and leaves the queue metadata fields
 * (ts_ns, packet_id, queue, mark, devices, hwaddr) untouched.
 * Returns SYN_OK, or the first problem found; *ev is then partly filled.
 */
enum syn_decode_err syn_decode(const uint8_t *pkt, size_t len, struct synsink_event *ev);

/* A short stable name for an error ("short_ip", ...), for counters. */
const char *syn_decode_errname(enum syn_decode_err err);

#endif
