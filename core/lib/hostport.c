// SPDX-License-Identifier: MIT
/* hostport.c - "HOST:PORT" and "[IPV6]:PORT" (see hostport.h). */
#include "hostport.h"

#include <errno.h>
#include <string.h>

int hostport_split(const char *s, char *host, size_t hostlen, uint16_t *port)
{
	const char *h = s, *p;
	size_t hl;
	unsigned long v = 0;

	if (*s == '[') {
		const char *close = strchr(s, ']');

		if (!close || close[1] != ':')
			return -EINVAL;
		h = s + 1;
		hl = (size_t)(close - h);
		p = close + 2;
	} else {
		const char *colon = strrchr(s, ':');

		if (!colon || strchr(s, ':') != colon)
			return -EINVAL; /* an IPv6 host must be in brackets */
		hl = (size_t)(colon - s);
		p = colon + 1;
	}
	if (hl == 0 || hl >= hostlen)
		return -EINVAL;
	if (!*p || strspn(p, "0123456789") != strlen(p) || strlen(p) > 5)
		return -ERANGE;
	while (*p)
		v = v * 10 + (unsigned long)(*p++ - '0');
	if (v < 1 || v > 65535)
		return -ERANGE;
	memcpy(host, h, hl);
	host[hl] = '\0';
	*port = (uint16_t)v;
	return 0;
}
