/* SPDX-License-Identifier: MIT */
/*
 * source.h - what every capture source shares: where its events go.
 *
 * A source turns what the kernel hands over into struct synsink_event and
 * gives the sinks each batch.  NFQUEUE (nfqrx.c, capture_ctl.c) holds
 * every SYN until its verdict; NFLOG (nflogrx.c, nflog.c: NFULNL_MSG_PACKET
 * messages with a per-group sequence number instead of packet ids, no
 * verdict) only watches; both run capture.c's thread over batch.c's
 * pending batch.  eBPF, to come, watches too (records a tc program writes
 * to a BPF ring buffer, read with ring_buffer__poll/consume).  Each is the
 * same shape:
 *
 *   - one thread per kernel object (queue, log group, ring buffer), named
 *     after it, owning ring ring_idx of every sink (the rings are single
 *     producer);
 *   - it reads without blocking until the kernel's side runs dry, decodes
 *     into its own pending batch (no heap per packet), does what its kind
 *     must first (NFQUEUE: one batch verdict), then source_emit();
 *   - its counters are a struct queue_stats (stats.h) that only its thread
 *     writes; a gap in the kernel's numbering (NFQUEUE ids, NFLOG
 *     sequence numbers, the ring buffer's lost-sample count) is id_gaps;
 *   - it stops when stop_fd is readable, after reading what is queued.
 *
 * The retransmit check and the hand-off to the sinks are here, once.
 */
#ifndef SYNSINK_SOURCE_H
#define SYNSINK_SOURCE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <synsink/event.h>

#include "retx.h"
#include "stats.h"

struct sink_set;

/*
 * A source's output: the sinks, its ring in each, the retransmit table.
 *
 * The sinks are the set *sinks names when a batch goes out.  A reload
 * (control/reload.c) swaps that pointer, then waits in
 * source_release_wait until no source still pushes to the old set: each
 * source names the set it is pushing to in `using` first, and reads the
 * pointer again after, so a swap either happened before (the source sees
 * the new set) or is seen by the wait.  A hazard pointer, one per source.
 */
struct source_out {
	struct sink_set *_Atomic *sinks; /* the daemon's; NULL: no sinks */
	struct sink_set *_Atomic using;	 /* the set pushed to now, or NULL */
	size_t ring_idx;		 /* our ring in every sink */
	struct retx_table retx;
	int dedup; /* drop retransmitted SYNs instead of marking them */
};

/*
 * Marks (or, with dedup, drops) the retransmitted SYNs among ev[0..n),
 * counts the rest as events, and pushes them to every sink's ring.  hash
 * is scratch room for n hashes.  Returns how many went out.  The source's
 * thread only.
 */
size_t source_emit(struct source_out *o, struct queue_stats *st, struct synsink_event *ev,
		   uint32_t *hash, size_t n);

/* After *o->sinks stopped naming old: returns once o's thread no longer
 * pushes to it (at once if it does not now).  Any other thread. */
void source_release_wait(struct source_out *o, const struct sink_set *old);

#endif
