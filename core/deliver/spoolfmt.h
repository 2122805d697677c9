/* SPDX-License-Identifier: MIT */
/*
 * spoolfmt.h - the spool's bytes on disk, apart from how the spool uses
 * them (spool.c): segment names, the segment header, and records.
 *
 * A segment is a 16-byte header ("SYNSPOOL", version, event size) and
 * records: magic, payload length, CRC-32 of the payload, the event.  All
 * integers in the host's byte order (a spool does not move between
 * machines).  Pure functions: the fuzz target calls the parser directly.
 */
#ifndef SYNSINK_SPOOLFMT_H
#define SYNSINK_SPOOLFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <synsink/event.h>

#define SPOOL_HDR_LEN	   16
#define SPOOL_REC_HDR	   12
#define SPOOL_REC_LEN	   (SPOOL_REC_HDR + sizeof(struct synsink_event))
#define SPOOL_SEG_NAME_LEN 21 /* "%016x.seg" and its NUL */

/* Segment id's file name: 16 hex digits and ".seg". */
void spool_seg_name(char name[SPOOL_SEG_NAME_LEN], uint64_t id);

/* Writes a segment header for this build's event. */
void spool_header_put(uint8_t hdr[SPOOL_HDR_LEN]);
/* Whether a segment starts with our header for this event size. */
bool spool_header_ok(const uint8_t *buf, size_t len);

/* Writes ev as one record at rec (SPOOL_REC_LEN bytes). */
void spool_record_put(uint8_t *rec, const struct synsink_event *ev);

/*
 * The record parser, on a segment's bytes after its header.  Returns 1
 * with the next good record in *out and *off past it, or 0 at the end;
 * what it skips on the way (resynchronising on the next record that
 * checks out) is added to *corrupt, in events.
 */
int spool_parse(const uint8_t *buf, size_t len, size_t *off, struct synsink_event *out,
		unsigned long long *corrupt);

#endif
