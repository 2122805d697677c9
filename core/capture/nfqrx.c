// SPDX-License-Identifier: MIT
/*
 * nfqrx.c - NFQUEUE's packet half: the datagrams one read returns, walked
 * message by message, each packet message decoded into a pending event
 * with what its attributes say (id, timestamps, devices, mark, hardware
 * address, owner).  No socket here: a unit test drives it with netlink
 * bytes (tests/unit/test_capture.c).
 */
#include "capture_int.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <libnetfilter_queue/libnetfilter_queue.h>

#include "decode.h"
#include "log.h"
#include "nfqattr.h"
#include "secctx.h"

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

static uint32_t attr_u32(const struct nlattr *a)
{
	return ntohl(mnl_attr_get_u32(a));
}

/* What only NFQUEUE says of a packet: whether the copy was cut short, and
 * the socket's security context. */
static void queue_attrs(struct synsink_event *ev, struct nlattr **attr)
{
	if (attr[NFQA_CAP_LEN] &&
	    attr_u32(attr[NFQA_CAP_LEN]) > mnl_attr_get_payload_len(attr[NFQA_PAYLOAD]))
		ev->flags |= SYNSINK_F_TRUNC;
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
	uint64_t kts;
	uint32_t id;

	if (nfq_nlmsg_parse(nlh, attr) < 0 || !attr[NFQA_PACKET_HDR]) {
		stat_add(&c->st.decode_errors[SYN_ERR_SHORT_IP], 1);
		log_ratelimited(&rx->b.rl_decode, SYNSINK_LOG_WARN,
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
	kts = nfq_attr_timestamp_ns(attr[NFQA_TIMESTAMP]);
	stamp(rx, arrived_mono(kts, now_real, now_mono), 1);

	/* The retransmit check comes after the verdict (capture_emit). */
	ev = capture_take(c, attr[NFQA_PAYLOAD], id, kts,
			  &(const struct pkt_meta){ attr[NFQA_MARK], attr[NFQA_IFINDEX_INDEV],
						    attr[NFQA_IFINDEX_OUTDEV], attr[NFQA_HWADDR],
						    attr[NFQA_UID], attr[NFQA_GID] },
			  now_real, now_mono);
	if (ev)
		queue_attrs(ev, attr);
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
				log_ratelimited(&c->rx->b.rl_kerr, SYNSINK_LOG_WARN,
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
