/* SPDX-License-Identifier: MIT */
/*
 * capture.h - a capture source (source.h) on one kernel object: an
 * NFQUEUE queue (bind, read packets in batches, accept them all with one
 * batch verdict whenever the socket runs dry, then hand the decoded events
 * to the sinks' rings) or an NFLOG group (the same without a verdict).
 */
#ifndef SYNSINK_CAPTURE_H
#define SYNSINK_CAPTURE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "source.h"
#include "stats.h"

struct sink_set;
struct capture_ops;
struct capture_batch;
struct capture_rx;
struct nflog_rx;

/* What a capture watches: an NFQUEUE queue (it holds each packet until
 * synsink's verdict) or an NFLOG group (the kernel sends a copy, the
 * packet has gone on). */
enum capture_kind { CAPTURE_NFQUEUE, CAPTURE_NFLOG };

/* Bytes of each packet the kernel copies to us: a whole packet of up to
 * 1500 bytes (an Ethernet MTU, so any minimum-MTU IPv6 packet of 1280
 * too), hence any IPv6 extension-header chain such a packet can carry
 * before its TCP header.  Only a SYN with a longer chain, in a jumbo
 * frame, is cut short and counted as ipv6_exthdr.  A plain SYN is copied
 * at its own length, 60-80 bytes. */
#define CAPTURE_COPY_RANGE 1500

/* NFLOG's batching, the defaults of --nflog-batch and --nflog-timeout:
 * the kernel sends a batch once it holds NFLOG_DEFAULT_QTHRESH packets
 * or its oldest waited NFLOG_DEFAULT_TIMEOUT_CS hundredths of a second. */
#define NFLOG_DEFAULT_QTHRESH	 64
#define NFLOG_DEFAULT_TIMEOUT_CS 1

struct capture_cfg {
	uint32_t maxlen;     /* kernel queue length */
	uint32_t retx_table; /* entries of the retransmit table */
	uint64_t retx_window_ns;
	int dedup; /* drop retransmitted SYNs instead of marking them */
	int owner; /* ask for the socket's owner and security context */
	/* NFLOG only */
	uint32_t nflog_qthresh;	   /* packets per batch */
	uint32_t nflog_timeout_cs; /* a batch's longest wait, 1/100 s */
	uint32_t nflog_rcvbuf;	   /* receive buffer bytes, 0: sized for a burst */
};

struct capture {
	enum capture_kind kind;
	const struct capture_ops *ops; /* what the kind does its own way */
	uint16_t queue;		       /* the queue, or the NFLOG group */
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	int stop_fd;	       /* readable: stop (shared, not owned) */
	struct source_out out; /* the sinks, the retransmit table */
	struct queue_stats st;
	int kfd;		/* NFQ_PROC_PATH, opened at bind */
	struct kq_stats kfinal; /* the kernel's counters just before unbind */
	atomic_int have_kfinal;
	atomic_int failed; /* the thread stopped on an error */
	pthread_t thread;
	int started;
	struct capture_batch *batch; /* the pending events, in rx or lrx */
	struct capture_rx *rx;	     /* NFQUEUE: buffers and per-thread state */
	struct nflog_rx *lrx;	     /* NFLOG: the same */
};

/* What c watches, for a message or a label: "queue" or "group". */
const char *capture_noun(const struct capture *c);

/*
 * Opens a netlink socket and binds queue: copy mode packet with
 * CAPTURE_COPY_RANGE bytes, fail-open and GSO (and with cfg->owner the
 * socket owner's uid/gid and security context), cfg->maxlen, a receive
 * buffer sized for that many packets, and a retransmit table.  Events go to
 * ring ring_idx of every sink in the set *sinks names (source.h).
 * Returns 0, or a negative errno with one line
 * in err (a queue held by another process is named as such).
 */
int capture_open(struct capture *c, uint16_t queue, const struct capture_cfg *cfg,
		 struct sink_set *_Atomic *sinks, size_t ring_idx, char *err, size_t errlen);

/*
 * Opens a netlink socket and binds NFLOG group (nflog.c): copy mode packet
 * with CAPTURE_COPY_RANGE bytes (the same copy as NFQUEUE's, so the same
 * events), cfg's batching, sequence numbers on, a receive buffer for a
 * burst.  It never unbinds the family's logger: a group another process
 * holds is one line in err.  Returns 0 or a negative errno.
 */
int nflog_open(struct capture *c, uint16_t group, const struct capture_cfg *cfg,
	       struct sink_set *_Atomic *sinks, size_t ring_idx, char *err, size_t errlen);

/* Starts the capture thread.  Returns 0 or a negative errno. */
int capture_start(struct capture *c, int stop_fd);

/* Waits for the thread (which drains, accepts what is queued and unbinds
 * once stop_fd is readable). */
void capture_join(struct capture *c);

/* The kernel's counters for the queue: as they were just before the unbind
 * once the thread has finished, else as they are now.  Any thread.
 * Returns 0, or -ENOENT when they cannot be had (always for NFLOG). */
int capture_kstats(struct capture *c, struct kq_stats *ks);

/* Unbinds if still bound, closes the socket, frees the buffers. */
void capture_close(struct capture *c);

#endif
