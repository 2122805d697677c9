// SPDX-License-Identifier: MIT
/*
 * capture_ctl.c - NFQUEUE's kernel queue: the netlink socket and its
 * receive buffer, the bind with its configuration in one message, config
 * requests and their acks, the batch verdict, the finish at a stop and
 * the unbind.
 */
#include "capture_int.h"

#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <libnetfilter_queue/libnetfilter_queue.h>

#include "decode.h"
#include "log.h"
#include "nfqattr.h"
#include "ring.h"
#include "sink.h"
#include "util.h"

#define RCVBUF_PER_PKT 2048	     /* skb truesize of one queued SYN, roughly */
#define CONFIG_ACK_NS  2000000000ull /* the longest wait for a config ack */

/* Unbinds the queue: no verdict is possible after it. */
static void capture_unbind(struct capture *c)
{
	struct nlmsghdr *nlh;

	nlh = nfq_nlmsg_put(c->rx->txbuf, NFQNL_MSG_CONFIG, c->queue);
	nfq_nlmsg_cfg_put_cmd(nlh, AF_UNSPEC, NFQNL_CFG_CMD_UNBIND);
	if (mnl_socket_sendto(c->nl, nlh, nlh->nlmsg_len) < 0)
		log_msg(SYNSINK_LOG_WARN, "queue %u: unbind: %s", c->queue, strerror(errno));
	c->rx->unbound = 1;
}

/*
 * A config message and its ack (capture_int.h).  At bind this runs on the
 * main thread, and packets the kernel queues before the ack are handled
 * here: they wait in the pending batch for the thread's first verdict,
 * or, should the batch fill, are published from here, into the sinks'
 * single-producer rings.  That is safe because main() opens every queue
 * before it starts any sink or capture thread (open_queues, then
 * sink_start, then capture_start); keep that order.
 */
int capture_request(struct capture *c, struct nlmsghdr *nlh, char *buf, size_t cap,
		    capture_walk_fn walk)
{
	int fd = mnl_socket_get_fd(c->nl);
	uint64_t deadline = clock_mono_ns() + CONFIG_ACK_NS;

	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = ++c->seq;
	if (mnl_socket_sendto(c->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		uint64_t now = clock_mono_ns();
		ssize_t n;
		int ack;

		/* Bounded: under a flood the ack can be lost to a full
		 * receive buffer (ENOBUFS), and a stop must not hang. */
		if (now >= deadline || poll(&p, 1, (int)((deadline - now) / 1000000 + 1)) == 0)
			return -ETIMEDOUT;
		n = recv(fd, buf, cap, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == ENOBUFS)
				stat_add(&c->st.enobufs, 1);
			if (errno == EINTR || errno == ENOBUFS || errno == EAGAIN)
				continue;
			return -errno;
		}
		ack = walk(c, buf, (size_t)n, c->seq, clock_real_ns(), clock_mono_ns());
		if (ack != 1)
			return ack;
	}
}

/* Sends a config message and waits for its ack (capture_request). */
static int capture_config(struct capture *c, struct nlmsghdr *nlh)
{
	return capture_request(c, nlh, c->rx->bufs[0], RX_SLOT, capture_datagram);
}

/* The kernel queue's length; returns 0 or the kernel's -errno. */
static int capture_set_maxlen(struct capture *c, uint32_t maxlen)
{
	struct nlmsghdr *nlh = nfq_nlmsg_put(c->rx->txbuf, NFQNL_MSG_CONFIG, c->queue);

	nfq_nlmsg_cfg_put_qmaxlen(nlh, maxlen);
	return capture_config(c, nlh);
}

/* The socket owner's uid and gid with every packet that has a local
 * socket, and its security context where the packet has one.  A kernel
 * without CONFIG_NETWORK_SECMARK refuses the context (EOPNOTSUPP): uid
 * and gid alone then.  Returns 0 or the kernel's -errno. */
static int ask_owner(struct capture *c)
{
	const uint32_t want[] = { NFQA_CFG_F_UID_GID | NFQA_CFG_F_SECCTX, NFQA_CFG_F_UID_GID };
	struct nlmsghdr *nlh;
	size_t i;
	int ret = 0;

	for (i = 0; i < ARRAY_SIZE(want); i++) {
		nlh = nfq_nlmsg_put(c->rx->txbuf, NFQNL_MSG_CONFIG, c->queue);
		mnl_attr_put_u32(nlh, NFQA_CFG_FLAGS, htonl(want[i]));
		mnl_attr_put_u32(nlh, NFQA_CFG_MASK, htonl(want[i]));
		ret = capture_config(c, nlh);
		if (ret != -EOPNOTSUPP)
			break;
		log_msg(SYNSINK_LOG_INFO,
			"queue %u: --owner: no security contexts on this kernel (no SECMARK)",
			c->queue);
	}
	return ret;
}

