// SPDX-License-Identifier: MIT
/* sockdiag.c - socket inodes by 4-tuple (see sockdiag.h). */
#include "sockdiag.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>

#define REPLY_WAIT_MS 100 /* the kernel answers at once; this is a safety net */

struct req {
	struct nlmsghdr nlh;
	struct inet_diag_req_v2 r;
};

int sockdiag_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

/* The request for the socket that sent ev: source and destination are
 * the SYN's, so the local end is the source. */
static void put_req(struct req *q, const struct synsink_event *ev, uint32_t seq)
{
	memset(q, 0, sizeof(*q));
	q->nlh.nlmsg_len = sizeof(*q);
	q->nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	q->nlh.nlmsg_flags = NLM_F_REQUEST;
	q->nlh.nlmsg_seq = seq;
	q->r.sdiag_family = ev->family;
	q->r.sdiag_protocol = IPPROTO_TCP;
	q->r.idiag_states = ~0u;
	q->r.id.idiag_sport = htons(ev->sport);
	q->r.id.idiag_dport = htons(ev->dport);
	memcpy(q->r.id.idiag_src, ev->saddr, ev->family == AF_INET ? 4 : 16);
	memcpy(q->r.id.idiag_dst, ev->daddr, ev->family == AF_INET ? 4 : 16);
	q->r.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
	q->r.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
}

/* Reads answers until every one of n is in (seq base .. base+n-1). */
static int read_answers(int fd, uint32_t base, size_t n, uint32_t *inode)
{
	char buf[16384] __attribute__((aligned(NLMSG_ALIGNTO)));
	size_t got = 0;

	while (got < n) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		struct nlmsghdr *h;
		ssize_t len;
		unsigned int left;

		if (poll(&p, 1, REPLY_WAIT_MS) <= 0)
			return -ETIMEDOUT;
		len = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (len < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		left = (unsigned int)len;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
			uint32_t i = h->nlmsg_seq - base;

			if (i >= n)
				continue; /* an answer to an earlier, given-up batch */
			if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY &&
			    h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct inet_diag_msg))) {
				const struct inet_diag_msg *m = NLMSG_DATA(h);

				inode[i] = m->idiag_inode;
				got++;
			} else if (h->nlmsg_type == NLMSG_ERROR) {
				got++; /* ENOENT: the socket is gone */
			}
		}
	}
	return 0;
}

int sockdiag_inodes(int fd, const struct synsink_event *const *ev, size_t n, uint32_t *inode)
{
	static uint32_t seq = 1;
	static struct req q[SOCKDIAG_BATCH]; /* one caller at a time (owner.c) */
	uint32_t base = seq;
	size_t i;
	int ret;

	if (n > SOCKDIAG_BATCH)
		return -EINVAL;
	memset(inode, 0, n * sizeof(*inode));
	for (i = 0; i < n; i++)
		put_req(&q[i], ev[i], base + (uint32_t)i);
	seq += (uint32_t)n;
	if (send(fd, q, n * sizeof(q[0]), 0) < 0)
		return -errno;
	ret = read_answers(fd, base, n, inode);
	if (ret)
		memset(inode, 0, n * sizeof(*inode));
	return ret;
}
