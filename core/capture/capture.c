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
#include "secctx.h"
#include "sink.h"
#include "util.h"

static void ifname(struct capture_rx *rx, uint32_t idx, uint64_t now, char *out)
{
	struct ifcache_ent *e = &rx->ifc[idx % IFCACHE_SLOTS];

	if (e->idx != idx || now - e->at_ns > IFCACHE_TTL_NS) {
		e->idx = idx;
		e->at_ns = now;
		if (!if_indextoname(idx, e->name))
			e->name[0] = '\0';
	}
	memcpy(out, e->name, SYNSINK_IFNAMSIZ);
	out[SYNSINK_IFNAMSIZ - 1] = '\0';
}

static uint32_t attr_u32(const struct nlattr *a)
{
	return ntohl(mnl_attr_get_u32(a));
}

static void publish(struct capture *c);

/* Notes that n more packets arrived at now (monotonic). */
static void stamp(struct capture_rx *rx, uint64_t now, uint32_t n)
{
	if (!n)
		return;
	if (rx->n_stamps && rx->stamps[rx->n_stamps - 1].t == now) {
		rx->stamps[rx->n_stamps - 1].n += n;
		return;
	}
	if (rx->n_stamps == PENDING_MAX) { /* rare: many undecodable packets */
		rx->stamps[rx->n_stamps - 1].n += n;
		return;
	}
	rx->stamps[rx->n_stamps].t = now;
	rx->stamps[rx->n_stamps].n = n;
	rx->n_stamps++;
}

/* The kernel's timestamp of the packet (NFQA_TIMESTAMP, wall clock, ns),
 * or 0 when it gives none. */
static uint64_t kernel_ts(const struct nlattr *a)
{
	if (!a)
		return 0;
	return nfq_timestamp_ns(mnl_attr_get_payload(a), mnl_attr_get_payload_len(a));
}

/* When a packet reached the queue, on the monotonic clock: by the kernel's
 * timestamp when there is one, so the verdict latency includes the wait in
 * the kernel queue; else the moment we read it.  A kernel time ahead of
 * ours (a clock step) counts as now. */
static uint64_t arrived_mono(uint64_t kts, uint64_t now_real, uint64_t now_mono)
{
	uint64_t waited;

	if (!kts || kts >= now_real)
		return now_mono;
	waited = now_real - kts;
	return waited < now_mono ? now_mono - waited : now_mono;
}

/* The socket's owner, for a packet with a local socket (NFQA_UID and
 * NFQA_GID come together, asked for with --owner). */
static void owner_attrs(struct synsink_event *ev, struct nlattr **attr)
{
	if (attr[NFQA_UID] && attr[NFQA_GID]) {
		ev->uid = attr_u32(attr[NFQA_UID]);
		ev->gid = attr_u32(attr[NFQA_GID]);
		ev->owner |= SYNSINK_OWN_UID;
	}
	if (attr[NFQA_SECCTX]) {
		ev->secctx = secctx_id(mnl_attr_get_payload(attr[NFQA_SECCTX]),
				       mnl_attr_get_payload_len(attr[NFQA_SECCTX]));
		if (ev->secctx)
			ev->owner |= SYNSINK_OWN_SECCTX;
	}
}

