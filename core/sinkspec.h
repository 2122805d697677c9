/* SPDX-License-Identifier: MIT */
/*
 * sinkspec.h - "NAME:key=value,key=value" and option values.  Pure.
 *
 * A segment without '=' continues the previous value after a comma, so a
 * list stays one value: kafka:brokers=a:9092,b:9092,topic=syn.
 */
#ifndef SYNSINK_SINKSPEC_H
#define SYNSINK_SINKSPEC_H

#include <stddef.h>

#include <synsink/plugin.h>

#define SINKSPEC_MAX_KV 32
#define SINK_NAME_MAX 64

struct sink_kv {
	const char *key;
	const char *val;
};

struct sink_spec {
	char *buf;		/* owned copy the pointers below point into */
	const char *name;
	struct sink_kv kv[SINKSPEC_MAX_KV];
	size_t n_kv;
};

/* Keys the core takes for itself on every sink; no plugin may declare them.
 * ring=N: this sink's ring size (a power of two), overriding --ring-size. */
#define SINKSPEC_RING_KEY "ring"

/* Returns 0, or -EINVAL / -ENOMEM with one line in err. */
int sinkspec_parse(const char *arg, struct sink_spec *spec,
		   char *err, size_t errlen);
void sinkspec_free(struct sink_spec *spec);

/* Takes ring=N out of spec, if there, into *ring_size (left alone if not).
 * Returns 0, or -EINVAL with err for a value that is not a power of two
 * in 2..2^24. */
int sinkspec_take_ring(struct sink_spec *spec, size_t *ring_size,
		       char *err, size_t errlen);

/* Whether name is a plausible plugin name: [a-z0-9_-], 1..63 chars. */
int sink_name_valid(const char *name);

/* Checks a plugin's option table: names unique and valid, every enum with
 * choices, every default parseable.  Returns 0 or -EINVAL with err. */
int option_table_check(const struct synsink_plugin *p, char *err, size_t errlen);

/* Parses text as opt's type into *v.  Returns 0 or -EINVAL with err. */
int option_value_parse(const struct synsink_option *opt, const char *text,
		       struct synsink_value *v, char *err, size_t errlen);

/* Fills vals[p->n_options] from the spec and the defaults; the keys of
 * prefix options go into kvbuf (SINKSPEC_MAX_KV entries), which must live
 * as long as vals.  An unknown or malformed key returns -EINVAL with err
 * naming the sink and the key. */
int sink_values_parse(const struct synsink_plugin *p,
		      const struct sink_spec *spec, struct synsink_value *vals,
		      struct synsink_kv *kvbuf, char *err, size_t errlen);

#endif
