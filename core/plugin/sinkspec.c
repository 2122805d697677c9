// SPDX-License-Identifier: MIT
/* sinkspec.c - sink specifications: "NAME:key=value,...", and the keys the
 * core takes from them. */
#include "sinkspec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

bool sinkspec_name_valid(const char *name)
{
	size_t i, n = strlen(name);

	if (n == 0 || n >= SINK_NAME_MAX)
		return false;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return true;
}

int sinkspec_parse(const char *arg, struct sink_spec *spec, char *err, size_t errlen)
{
	char *p, *seg, *next;
	size_t i;

	memset(spec, 0, sizeof(*spec));
	spec->buf = strdup(arg);
	if (!spec->buf) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	p = strchr(spec->buf, ':');
	if (p)
		*p++ = '\0';
	spec->name = spec->buf;
	if (!sinkspec_name_valid(spec->name)) {
		snprintf(err, errlen, "--sink '%s': bad sink name '%s'", arg, spec->name);
		goto fail;
	}
	if (!p)
		return 0;
	if (!*p) {
		snprintf(err, errlen, "--sink '%s': nothing after ':'", arg);
		goto fail;
	}
	for (seg = p; seg; seg = next) {
		char *eq;

		next = strchr(seg, ',');
		if (next)
			*next++ = '\0';
		if (!*seg) {
			snprintf(err, errlen, "--sink '%s': empty option", arg);
			goto fail;
		}
		eq = strchr(seg, '=');
		if (!eq) {
			if (spec->n_kv == 0) {
				snprintf(err, errlen, "sink %s: option '%s' needs a value (%s=...)",
					 spec->name, seg, seg);
				goto fail;
			}
			/* A list continues the previous value: undo the cut. */
			seg[-1] = ',';
			continue;
		}
		*eq = '\0';
		if (!*seg) {
			snprintf(err, errlen, "sink %s: empty option name in '%s'", spec->name,
				 arg);
			goto fail;
		}
		for (i = 0; i < spec->n_kv; i++) {
			if (!strcmp(spec->kv[i].key, seg)) {
				snprintf(err, errlen, "sink %s: option '%s' given twice",
					 spec->name, seg);
				goto fail;
			}
		}
		if (spec->n_kv == SINKSPEC_MAX_KV) {
			snprintf(err, errlen, "sink %s: more than %d options", spec->name,
				 SINKSPEC_MAX_KV);
			goto fail;
		}
		spec->kv[spec->n_kv].key = seg;
		spec->kv[spec->n_kv].val = eq + 1;
		spec->n_kv++;
	}
	if (spec->n_kv == 0) {
		snprintf(err, errlen, "--sink '%s': no options after ':'", arg);
		goto fail;
	}
	return 0;
fail:
	sinkspec_free(spec);
	return -EINVAL;
}

void sinkspec_free(struct sink_spec *spec)
{
	free(spec->buf);
	memset(spec, 0, sizeof(*spec));
}

static const char *const core_keys[] = { "ring", "buffer", "spool", "spool_max", "fields", NULL };

bool sinkspec_core_key(const char *key)
{
	size_t i;

	for (i = 0; core_keys[i]; i++)
		if (!strcmp(key, core_keys[i]))
			return true;
	return false;
}

/* One core key's value into *o.  Returns 0 or -EINVAL with err. */
static int take_one(const char *sink, const char *key, const char *val, struct sink_core_opts *o,
		    char *err, size_t errlen)
{
	uint64_t v;

	if (!strcmp(key, "ring")) {
		if (parse_u64(val, 2, 1u << 24, &v) || (v & (v - 1))) {
			snprintf(err, errlen,
				 "sink %s: option 'ring': '%s' is not a power of two in 2-16777216",
				 sink, val);
			return -EINVAL;
		}
		o->ring = (size_t)v;
	} else if (!strcmp(key, "buffer")) {
		if (parse_u64(val, 1, SINK_BUFFER_MAX, &v)) {
			snprintf(err, errlen,
				 "sink %s: option 'buffer': '%s' is not a number of events in 1-%u",
				 sink, val, SINK_BUFFER_MAX);
			return -EINVAL;
		}
		o->buffer = (size_t)v;
	} else if (!strcmp(key, "spool")) {
		if (val[0] != '/') {
			snprintf(err, errlen,
				 "sink %s: option 'spool': '%s' is not an absolute directory path",
				 sink, val);
			return -EINVAL;
		}
		o->spool = val;
	} else if (!strcmp(key, "fields")) {
		o->fields = val; /* parsed by sink_open, once the features are set */
	} else {
		if (parse_size(val, SINK_SPOOL_MAX_MIN, UINT64_MAX, &v)) {
			snprintf(
				err, errlen,
				"sink %s: option 'spool_max': '%s' is not a size of at least 16K (e.g. 512M)",
				sink, val);
			return -EINVAL;
		}
		o->spool_max = v;
	}
	return 0;
}

int sinkspec_take_core(struct sink_spec *spec, struct sink_core_opts *o, char *err, size_t errlen)
{
	struct sink_core_opts n = *o;
	size_t k = 0;

	while (k < spec->n_kv) {
		if (!sinkspec_core_key(spec->kv[k].key)) {
			k++;
			continue;
		}
		if (take_one(spec->name, spec->kv[k].key, spec->kv[k].val, &n, err, errlen))
			return -EINVAL;
		memmove(&spec->kv[k], &spec->kv[k + 1], (spec->n_kv - k - 1) * sizeof(spec->kv[0]));
		spec->n_kv--;
	}
	if (n.spool_max && !n.spool) {
		snprintf(err, errlen, "sink %s: option 'spool_max' needs spool=DIR", spec->name);
		return -EINVAL;
	}
	*o = n;
	return 0;
}
