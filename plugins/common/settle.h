/* SPDX-License-Identifier: MIT */
/*
 * settle.h - telling the core events' outcomes in as few host->settle()
 * calls as their numbers allow: a run grows while numbers are consecutive
 * and the outcome repeats, and goes to the core when either changes (or at
 * the end).  Compiled into plugins (plugins never link the core).
 */
#ifndef SYNSINK_SETTLE_H
#define SYNSINK_SETTLE_H

#include <stddef.h>
#include <stdint.h>

#include <synsink/plugin.h>

struct settle_run {
	const struct synsink_host *host;
	uint64_t first;
	size_t n;
	enum synsink_outcome outcome;
};

#define SETTLE_RUN_INIT(h) ((struct settle_run){ (h), 0, 0, SYNSINK_DELIVERED })

/* Event seq has this outcome. */
void settle_add(struct settle_run *r, uint64_t seq, enum synsink_outcome outcome);
/* Sends what is left. */
void settle_end(struct settle_run *r);

#endif
