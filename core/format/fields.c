// SPDX-License-Identifier: MIT
/* fields.c - the JSON event's keys and a sink's selection (fields.h). */
#include "fields.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "format.h"
#include "owner.h"

const char *const syn_field_names[SF_N] = {
	[SF_V] = "v",
	[SF_V_MINOR] = "v_minor",
	[SF_TS] = "ts",
	[SF_QUEUE] = "queue",
	[SF_ID] = "id",
	[SF_FAMILY] = "family",
	[SF_SRC] = "src",
	[SF_SPORT] = "sport",
	[SF_DST] = "dst",
	[SF_DPORT] = "dport",
	[SF_TTL] = "ttl",
	[SF_TOS] = "tos",
	[SF_IP_ID] = "ip_id",
	[SF_IPOPT_LEN] = "ipopt_len",
	[SF_FLOWLABEL] = "flowlabel",
	[SF_EXTHDRS] = "exthdrs",
	[SF_DF] = "df",
	[SF_FRAG] = "frag",
	[SF_WIN] = "win",
	[SF_SEQ] = "seq",
	[SF_FLAGS] = "flags",
	[SF_ECN] = "ecn",
	[SF_PAYLOAD] = "payload",
	[SF_TRUNCATED] = "truncated",
	[SF_MSS] = "mss",
	[SF_WSCALE] = "wscale",
	[SF_SACKOK] = "sackok",
	[SF_TSVAL] = "tsval",
	[SF_TSECR] = "tsecr",
	[SF_OPTS] = "opts",
	[SF_OPT_BAD] = "opt_bad",
	[SF_FP] = "fp",
	[SF_HOPS] = "hops",
	[SF_RETX] = "retx",
	[SF_IN] = "in",
	[SF_OUT] = "out",
	[SF_MARK] = "mark",
	[SF_MAC] = "mac",
	[SF_HOST] = "host",
	[SF_OS] = "os",
	[SF_OS_CLASS] = "os_class",
	[SF_OS_FLAVOR] = "os_flavor",
	[SF_OS_MATCH] = "os_match",
	[SF_UID] = "uid",
	[SF_GID] = "gid",
	[SF_USER] = "user",
	[SF_SECCTX] = "secctx",
	[SF_PID] = "pid",
	[SF_COMM] = "comm",
	[SF_EXE] = "exe",
	[SF_CGROUP] = "cgroup",
	[SF_UNIT] = "unit",
	[SF_CONTAINER] = "container",
};

/* What a key needs that may be off: NULL, or the option that turns it on. */
static const char *needs(enum syn_field f)
{
	if (f >= SF_OS && f <= SF_OS_MATCH && !syn_format_has_p0f())
		return "a p0f database (--p0f-db)";
	if (f >= SF_UID && f <= SF_SECCTX && owner_level() == OWNER_OFF)
		return "--owner";
	if (f >= SF_PID && f <= SF_CONTAINER && owner_level() != OWNER_FULL)
		return "--owner=full";
	return NULL;
}

int syn_fields_parse(const char *list, uint64_t *mask, char *err, size_t len)
{
	const char *p = list, *need;
	uint64_t m = 0;

	for (;;) {
		size_t n = strcspn(p, ","), f;

		for (f = 0; f < SF_N; f++)
			if (strlen(syn_field_names[f]) == n && !memcmp(p, syn_field_names[f], n))
				break;
		if (!n) {
			snprintf(err, len, "option 'fields': an empty key in '%s'", list);
			return -EINVAL;
		}
		if (f == SF_N) {
			snprintf(
				err, len,
				"option 'fields': '%.*s' is not a key of the JSON event (README: The JSON event)",
				(int)(n > 64 ? 64 : n), p);
			return -EINVAL;
		}
		if (m & SF_BIT(f)) {
			snprintf(err, len, "option 'fields': '%s' given twice", syn_field_names[f]);
			return -EINVAL;
		}
		if ((need = needs(f))) {
			snprintf(err, len, "option 'fields': '%s' needs %s", syn_field_names[f],
				 need);
			return -EINVAL;
		}
		m |= SF_BIT(f);
		if (!p[n])
			break;
		p += n + 1;
	}
	*mask = m;
	return 0;
}
