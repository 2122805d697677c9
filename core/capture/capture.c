// SPDX-License-Identifier: MIT
/*
 * capture.c - the per-queue capture thread.
 *
 * The loop: recvmmsg() without blocking while packets keep coming, decode
 * each into the pending batch; when the socket runs dry (or the batch is
 * full) send ONE verdict-batch message accepting every id up to the
 * newest, and only then push the events to the sinks' rings.  No timer:
 * an idle SYN waits for nothing but its own read and verdict.
 */
#include "capture_int.h"

#include <errno.h>
#include <fcntl.h>
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

#include "log.h"
#include "util.h"

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
	source_emit(&c->out, &c->st, rx->pending, rx->hash, rx->n_pending);
	rx->n_pending = 0;
}

int capture_drain(struct capture *c, struct mmsghdr *msgs, unsigned int n_msgs,
		  capture_walk_fn walk, void (*after)(struct capture *c), struct ratelimit *rl)
{
	int fd = mnl_socket_get_fd(c->nl);

	for (;;) {
		uint64_t now_real, now_mono;
		int i, n;

		n = recvmmsg(fd, msgs, n_msgs, MSG_DONTWAIT, NULL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				/* The kernel lost messages for us; the id gaps
				 * (NFLOG: sequence gaps) say how many.  The
				 * socket carries on. */
				stat_add(&c->st.enobufs, 1);
				log_ratelimited(rl, SYNSINK_LOG_WARN,
						"%s %u: receive buffer overrun (ENOBUFS)",
						c->kind == CAPTURE_NFLOG ? "group" : "queue",
						c->queue);
				continue;
			}
			return -errno;
		}
		now_real = clock_real_ns();
		now_mono = clock_mono_ns();
		for (i = 0; i < n; i++) {
			if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC)
				stat_add(&c->st.msg_trunc, 1);
			walk(c, msgs[i].msg_hdr.msg_iov->iov_base, msgs[i].msg_len, 0, now_real,
			     now_mono);
			msgs[i].msg_hdr.msg_flags = 0;
		}
		if (after)
			after(c);
	}
}

/* After each read: room for the next one's packets in the pending batch,
 * or a verdict now. */
static void make_room(struct capture *c)
{
	if (c->rx->n_pending + RX_BATCH > PENDING_MAX)
		capture_publish(c);
}

/* Reads every datagram waiting (capture_drain). */
static int read_available(struct capture *c)
{
	return capture_drain(c, c->rx->msgs, RX_BATCH, capture_datagram, make_room,
			     &c->rx->rl_enobufs);
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

void *capture_thread(void *arg)
{
	struct capture *c = arg;
	struct pollfd pfd[2] = {
		{ .fd = mnl_socket_get_fd(c->nl), .events = POLLIN },
		{ .fd = c->stop_fd, .events = POLLIN },
	};

	thread_name("queue/%u", c->queue);
	for (;;) {
		int ret = read_available(c);

		capture_publish(c);
		if (ret) {
			log_msg(SYNSINK_LOG_ERR, "queue %u: receive: %s", c->queue, strerror(-ret));
			goto out_failed;
		}
		if (poll(pfd, 2, -1) < 0 && errno != EINTR) {
			log_msg(SYNSINK_LOG_ERR, "queue %u: poll: %s", c->queue, strerror(errno));
			goto out_failed;
		}
		if (pfd[1].revents)
			break;
	}
	capture_finish(c);
	return NULL;

out_failed:
	atomic_store(&c->failed, 1);
	kill(getpid(), SIGUSR2); /* tell the main thread */
	return NULL;
}
