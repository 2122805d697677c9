/* SPDX-License-Identifier: MIT */
/*
 * capture.h - a capture source (source.h) on one kernel object: an
 * NFQUEUE queue (bind, read packets in batches, accept them all with one
 * batch verdict whenever the socket runs dry, then hand the decoded events
 * to the sinks' rings), an NFLOG group (the same without a verdict), or
 * the ebpf source's ring buffer (a tc program's records, ebpf.c).
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
struct ebpf_rx;

/* What a capture watches: an NFQUEUE queue (it holds each packet until
 * synsink's verdict), an NFLOG group (the kernel sends a copy, the packet
 * has gone on) or the ebpf source's ring buffer (a tc program on each
 * interface named copies each SYN's headers, no rule anywhere). */
enum capture_kind { CAPTURE_NFQUEUE, CAPTURE_NFLOG, CAPTURE_EBPF };

/* The ebpf source: at most this many interfaces, and the hooks it
 * attaches to (bits of capture_cfg.ebpf_dirs, 1 << enum ebpf_dir). */
#define EBPF_IFACES_MAX 16
#define EBPF_HOOK_IN	1
#define EBPF_HOOK_OUT	2
#define EBPF_HOOK_BOTH	(EBPF_HOOK_IN | EBPF_HOOK_OUT)

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
	/* ebpf only */
	const char *ebpf_ifaces; /* "IFACE[,IFACE...]" */
	unsigned int ebpf_dirs;	 /* EBPF_HOOK_* */
	uint32_t ebpf_ring;	 /* the ring buffer's bytes, a power of two */
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
	struct ebpf_rx *erx;	     /* ebpf: the program, its ring, the interfaces */
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

/*
 * Loads the tc program with a ring of cfg->ebpf_ring bytes and attaches
 * it on the hooks cfg->ebpf_dirs names of every interface in
 * cfg->ebpf_ifaces (ebpf.c); NULL: on none (its records then come from
 * ebpf_test_run).  Returns 0, or a negative errno with one line in err:
 * no BTF, not permitted (which capability), no such interface, our
 * filter's place held by another program.
 */
int ebpf_open(struct capture *c, const struct capture_cfg *cfg, struct sink_set *_Atomic *sinks,
	      size_t ring_idx, char *err, size_t errlen);

/* Runs the ingress program repeat times on frame (len bytes), as the
 * kernel's test run does: a record each into the ring.  The program's
 * mean run time into *ns.  Returns 0 or a negative errno (bench/). */
int ebpf_test_run(struct capture *c, const void *frame, size_t len, uint32_t repeat, uint32_t *ns);

/* The names in "IFACE[,IFACE...]" into names (when not NULL), at most
 * max.  Returns how many, or -EINVAL with one line in err. */
int ebpf_ifaces_parse(const char *list, char (*names)[SYNSINK_IFNAMSIZ], size_t max, char *err,
		      size_t errlen);

/* The same, each name an interface here (its index into ifindex, when
 * not NULL).  Returns how many, or a negative errno with one line. */
int ebpf_ifaces_check(const char *list, int *ifindex, char *err, size_t errlen);

/* The ebpf program's own counters: SYNs it matched and SYNs its ring
 * could not take; as they were at the stop once the thread finished.
 * Any thread.  Returns 0, or -ENOENT for another kind of capture. */
int ebpf_counters(const struct capture *c, uint64_t *seen, uint64_t *lost);

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
