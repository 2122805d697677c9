// SPDX-License-Identifier: MIT
/* spoolfmt.c - the spool's segment and record format (see spoolfmt.h). */
#include "spoolfmt.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#define REC_MAGIC   0x53594e31u /* "SYN1" */
#define SEG_VERSION 1

static const char seg_magic[8] = { 'S', 'Y', 'N', 'S', 'P', 'O', 'O', 'L' };

void spool_seg_name(char name[SPOOL_SEG_NAME_LEN], uint64_t id)
{
	snprintf(name, SPOOL_SEG_NAME_LEN, "%016" PRIx64 ".seg", id);
}

static uint32_t crc(const void *p, size_t len)
{
	return (uint32_t)crc32(0L, p, (uInt)len);
}

void spool_header_put(uint8_t hdr[SPOOL_HDR_LEN])
{
	uint32_t ver = SEG_VERSION, esz = sizeof(struct synsink_event);

	memcpy(hdr, seg_magic, sizeof(seg_magic));
	memcpy(hdr + 8, &ver, 4);
	memcpy(hdr + 12, &esz, 4);
}

bool spool_header_ok(const uint8_t *buf, size_t len)
{
	uint32_t ver, esz;

	if (len < SPOOL_HDR_LEN || memcmp(buf, seg_magic, sizeof(seg_magic)))
		return false;
	memcpy(&ver, buf + 8, 4);
	memcpy(&esz, buf + 12, 4);
	return ver == SEG_VERSION && esz == sizeof(struct synsink_event);
}

void spool_record_put(uint8_t *rec, const struct synsink_event *ev)
{
	uint32_t magic = REC_MAGIC, rlen = sizeof(*ev);
	uint32_t sum = crc(ev, sizeof(*ev));

	memcpy(rec, &magic, 4);
	memcpy(rec + 4, &rlen, 4);
	memcpy(rec + 8, &sum, 4);
	memcpy(rec + SPOOL_REC_HDR, ev, sizeof(*ev));
}

/* Whether a whole, good record starts at buf[off]. */
static bool record_at(const uint8_t *buf, size_t len, size_t off)
{
	uint32_t magic, rlen, sum;

	if (len - off < SPOOL_REC_LEN)
		return false;
	memcpy(&magic, buf + off, 4);
	memcpy(&rlen, buf + off + 4, 4);
	memcpy(&sum, buf + off + 8, 4);
	return magic == REC_MAGIC && rlen == sizeof(struct synsink_event) &&
	       sum == crc(buf + off + SPOOL_REC_HDR, rlen);
}

int spool_parse(const uint8_t *buf, size_t len, size_t *off, struct synsink_event *out,
		unsigned long long *corrupt)
{
	size_t start = *off, o = *off;

	while (o < len && !record_at(buf, len, o))
		o++;   /* resynchronise on the next record that checks out */
	if (o > start) /* events lost: the bytes skipped, in records */
		*corrupt += (o - start + SPOOL_REC_LEN - 1) / SPOOL_REC_LEN;
	if (o >= len) {
		*off = len;
		return 0;
	}
	memcpy(out, buf + o + SPOOL_REC_HDR, sizeof(*out));
	*off = o + SPOOL_REC_LEN;
	return 1;
}
