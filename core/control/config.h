/* SPDX-License-Identifier: MIT */
/*
 * config.h - the --config file, read into the same arguments the command
 * line takes, so both are checked by one parser:
 *
 *   # comment (a # at the start or after whitespace)
 *   queue = 0-3                 any flag that takes a value, by its long name
 *   stats-interval = 60
 *   [sink kafka]                one section per sink instance
 *   brokers = 10.0.0.5:9092,10.0.0.6:9092
 *   rdkafka.linger.ms = 20
 *
 * Flags on the command line override the file; --sink there replaces the
 * file's sinks.
 */
#ifndef SYNSINK_CONFIG_H
#define SYNSINK_CONFIG_H

#include <stddef.h>

struct config_file {
	int argc;
	char **argv; /* argv[0] is the file name; owned */
	int *line;   /* the line each argument came from */
	const char *path;
};

/* Reads path.  Returns 0, or -errno / -EINVAL with "PATH:LINE: why" in err. */
int config_file_load(const char *path, struct config_file *cf, char *err, size_t errlen);
void config_file_free(struct config_file *cf);

#endif
