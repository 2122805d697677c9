// SPDX-License-Identifier: MIT
/* sinklist.c - --list-sinks: every plugin in the directory, with its
 * options, and the options the core takes on every sink. */
#include "sinklist.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"
#include "sinkspec.h"
#include "spool.h"
#include "util.h"

static const char *type_name(enum synsink_opt_type t)
{
	switch (t) {
	case SYNSINK_OPT_STRING:
		return "string";
	case SYNSINK_OPT_UINT:
		return "number";
	case SYNSINK_OPT_BOOL:
		return "bool";
	case SYNSINK_OPT_ENUM:
		return "choice";
	case SYNSINK_OPT_PREFIX:
		return "passed";
	case SYNSINK_OPT_SECRET:
		return "secret";
	}
	return "?";
}

static void list_one(const struct synsink_plugin *d, FILE *out)
{
	uint32_t i;

	fprintf(out, "%s - %s\n", d->name, d->description ? d->description : "");
	for (i = 0; i < d->n_options; i++) {
		const struct synsink_option *o = &d->options[i];
		char name[80];

		snprintf(name, sizeof(name), "%s%s", o->name,
			 o->type == SYNSINK_OPT_PREFIX ? "KEY" : "");
		fprintf(out, "    %-16s %-7s", name, type_name(o->type));
		if (o->type == SYNSINK_OPT_ENUM) {
			const char *const *c;

			fputs(" (", out);
			for (c = o->choices; *c; c++)
				fprintf(out, "%s%s", c == o->choices ? "" : "|", *c);
			fputc(')', out);
		} else if (o->type == SYNSINK_OPT_UINT) {
			fprintf(out, " (%llu-%llu)", (unsigned long long)o->min,
				(unsigned long long)o->max);
		}
		fprintf(out, " default: %s\n", o->def ? o->def : "(none)");
		fprintf(out, "        %s\n", o->help ? o->help : "");
		if (o->type == SYNSINK_OPT_SECRET) {
			snprintf(name, sizeof(name), "%s_file", o->name);
			fprintf(out, "    %-16s %-7s default: (none)\n", name, "path");
			fprintf(out,
				"        %s, read from this file: root's or synsink's, mode 0600 or 0400, one line\n",
				o->name);
		}
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int sinklist_print(const char *dir, FILE *out)
{
	char *names[256];
	size_t n = 0, i;
	struct dirent *de;
	DIR *d = opendir(dir);
	int listed = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d)) && n < ARRAY_SIZE(names)) {
		size_t l = strlen(de->d_name);

		if (l > 3 && !strcmp(de->d_name + l - 3, ".so")) {
			names[n] = strndup(de->d_name, l - 3);
			if (names[n])
				n++;
		}
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_str);
	fprintf(out, "Sinks in %s:\n", dir);
	fprintf(out,
		"(every sink also takes the core's ring=N (its own ring size, a"
		" power of two, instead of --ring-size), buffer=N (events held in"
		" memory until delivered, default %u), spool=DIR and spool_max=SIZE"
		" (a disk spool for what memory cannot hold; default limit %lluM):"
		" doc/delivery.md; and a sink that writes JSON fields=KEY,KEY,..."
		" (only those keys: doc/sinks.md)\n",
		SINK_BUFFER_DEFAULT, (unsigned long long)(SPOOL_DEFAULT_MAX >> 20));
	for (i = 0; i < n; i++) {
		struct plugin pl;
		char err[512];

		if (plugin_load(dir, names[i], &pl, err, sizeof(err))) {
			fprintf(out, "%s - not loadable: %s\n", names[i], err);
		} else {
			list_one(pl.desc, out);
			plugin_unload(&pl);
			listed++;
		}
		free(names[i]);
	}
	return listed;
}
