// SPDX-License-Identifier: MIT
/*
 * minloop - the ceiling the performance benchmark measures synsink
 * against: one NFQUEUE, packets read and accepted, nothing else.
 *
 *   minloop QUEUE [MAXLEN]
 *
 * It binds the queue exactly as synsink does (copy mode packet with the
 * same copy range, fail-open and GSO in one flags attribute, the same
 * queue length and receive buffer) and reads the same way (recvmmsg of up
 * to 64 datagrams without blocking while packets keep coming, one
 * NFQNL_MSG_VERDICT_BATCH when the socket runs dry), but decodes nothing
 * and has no sinks: the difference between the two is what synsink's own
 * work costs.  It prints "minloop: listening on queue N" on stderr once
 * bound, and on SIGTERM or SIGINT accepts what is pending, unbinds, and
 * prints its counters as one line:
 *
 *   minloop: received R verdicts V verdict_msgs M id_gaps G enobufs E
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <libnetfilter_queue/libnetfilter_queue.h>

#include "capture.h" /* CAPTURE_COPY_RANGE: the same copy as synsink's */

#define BATCH	       64
#define SLOT	       4096
#define RCVBUF_PER_PKT 2048

static volatile sig_atomic_t stop;
static char bufs[BATCH][SLOT];
static char txbuf[8192];
static unsigned long long received, verdicts, verdict_msgs, id_gaps, enobufs;
static uint32_t last_id, pending_id, pending;
static int have_id;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int send_config(struct mnl_socket *nl, struct nlmsghdr *nlh)
{
	char buf[8192];
	ssize_t n;

	nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	/* Nothing is queued to us before the bind is acked. */
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n < 0)
		return -1;
	return mnl_cb_run(buf, (size_t)n, 0, 0, NULL, NULL) < 0 ? -1 : 0;
}

static void accept_pending(struct mnl_socket *nl, uint16_t queue)
{
	struct nlmsghdr *nlh;

	if (!pending)
		return;
	nlh = nfq_nlmsg_put(txbuf, NFQNL_MSG_VERDICT_BATCH, queue);
	nfq_nlmsg_verdict_put(nlh, (int)pending_id, NF_ACCEPT);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		fprintf(stderr, "minloop: verdict: %s\n", strerror(errno));
		exit(1);
	}
	verdicts += pending;
	verdict_msgs++;
	pending = 0;
}

/* Takes the packet ids out of one datagram; nothing else is looked at. */
static void walk(const char *buf, size_t len)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	int left = (int)len;

	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		struct nlattr *attr[NFQA_MAX + 1] = { NULL };
		const struct nfqnl_msg_packet_hdr *ph;
		uint32_t id;

		if (nlh->nlmsg_type != ((NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET) ||
		    nfq_nlmsg_parse(nlh, attr) < 0 || !attr[NFQA_PACKET_HDR])
			continue;
		ph = mnl_attr_get_payload(attr[NFQA_PACKET_HDR]);
		id = ntohl(ph->packet_id);
		if (have_id && id - last_id > 1 && id - last_id < 0x80000000u)
			id_gaps += id - last_id - 1;
		last_id = id;
		have_id = 1;
		pending_id = id;
		pending++;
		received++;
	}
}

/* Reads until the socket is dry, then accepts everything read. */
static void drain(struct mnl_socket *nl, uint16_t queue, struct mmsghdr *msgs)
{
	int fd = mnl_socket_get_fd(nl), i, n;

	for (;;) {
		n = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL);
		if (n < 0) {
			if (errno == ENOBUFS) {
				enobufs++;
				continue;
			}
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			fprintf(stderr, "minloop: receive: %s\n", strerror(errno));
			exit(1);
		}
		for (i = 0; i < n; i++)
			walk(bufs[i], msgs[i].msg_len);
	}
	accept_pending(nl, queue);
}

int main(int argc, char **argv)
{
	static struct mmsghdr msgs[BATCH];
	static struct iovec iov[BATCH];
	struct sigaction sa = { .sa_handler = on_signal };
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	unsigned long queue, maxlen = 16384;
	struct pollfd pfd;
	sigset_t block, unblocked;
	int i, rcvbuf;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: minloop QUEUE [MAXLEN]\n");
		return 64;
	}
	queue = strtoul(argv[1], NULL, 10);
	if (argc == 3)
		maxlen = strtoul(argv[2], NULL, 10);
	if (queue > 65535 || maxlen < 1 || maxlen > (1u << 24)) {
		fprintf(stderr, "minloop: bad queue or maxlen\n");
		return 64;
	}
	/* Blocked except inside ppoll(), so a signal never slips in between
	 * the check of stop and the wait. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &unblocked);
	sigdelset(&unblocked, SIGTERM);
	sigdelset(&unblocked, SIGINT);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = SLOT;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}

	nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		fprintf(stderr, "minloop: netlink: %s\n", strerror(errno));
		return 1;
	}
	rcvbuf = maxlen > (1u << 26) / RCVBUF_PER_PKT ? 1 << 26 : (int)(maxlen * RCVBUF_PER_PKT);
	if (rcvbuf < 1 << 20)
		rcvbuf = 1 << 20;
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	nlh = nfq_nlmsg_put(txbuf, NFQNL_MSG_CONFIG, (int)queue);
	nfq_nlmsg_cfg_put_cmd(nlh, AF_UNSPEC, NFQNL_CFG_CMD_BIND);
	nfq_nlmsg_cfg_put_params(nlh, NFQNL_COPY_PACKET, CAPTURE_COPY_RANGE);
	nfq_nlmsg_cfg_put_qmaxlen(nlh, (uint32_t)maxlen);
	mnl_attr_put_u32(nlh, NFQA_CFG_FLAGS, htonl(NFQA_CFG_F_FAIL_OPEN | NFQA_CFG_F_GSO));
	mnl_attr_put_u32(nlh, NFQA_CFG_MASK, htonl(NFQA_CFG_F_FAIL_OPEN | NFQA_CFG_F_GSO));
	if (send_config(nl, nlh)) {
		fprintf(stderr, "minloop: bind queue %lu: %s\n", queue, strerror(errno));
		return 1;
	}
	fprintf(stderr, "minloop: listening on queue %lu\n", queue);

	pfd.fd = mnl_socket_get_fd(nl);
	pfd.events = POLLIN;
	while (!stop) {
		drain(nl, (uint16_t)queue, msgs);
		if (ppoll(&pfd, 1, NULL, &unblocked) < 0 && errno != EINTR) {
			fprintf(stderr, "minloop: poll: %s\n", strerror(errno));
			return 1;
		}
	}
	drain(nl, (uint16_t)queue, msgs);
	nlh = nfq_nlmsg_put(txbuf, NFQNL_MSG_CONFIG, (int)queue);
	nfq_nlmsg_cfg_put_cmd(nlh, AF_UNSPEC, NFQNL_CFG_CMD_UNBIND);
	mnl_socket_sendto(nl, nlh, nlh->nlmsg_len);
	mnl_socket_close(nl);
	fprintf(stderr,
		"minloop: received %llu verdicts %llu verdict_msgs %llu "
		"id_gaps %llu enobufs %llu\n",
		received, verdicts, verdict_msgs, id_gaps, enobufs);
	return 0;
}
