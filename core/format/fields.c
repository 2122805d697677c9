// SPDX-License-Identifier: MIT
/* fields.c - the JSON event's keys and a sink's selection (fields.h). */
#include "fields.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

const char *const syn_field_names[SF_N] = {
#define SYN_FIELD_NAME(id, name) [SF_##id] = name,
	SYN_FIELDS(SYN_FIELD_NAME)
#undef SYN_FIELD_NAME
};

/* What a key needs that may be off: NULL, or the option that turns it on. */
static const char *needs(enum syn_field f, unsigned int features)
{
	if (f >= SF_OS && f <= SF_OS_MATCH && !(features & SF_FEAT_P0F))
		return "a p0f database (--p0f-db)";
	if (f >= SF_UID && f <= SF_SECCTX && !(features & SF_FEAT_OWNER))
		return "--owner";
	if (f >= SF_PID && f <= SF_CONTAINER && !(features & SF_FEAT_OWNER_FULL))
		return "--owner=full";
	return NULL;
}

int syn_fields_parse(const char *list, unsigned int features, uint64_t *mask, char *err, size_t len)
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
				"option 'fields': '%.*s' is not a key of the JSON event (doc/event.md)",
				(int)(n > 64 ? 64 : n), p);
			return -EINVAL;
		}
		if (m & SF_BIT(f)) {
			snprintf(err, len, "option 'fields': '%s' given twice", syn_field_names[f]);
			return -EINVAL;
		}
		if ((need = needs(f, features))) {
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