static void bind_error(struct capture *c, int ret, char *err, size_t errlen)
{
	struct kq_stats ks;

	if ((ret == -EPERM || ret == -EBUSY) && !stats_kq_read(NFQ_PROC_PATH, c->queue, &ks) &&
	    ks.portid != c->portid)
		snprintf(err, errlen,
			 "queue %u is already bound by another process (netlink port %u)", c->queue,
			 ks.portid);
	else if (ret == -EPERM)
		snprintf(err, errlen,
			 "queue %u: permission denied (binding a queue needs CAP_NET_ADMIN)",
			 c->queue);
	else
		snprintf(err, errlen, "queue %u: bind: %s", c->queue, strerror(-ret));
}

/* The netlink socket, bound, with a receive buffer for maxlen packets.
 * Returns 0, or a negative errno with err set (no socket then). */
static int send_verdict(struct capture *c, uint32_t id)
{
	struct nlmsghdr *nlh;

	nlh = nfq_nlmsg_put(c->rx->txbuf, NFQNL_MSG_VERDICT_BATCH, c->queue);
	nfq_nlmsg_verdict_put(nlh, (int)id, NF_ACCEPT);
	if (mnl_socket_sendto(c->nl, nlh, nlh->nlmsg_len) < 0) {
		stat_add(&c->st.verdict_errors, 1);
		log_ratelimited(&c->rx->rl_verdict, SYNSINK_LOG_WARN,
				"queue %u: sending a verdict: %s", c->queue, strerror(errno));
		return -errno;
	}
	stat_add(&c->st.verdict_msgs, 1);
	return 0;
}

/* Verdict first, then the events go to the sinks (capture_int.h). */
void capture_publish(struct capture *c)
{
	struct capture_rx *rx = c->rx;
	uint64_t now;
	size_t i;

	/* A failed verdict is not retried here: the next batch verdict
	 * covers every id up to its own, these included.  The latency ends
	 * as the verdict is handed to the kernel: sendto() then runs the
	 * accepted packets on through the stack (the SYN-ACK included) before
	 * it returns, work that any consumer of the queue pays alike. */
	if (rx->pending_pkts && !rx->unbound) {
		now = clock_mono_ns();
		if (send_verdict(c, rx->pending_id) == 0) {
			stat_add(&c->st.verdicts, rx->pending_pkts);
			for (i = 0; i < rx->n_stamps; i++)
				stats_lat_add(&c->st, now - rx->stamps[i].t, rx->stamps[i].n);
		}
	}
	rx->pending_pkts = 0;
	rx->n_stamps = 0;
	capture_emit(c);
}

/* After each read: room for the next one's packets in the pending batch,
 * or a verdict now. */
static void make_room(struct capture *c)
{
	if (c->rx->b.n + RX_BATCH > PENDING_MAX)
		capture_publish(c);
}

/* Reads every datagram waiting (capture_drain). */
static int read_available(struct capture *c)
{
	return capture_drain(c, c->rx->msgs, RX_BATCH, capture_datagram, make_room);
}

/*
 * Leaving without losing a SYN.  Unbinding destroys the kernel queue and
 * drops whatever it still holds, and new packets keep arriving until then.
 * So first close the door: a queue length of 0 with fail-open makes the
 * kernel accept every new packet itself instead of queueing it (the ids
 * stop growing).  Then read what is queued and accept it, accept up to the
 * kernel's newest id what we could not read (lost to ENOBUFS), and unbind
 * an empty queue.
 */
static void capture_finish(struct capture *c)
{
	struct kq_stats ks;
	int ret;

	ret = capture_set_maxlen(c, 0);
	if (ret)
		log_msg(SYNSINK_LOG_WARN,
			"queue %u: cannot stop queueing before unbind (%s); packets arriving meanwhile may be dropped",
			c->queue, strerror(-ret));
	read_available(c);
	capture_publish(c);
	if (c->kfd >= 0 && !stats_kq_read_fd(c->kfd, c->queue, &ks)) {
		if (ks.queue_total > 0 && send_verdict(c, ks.id_sequence) == 0)
			stat_add(&c->st.verdicts, ks.queue_total);
		c->kfinal = ks;
		atomic_store(&c->have_kfinal, 1);
	}
	capture_unbind(c);
	read_available(c);
	capture_publish(c);
}

