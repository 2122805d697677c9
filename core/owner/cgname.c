// SPDX-License-Identifier: MIT
/* cgname.c - units and containers from cgroup paths (see cgname.h). */
#include "cgname.h"

#include <stdbool.h>
#include <string.h>

static bool is_id(const char *s, size_t len)
{
	size_t i;

	if (len != CGNAME_ID_LEN)
		return false;
	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static bool ends_with(const char *s, size_t len, const char *tail)
{
	size_t t = strlen(tail);

	return len >= t && !memcmp(s + len - t, tail, t);
}

/* A component PREFIX ID SUFFIX: copies ID. */
static bool wrapped(const char *c, size_t len, const char *prefix, const char *suffix, char *id)
{
	size_t p = strlen(prefix), s = strlen(suffix);

	if (len != p + CGNAME_ID_LEN + s || memcmp(c, prefix, p) || !ends_with(c, len, suffix) ||
	    !is_id(c + p, CGNAME_ID_LEN))
		return false;
	memcpy(id, c + p, CGNAME_ID_LEN);
	id[CGNAME_ID_LEN] = 0;
	return true;
}

void cgname_parse(const char *path, char *unit, size_t unitlen, char *id)
{
	static const char *const scopes[] = { "docker-", "cri-containerd-", "crio-", "libpod-" };
	const char *c = path, *prev = ""; /* the component before */
	size_t prevlen = 0, i;
	bool kube = false;

	*unit = 0;
	*id = 0;
	while (*c) {
		size_t len;

		while (*c == '/')
			c++;
		len = strcspn(c, "/");
		if (!len)
			break;
		if (len == 8 && !memcmp(c, "kubepods", 8))
			kube = true;
		for (i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++)
			if (wrapped(c, len, scopes[i], ".scope", id))
				break;
		if (prevlen == 6 && !memcmp(prev, "docker", 6))
			wrapped(c, len, "", "", id);
		if (prevlen == 13 && !memcmp(prev, "libpod_parent", 13))
			wrapped(c, len, "libpod-", "", id);
		if (kube && prevlen > 3 && !memcmp(prev, "pod", 3))
			wrapped(c, len, "", "", id);
		if ((ends_with(c, len, ".service") || ends_with(c, len, ".scope")) &&
		    len < unitlen) {
			memcpy(unit, c, len);
			unit[len] = 0;
		}
		prev = c;
		prevlen = len;
		c += len;
	}
}
