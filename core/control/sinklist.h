/* SPDX-License-Identifier: MIT */
/* sinklist.h - --list-sinks. */
#ifndef SYNSINK_SINKLIST_H
#define SYNSINK_SINKLIST_H

#include <stdio.h>

/* Prints every plugin in dir with its options; a plugin that does not load
 * is listed with the reason.  Returns the number listed, or -errno. */
int sinklist_print(const char *dir, FILE *out);

#endif