static int open_socket(struct capture *c, uint32_t maxlen, char *err, size_t errlen)
{
	int ret, rcvbuf;

	c->nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	if (!c->nl) {
		ret = -errno;
		snprintf(err, errlen, "queue %u: netlink socket: %s", c->queue, strerror(errno));
		return ret;
	}
	if (mnl_socket_bind(c->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		snprintf(err, errlen, "queue %u: netlink bind: %s", c->queue, strerror(errno));
		mnl_socket_close(c->nl);
		c->nl = NULL;
		return ret;
	}
	c->portid = mnl_socket_get_portid(c->nl);

	/* Room for a full kernel queue of SYNs.  FORCE needs CAP_NET_ADMIN,
	 * which we have if the bind is to succeed. */
	rcvbuf = maxlen > (1u << 26) / RCVBUF_PER_PKT ? 1 << 26 : (int)(maxlen * RCVBUF_PER_PKT);
	if (rcvbuf < 1 << 20)
		rcvbuf = 1 << 20;
	if (setsockopt(mnl_socket_get_fd(c->nl), SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		       sizeof(rcvbuf)) < 0 &&
	    setsockopt(mnl_socket_get_fd(c->nl), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) <
		    0)
		log_msg(SYNSINK_LOG_WARN,
			"queue %u: receive buffer of %d bytes: %s; a burst may overflow it (enobufs)",
			c->queue, rcvbuf, strerror(errno));
	return 0;
}

/* Unbinds if still bound, closes the socket, frees the buffers. */
static void close_queue(struct capture *c)
{
	if (c->kfd >= 0)
		close(c->kfd);
	c->kfd = -1;
	if (c->nl) {
		if (!c->rx->unbound)
			capture_unbind(c);
		mnl_socket_close(c->nl);
		c->nl = NULL;
	}
	retx_free(&c->out.retx);
	free(c->rx);
	c->rx = NULL;
	c->batch = NULL;
}

const struct capture_ops capture_nfq_ops = {
	.noun = "queue",
	.thread = "queue",
	.fd = capture_nl_fd,
	.read = read_available,
	.publish = capture_publish,
	.finish = capture_finish,
	.close = close_queue,
};

int capture_open(struct capture *c, uint16_t queue, const struct capture_cfg *cfg,
		 struct sink_set *_Atomic *sinks, size_t ring_idx, char *err, size_t errlen)
{
	uint32_t maxlen = cfg->maxlen;
	struct nlmsghdr *nlh;
	int i, ret;

	memset(c, 0, sizeof(*c));
	c->kind = CAPTURE_NFQUEUE;
	c->ops = &capture_nfq_ops;
	c->queue = queue;
	c->stop_fd = -1;
	c->kfd = -1;
	c->out.sinks = sinks;
	c->out.ring_idx = ring_idx;
	c->rx = calloc(1, sizeof(*c->rx));
	if (!c->rx) {
		snprintf(err, errlen, "queue %u: out of memory", queue);
		return -ENOMEM;
	}
	c->batch = &c->rx->b;
	c->out.dedup = cfg->dedup;
	ret = retx_init(&c->out.retx, cfg->retx_table, cfg->retx_window_ns);
	if (ret) {
		snprintf(err, errlen, "queue %u: retransmit table: %s", queue, strerror(-ret));
		goto out_free;
	}
	for (i = 0; i < RX_BATCH; i++) {
		c->rx->iov[i].iov_base = c->rx->bufs[i];
		c->rx->iov[i].iov_len = RX_SLOT;
		c->rx->msgs[i].msg_hdr.msg_iov = &c->rx->iov[i];
		c->rx->msgs[i].msg_hdr.msg_iovlen = 1;
	}

	ret = open_socket(c, maxlen, err, errlen);
	if (ret)
		goto out_free;

	/* One message: bind, copy mode, maxlen, and both flags in ONE
	 * NFQA_CFG_FLAGS attribute (a second attribute of the same type
	 * would silently replace the first). */
	nlh = nfq_nlmsg_put(c->rx->txbuf, NFQNL_MSG_CONFIG, queue);
	nfq_nlmsg_cfg_put_cmd(nlh, AF_UNSPEC, NFQNL_CFG_CMD_BIND);
	nfq_nlmsg_cfg_put_params(nlh, NFQNL_COPY_PACKET, CAPTURE_COPY_RANGE);
	nfq_nlmsg_cfg_put_qmaxlen(nlh, maxlen);
	mnl_attr_put_u32(nlh, NFQA_CFG_FLAGS, htonl(NFQA_CFG_F_FAIL_OPEN | NFQA_CFG_F_GSO));
	mnl_attr_put_u32(nlh, NFQA_CFG_MASK, htonl(NFQA_CFG_F_FAIL_OPEN | NFQA_CFG_F_GSO));
	ret = capture_config(c, nlh);
	if (ret) {
		bind_error(c, ret, err, errlen);
		goto out_close;
	}
	if (cfg->owner) {
		ret = ask_owner(c);
		if (ret) {
			snprintf(err, errlen, "queue %u: --owner: the kernel refused uid/gid: %s",
				 queue, strerror(-ret));
			goto out_close;
		}
	}
	/* The kernel's counters for this queue, kept open: the file is
	 * root's, and --user may take the right to open it away. */
	c->kfd = open(NFQ_PROC_PATH, O_RDONLY | O_CLOEXEC);
	if (c->kfd < 0)
		log_msg(SYNSINK_LOG_WARN, "queue %u: %s: %s; the kernel's counters will be missing",
			queue, NFQ_PROC_PATH, strerror(errno));
	return 0;

out_close:
	mnl_socket_close(c->nl);
	c->nl = NULL;
out_free:
	retx_free(&c->out.retx);
	free(c->rx);
	c->rx = NULL;
	c->batch = NULL;
	return ret;
}

int capture_kstats(struct capture *c, struct kq_stats *ks)
{
	if (atomic_load(&c->have_kfinal)) {
		*ks = c->kfinal;
		return 0;
	}
	if (c->kfd < 0)
		return -ENOENT;
	return stats_kq_read_fd(c->kfd, c->queue, ks);
}
