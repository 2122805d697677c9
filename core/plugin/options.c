// SPDX-License-Identifier: MIT
/* options.c - plugin option tables and their values (see options.h). */
#include "options.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

static int parse_bool(const char *s, uint64_t *out)
{
	static const char *const yes[] = { "1", "true", "yes", "on" };
	static const char *const no[] = { "0", "false", "no", "off" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = 1;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*out = 0;
			return 0;
		}
	}
	return -EINVAL;
}

static void choices_join(const char *const *c, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (; c && *c && used < len; c++) {
		int n = snprintf(buf + used, len - used, "%s%s", used ? "|" : "", *c);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

/* Parses text as opt's type into *v.  Returns 0 or -EINVAL with err. */
static int option_value_parse(const struct synsink_option *opt, const char *text,
			      struct synsink_value *v, char *err, size_t errlen)
{
	char list[256];
	size_t i;

	v->str = text;
	v->num = 0;
	switch (opt->type) {
	case SYNSINK_OPT_STRING:
	case SYNSINK_OPT_SECRET:
		if (!*text) {
			snprintf(err, errlen, "option '%s' must not be empty", opt->name);
			return -EINVAL;
		}
		return 0;
	case SYNSINK_OPT_UINT:
		if (parse_u64(text, opt->min, opt->max, &v->num)) {
			snprintf(err, errlen, "option '%s': '%s' is not a number in %llu-%llu",
				 opt->name, text, (unsigned long long)opt->min,
				 (unsigned long long)opt->max);
			return -EINVAL;
		}
		return 0;
	case SYNSINK_OPT_BOOL:
		if (parse_bool(text, &v->num)) {
			snprintf(err, errlen, "option '%s': '%s' is not true or false", opt->name,
				 text);
			return -EINVAL;
		}
		return 0;
	case SYNSINK_OPT_PREFIX:
		snprintf(err, errlen, "option '%s' takes keys, not a value", opt->name);
		return -EINVAL;
	case SYNSINK_OPT_ENUM:
		for (i = 0; opt->choices && opt->choices[i]; i++) {
			if (!strcmp(text, opt->choices[i])) {
				v->num = i;
				return 0;
			}
		}
		choices_join(opt->choices, list, sizeof(list));
		snprintf(err, errlen, "option '%s': '%s' is not one of %s", opt->name, text, list);
		return -EINVAL;
	}
	snprintf(err, errlen, "option '%s' has an unknown type %d", opt->name, (int)opt->type);
	return -EINVAL;
}

/* Whether key is name's file form: NAME_file. */
static bool file_form_of(const char *key, const char *name)
{
	size_t l = strlen(name);

	return !strncmp(key, name, l) && !strcmp(key + l, "_file");
}

/* The option declared as NAME_file for the secret NAME, or n_options. */
static uint32_t secret_twin(const struct synsink_plugin *p, const char *name)
{
	uint32_t i;

	for (i = 0; i < p->n_options; i++)
		if (file_form_of(p->options[i].name, name))
			return i;
	return p->n_options;
}

/* The secret option that key names as NAME_file, or n_options. */
static uint32_t secret_file_option(const struct synsink_plugin *p, const char *key)
{
	uint32_t i;

	for (i = 0; i < p->n_options; i++)
		if (p->options[i].type == SYNSINK_OPT_SECRET &&
		    file_form_of(key, p->options[i].name))
			return i;
	return p->n_options;
}

int option_table_check(const struct synsink_plugin *p, char *err, size_t errlen)
{
	uint32_t i, j;

	if (p->n_options && !p->options) {
		snprintf(err, errlen, "declares %u options but no table", p->n_options);
		return -EINVAL;
	}
	for (i = 0; i < p->n_options; i++) {
		const struct synsink_option *o = &p->options[i];
		struct synsink_value v;
		char why[256];

		if (o->type == SYNSINK_OPT_PREFIX) {
			size_t l = o->name ? strlen(o->name) : 0;
			char stem[SINK_NAME_MAX];

			if (l < 2 || l >= sizeof(stem) || o->name[l - 1] != '.' || o->def) {
				snprintf(err, errlen,
					 "prefix option %u must end in '.' and have no default", i);
				return -EINVAL;
			}
			memcpy(stem, o->name, l - 1);
			stem[l - 1] = '\0';
			if (!sinkspec_name_valid(stem)) {
				snprintf(err, errlen, "option %u has a bad name", i);
				return -EINVAL;
			}
		} else if (!o->name || !sinkspec_name_valid(o->name)) {
			snprintf(err, errlen, "option %u has a bad name", i);
			return -EINVAL;
		} else if (sinkspec_core_key(o->name)) {
			snprintf(err, errlen, "option '%s' is the core's, not a plugin's", o->name);
			return -EINVAL;
		}
		for (j = 0; j < i; j++) {
			if (!strcmp(p->options[j].name, o->name)) {
				snprintf(err, errlen, "option '%s' declared twice", o->name);
				return -EINVAL;
			}
		}
		if (o->type == SYNSINK_OPT_SECRET && secret_twin(p, o->name) < p->n_options) {
			snprintf(err, errlen, "option '%s_file' is the core's, for the secret '%s'",
				 o->name, o->name);
			return -EINVAL;
		}
		if (o->type == SYNSINK_OPT_ENUM && (!o->choices || !o->choices[0])) {
			snprintf(err, errlen, "enum option '%s' has no choices", o->name);
			return -EINVAL;
		}
		if (o->def && option_value_parse(o, o->def, &v, why, sizeof(why))) {
			snprintf(err, errlen, "bad default: %s", why);
			return -EINVAL;
		}
	}
	return 0;
}

/* The prefix option that key falls under, or n_options. */
static uint32_t prefix_option(const struct synsink_plugin *p, const char *key)
{
	uint32_t i;

	for (i = 0; i < p->n_options; i++) {
		const struct synsink_option *o = &p->options[i];
		size_t l = strlen(o->name);

		if (o->type == SYNSINK_OPT_PREFIX && !strncmp(key, o->name, l) && key[l])
			return i;
	}
	return p->n_options;
}

int option_values_parse(const struct synsink_plugin *p, const struct sink_spec *spec,
			struct synsink_value *vals, struct synsink_kv *kvbuf, char *err,
			size_t errlen)
{
	size_t k, used = 0;
	char why[256];
	uint32_t i;

	for (i = 0; i < p->n_options; i++) {
		const struct synsink_option *o = &p->options[i];

		memset(&vals[i], 0, sizeof(vals[i]));
		/* Defaults were checked by option_table_check(). */
		if (o->def)
			option_value_parse(o, o->def, &vals[i], why, sizeof(why));
	}
	for (k = 0; k < spec->n_kv; k++) {
		const struct sink_kv *kv = &spec->kv[k];

		for (i = 0; i < p->n_options; i++)
			if (p->options[i].type != SYNSINK_OPT_PREFIX &&
			    !strcmp(p->options[i].name, kv->key))
				break;
		if (i == p->n_options && (i = secret_file_option(p, kv->key)) < p->n_options) {
			if (vals[i].set) {
				snprintf(err, errlen, "sink %s: give '%s' or '%s', not both",
					 spec->name, p->options[i].name, kv->key);
				return -EINVAL;
			}
			if (!*kv->val) {
				snprintf(err, errlen, "sink %s: option '%s' must not be empty",
					 spec->name, kv->key);
				return -EINVAL;
			}
			vals[i].str = kv->val; /* the path: sink.c reads it */
			vals[i].set = OPTION_SET_FILE;
			continue;
		}
		if (i == p->n_options)
			i = prefix_option(p, kv->key);
		if (i < p->n_options && p->options[i].type == SYNSINK_OPT_PREFIX)
			continue; /* collected below, in order */
		if (i == p->n_options) {
			snprintf(err, errlen, "sink %s: unknown option '%s' (see --list-sinks)",
				 spec->name, kv->key);
			return -EINVAL;
		}
		if (vals[i].set == OPTION_SET_FILE) {
			snprintf(err, errlen, "sink %s: give '%s' or '%s_file', not both",
				 spec->name, kv->key, kv->key);
			return -EINVAL;
		}
		if (option_value_parse(&p->options[i], kv->val, &vals[i], why, sizeof(why))) {
			snprintf(err, errlen, "sink %s: %s", spec->name, why);
			return -EINVAL;
		}
		vals[i].set = 1;
	}
	/* Each prefix option's keys, contiguous in kvbuf, prefix removed. */
	for (i = 0; i < p->n_options; i++) {
		size_t l = strlen(p->options[i].name);

		if (p->options[i].type != SYNSINK_OPT_PREFIX)
			continue;
		vals[i].kv = &kvbuf[used];
		for (k = 0; k < spec->n_kv; k++) {
			if (prefix_option(p, spec->kv[k].key) != i)
				continue;
			if (used == SINKSPEC_MAX_KV)
				break; /* cannot happen: n_kv is bounded too */
			kvbuf[used].key = spec->kv[k].key + l;
			kvbuf[used].value = spec->kv[k].val;
			used++;
			vals[i].n_kv++;
			vals[i].set = 1;
		}
	}
	return 0;
}
