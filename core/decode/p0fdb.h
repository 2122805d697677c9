/* SPDX-License-Identifier: MIT */
/*
 * p0fdb.h - p0f 3's signature database (Debian's /etc/p0f/p0f.fp), its
 * [tcp:request] part: SYN signatures under their labels, matched against
 * a SYN the way p0f matches (fp_tcp.c, read and written anew): an exact
 * signature first, else the first generic one, else the first fuzzy one
 * (a TTL too far or too low, or quirks that differ only by df/id+ gone or
 * id-/ecn come), never a fuzzy match for a userland tool.
 *
 * Loaded once at start, read-only after: any thread may match.
 */
#ifndef SYNSINK_P0FDB_H
#define SYNSINK_P0FDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <synsink/event.h>

#define P0F_DB_DEFAULT "/etc/p0f/p0f.fp" /* Debian's p0f package */

enum p0f_how { P0F_NONE, P0F_EXACT, P0F_FUZZY, P0F_GENERIC };

struct p0f_label {
	char *text;	 /* "Linux 3.11 and newer": the name and the flavor, as p0f prints os= */
	char *name;	 /* "Linux" */
	char *flavor;	 /* "3.11 and newer", "" when none */
	const char *cls; /* "unix", "win", "other"...; "!" for a userland tool */
	bool generic;	 /* a "g:" label */
};

struct p0f_sig;

#define P0F_BUCKETS 64 /* signatures by option layout, as p0f keeps them */

struct p0f_db {
	struct p0f_sig *sigs; /* [tcp:request], in file order */
	size_t n_sigs;
	/* The signatures of each layout bucket, in file order:
	 * by_layout[bucket_start[b] .. bucket_start[b + 1]). */
	size_t bucket_start[P0F_BUCKETS + 1];
	uint32_t *by_layout;
	struct p0f_label *labels;
	size_t n_labels;
	char **classes;
	size_t n_classes;
};

/* Loads path.  Returns 0, or -errno with one line in err ("FILE:LINE:
 * what is wrong" for a malformed file, -EINVAL). */
int p0f_db_load(struct p0f_db *db, const char *path, char *err, size_t errlen);
void p0f_db_free(struct p0f_db *db);

/* The label p0f would give ev, and how it matched; NULL with P0F_NONE. */
const struct p0f_label *p0f_db_match(const struct p0f_db *db, const struct synsink_event *ev,
				     enum p0f_how *how);

/* "exact", "fuzzy", "generic", "none". */
const char *p0f_how_name(enum p0f_how how);

#endif
