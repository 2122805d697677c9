/* SPDX-License-Identifier: MIT */
/*
 * capture_int.h - what the capture files share, private to them.  Both
 * sources run the same thread (capture.c: read until dry, publish, poll;
 * at a stop, finish) over the same pending batch (batch.c: decode, the
 * packet's metadata, the hand-off to the sinks); what differs is in their
 * struct capture_ops.  NFQUEUE: nfqrx.c (the packet half: datagrams to
 * pending events) and capture_ctl.c (the kernel queue: socket, bind,
 * configuration messages, verdicts, unbind).  NFLOG: nflog_int.h.
 */
#ifndef SYNSINK_CAPTURE_INT_H
#define SYNSINK_CAPTURE_INT_H

#include <net/if.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>

#include "capture.h"
#include "decode.h"
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

/* The events a source's reads decoded and has not handed on yet, and what
 * decoding them needs: the same for every source (batch.c). */
struct capture_batch {
	struct synsink_event pending[PENDING_MAX];
	uint32_t hash[PENDING_MAX]; /* their retransmit-table hashes */
	size_t n;
	struct ifcache_ent ifc[IFCACHE_SLOTS];
	struct ratelimit rl_decode, rl_kerr, rl_enobufs;
};

/* What a source does its own way; the thread is one (capture.c). */
struct capture_ops {
	const char *noun;   /* "queue", "group": the kernel object in log lines */
	const char *thread; /* the thread's name before "/N" */
	/* What the thread polls for the kernel's side. */
	int (*fd)(const struct capture *c);
	/* 0: read when the fd is readable; else at least every read_ms too
	 * (a kernel side that does not wake the reader for each packet). */
	int read_ms;
	/* Reads every datagram waiting (capture_drain): 0 when the socket is
	 * dry, or a negative errno the thread cannot carry on from. */
	int (*read)(struct capture *c);
	/* The pending batch goes on (NFQUEUE: after its verdict). */
	void (*publish)(struct capture *c);
	/* After a stop: what is left is read and handed on, then unbind. */
	void (*finish)(struct capture *c);
	/* Unbinds if still bound, frees the source's own state. */
	void (*close)(struct capture *c);
};

struct capture_rx {
	struct capture_batch b; /* events waiting for the verdict */
	char bufs[RX_BATCH][RX_SLOT];
	struct iovec iov[RX_BATCH];
	struct mmsghdr msgs[RX_BATCH];
	uint32_t pending_pkts; /* packets waiting for the verdict */
	uint32_t pending_id;   /* newest id among them */
	struct {
		uint64_t t;
		uint32_t n;
	} stamps[PENDING_MAX]; /* when they arrived */
	size_t n_stamps;
	uint32_t last_id;
	int have_id;
	int unbound; /* no verdicts are possible any more */
	struct ratelimit rl_verdict;
	char txbuf[8192];
};

/* What NFQUEUE and NFLOG both say of a packet besides its bytes, each
 * attribute NULL when absent (their types differ, their payloads do not:
 * a u32 mark and ifindexes, the same hardware-address struct). */
struct pkt_meta {
	const struct nlattr *mark, *indev, *outdev, *hwaddr, *uid, *gid;
};
/*
 * Decodes one packet (payload, NULL when the message had none) into the
 * next event of c's batch, which is published first if full: its id, the
 * kernel's timestamp kts (0: none, now_real is taken), and m's metadata,
 * the interfaces named through the batch's cache at now_mono.  Returns
 * the event, for what only its source says, or NULL when the packet is
 * not a SYN we can read (counted by reason, one line per interval).
 */
struct synsink_event *capture_take(struct capture *c, const struct nlattr *payload, uint32_t id,
				   uint64_t kts, const struct pkt_meta *m, uint64_t now_real,
				   uint64_t now_mono);
/* The two halves of capture_take, for a source whose packets are not
 * netlink attributes (ebpf.c): the next event of c's batch, zeroed (the
 * batch is published first if full); then, once decoded into with derr,
 * the event taken into the batch (as capture_take, without metadata), or
 * NULL with derr counted. */
struct synsink_event *capture_slot(struct capture *c);
struct synsink_event *capture_commit(struct capture *c, struct synsink_event *ev,
				     enum syn_decode_err derr, uint32_t id, uint64_t kts,
				     uint64_t now_real);
/* The name of interface idx into out (SYNSINK_IFNAMSIZ), through the
 * batch's cache (re-read once a second). */
void capture_ifname(struct capture *c, uint32_t idx, uint64_t now_mono, char *out);
/* Hands the pending events on (source_emit) and empties the batch. */
void capture_emit(struct capture *c);
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
 * interval) and carries on after an overrun.  Returns 0 when the socket is
 * dry, or a negative errno the thread cannot carry on from. */
int capture_drain(struct capture *c, struct mmsghdr *msgs, unsigned int n_msgs,
		  capture_walk_fn walk, void (*after)(struct capture *c));
/* Walks one datagram read at now_real / now_mono: packets become pending
 * events.  Returns what an ack matching seq says (0 or the kernel's
 * -errno), or 1 when no such ack was in it. */
int capture_datagram(struct capture *c, const char *buf, size_t len, uint32_t seq,
		     uint64_t now_real, uint64_t now_mono);
/* Verdict for every pending packet, then the pending events go to the
 * sinks (capture_emit): NFQUEUE's publish. */
void capture_publish(struct capture *c);
/* The netlink sources' fd: their socket's. */
int capture_nl_fd(const struct capture *c);
/* NFQUEUE's ways (capture_ctl.c); the tests set them on a bare capture. */
extern const struct capture_ops capture_nfq_ops;

#endif
