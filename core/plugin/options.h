/* SPDX-License-Identifier: MIT */
/* options.h - a plugin's option table: checked once, and the values of a
 * sink spec parsed against it.  Pure. */
#ifndef SYNSINK_OPTIONS_H
#define SYNSINK_OPTIONS_H

#include <stddef.h>

#include <synsink/plugin.h>

#include "sinkspec.h"

/* Checks a plugin's option table: names unique and valid, every enum with
 * choices, every default parseable.  Returns 0 or -EINVAL with err. */
int option_table_check(const struct synsink_plugin *p, char *err, size_t errlen);

/* A secret option given as NAME_file=PATH: vals[i].set says so, and
 * vals[i].str is the path until the caller reads the file (sink.c): the
 * plugin never sees this value. */
#define OPTION_SET_FILE 2

/* Fills vals[p->n_options] from the spec and the defaults; the keys of
 * prefix options go into kvbuf (SINKSPEC_MAX_KV entries), which must live
 * as long as vals.  An unknown or malformed key returns -EINVAL with err
 * naming the sink and the key. */
int option_values_parse(const struct synsink_plugin *p, const struct sink_spec *spec,
			struct synsink_value *vals, struct synsink_kv *kvbuf, char *err,
			size_t errlen);

#endif
