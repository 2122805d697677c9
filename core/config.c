// SPDX-License-Identifier: MIT
/* config.c - the configuration file, as arguments. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sinkspec.h"

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* Appends one argument (a copy).  Returns 0 or -ENOMEM. */
static int push(struct config_file *cf, const char *s, int line)
{
	char **argv = realloc(cf->argv, (size_t)(cf->argc + 2) * sizeof(*argv));
	int *lines;

	if (!argv)
		return -ENOMEM;
	cf->argv = argv;
	lines = realloc(cf->line, (size_t)(cf->argc + 1) * sizeof(*lines));
	if (!lines)
		return -ENOMEM;
	cf->line = lines;
	cf->argv[cf->argc] = strdup(s);
	if (!cf->argv[cf->argc])
		return -ENOMEM;
	cf->line[cf->argc] = line;
	cf->argc++;
	cf->argv[cf->argc] = NULL;
	return 0;
}

/* A sink section in the making: "NAME:k=v,k=v". */
struct section {
	char spec[4096];
	size_t len;
	int line;
	int keys;
};

static int flush_section(struct config_file *cf, struct section *sec)
{
	int ret;

	if (!sec->len)
		return 0;
	ret = push(cf, "--sink", sec->line);
	if (!ret)
		ret = push(cf, sec->spec, sec->line);
	sec->len = 0;
	return ret;
}

#define FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); ret = -EINVAL; goto out; } while (0)

int config_file_load(const char *path, struct config_file *cf, char *err,
		     size_t errlen)
{
	struct section sec = { .len = 0 };
	char *buf = NULL;
	size_t cap = 0;
	int ret = 0, lineno = 0;
	FILE *f;

	memset(cf, 0, sizeof(*cf));
	cf->path = path;
	f = fopen(path, "re");
	if (!f) {
		snprintf(err, errlen, "--config: %s: %s", path, strerror(errno));
		return -errno;
	}
	if (push(cf, path, 0))
		goto out_oom;
	while (getline(&buf, &cap, f) >= 0) {
		char *s = buf, *hash, *eq, *key, *val;

		lineno++;
		for (hash = s; (hash = strchr(hash, '#')); hash++) {
			if (hash == s || hash[-1] == ' ' || hash[-1] == '\t') {
				*hash = '\0';	/* a comment */
				break;
			}
		}
		s = trim(s);
		if (!*s)
			continue;
		if (*s == '[') {
			char *close = strchr(s, ']');

			if (!close || trim(close + 1)[0] || strncmp(s, "[sink ", 6))
				FAIL("%s:%d: expected [sink NAME]", path, lineno);
			*close = '\0';
			if (flush_section(cf, &sec))
				goto out_oom;
			key = trim(s + 6);
			if (!sink_name_valid(key))
				FAIL("%s:%d: bad sink name '%s'", path, lineno, key);
			sec.len = (size_t)snprintf(sec.spec, sizeof(sec.spec), "%s", key);
			sec.line = lineno;
			sec.keys = 0;
			continue;
		}
		eq = strchr(s, '=');
		if (!eq)
			FAIL("%s:%d: expected key = value", path, lineno);
		*eq = '\0';
		key = trim(s);
		val = trim(eq + 1);
		if (!*key)
			FAIL("%s:%d: a value without a key", path, lineno);
		if (sec.len) {
			char *comma;
			int n;

			/* "a,b=c" would read as two keys on the way through
			 * the --sink syntax: refuse it rather than guess. */
			for (comma = strchr(val, ','); comma; comma = strchr(comma + 1, ','))
				if (strcspn(comma + 1, "=") < strcspn(comma + 1, ","))
					FAIL("%s:%d: %s: a value cannot hold ',' followed by '='",
					     path, lineno, key);
			n = snprintf(sec.spec + sec.len, sizeof(sec.spec) - sec.len,
				     "%s%s=%s", sec.keys++ ? "," : ":", key, val);
			if (n < 0 || (size_t)n >= sizeof(sec.spec) - sec.len)
				FAIL("%s:%d: section too long", path, lineno);
			sec.len += (size_t)n;
			continue;
		}
		if (!cli_file_key(key))
			FAIL("%s:%d: unknown key '%s'", path, lineno, key);
		{
			char flag[64];

			snprintf(flag, sizeof(flag), "--%s", key);
			if (push(cf, flag, lineno) || push(cf, val, lineno))
				goto out_oom;
		}
	}
	if (flush_section(cf, &sec))
		goto out_oom;
	goto out;
out_oom:
	snprintf(err, errlen, "--config: %s: out of memory", path);
	ret = -ENOMEM;
out:
	free(buf);
	fclose(f);
	if (ret)
		config_file_free(cf);
	return ret;
}

void config_file_free(struct config_file *cf)
{
	int i;

	for (i = 0; i < cf->argc; i++)
		free(cf->argv[i]);
	free(cf->argv);
	free(cf->line);
	memset(cf, 0, sizeof(*cf));
}
