// SPDX-License-Identifier: MIT
/*
 * loader.c - dlopen with checks, in the order that keeps us safe: trust the
 * file before mapping it, read the ABI version before any other field,
 * check the whole descriptor before calling anything.
 */
#include "loader.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "options.h"
#include "safefile.h"
#include "sinkspec.h"
#include "util.h"

int plugin_dir_resolve(const char *flag, const char *rel, char *out, size_t len, char *err,
		       size_t errlen)
{
	const char *env = getenv("SYNSINK_PLUGIN_DIR");
	const char *src = flag ? flag : (env && *env ? env : NULL);
	char exe[PATH_MAX];
	ssize_t n;
	char *slash;

	if (src) {
		if (src[0] != '/') {
			snprintf(err, errlen,
				 "plugin directory '%s' is relative; give an absolute path", src);
			return -EINVAL;
		}
		if ((size_t)snprintf(out, len, "%s", src) >= len)
			goto too_long;
		return 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0) {
		snprintf(err, errlen, "cannot find my own executable: %s", strerror(errno));
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

/* Reserved fields are zero in every plugin built against this header: a
 * non-zero one is a plugin for a future ABI, or not a plugin. */
static bool reserved_zero(const struct synsink_plugin *d)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(d->reserved); i++)
		if (d->reserved[i])
			return false;
	return true;
}

static int check_descriptor(const struct synsink_plugin *d, const char *name, const char *path,
			    char *err, size_t errlen)
{
	char why[256];

	/* The version first: nothing else is known to be where we think. */
	if (d->abi_version != SYNSINK_PLUGIN_ABI) {
		snprintf(
			err, errlen,
			"%s: plugin built for ABI %u, this synsink needs ABI %u (rebuild it against synsink/plugin.h)",
			path, d->abi_version, SYNSINK_PLUGIN_ABI);
		return -EINVAL;
	}
	if (d->struct_size < sizeof(*d) || d->ptr_size != sizeof(void *) ||
	    d->event_size != sizeof(struct synsink_event)) {
		snprintf(
			err, errlen,
			"%s: plugin built for another layout (struct %u/%zu, pointer %u/%zu, event %u/%zu)",
			path, d->struct_size, sizeof(*d), d->ptr_size, sizeof(void *),
			d->event_size, sizeof(struct synsink_event));
		return -EINVAL;
	}
	if (!reserved_zero(d)) {
		snprintf(err, errlen, "%s: plugin sets reserved fields (they must be zero)", path);
		return -EINVAL;
	}
	if (d->flags & ~(uint32_t)SYNSINK_PLUGIN_FLAGS) {
		snprintf(err, errlen, "%s: plugin sets flags this synsink does not know (0x%x)",
			 path, d->flags & ~(uint32_t)SYNSINK_PLUGIN_FLAGS);
		return -EINVAL;
	}
	if (!d->name || strcmp(d->name, name)) {
		snprintf(err, errlen, "%s: plugin calls itself '%s', not '%s'", path,
			 d->name ? d->name : "(null)", name);
		return -EINVAL;
	}
	if (!d->open || !d->write || !d->flush || !d->close) {
		snprintf(err, errlen, "%s: plugin lacks open, write, flush or close", path);
		return -EINVAL;
	}
	if (option_table_check(d, why, sizeof(why))) {
		snprintf(err, errlen, "%s: bad option table: %s", path, why);
		return -EINVAL;
	}
	return 0;
}

int plugin_load(const char *dir, const char *name, struct plugin *pl, char *err, size_t errlen)
{
	const struct synsink_plugin *(*entry)(void);
	char file[SINK_NAME_MAX + 4], fdpath[32], what[SINK_NAME_MAX + 48];
	struct stat st;
	int dfd, fd, ret;

	memset(pl, 0, sizeof(*pl));
	if (!sinkspec_name_valid(name)) {
		snprintf(err, errlen, "bad sink name '%s'", name);
		return -EINVAL;
	}
	snprintf(file, sizeof(file), "%s.so", name);
	if ((size_t)snprintf(pl->path, sizeof(pl->path), "%s/%s", dir, file) >= sizeof(pl->path)) {
		snprintf(err, errlen, "plugin path too long");
		return -EINVAL;
	}
	snprintf(what, sizeof(what), "unknown sink '%s': plugin directory", name);
	dfd = sf_open_trusted_dir(dir, what, false, err, errlen);
	if (dfd < 0)
		return dfd;

	/* The file, through the directory fd just checked: no name is
	 * looked up again from here on. */
	fd = sf_open(dfd, file, O_RDONLY, 0, 0);
	close(dfd);
	if (fd == -ENOENT) {
		snprintf(err, errlen,
			 "unknown sink '%s' (no %s; --list-sinks shows the sinks there)", name,
			 pl->path);
		return -ENOENT;
	}
	if (fd < 0 || fstat(fd, &st)) {
		snprintf(err, errlen, "%s: refused: %s", pl->path,
			 sf_strerror(fd < 0 ? fd : errno));
		if (fd >= 0)
			close(fd);
		return -EPERM;
	}
	if (!sf_trusted(&st, false, pl->path, err, errlen)) {
		close(fd);
		return -EPERM;
	}
	/*
	 * Map the very file checked, through its fd: a path could be swapped
	 * between the check and the load, and a constructor runs inside
	 * dlopen, before any check after it.  The fd stays open for good:
	 * the dynamic loader knows objects by name, a plugin stays mapped
	 * (NODELETE: librdkafka keeps global state and threads of its own),
	 * and a later plugin given a recycled "/proc/self/fd/N" would be
	 * taken for this one.  One fd per load, a handful per run.
	 */
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
	pl->dl = dlopen(fdpath, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (!pl->dl) {
		snprintf(err, errlen, "%s: cannot load: %s", pl->path, dlerror());
		close(fd); /* nothing was mapped under its name */
		return -EINVAL;
	}
	*(void **)&entry = dlsym(pl->dl, SYNSINK_PLUGIN_SYMBOL);
	if (!entry) {
		snprintf(err, errlen, "%s: not a synsink plugin (no %s symbol)", pl->path,
			 SYNSINK_PLUGIN_SYMBOL);
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
	return 0;

out_dlclose:
	dlclose(pl->dl); /* stays mapped (NODELETE): fd stays open too */
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
