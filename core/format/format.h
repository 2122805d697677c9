/* SPDX-License-Identifier: MIT */
/* format.h - an event as the origin's text line or as a JSON object. Pure. */
#ifndef SYNSINK_FORMAT_H
#define SYNSINK_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <synsink/event.h>

#define SYN_JSON_SCHEMA 1 /* "v": field names never change within it */
/* "v_minor": 1 added fp, hops, retx; 2 frag; 3 host; 4 fp is p0f's raw_sig;
 * 5 the owner (--owner); 6 source (nfqueue or nflog) */
#define SYN_JSON_MINOR 7
#define SYN_SENSOR_MAX 255 /* longest sensor name (a syslog HOSTNAME's) */

/*
 * Both write one line, newline included, and a terminating NUL that is not
 * counted.  They return the line's length, or 0 when it would not fit in
 * len bytes (buf then holds nothing useful).  No heap, no printf.
 */
size_t syn_format_text(const struct synsink_event *ev, char *buf, size_t len);
size_t syn_format_json(const struct synsink_event *ev, char *buf, size_t len);
/* The JSON object with only the keys in want (fields.h's SF_BIT()s; a
 * key the event does not have, like mss without the option, stays out
 * as always).  want must hold at least one key. */
size_t syn_format_json_sel(const struct synsink_event *ev, char *buf, size_t len, uint64_t want);

/* Whether name can be a sensor name ("host" in every JSON event, the
 * syslog HOSTNAME, a Kafka header): 1 to SYN_SENSOR_MAX printable ASCII
 * characters, no space, quote or backslash. */
bool syn_sensor_valid(const char *name);
/* Sets the sensor name every JSON event carries (default "-").  Call once
 * at start, before any thread formats.  Returns 0 or -EINVAL. */
int syn_format_set_sensor(const char *name);
struct p0f_db;
/* With a database set, every JSON event carries the OS label p0f's
 * database gives its SYN (os, os_class, os_flavor, os_match).  Call once
 * at start, before any thread formats; db must outlive them. */
void syn_format_set_p0f(const struct p0f_db *db);
/* The sensor name set. */
const char *syn_sensor(void);
/* The keys beyond the fixed ones that events carry now: fields.h's
 * SF_FEAT_* for the p0f database and the --owner level. */
unsigned int syn_format_features(void);

#endif
