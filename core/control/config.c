// SPDX-License-Identifier: MIT
/* config.c - the configuration file, as arguments. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "safefile.h"
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

#define CONFIG_MAX_BYTES (1u << 20) /* a config file is small */
#define CONFIG_MAX_KEYS	 256	    /* per scope: the flags, or a section */

/* The keys given so far in one scope (the top, or a [sink] section), to
 * refuse a key given twice instead of letting the last one win. */
struct seen {
	const char *key[CONFIG_MAX_KEYS];
	int line[CONFIG_MAX_KEYS];
	size_t n;
};

/* Records key at line; returns the line it was first given at, 0 for a
 * new key, or -1 when the scope already holds CONFIG_MAX_KEYS (a check
 * that stopped looking would let a duplicate through unseen). */
static int seen_add(struct seen *sn, const char *key, int line)
{
	size_t i;

	for (i = 0; i < sn->n; i++)
		if (!strcmp(sn->key[i], key))
			return sn->line[i];
	if (sn->n == CONFIG_MAX_KEYS)
		return -1;
	sn->key[sn->n] = key;
	sn->line[sn->n++] = line;
	return 0;
}

/*
 * Reads all of path, a regular file of at most CONFIG_MAX_BYTES, into a
 * NUL-terminated buffer (*out, *len), through the one bounded reader
 * (safefile.h): a directory, a device (/dev/zero) or a FIFO (which would
 * block) is refused before a byte is read.  The file names secrets and
 * where events go: like a plugin, it and every directory above it must be
 * owned by root or us and writable by nobody else (sticky parents like
 * /tmp excepted), or whoever could change it could aim a password_file= at
 * a root-only file and a sink at their own server.  Returns 0, or a
 * negative errno with "PATH: why" in err.
 */
static int read_whole(const char *path, char **out, size_t *len, char *err, size_t errlen)
{
	char real[PATH_MAX], *slash;
	struct stat st;
	int ret;

	if (!realpath(path, real)) {
		snprintf(err, errlen, "--config: %s: %s", path, strerror(errno));
		return -errno;
	}
	slash = strrchr(real, '/');
	*slash = '\0';
	ret = sf_open_trusted_dir(real[0] ? real : "/", "--config: directory", true, err, errlen);
	if (ret < 0)
		return ret;
	close(ret);
	ret = sf_read(path, CONFIG_MAX_BYTES, SF_FOLLOW | SF_TRUSTED, out, len, NULL);
	if (!ret)
		return 0;
	if (ret == -EPERM && !stat(path, &st) && !sf_trusted(&st, false, path, err, errlen))
		return -EINVAL; /* err says who owns it, or who may write it */
	if (ret == -SF_ENOTREG && !stat(path, &st))
		snprintf(err, errlen, "%s: not a regular file (%s)", path, sf_kind(st.st_mode));
	else if (ret == -EFBIG)
		snprintf(err, errlen, "%s: larger than %u bytes; not a config file", path,
			 CONFIG_MAX_BYTES);
	else
		snprintf(err, errlen, "--config: %s: %s", path, sf_strerror(ret));
	return ret == -ENOMEM ? ret : -EINVAL;
}

/* Starts a [sink NAME] section at s (trimmed, begins with '[').  Returns
 * 0, -EINVAL with err, or -ENOMEM. */
static int section_start(struct config_file *cf, struct section *sec, struct seen *keys, char *s,
			 int lineno, char *err, size_t errlen)
{
	char *close = strchr(s, ']'), *name;

	if (!close || trim(close + 1)[0] || strncmp(s, "[sink ", 6)) {
		snprintf(err, errlen, "%s:%d: expected [sink NAME]", cf->path, lineno);
		return -EINVAL;
	}
	*close = '\0';
	if (flush_section(cf, sec))
		return -ENOMEM;
	name = trim(s + 6);
	if (!sinkspec_name_valid(name)) {
		snprintf(err, errlen, "%s:%d: bad sink name '%s'", cf->path, lineno, name);
		return -EINVAL;
	}
	sec->len = (size_t)snprintf(sec->spec, sizeof(sec->spec), "%s", name);
	sec->line = lineno;
	sec->keys = 0;
	keys->n = 0;
	return 0;
}

