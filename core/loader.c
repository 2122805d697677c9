// SPDX-License-Identifier: MIT
/*
 * loader.c - dlopen with checks, in the order that keeps us safe: trust the
 * file before mapping it, read the ABI version before any other field,
 * check the whole descriptor before calling anything.
 */
#include "loader.h"

#include <dirent.h>
#include <dlfcn.h>
#include <link.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sinkspec.h"

int plugin_dir_resolve(const char *flag, const char *rel, char *out,
		       size_t len, char *err, size_t errlen)
{
	const char *env = getenv("SYNSINK_PLUGIN_DIR");
	const char *src = flag ? flag : (env && *env ? env : NULL);
	char exe[PATH_MAX];
	ssize_t n;
	char *slash;

	if (src) {
		if (src[0] != '/') {
			snprintf(err, errlen,
				 "plugin directory '%s' is relative; give an absolute path",
				 src);
			return -EINVAL;
		}
		if ((size_t)snprintf(out, len, "%s", src) >= len)
			goto too_long;
		return 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0) {
		snprintf(err, errlen, "cannot find my own executable: %s",
			 strerror(errno));
		return -EINVAL;
	}
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	if ((size_t)snprintf(out, len, "%s/%s", exe, rel) >= len)
		goto too_long;
	/* Tidy "bin/../lib" for messages; a missing dir is reported later. */
	if (realpath(out, exe) && strlen(exe) < len)
		memcpy(out, exe, strlen(exe) + 1);
	return 0;
too_long:
	snprintf(err, errlen, "plugin directory path too long");
	return -EINVAL;
}

/* Whether st (a file or a directory) may be trusted to hold code. */
static int trusted(const struct stat *st, const char *path, char *err,
		   size_t errlen)
{
	if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(err, errlen, "%s: refused: writable by %s (mode %04o)",
			 path, st->st_mode & S_IWOTH ? "others" : "its group",
			 (unsigned int)(st->st_mode & 07777));
		return 0;
	}
	if (st->st_uid != 0 && st->st_uid != geteuid()) {
		snprintf(err, errlen,
			 "%s: refused: owned by uid %u, neither root nor me",
			 path, (unsigned int)st->st_uid);
		return 0;
	}
	return 1;
}

/* Whether the object behind handle is the file st describes. */
static int same_file(void *handle, const struct stat *st)
{
	struct link_map *lm;
	struct stat now;

	if (dlinfo(handle, RTLD_DI_LINKMAP, &lm) || !lm || !lm->l_name ||
	    stat(lm->l_name, &now))
		return 0;
	return now.st_dev == st->st_dev && now.st_ino == st->st_ino;
}

static int check_descriptor(const struct synsink_plugin *d, const char *name,
			    const char *path, char *err, size_t errlen)
{
	char why[256];

	/* The version first: nothing else is known to be where we think. */
	if (d->abi_version != SYNSINK_PLUGIN_ABI) {
		snprintf(err, errlen,
			 "%s: plugin ABI version mismatch: expected %u, found %u",
			 path, SYNSINK_PLUGIN_ABI, d->abi_version);
		return -EINVAL;
	}
	if (d->struct_size < sizeof(*d) || d->ptr_size != sizeof(void *) ||
	    d->event_size != sizeof(struct syn_event)) {
		snprintf(err, errlen,
			 "%s: plugin built for another layout (struct %u/%zu, pointer %u/%zu, event %u/%zu)",
			 path, d->struct_size, sizeof(*d), d->ptr_size,
			 sizeof(void *), d->event_size, sizeof(struct syn_event));
		return -EINVAL;
	}
	if (!d->name || strcmp(d->name, name)) {
		snprintf(err, errlen, "%s: plugin calls itself '%s', not '%s'",
			 path, d->name ? d->name : "(null)", name);
		return -EINVAL;
	}
	if (!d->open || !d->write || !d->flush || !d->close) {
		snprintf(err, errlen, "%s: plugin lacks open, write, flush or close",
			 path);
		return -EINVAL;
	}
	if (option_table_check(d, why, sizeof(why))) {
		snprintf(err, errlen, "%s: bad option table: %s", path, why);
		return -EINVAL;
	}
	return 0;
}

