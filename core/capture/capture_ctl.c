// SPDX-License-Identifier: MIT
/*
 * capture_ctl.c - a capture's kernel queue: the netlink socket and its
 * receive buffer, the bind with its configuration in one message, config
 * requests and their acks, the unbind; and the thread's start and end.
 */
#include "capture_int.h"
#include "nflog_int.h"

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

void capture_unbind(struct capture *c)
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

int capture_set_maxlen(struct capture *c, uint32_t maxlen)
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

int capture_open(struct capture *c, uint16_t queue, const struct capture_cfg *cfg,
		 struct sink **sinks, size_t n_sinks, size_t ring_idx, char *err, size_t errlen)
{
	uint32_t maxlen = cfg->maxlen;
	struct nlmsghdr *nlh;
	int i, ret;

	memset(c, 0, sizeof(*c));
	c->queue = queue;
	c->stop_fd = -1;
	c->kfd = -1;
	c->out.sinks = sinks;
	c->out.n_sinks = n_sinks;
	c->out.ring_idx = ring_idx;
	c->rx = calloc(1, sizeof(*c->rx));
	if (!c->rx) {
		snprintf(err, errlen, "queue %u: out of memory", queue);
		return -ENOMEM;
	}
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
	return ret;
}

int capture_start(struct capture *c, int stop_fd)
{
	int ret;

	c->stop_fd = stop_fd;
	ret = pthread_create(&c->thread, NULL,
			     c->kind == CAPTURE_NFLOG ? nflog_thread : capture_thread, c);
	if (ret)
		return -ret;
	c->started = 1;
	return 0;
}

void capture_join(struct capture *c)
{
	if (c->started)
		(void)pthread_join(c->thread, NULL); /* ours, joinable, joined once */
	c->started = 0;
}

int capture_kstats(struct capture *c, struct kq_stats *ks)
{
	if (c->kind == CAPTURE_NFLOG)
		return -ENOENT;
	if (atomic_load(&c->have_kfinal)) {
		*ks = c->kfinal;
		return 0;
	}
	if (c->kfd < 0)
		return -ENOENT;
	return stats_kq_read_fd(c->kfd, c->queue, ks);
}

void capture_close(struct capture *c)
{
	if (c->kind == CAPTURE_NFLOG) {
		if (c->nl) {
			nflog_unbind(c);
			mnl_socket_close(c->nl);
			c->nl = NULL;
		}
		retx_free(&c->out.retx);
		free(c->lrx);
		c->lrx = NULL;
		return;
	}
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
}
