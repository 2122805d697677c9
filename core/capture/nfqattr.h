/* SPDX-License-Identifier: MIT */
/*
 * nfqattr.h - reading NFQUEUE netlink attributes that are wider than the
 * alignment netlink gives them.  Attributes are 4-byte aligned
 * (NLA_ALIGNTO); struct nfqnl_msg_packet_timestamp holds two __be64
 * (__aligned_be64), so reading it through a struct pointer is a misaligned
 * access (undefined behaviour, and a UBSan abort).  Copy the bytes instead.
 */
#ifndef SYNSINK_NFQATTR_H
#define SYNSINK_NFQATTR_H

#include <endian.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <libmnl/libmnl.h>

/* The wall-clock time in an NFQA_TIMESTAMP payload of len bytes at any
 * alignment, in nanoseconds; 0 when the payload is too short. */
static inline uint64_t nfq_timestamp_ns(const void *payload, size_t len)
{
	uint64_t sec, usec;

	if (!payload || len < 2 * sizeof(uint64_t))
		return 0;
	memcpy(&sec, payload, sizeof(sec));
	memcpy(&usec, (const char *)payload + sizeof(sec), sizeof(usec));
	return be64toh(sec) * 1000000000ull + be64toh(usec) * 1000ull;
}

/* The same from a timestamp attribute, NFQA_TIMESTAMP or NFULA_TIMESTAMP
 * (one payload), or 0 when a is NULL: the packet has none. */
static inline uint64_t nfq_attr_timestamp_ns(const struct nlattr *a)
{
	return a ? nfq_timestamp_ns(mnl_attr_get_payload(a), mnl_attr_get_payload_len(a)) : 0;
}

#endif