/* Adds "key=val" to the open section.  Returns 0 or -EINVAL with err. */
static int section_add(struct config_file *cf, struct section *sec, const char *key,
		       const char *val, int lineno, char *err, size_t errlen)
{
	const char *comma;
	int n;

	/* "a,b=c" would read as two keys on the way through the --sink
	 * syntax: refuse it rather than guess. */
	for (comma = strchr(val, ','); comma; comma = strchr(comma + 1, ','))
		if (strcspn(comma + 1, "=") < strcspn(comma + 1, ",")) {
			snprintf(err, errlen, "%s:%d: %s: a value cannot hold ',' followed by '='",
				 cf->path, lineno, key);
			return -EINVAL;
		}
	n = snprintf(sec->spec + sec->len, sizeof(sec->spec) - sec->len, "%s%s=%s",
		     sec->keys++ ? "," : ":", key, val);
	if (n < 0 || (size_t)n >= sizeof(sec->spec) - sec->len) {
		snprintf(err, errlen, "%s:%d: section too long", cf->path, lineno);
		return -EINVAL;
	}
	sec->len += (size_t)n;
	return 0;
}

/* One line (NUL-free, without its newline).  Returns 0, -EINVAL with
 * "PATH:LINE: why" in err, or -ENOMEM. */
static int parse_line(struct config_file *cf, struct section *sec, struct seen *top,
		      struct seen *in_sec, char *s, int lineno, char *err, size_t errlen)
{
	char *hash, *eq, *key, *val, *arg;
	int first, ret;

	for (hash = s; (hash = strchr(hash, '#')); hash++) {
		if (hash == s || hash[-1] == ' ' || hash[-1] == '\t') {
			*hash = '\0'; /* a comment */
			break;
		}
	}
	s = trim(s);
	if (!*s)
		return 0;
	if (*s == '[')
		return section_start(cf, sec, in_sec, s, lineno, err, errlen);
	eq = strchr(s, '=');
	if (!eq) {
		snprintf(err, errlen, "%s:%d: expected key = value", cf->path, lineno);
		return -EINVAL;
	}
	*eq = '\0';
	key = trim(s);
	val = trim(eq + 1);
	if (!*key) {
		snprintf(err, errlen, "%s:%d: a value without a key", cf->path, lineno);
		return -EINVAL;
	}
	first = seen_add(sec->len ? in_sec : top, key, lineno);
	if (first < 0) {
		snprintf(err, errlen, "%s:%d: more than %d keys in one %s", cf->path, lineno,
			 CONFIG_MAX_KEYS, sec->len ? "section" : "file");
		return -EINVAL;
	}
	if (first) {
		snprintf(err, errlen, "%s:%d: '%s' given twice (first at line %d)", cf->path,
			 lineno, key, first);
		return -EINVAL;
	}
	if (sec->len)
		return section_add(cf, sec, key, val, lineno, err, errlen);
	if (!cli_file_key(key)) {
		snprintf(err, errlen, "%s:%d: unknown key '%s'", cf->path, lineno, key);
		return -EINVAL;
	}
	/* One argument, "--key=value": right for a flag whose value is
	 * optional on the command line too (--owner). */
	arg = malloc(strlen(key) + strlen(val) + 4);
	if (!arg)
		return -ENOMEM;
	snprintf(arg, strlen(key) + strlen(val) + 4, "--%s=%s", key, val);
	ret = push(cf, arg, lineno);
	free(arg);
	return ret;
}

int config_file_load(const char *path, struct config_file *cf, char *err, size_t errlen)
{
	struct section sec = { .len = 0 };
	struct seen *top = NULL, *in_sec = NULL;
	char *buf = NULL, *line, *end;
	int ret, lineno = 0;
	size_t len = 0;

	memset(cf, 0, sizeof(*cf));
	cf->path = path;
	ret = read_whole(path, &buf, &len, err, errlen);
	if (ret)
		return ret;
	top = calloc(1, sizeof(*top));
	in_sec = calloc(1, sizeof(*in_sec));
	if (!top || !in_sec || push(cf, path, 0))
		goto out_oom;
	for (line = buf; line < buf + len; line = end + 1) {
		end = memchr(line, '\n', (size_t)(buf + len - line));
		if (!end)
			end = buf + len;
		lineno++;
		if (memchr(line, '\0', (size_t)(end - line))) {
			snprintf(err, errlen, "%s:%d: a NUL byte in the line", path, lineno);
			ret = -EINVAL;
			goto out;
		}
		*end = '\0';
		ret = parse_line(cf, &sec, top, in_sec, line, lineno, err, errlen);
		if (ret == -ENOMEM)
			goto out_oom;
		if (ret)
			goto out;
	}
	if (flush_section(cf, &sec))
		goto out_oom;
	goto out;
out_oom:
	snprintf(err, errlen, "--config: %s: out of memory", path);
	ret = -ENOMEM;
out:
	free(top);
	free(in_sec);
	free(buf);
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
