// SPDX-License-Identifier: MIT
/*
 * capture.c - a source's thread, one per queue or group, the same loop for
 * every source: read without blocking until the socket runs dry, publish
 * (NFQUEUE: one verdict for the batch first), poll.  No timer: an idle
 * SYN waits for nothing but its own read.  At a stop, the source's finish
 * reads and hands on what is left, then unbinds.
 */
#include "capture_int.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>

#include "log.h"
#include "util.h"

int capture_drain(struct capture *c, struct mmsghdr *msgs, unsigned int n_msgs,
		  capture_walk_fn walk, void (*after)(struct capture *c))
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
				log_ratelimited(&c->batch->rl_enobufs, SYNSINK_LOG_WARN,
						"%s %u: receive buffer overrun (ENOBUFS)",
						c->ops->noun, c->queue);
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

int capture_nl_fd(const struct capture *c)
{
	return mnl_socket_get_fd(c->nl);
}

static void *capture_thread(void *arg)
{
	struct capture *c = arg;
	const struct capture_ops *ops = c->ops;
	struct pollfd pfd[2] = {
		{ .fd = ops->fd(c), .events = POLLIN },
		{ .fd = c->stop_fd, .events = POLLIN },
	};

	thread_name("%s/%u", ops->thread, c->queue);
	for (;;) {
		int ret = ops->read(c);

		ops->publish(c);
		if (ret) {
			log_msg(SYNSINK_LOG_ERR, "%s %u: receive: %s", ops->noun, c->queue,
				strerror(-ret));
			goto out_failed;
		}
		if (poll(pfd, 2, ops->read_ms ? ops->read_ms : -1) < 0 && errno != EINTR) {
			log_msg(SYNSINK_LOG_ERR, "%s %u: poll: %s", ops->noun, c->queue,
				strerror(errno));
			goto out_failed;
		}
		if (pfd[1].revents)
			break;
	}
	ops->finish(c);
	return NULL;

out_failed:
	atomic_store(&c->failed, 1);
	kill(getpid(), SIGUSR2); /* tell the main thread */
	return NULL;
}

int capture_start(struct capture *c, int stop_fd)
{
	int ret;

	c->stop_fd = stop_fd;
	ret = pthread_create(&c->thread, NULL, capture_thread, c);
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

void capture_close(struct capture *c)
{
	if (c->ops)
		c->ops->close(c);
}
