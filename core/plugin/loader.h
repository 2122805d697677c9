/* SPDX-License-Identifier: MIT */
/* loader.h - finding, trusting and loading sink plugins. */
#ifndef SYNSINK_LOADER_H
#define SYNSINK_LOADER_H

#include <limits.h>
#include <stddef.h>
#include <stdio.h>

#include <synsink/plugin.h>

struct plugin {
	void *dl; /* stays mapped after plugin_unload (NODELETE) */
	const struct synsink_plugin *desc;
	char path[PATH_MAX];
};

/*
 * The plugin directory: the flag if given, else $SYNSINK_PLUGIN_DIR, else
 * the directory beside the executable (rel is bin -> plugin dir, fixed at
 * configure time).  A relative directory is refused.  Returns 0, or
 * -EINVAL with err.
 */
int plugin_dir_resolve(const char *flag, const char *rel, char *out, size_t len, char *err,
		       size_t errlen);

/*
 * Loads DIR/NAME.so and checks it: the file, DIR and every directory above
 * it owned by root or us and not writable by group or others (a parent may
 * be if it is sticky, like /tmp), checked by fd on the way down from /, and
 * the file mapped through the fd it was checked by; the ABI version (read
 * first); the descriptor's size, pointer and event sizes; the reserved
 * fields; the name; the functions; the option table.  On any failure *pl
 * is left empty; the object itself stays mapped (RTLD_NODELETE: its
 * constructors have run, and unmapping code that may have left a thread
 * or a handler behind is worse), as does a refused one.
 * Returns 0; -ENOENT when there is no such plugin; -EPERM when the file or
 * directory is not trusted; -EINVAL when the plugin is not a valid one.
 * err always says which file and why.
 */
int plugin_load(const char *dir, const char *name, struct plugin *pl, char *err, size_t errlen);
void plugin_unload(struct plugin *pl);

#endif
