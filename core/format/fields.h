/* SPDX-License-Identifier: MIT */
/*
 * fields.h - the JSON event's keys, in the schema's order
 * (doc/event.schema.json, which test_fields holds this list to), and a
 * sink's selection of them: fields=KEY,KEY,...
 */
#ifndef SYNSINK_FIELDS_H
#define SYNSINK_FIELDS_H

#include <stddef.h>
#include <stdint.h>

enum syn_field {
	SF_V,
	SF_V_MINOR,
	SF_TS,
	SF_QUEUE,
	SF_ID,
	SF_FAMILY,
	SF_SRC,
	SF_SPORT,
	SF_DST,
	SF_DPORT,
	SF_TTL,
	SF_TOS,
	SF_IP_ID,
	SF_IPOPT_LEN,
	SF_FLOWLABEL,
	SF_EXTHDRS,
	SF_DF,
	SF_FRAG,
	SF_WIN,
	SF_SEQ,
	SF_FLAGS,
	SF_ECN,
	SF_PAYLOAD,
	SF_TRUNCATED,
	SF_MSS,
	SF_WSCALE,
	SF_SACKOK,
	SF_TSVAL,
	SF_TSECR,
	SF_OPTS,
	SF_OPT_BAD,
	SF_FP,
	SF_HOPS,
	SF_RETX,
	SF_IN,
	SF_OUT,
	SF_MARK,
	SF_MAC,
	SF_HOST,
	SF_OS, /* --p0f-db: os .. os_match */
	SF_OS_CLASS,
	SF_OS_FLAVOR,
	SF_OS_MATCH,
	SF_UID, /* --owner: uid .. secctx */
	SF_GID,
	SF_USER,
	SF_SECCTX,
	SF_PID, /* --owner=full: pid .. container */
	SF_COMM,
	SF_EXE,
	SF_CGROUP,
	SF_UNIT,
	SF_CONTAINER,
	SF_N
};

#define SF_BIT(f) (1ull << (f))
#define SF_ALL	  (SF_BIT(SF_N) - 1) /* every key: no fields= */

/* The keys' names, by enum syn_field. */
extern const char *const syn_field_names[SF_N];

/*
 * A fields= list (KEY,KEY,...; any order, written in the schema's) into
 * *mask.  An unknown key, one given twice, an empty list or key, and a
 * key of a feature that is off (os* without a p0f database, the owner's
 * without --owner, the process's without --owner=full: call after those
 * are set) are refused with one line in err.  Returns 0 or -EINVAL.
 */
int syn_fields_parse(const char *list, uint64_t *mask, char *err, size_t len);

#endif
