/* SPDX-License-Identifier: MIT */
/*
 * nflog_int.h - what the NFLOG source's two files share: nflogrx.c (the
 * packet half: datagrams to pending events, no socket) and nflog.c (the
 * group: socket, bind, configuration, the thread, unbind).
 */
#ifndef SYNSINK_NFLOG_INT_H
#define SYNSINK_NFLOG_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "capture_int.h"

/* The kernel sends a group's packets in batches of up to NFLOG_NLBUFSIZ
 * bytes (one packet larger than that alone); a datagram buffer holds two
 * of them, so no batch is ever cut. */
#define NFLOG_NLBUFSIZ 32768
#define NFLOG_SLOT     (2 * NFLOG_NLBUFSIZ)
#define NFLOG_BATCH    16 /* datagrams per recvmmsg() */

struct nflog_rx {
	struct capture_batch b;
	char bufs[NFLOG_BATCH][NFLOG_SLOT];
	struct iovec iov[NFLOG_BATCH];
	struct mmsghdr msgs[NFLOG_BATCH];
	uint32_t next_seq; /* the group's sequence number expected next */
	uint32_t qthresh;  /* packets per kernel batch (--nflog-batch) */
	bool unbound;
	struct ratelimit rl_lost;
	char txbuf[1024];
};

/* NFLOG's ways (nflog.c); the tests set them on a bare capture. */
extern const struct capture_ops nflog_ops;

/* Walks one datagram read at now_real / now_mono: packets become pending
 * events (handed on whenever the batch fills), a jump in the group's
 * sequence numbers is counted lost (id_gaps).  Returns what an ack
 * matching seq says (0 or the kernel's -errno), or 1 when none was in it. */
int nflog_datagram(struct capture *c, const char *buf, size_t len, uint32_t seq, uint64_t now_real,
		   uint64_t now_mono);
#endif
