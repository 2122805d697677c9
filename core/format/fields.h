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

/* The keys, once: X(ID, "name") in the schema's order.  The enum below,
 * the names fields= takes and the keys format.c writes all come from it.
 * os .. os_match need --p0f-db; uid .. secctx --owner; pid .. container
 * --owner=full (syn_fields_parse). */
#define SYN_FIELDS(X)             \
	X(V, "v")                 \
	X(V_MINOR, "v_minor")     \
	X(TS, "ts")               \
	X(SOURCE, "source")       \
	X(QUEUE, "queue")         \
	X(ID, "id")               \
	X(FAMILY, "family")       \
	X(SRC, "src")             \
	X(SPORT, "sport")         \
	X(DST, "dst")             \
	X(DPORT, "dport")         \
	X(TTL, "ttl")             \
	X(TOS, "tos")             \
	X(IP_ID, "ip_id")         \
	X(IPOPT_LEN, "ipopt_len") \
	X(FLOWLABEL, "flowlabel") \
	X(EXTHDRS, "exthdrs")     \
	X(DF, "df")               \
	X(FRAG, "frag")           \
	X(WIN, "win")             \
	X(SEQ, "seq")             \
	X(FLAGS, "flags")         \
	X(ECN, "ecn")             \
	X(PAYLOAD, "payload")     \
	X(TRUNCATED, "truncated") \
	X(MSS, "mss")             \
	X(WSCALE, "wscale")       \
	X(SACKOK, "sackok")       \
	X(TSVAL, "tsval")         \
	X(TSECR, "tsecr")         \
	X(OPTS, "opts")           \
	X(OPT_BAD, "opt_bad")     \
	X(FP, "fp")               \
	X(HOPS, "hops")           \
	X(RETX, "retx")           \
	X(IN, "in")               \
	X(OUT, "out")             \
	X(MARK, "mark")           \
	X(MAC, "mac")             \
	X(HOST, "host")           \
	X(OS, "os")               \
	X(OS_CLASS, "os_class")   \
	X(OS_FLAVOR, "os_flavor") \
	X(OS_MATCH, "os_match")   \
	X(UID, "uid")             \
	X(GID, "gid")             \
	X(USER, "user")           \
	X(SECCTX, "secctx")       \
	X(PID, "pid")             \
	X(COMM, "comm")           \
	X(EXE, "exe")             \
	X(CGROUP, "cgroup")       \
	X(UNIT, "unit")           \
	X(CONTAINER, "container")

enum syn_field {
#define SYN_FIELD_ENUM(id, name) SF_##id,
	SYN_FIELDS(SYN_FIELD_ENUM)
#undef SYN_FIELD_ENUM
		SF_N
};

#define SF_BIT(f) (1ull << (f))
#define SF_ALL	  (SF_BIT(SF_N) - 1) /* every key: no fields= */

/* The keys' names, by enum syn_field. */
extern const char *const syn_field_names[SF_N];

/* What the formatter writes beyond the fixed keys (format.h's
 * syn_format_features gives the running daemon's). */
#define SF_FEAT_P0F	   (1u << 0) /* os .. os_match */
#define SF_FEAT_OWNER	   (1u << 1) /* uid .. secctx */
#define SF_FEAT_OWNER_FULL (1u << 2) /* pid .. container */

/*
 * A fields= list (KEY,KEY,...; any order, written in the schema's) into
 * *mask.  An unknown key, one given twice, an empty list or key, and a
 * key of a feature not in features (SF_FEAT_*) are refused with one line
 * in err.  Returns 0 or -EINVAL.
 */
int syn_fields_parse(const char *list, unsigned int features, uint64_t *mask, char *err,
		     size_t len);

#endif
