/* SPDX-License-Identifier: MIT */
/*
 * sinkspec.h - "NAME:key=value,key=value" and option values.  Pure.
 *
 * A segment without '=' continues the previous value after a comma, so a
 * list stays one value: kafka:brokers=a:9092,b:9092,topic=syn.
 */
#ifndef SYNSINK_SINKSPEC_H
#define SYNSINK_SINKSPEC_H

#include <stdbool.h>
#include <stddef.h>

#include <synsink/plugin.h>

#define SINKSPEC_MAX_KV 32
#define SINK_NAME_MAX	64

struct sink_kv {
	const char *key;
	const char *val;
};

struct sink_spec {
	char *buf; /* owned copy the pointers below point into */
	const char *name;
	struct sink_kv kv[SINKSPEC_MAX_KV];
	size_t n_kv;
};

/*
 * Keys the core takes for itself on every sink; no plugin may declare them.
 *   ring=N         this sink's ring size (a power of two), over --ring-size
 *   buffer=N       events held in memory until delivered (the sink's queue)
 *   spool=DIR      spool to DIR what the queue cannot hold, and what is
 *                  undelivered at a stop
 *   spool_max=SIZE the spool's limit in bytes (K, M, G, T suffixes)
 */
struct sink_core_opts {
	size_t ring;
	size_t buffer;
	const char *spool; /* points into the spec; NULL: none */
	uint64_t spool_max;
	const char *fields; /* fields=, as given (points into the spec); NULL: none */
};

#define SINK_BUFFER_DEFAULT 100000
#define SINK_BUFFER_MAX	    100000000
#define SINK_SPOOL_MAX_MIN  (16ull << 10)

/* Whether key is one of the core's. */
bool sinkspec_core_key(const char *key);

/* Returns 0, or -EINVAL / -ENOMEM with one line in err. */
int sinkspec_parse(const char *arg, struct sink_spec *spec, char *err, size_t errlen);
void sinkspec_free(struct sink_spec *spec);

/* Takes the core's keys out of spec into *o; what is absent is left as it
 * was (the caller's defaults).  Returns 0, or -EINVAL with one line in err
 * naming the sink and the key. */
int sinkspec_take_core(struct sink_spec *spec, struct sink_core_opts *o, char *err, size_t errlen);

/* Whether name is a plausible plugin name: [a-z0-9_-], 1..63 chars. */
bool sinkspec_name_valid(const char *name);

#endif
