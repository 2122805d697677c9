/* SPDX-License-Identifier: MIT */
/*
 * cmd.h - Redis commands from events.  Pure: no I/O, no hiredis.
 *
 * Events arrive as the core's JSON line (host->format_json), so field
 * names and values are the core's, never re-derived here.  XADD takes the
 * line's top-level fields as stream fields; PUBLISH, LPUSH and RPUSH take
 * the line itself.
 */
#ifndef SYNSINK_REDIS_CMD_H
#define SYNSINK_REDIS_CMD_H

#include <stddef.h>
#include <stdint.h>

#include <synsink/event.h>

enum redis_mode { MODE_XADD, MODE_PUBLISH, MODE_LPUSH, MODE_RPUSH };

/* The JSON event has 53 keys at most (the schema's, with a p0f database
 * and --owner=full) and SYNSINK_LINE_MAX bytes: room for all of them. */
#define CMD_MAX_FIELDS 56
#define CMD_MAX_ARGS   (6 + 2 * CMD_MAX_FIELDS) /* XADD key MAXLEN ~ N * + 2 per field */
#define CMD_BUF	       SYNSINK_LINE_MAX		/* unescaped field text of one event */

struct redis_cmd {
	int argc;
	const char *argv[CMD_MAX_ARGS];
	size_t argvlen[CMD_MAX_ARGS];
	char maxlen[24];
	char buf[CMD_BUF]; /* field names and values point in here */
};

/*
 * Builds the command for one event given as a JSON line of len bytes
 * (a trailing newline is ignored).  The line must outlive the command in
 * PUBLISH/LPUSH/RPUSH modes, which point at it.  maxlen 0: no trimming.
 * Returns 0, or -EINVAL when the line is not a flat JSON object as the
 * core writes it, or -ENOSPC when it has too many fields.
 */
int redis_cmd_build(struct redis_cmd *cmd, enum redis_mode mode, const char *key, uint64_t maxlen,
		    const char *line, size_t len);

/* Encodes cmd in RESP (the Redis protocol) at out.  Returns the length, or
 * 0 when it does not fit in cap bytes. */
size_t redis_cmd_resp(const struct redis_cmd *cmd, char *out, size_t cap);

#endif
