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

/* What NFQUEUE and NFLOG both say of a packet besides its bytes, each
 * attribute NULL when absent (their types differ, their payloads do not:
 * a u32 mark and ifindexes, the same hardware-address struct). */
struct pkt_meta {
	const struct nlattr *mark, *indev, *outdev, *hwaddr, *uid, *gid;
};
/* Puts them into ev, the interfaces named through cache. */
void capture_meta(struct ifcache_ent *cache, struct synsink_event *ev, const struct pkt_meta *m,
		  uint64_t now_mono);
/* A source's walk over one datagram (capture_datagram, nflog_datagram):
 * returns what an ack matching seq says, or 1 when none was in it. */
typedef int (*capture_walk_fn)(struct capture *c, const char *buf, size_t len, uint32_t seq,
			       uint64_t now_real, uint64_t now_mono);
/* Sends a config message nlh (with NLM_F_ACK and the next sequence
 * number) and reads into buf until its ack, at most CONFIG_ACK_NS; what
 * else arrives goes through walk (packets wait in the pending batch for
 * the thread).  Returns 0, the kernel's -errno, or -ETIMEDOUT. */
int capture_request(struct capture *c, struct nlmsghdr *nlh, char *buf, size_t cap,
		    capture_walk_fn walk);
/* Reads every datagram waiting on c's socket, n_msgs a call, each through
 * walk, then after (or NULL); counts MSG_TRUNC and ENOBUFS (one line per
 * rl interval) and carries on after an overrun.  Returns 0 when the socket
 * is dry, or a negative errno the thread cannot carry on from. */
int capture_drain(struct capture *c, struct mmsghdr *msgs, unsigned int n_msgs,
		  capture_walk_fn walk, void (*after)(struct capture *c), struct ratelimit *rl);
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
