/* SPDX-License-Identifier: MIT */
/*
 * capture_int.h - what NFQUEUE's three files share, private to them:
 * nfqrx.c (the packet half: datagrams to pending events), capture.c (the
 * thread: reads, the verdict, the hand-off to the sinks) and
 * capture_ctl.c (the kernel queue: socket, bind, configuration messages,
 * unbind; the thread's start and end).
 */
#ifndef SYNSINK_CAPTURE_INT_H
#define SYNSINK_CAPTURE_INT_H

#include <net/if.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>

#include "capture.h"
#include "log.h"

#define RX_BATCH       64	      /* datagrams per recvmmsg() */
#define RX_SLOT	       4096	      /* bytes per datagram buffer */
#define PENDING_MAX    (4 * RX_BATCH) /* events held until a verdict */
#define IFCACHE_SLOTS  64
#define IFCACHE_TTL_NS 1000000000ull /* names are re-read once a second */

struct ifcache_ent {
	uint32_t idx;
	uint64_t at_ns;
	char name[IF_NAMESIZE];
};

struct capture_rx {
	char bufs[RX_BATCH][RX_SLOT];
	struct iovec iov[RX_BATCH];
	struct mmsghdr msgs[RX_BATCH];
	struct synsink_event pending[PENDING_MAX];
	uint32_t hash[PENDING_MAX]; /* their retransmit-table hashes */
	size_t n_pending;	    /* events waiting for the verdict */
	uint32_t pending_pkts;	    /* packets waiting for the verdict */
	uint32_t pending_id;	    /* newest id among them */
	struct {
		uint64_t t;
		uint32_t n;
	} stamps[PENDING_MAX]; /* when they arrived */
	size_t n_stamps;
	uint32_t last_id;
	int have_id;
	int unbound; /* no verdicts are possible any more */
	struct ifcache_ent ifc[IFCACHE_SLOTS];
	struct ratelimit rl_decode, rl_kerr, rl_enobufs, rl_verdict;
	char txbuf[8192];
};

/* The name of interface idx into out (SYNSINK_IFNAMSIZ), through cache
 * (IFCACHE_SLOTS entries, each re-read after IFCACHE_TTL_NS). */
void capture_ifname(struct ifcache_ent *cache, uint32_t idx, uint64_t now, char *out);
/* Walks one datagram read at now_real / now_mono: packets become pending
 * events.  Returns what an ack matching seq says (0 or the kernel's
 * -errno), or 1 when no such ack was in it. */
int capture_datagram(struct capture *c, const char *buf, size_t len, uint32_t seq,
		     uint64_t now_real, uint64_t now_mono);
/* Verdict for every pending packet, then the pending events go to the
 * sinks (source_emit).  nfqrx.c calls it when the batch is full. */
void capture_publish(struct capture *c);
/* The kernel queue's length; returns 0 or the kernel's -errno. */
int capture_set_maxlen(struct capture *c, uint32_t maxlen);
/* Unbinds the queue: no verdict is possible after it. */
void capture_unbind(struct capture *c);
/* The thread: read, verdict, publish until stop_fd, then finish. */
void *capture_thread(void *arg);

#endif