static void handle_packet(struct capture *c, const struct nlmsghdr *nlh, uint64_t now_real,
			  uint64_t now_mono)
{
	struct capture_rx *rx = c->rx;
	struct nlattr *attr[NFQA_MAX + 1] = { NULL };
	const struct nfqnl_msg_packet_hdr *ph;
	struct synsink_event *ev;
	enum syn_decode_err derr;
	uint64_t kts;
	uint32_t id;

	if (nfq_nlmsg_parse(nlh, attr) < 0 || !attr[NFQA_PACKET_HDR]) {
		stat_add(&c->st.decode_errors[SYN_ERR_SHORT_IP], 1);
		log_ratelimited(&rx->rl_decode, SYNSINK_LOG_WARN,
				"queue %u: malformed packet message", c->queue);
		return;
	}
	ph = mnl_attr_get_payload(attr[NFQA_PACKET_HDR]);
	id = ntohl(ph->packet_id);
	stat_add(&c->st.received, 1);

	/* Ids grow by one per queued packet: a jump is a packet the kernel
	 * queued but could not deliver to us (and, fail-open, let through). */
	if (rx->have_id && id - rx->last_id > 1 && id - rx->last_id < 0x80000000u)
		stat_add(&c->st.id_gaps, id - rx->last_id - 1);
	rx->last_id = id;
	rx->have_id = 1;
	rx->pending_id = id;
	rx->pending_pkts++;
	kts = kernel_ts(attr[NFQA_TIMESTAMP]);
	stamp(rx, arrived_mono(kts, now_real, now_mono), 1);

	if (rx->n_pending == PENDING_MAX)
		publish(c);
	ev = &rx->pending[rx->n_pending];
	memset(ev, 0, sizeof(*ev));
	if (!attr[NFQA_PAYLOAD]) {
		derr = SYN_ERR_SHORT_IP;
	} else {
		derr = syn_decode(mnl_attr_get_payload(attr[NFQA_PAYLOAD]),
				  mnl_attr_get_payload_len(attr[NFQA_PAYLOAD]), ev);
	}
	if (derr != SYN_OK) {
		stat_add(&c->st.decode_errors[derr], 1);
		log_ratelimited(&rx->rl_decode, SYNSINK_LOG_WARN,
				"queue %u: packet %u not decoded: %s", c->queue, id,
				syn_decode_errname(derr));
		return;
	}

	ev->packet_id = id;
	ev->queue = c->queue;
	ev->ts_ns = kts ? kts : now_real;
	if (kts)
		ev->flags |= SYNSINK_F_KERNEL_TS;
	if (attr[NFQA_MARK])
		ev->mark = attr_u32(attr[NFQA_MARK]);
	if (attr[NFQA_IFINDEX_INDEV]) {
		ev->indev = attr_u32(attr[NFQA_IFINDEX_INDEV]);
		ifname(rx, ev->indev, now_mono, ev->indev_name);
	}
	if (attr[NFQA_IFINDEX_OUTDEV]) {
		ev->outdev = attr_u32(attr[NFQA_IFINDEX_OUTDEV]);
		ifname(rx, ev->outdev, now_mono, ev->outdev_name);
	}
	if (attr[NFQA_HWADDR]) {
		const struct nfqnl_msg_packet_hw *hw = mnl_attr_get_payload(attr[NFQA_HWADDR]);
		uint16_t hl = ntohs(hw->hw_addrlen);

		if (hl > sizeof(ev->hwaddr))
			hl = sizeof(ev->hwaddr);
		memcpy(ev->hwaddr, hw->hw_addr, hl);
		ev->hwaddr_len = (uint8_t)hl;
		ev->flags |= SYNSINK_F_HAS_HW;
	}
	if (attr[NFQA_CAP_LEN] &&
	    attr_u32(attr[NFQA_CAP_LEN]) > mnl_attr_get_payload_len(attr[NFQA_PAYLOAD]))
		ev->flags |= SYNSINK_F_TRUNC;
	if (ev->flags & SYNSINK_F_OPT_BAD)
		stat_add(&c->st.opt_bad, 1);
	owner_attrs(ev, attr);
	rx->n_pending++; /* the retransmit check comes after the verdict */
}

/*
 * Marks (or, with --dedup, drops) the pending events that are retransmitted
 * SYNs.  Run after the verdict, so it never delays one, and over the whole
 * batch, so each table bucket is prefetched a few events ahead: every new
 * flow misses the cache in a table larger than it.
 */
#define RETX_AHEAD 4

