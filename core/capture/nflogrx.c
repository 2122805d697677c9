// SPDX-License-Identifier: MIT
/*
 * nflogrx.c - NFLOG's packet half: the datagrams one read returns, each a
 * batch of NFULNL_MSG_PACKET messages (the last one's NLMSG_DONE carries
 * nothing we read: older kernels left its payload uninitialised), each
 * message decoded into a pending event with what its attributes say.
 * The group's sequence number (NFULA_SEQ, from 0 at our bind) makes every
 * packet the kernel logged and could not deliver countable: a jump is
 * counted lost.  No socket here: test_nflog drives it with netlink bytes.
 */
#include "nflog_int.h"

#include <arpa/inet.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>

#include "decode.h"
#include "log.h"
#include "nfqattr.h"
#include "util.h"

/* Each attribute of the message whose type this build knows, checked for
 * the size its type has; an unknown one is passed over. */
static int attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);
	size_t need = 0;

	if (mnl_attr_type_valid(a, NFULA_MAX) < 0)
		return MNL_CB_OK;
	switch (type) {
	case NFULA_MARK:
	case NFULA_IFINDEX_INDEV:
	case NFULA_IFINDEX_OUTDEV:
	case NFULA_UID:
	case NFULA_GID:
	case NFULA_SEQ:
	case NFULA_SEQ_GLOBAL:
		need = sizeof(uint32_t);
		break;
	case NFULA_PACKET_HDR:
		need = sizeof(struct nfulnl_msg_packet_hdr);
		break;
	case NFULA_HWADDR:
		need = sizeof(struct nfulnl_msg_packet_hw);
		break;
	case NFULA_TIMESTAMP:
		need = sizeof(struct nfulnl_msg_packet_timestamp);
		break;
	}
	if (need && mnl_attr_get_payload_len(a) < need)
		return MNL_CB_ERROR;
	tb[type] = a;
	return MNL_CB_OK;
}

static uint32_t attr_u32(const struct nlattr *a)
{
	return ntohl(mnl_attr_get_u32(a));
}

/* Counts the packets the kernel numbered before seq and never delivered.
 * A number from before the expected one (the 32-bit counter cannot run
 * back) is taken as where the count goes on from. */
static void seq_check(struct capture *c, uint32_t seq)
{
	struct nflog_rx *rx = c->lrx;
	uint32_t gap = seq - rx->next_seq;

	if (gap && gap < 0x80000000u) {
		stat_add(&c->st.id_gaps, gap);
		log_ratelimited(
			&rx->rl_lost, SYNSINK_LOG_WARN,
			"group %u: %u packets logged by the kernel and lost before synsink read them (receive buffer full: see enobufs)",
			c->queue, gap);
	}
	rx->next_seq = seq + 1;
}

static void handle_packet(struct capture *c, const struct nlmsghdr *nlh, uint64_t now_real,
			  uint64_t now_mono)
{
	struct nflog_rx *rx = c->lrx;
	const struct nlattr *attr[NFULA_MAX + 1] = { NULL };
	struct synsink_event *ev;
	uint32_t id = 0;

	if (mnl_attr_parse(nlh, sizeof(struct nfgenmsg), attr_cb, attr) < 0) {
		/* One packet, its number unread: taken as the next one, so
		 * it is not counted lost as well. */
		stat_add(&c->st.received, 1);
		rx->next_seq++;
		stat_add(&c->st.decode_errors[SYN_ERR_SHORT_IP], 1);
		log_ratelimited(&rx->b.rl_decode, SYNSINK_LOG_WARN,
				"group %u: malformed packet message", c->queue);
		return;
	}
	stat_add(&c->st.received, 1);
	if (attr[NFULA_SEQ]) {
		id = attr_u32(attr[NFULA_SEQ]);
		seq_check(c, id);
	}
	ev = capture_take(c, attr[NFULA_PAYLOAD], id, nfq_attr_timestamp_ns(attr[NFULA_TIMESTAMP]),
			  &(const struct pkt_meta){ attr[NFULA_MARK], attr[NFULA_IFINDEX_INDEV],
						    attr[NFULA_IFINDEX_OUTDEV], attr[NFULA_HWADDR],
						    attr[NFULA_UID], attr[NFULA_GID] },
			  now_real, now_mono);
	if (ev)
		ev->flags |= SYNSINK_F_NFLOG;
}

/* One datagram (nflog_int.h). */
int nflog_datagram(struct capture *c, const char *buf, size_t len, uint32_t seq, uint64_t now_real,
		   uint64_t now_mono)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	int left = (int)len, ack = 1;

	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		if (nlh->nlmsg_type == NLMSG_DONE)
			continue; /* the end of a batch; its payload is nothing of ours */
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

			if (seq && nlh->nlmsg_seq == seq) {
				ack = e->error;
				continue;
			}
			if (e->error)
				log_ratelimited(&c->lrx->b.rl_kerr, SYNSINK_LOG_WARN,
						"group %u: kernel refused a message: %s", c->queue,
						strerror(-e->error));
			continue;
		}
		if (nlh->nlmsg_type == ((NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET))
			handle_packet(c, nlh, now_real, now_mono);
	}
	return ack;
}