int plugin_load(const char *dir, const char *name, struct plugin *pl,
		char *err, size_t errlen)
{
	const struct synsink_plugin *(*entry)(void);
	struct stat st;
	int fd, ret;

	memset(pl, 0, sizeof(*pl));
	if (!sink_name_valid(name)) {
		snprintf(err, errlen, "bad sink name '%s'", name);
		return -EINVAL;
	}
	if ((size_t)snprintf(pl->path, sizeof(pl->path), "%s/%s.so", dir, name) >=
	    sizeof(pl->path)) {
		snprintf(err, errlen, "plugin path too long");
		return -EINVAL;
	}
	errno = 0;
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "unknown sink '%s': plugin directory %s: %s",
			 name, dir, errno ? strerror(errno) : "not a directory");
		return -ENOENT;
	}
	if (!trusted(&st, dir, err, errlen))
		return -EPERM;

	/* Check the file through an fd we hold, so it cannot be swapped
	 * between the checks. */
	fd = open(pl->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT)
			snprintf(err, errlen, "unknown sink '%s' (no %s)", name,
				 pl->path);
		else
			snprintf(err, errlen, "%s: %s", pl->path, strerror(errno));
		return errno == ENOENT ? -ENOENT : -EPERM;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: refused: not a regular file", pl->path);
		ret = -EPERM;
		goto out_close_fd;
	}
	if (!trusted(&st, pl->path, err, errlen)) {
		ret = -EPERM;
		goto out_close_fd;
	}
	/* NODELETE: a plugin stays mapped until exit.  The libraries it links
	 * (librdkafka) keep global state and threads of their own; unmapping
	 * them under those is unsafe, and hides the state from LeakSanitizer.
	 * The loader knows objects by path, so load the path we checked, then
	 * make sure what got mapped is the very file we checked. */
	pl->dl = dlopen(pl->path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (!pl->dl) {
		snprintf(err, errlen, "%s: cannot load: %s", pl->path, dlerror());
		ret = -EINVAL;
		goto out_close_fd;
	}
	if (!same_file(pl->dl, &st)) {
		snprintf(err, errlen, "%s: refused: the file changed while loading",
			 pl->path);
		ret = -EPERM;
		goto out_dlclose;
	}
	*(void **)&entry = dlsym(pl->dl, SYNSINK_PLUGIN_SYMBOL);
	if (!entry) {
		snprintf(err, errlen, "%s: not a synsink plugin (no %s symbol)",
			 pl->path, SYNSINK_PLUGIN_SYMBOL);
		ret = -EINVAL;
		goto out_dlclose;
	}
	pl->desc = entry();
	if (!pl->desc) {
		snprintf(err, errlen, "%s: plugin returned no descriptor", pl->path);
		ret = -EINVAL;
		goto out_dlclose;
	}
	ret = check_descriptor(pl->desc, name, pl->path, err, errlen);
	if (ret)
		goto out_dlclose;
	close(fd);
	return 0;

out_dlclose:
	dlclose(pl->dl);
out_close_fd:
	close(fd);
	pl->dl = NULL;
	pl->desc = NULL;
	return ret;
}

void plugin_unload(struct plugin *pl)
{
	if (pl->dl)
		dlclose(pl->dl);
	pl->dl = NULL;
	pl->desc = NULL;
}

static const char *type_name(enum synsink_opt_type t)
{
	switch (t) {
	case SYNSINK_OPT_STRING:	return "string";
	case SYNSINK_OPT_UINT:		return "number";
	case SYNSINK_OPT_BOOL:		return "bool";
	case SYNSINK_OPT_ENUM:		return "choice";
	case SYNSINK_OPT_PREFIX:	return "passed";
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
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int plugin_list(const char *dir, FILE *out)
{
	char *names[256];
	size_t n = 0, i;
	struct dirent *de;
	DIR *d = opendir(dir);
	int listed = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d)) && n < sizeof(names) / sizeof(names[0])) {
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
	fprintf(out, "(every sink also takes ring=N: its own ring size, a power"
		" of two, instead of --ring-size)\n");
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