static void retx_pass(struct capture *c)
{
	struct capture_rx *rx = c->rx;
	uint64_t now = clock_mono_ns();
	size_t i, kept = 0;

	for (i = 0; i < rx->n_pending; i++)
		rx->hash[i] = retx_hash(&rx->pending[i]);
	for (i = 0; i < RETX_AHEAD && i < rx->n_pending; i++)
		retx_prefetch(&c->retx, rx->hash[i]);
	for (i = 0; i < rx->n_pending; i++) {
		struct synsink_event *ev = &rx->pending[i];

		if (i + RETX_AHEAD < rx->n_pending)
			retx_prefetch(&c->retx, rx->hash[i + RETX_AHEAD]);
		if (retx_check_hashed(&c->retx, ev, rx->hash[i], now)) {
			stat_add(&c->st.retx, 1);
			if (c->dedup)
				continue; /* counted, not reported */
			ev->flags |= SYNSINK_F_RETX;
		}
		if (kept != i)
			rx->pending[kept] = *ev;
		kept++;
	}
	rx->n_pending = kept;
	stat_add(&c->st.events, kept);
	atomic_store_explicit(&c->st.retx_evictions, c->retx.evictions, memory_order_relaxed);
}

/* One datagram (capture_int.h). */
int capture_datagram(struct capture *c, const char *buf, size_t len, uint32_t seq,
		     uint64_t now_real, uint64_t now_mono)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	int left = (int)len, ack = 1;

	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

			if (seq && nlh->nlmsg_seq == seq) {
				ack = e->error;
				continue;
			}
			if (e->error) {
				stat_add(&c->st.verdict_errors, 1);
				log_ratelimited(&c->rx->rl_kerr, SYNSINK_LOG_WARN,
						"queue %u: kernel refused a message: %s", c->queue,
						strerror(-e->error));
			}
			continue;
		}
		if (nlh->nlmsg_type == ((NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET))
			handle_packet(c, nlh, now_real, now_mono);
	}
	return ack;
}

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

/* Verdict first, then the events go to the sinks. */
static void publish(struct capture *c)
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
	if (!rx->n_pending)
		return;
	retx_pass(c);
	for (i = 0; i < c->n_sinks; i++)
		sink_push(c->sinks[i], c->ring_idx, rx->pending, rx->n_pending);
	rx->n_pending = 0;
}

/* Reads every datagram waiting; returns 0 when the socket is dry, or a
 * negative errno the loop cannot carry on from. */
static int read_available(struct capture *c)
{
	struct capture_rx *rx = c->rx;
	int fd = mnl_socket_get_fd(c->nl);

	for (;;) {
		uint64_t now_real, now_mono;
		int i, n;

		n = recvmmsg(fd, rx->msgs, RX_BATCH, MSG_DONTWAIT, NULL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				/* The kernel lost messages for us; the id gaps
				 * will say how many.  Carry on. */
				stat_add(&c->st.enobufs, 1);
				log_ratelimited(&rx->rl_enobufs, SYNSINK_LOG_WARN,
						"queue %u: receive buffer overrun (ENOBUFS)",
						c->queue);
				continue;
			}
			return -errno;
		}
		now_real = clock_real_ns();
		now_mono = clock_mono_ns();
		for (i = 0; i < n; i++) {
			if (rx->msgs[i].msg_hdr.msg_flags & MSG_TRUNC)
				stat_add(&c->st.msg_trunc, 1);
			capture_datagram(c, rx->bufs[i], rx->msgs[i].msg_len, 0, now_real,
					 now_mono);
			rx->msgs[i].msg_hdr.msg_flags = 0;
		}
		if (rx->n_pending + RX_BATCH > PENDING_MAX)
			publish(c);
	}
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
	publish(c);
	if (c->kfd >= 0 && !kq_stats_read_fd(c->kfd, c->queue, &ks)) {
		if (ks.queue_total > 0 && send_verdict(c, ks.id_sequence) == 0)
			stat_add(&c->st.verdicts, ks.queue_total);
		c->kfinal = ks;
		atomic_store(&c->have_kfinal, 1);
	}
	capture_unbind(c);
	read_available(c);
	publish(c);
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

		publish(c);
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
