/* SPDX-License-Identifier: MIT */
/*
 * spool.h - a sink's disk spool: events its server could not take yet, in
 * append-only segment files, replayed in order once it is back.
 *
 * DIR/lock            flock()ed by the one synsink using DIR, holds its pid
 * DIR/%016x.seg       segments, replayed in id order; SPOOL_SEG_MAX each
 * DIR/cursor          "ID OFFSET": how far a clean stop had read segment ID
 *
 * A segment is a header and records, each with a CRC-32 (spoolfmt.h).  The
 * writer only ever appends whole records (a short write is cut off
 * again), so a torn record can only be the tail of a segment a crash
 * interrupted; the reader skips whatever does not check out and counts
 * it (spool_corrupt, in events: the bytes skipped over a record's size).
 *
 * Durability: segments are fdatasync()ed when they are closed, at a clean
 * stop, and at most a second after anything was appended (spool_tick).  A
 * killed synsink loses nothing it had appended (the page cache has it); a
 * power loss loses at most that last second.
 *
 * Not thread-safe: the sink's thread owns it (and the main thread once
 * that has stopped).
 */
#ifndef SYNSINK_SPOOL_H
#define SYNSINK_SPOOL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <synsink/event.h>

#include "spoolfmt.h"

#define SPOOL_SEG_MAX	  (1u << 20) /* bytes per segment, about */
#define SPOOL_DEFAULT_MAX (256ull << 20)

/* What this run read of a segment: the events numbered first_seq ..
 * last_seq - 1, from offset start_off on (records back to back unless
 * clean is false: a corrupt one was skipped).  Kept until they are
 * settled, to find them on disk again if a stop comes first. */
struct spool_done {
	uint64_t id;
	uint64_t first_seq, last_seq;
	uint64_t start_off;
	bool clean;
};

struct spool {
	int dfd, lockfd;
	char dir[256];		 /* for messages */
	uint64_t max_bytes;	 /* limit */
	atomic_ullong bytes;	 /* what the segments take (the writer's; read by stats) */
	uint64_t *ids;		 /* segments not yet read to their end, */
	size_t n_ids, cap_ids;	 /* in replay order (the writer's last) */
	struct spool_done *done; /* read to their end, oldest first */
	size_t n_done, cap_done;
	bool keep_done; /* a stop: they hold unsettled events */
	/* writer */
	int wfd;
	uint64_t wid, wsize, unsynced_ns; /* unsynced_ns: first append since the last sync */
	/* reader: segment rid (ids[0], until a stop prepends), read into buf */
	uint64_t rid;
	uint8_t *buf;
	size_t len, off;
	int loaded;
	struct spool_done cur;		/* what was read of it (id: rid) */
	uint64_t cursor_id, cursor_off; /* a clean stop read segment ID to here */

	atomic_ullong waiting; /* events in segments, not read back yet */
	atomic_ullong appended, replayed, corrupt, bad_segments, full, io_errors;
};

/*
 * Opens (creating it 0700, owned by uid:gid) and locks dir, and lists the
 * segments a previous run left.  Refuses a directory another user could
 * write to, or one another synsink holds.  Returns 0 or -errno with one
 * line in err.
 */
int spool_open(struct spool *sp, const char *dir, uint64_t max_bytes, uid_t uid, gid_t gid,
	       char *err, size_t errlen);

/* Appends n events after everything else.  Returns how many; the rest
 * did not fit (spool_max, or the disk is full) and is counted in full. */
size_t spool_append(struct spool *sp, const struct synsink_event *ev, size_t n, uint64_t now_ns);
/* Writes events in front of everything spooled (a clean stop's
 * undelivered ones, older than the rest).  Returns 0, or -errno with all
 * of them counted in full. */
int spool_prepend(struct spool *sp, const struct synsink_event *ev, size_t n);

/* The spool's counters, from any thread. */
struct spool_totals {
	unsigned long long waiting, appended, replayed, corrupt, bad_segments, full, io_errors;
	unsigned long long bytes, max_bytes; /* on disk now, and spool_max */
};
void spool_totals(const struct spool *sp, struct spool_totals *t);
/* n events meant for the spool are lost (out of memory): counted with
 * those it had no room for. */
void spool_lost(struct spool *sp, size_t n);
/* Its directory, for messages. */
const char *spool_dir(const struct spool *sp);

/* Whether anything is left to read back. */
bool spool_empty(const struct spool *sp);
/*
 * Reads up to max events back, oldest first, into out; first_seq is the
 * sequence number the caller gives the first of them (to know when a
 * segment's last event is settled).  Returns how many.
 */
size_t spool_read(struct spool *sp, struct synsink_event *out, size_t max, uint64_t first_seq);
/* Every event below tail_seq is settled: removes the segments that held
 * only such events. */
void spool_settled(struct spool *sp, uint64_t tail_seq);
/* Syncs appended data once it is a second old. */
void spool_tick(struct spool *sp, uint64_t now_ns);
/* Whether event seq (a caller's number) was read back from the spool in
 * this run: it is on disk still, until spool_unread or spool_close. */
bool spool_holds(const struct spool *sp, uint64_t seq);
/* A stop: the n events read back from seq on (spool_holds) are not
 * settled.  They stay where they are on disk: the segments that hold them
 * are kept and the cursor goes back to seq, so the next start reads them
 * again (never copied, so never refused as "full"). */
void spool_unread(struct spool *sp, uint64_t seq, size_t n);
/* A clean stop: syncs, notes how far the reader got, frees.  Events read
 * back but not settled must have been spool_unread() first, and new ones
 * not delivered spool_prepend()ed. */
void spool_close(struct spool *sp);

#endif
