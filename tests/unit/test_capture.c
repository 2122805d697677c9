// SPDX-License-Identifier: MIT
/*
 * NFQUEUE's packet half (nfqrx.c) driven with netlink bytes: datagrams
 * laid out as the kernel's nfnetlink_queue writes them (nlmsghdr,
 * nfgenmsg, then the NFQA_* attributes), several packets to a datagram,
 * one cut short, one with an attribute this build does not know, an ack
 * and a kernel error among them.  No socket: the batch stays below the
 * verdict, except in the last test, where the queue is unbound.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>

#include "capture_int.h"
#include "nltest.h"

#define QUEUE 7
/* An attribute type past NFQA_MAX, as a newer kernel might send. */
#define NFQA_FUTURE (NFQA_MAX + 9)

static size_t syn6(uint8_t *pkt, uint16_t sport)
{
	static const uint8_t src[16] = { 0xfd, [15] = 1 }, dst[16] = { 0xfd, [15] = 2 };
	struct tcp_spec t = { .sport = sport, .dport = 443, .seq = 1, .win = 65535, .flags = 0x02 };

	return pkt_ipv6(pkt, PKT_MAX, src, dst, 64, 6, NULL, 0, &t);
}

/* Starts a message of type at the end of d. */
static struct nlmsghdr *msg_start(struct dgram *d, uint16_t type, uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(d->buf + d->len);
	struct nfgenmsg *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_seq = seq;
	if (type != NLMSG_ERROR) {
		g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
		g->nfgen_family = AF_UNSPEC;
		g->version = NFNETLINK_V0;
		g->res_id = htons(QUEUE);
	}
	return nlh;
}

static void msg_end(struct dgram *d, struct nlmsghdr *nlh)
{
	d->len += NLMSG_ALIGN(nlh->nlmsg_len);
	assert_true(d->len < sizeof(d->buf) - 4096);
}

struct pkt_opts {
	uint32_t mark, indev, uid;
	int ts, hw, future;
};

/* One NFQNL_MSG_PACKET with id and the packet bytes, the attributes in
 * the kernel's order. */
static void put_packet(struct dgram *d, uint32_t id, const uint8_t *pkt, size_t len,
		       const struct pkt_opts *o)
{
	struct nlmsghdr *nlh = msg_start(d, (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET, 0);
	struct nfqnl_msg_packet_hdr ph = { .packet_id = htonl(id),
					   .hw_protocol = htons(0x0800),
					   .hook = 0 };

	mnl_attr_put(nlh, NFQA_PACKET_HDR, sizeof(ph), &ph);
	if (o && o->indev)
		mnl_attr_put_u32(nlh, NFQA_IFINDEX_INDEV, htonl(o->indev));
	if (o && o->mark)
		mnl_attr_put_u32(nlh, NFQA_MARK, htonl(o->mark));
	if (o && o->hw) {
		struct nfqnl_msg_packet_hw hw = { .hw_addrlen = htons(6),
						  .hw_addr = { 2, 0, 0, 0, 0, 9 } };

		mnl_attr_put(nlh, NFQA_HWADDR, sizeof(hw), &hw);
	}
	if (o && o->ts) {
		struct nfqnl_msg_packet_timestamp ts = { .sec = htobe64(1700000000ull - 1),
							 .usec = htobe64(250000) };

		mnl_attr_put(nlh, NFQA_TIMESTAMP, sizeof(ts), &ts);
	}
	if (o && o->uid) {
		mnl_attr_put_u32(nlh, NFQA_UID, htonl(o->uid));
		mnl_attr_put_u32(nlh, NFQA_GID, htonl(o->uid + 1));
	}
	if (o && o->future)
		mnl_attr_put_u32(nlh, NFQA_FUTURE, htonl(0xdeadbeef));
	mnl_attr_put(nlh, NFQA_PAYLOAD, len, pkt);
	msg_end(d, nlh);
}

static void put_error(struct dgram *d, uint32_t seq, int error)
{
	struct nlmsghdr *nlh = msg_start(d, NLMSG_ERROR, seq);
	struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));

	e->error = error;
	msg_end(d, nlh);
}

static int feed(struct capture *c, const struct dgram *d, uint32_t seq)
{
	return capture_datagram(c, d->buf, d->len, seq, NOW_REAL, NOW_MONO);
}

/* Three packets in one datagram, every attribute read into its event. */
static void test_batch(void **state)
{
	struct capture *c = cap_new(CAPTURE_NFQUEUE, QUEUE);
	static struct dgram d;
	uint8_t pkt[PKT_MAX];
	struct pkt_opts rich = { .mark = 0x2a, .indev = 1, .uid = 1000, .ts = 1, .hw = 1 };
	const struct synsink_event *ev;

	(void)state;
	d.len = 0;
	put_packet(&d, 10, pkt, syn4(pkt, 40001, 80), NULL);
	put_packet(&d, 11, pkt, syn6(pkt, 40002), NULL);
	put_packet(&d, 12, pkt, syn4(pkt, 40003, 80), &rich);
	assert_int_equal(feed(c, &d, 0), 1); /* no ack in it */

	assert_int_equal(c->rx->b.n, 3);
	assert_int_equal(got(&c->st.received), 3);
	assert_int_equal(got(&c->st.id_gaps), 0);
	assert_int_equal(c->rx->pending_pkts, 3);
	assert_int_equal(c->rx->pending_id, 12);

	ev = &c->rx->b.pending[0];
	assert_int_equal(ev->family, AF_INET);
	assert_int_equal(ev->sport, 40001);
	assert_int_equal(ev->dport, 80);
	assert_int_equal(ev->mss, 1460);
	assert_int_equal(ev->packet_id, 10);
	assert_int_equal(ev->queue, QUEUE);
	assert_int_equal(ev->ts_ns, NOW_REAL); /* no kernel stamp: the read's */
	assert_false(ev->flags & SYNSINK_F_KERNEL_TS);
	assert_false(ev->flags & SYNSINK_F_HAS_HW);

	ev = &c->rx->b.pending[1];
	assert_int_equal(ev->family, AF_INET6);
	assert_int_equal(ev->sport, 40002);
	assert_int_equal(ev->dport, 443);

	ev = &c->rx->b.pending[2];
	assert_int_equal(ev->mark, 0x2a);
	assert_int_equal(ev->indev, 1);
	assert_string_equal(ev->indev_name, "lo");
	assert_int_equal(ev->uid, 1000);
	assert_int_equal(ev->gid, 1001);
	assert_true(ev->owner & SYNSINK_OWN_UID);
	assert_true(ev->flags & SYNSINK_F_KERNEL_TS);
	assert_int_equal(ev->ts_ns, (1700000000ull - 1) * 1000000000ull + 250000000ull);
	assert_true(ev->flags & SYNSINK_F_HAS_HW);
	assert_int_equal(ev->hwaddr_len, 6);
	assert_int_equal(ev->hwaddr[5], 9);
	/* The kernel's stamp is a second old: the latency starts then. */
	assert_int_equal(c->rx->stamps[c->rx->n_stamps - 1].t, NOW_MONO - 750000000ull);
	cap_free(c);
}

/* An attribute past NFQA_MAX is passed over, the packet decoded. */
static void test_unknown_attribute(void **state)
{
	struct capture *c = cap_new(CAPTURE_NFQUEUE, QUEUE);
	static struct dgram d;
	uint8_t pkt[PKT_MAX];
	struct pkt_opts future = { .future = 1, .mark = 5 };

	(void)state;
	d.len = 0;
	put_packet(&d, 1, pkt, syn4(pkt, 1234, 80), &future);
	feed(c, &d, 0);
	assert_int_equal(c->rx->b.n, 1);
	assert_int_equal(c->rx->b.pending[0].sport, 1234);
	assert_int_equal(c->rx->b.pending[0].mark, 5);
	assert_int_equal(got(&c->st.decode_errors[SYN_ERR_SHORT_IP]), 0);
	cap_free(c);
}

/* A datagram cut inside its last message: the whole messages before it
 * are read, the cut one is not.  A payload attribute running past its
 * message is not read (libmnl stops at it): that packet counts as
 * short_ip, still owed its verdict, and the messages after it are read. */
static void test_truncated(void **state)
{
	struct capture *c = cap_new(CAPTURE_NFQUEUE, QUEUE);
	static struct dgram d;
	uint8_t pkt[PKT_MAX];
	struct nlmsghdr *bad;
	struct nlattr *a;
	size_t before;

	(void)state;
	d.len = 0;
	put_packet(&d, 1, pkt, syn4(pkt, 1001, 80), NULL);
	put_packet(&d, 2, pkt, syn4(pkt, 1002, 80), NULL);
	before = d.len;
	put_packet(&d, 3, pkt, syn4(pkt, 1003, 80), NULL);
	d.len -= 10; /* as a recvmmsg that hit MSG_TRUNC leaves it */
	feed(c, &d, 0);
	assert_int_equal(c->rx->b.n, 2);
	assert_int_equal(got(&c->st.received), 2);
	assert_int_equal(c->rx->b.pending[1].sport, 1002);

	/* The third again, whole, but its payload attribute claims more
	 * bytes than the message holds. */
	d.len = before;
	put_packet(&d, 3, pkt, syn4(pkt, 1003, 80), NULL);
	bad = (struct nlmsghdr *)(d.buf + before);
	mnl_attr_for_each(a, bad, sizeof(struct nfgenmsg)) if (mnl_attr_get_type(a) == NFQA_PAYLOAD)
		a->nla_len += 64;
	put_packet(&d, 4, pkt, syn4(pkt, 1004, 80), NULL);
	feed(c, &d, 0);
	assert_int_equal(got(&c->st.decode_errors[SYN_ERR_SHORT_IP]), 1);
	assert_int_equal(c->rx->pending_pkts, 2 + 4);
	/* 1001, 1002 from the first read, then 1001, 1002, 1004 */
	assert_int_equal(c->rx->b.n, 5);
	assert_int_equal(c->rx->b.pending[4].sport, 1004);
	cap_free(c);
}

/* Ids that jump are packets the kernel queued and never delivered. */
static void test_id_gaps(void **state)
{
	struct capture *c = cap_new(CAPTURE_NFQUEUE, QUEUE);
	static struct dgram d;
	uint8_t pkt[PKT_MAX];

	(void)state;
	d.len = 0;
	put_packet(&d, 100, pkt, syn4(pkt, 1, 80), NULL);
	put_packet(&d, 101, pkt, syn4(pkt, 2, 80), NULL);
	put_packet(&d, 105, pkt, syn4(pkt, 3, 80), NULL);
	feed(c, &d, 0);
	assert_int_equal(got(&c->st.id_gaps), 3);
	assert_int_equal(c->rx->pending_id, 105);
	cap_free(c);
}

/* The ack a config message waits for is returned, not counted; another
 * error is the kernel refusing a verdict, counted. */
static void test_ack_and_errors(void **state)
{
	struct capture *c = cap_new(CAPTURE_NFQUEUE, QUEUE);
	static struct dgram d;
	uint8_t pkt[PKT_MAX];

	(void)state;
	d.len = 0;
	put_packet(&d, 1, pkt, syn4(pkt, 1, 80), NULL);
	put_error(&d, 77, 0);
	put_error(&d, 0, -EINVAL);
	put_packet(&d, 2, pkt, syn4(pkt, 2, 80), NULL);
	assert_int_equal(feed(c, &d, 77), 0);
	assert_int_equal(got(&c->st.verdict_errors), 1);
	assert_int_equal(c->rx->b.n, 2);

	d.len = 0;
	put_error(&d, 78, -EPERM);
	assert_int_equal(feed(c, &d, 78), -EPERM);
	cap_free(c);
}

/* Packets that do not decode are counted by kind, not queued. */
static void test_not_a_syn(void **state)
{
	struct capture *c = cap_new(CAPTURE_NFQUEUE, QUEUE);
	static struct dgram d;
	uint8_t pkt[PKT_MAX];
	size_t len = syn4(pkt, 9, 80);

	(void)state;
	pkt[20 + 13] = 0x10; /* ACK, no SYN */
	d.len = 0;
	put_packet(&d, 1, pkt, len, NULL);
	put_packet(&d, 2, pkt, 10, NULL); /* 10 bytes: no IP header */
	feed(c, &d, 0);
	assert_int_equal(c->rx->b.n, 0);
	assert_int_equal(c->rx->pending_pkts, 2); /* each still needs its verdict */
	assert_int_equal(got(&c->st.decode_errors[SYN_ERR_NOT_SYN]), 1);
	assert_int_equal(got(&c->st.decode_errors[SYN_ERR_SHORT_IP]), 1);
	cap_free(c);
}

/* More packets than the pending batch holds: it goes out when full (no
 * verdict: the queue is unbound here), none lost, the retransmit check
 * run on it. */
static void test_full_batch(void **state)
{
	struct capture *c = cap_new(CAPTURE_NFQUEUE, QUEUE);
	static struct dgram d;
	uint8_t pkt[PKT_MAX];
	uint32_t id = 1;
	size_t i, j;

	(void)state;
	c->rx->unbound = 1;
	for (i = 0; i < 3; i++) {
		d.len = 0;
		for (j = 0; j < PENDING_MAX / 2; j++, id++)
			put_packet(&d, id, pkt, syn4(pkt, (uint16_t)(1000 + id % 300), 80), NULL);
		feed(c, &d, 0);
	}
	/* 384 packets: 256 went out, 128 wait; ports repeat after 300 */
	assert_int_equal(c->rx->b.n, 3 * (PENDING_MAX / 2) - PENDING_MAX);
	assert_int_equal(got(&c->st.received), 3 * (PENDING_MAX / 2));
	assert_int_equal(got(&c->st.events), PENDING_MAX);
	capture_publish(c);
	assert_int_equal(got(&c->st.events), 3 * (PENDING_MAX / 2));
	assert_int_equal(got(&c->st.retx), 3 * (PENDING_MAX / 2) - 300);
	cap_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batch),	       cmocka_unit_test(test_unknown_attribute),
		cmocka_unit_test(test_truncated),      cmocka_unit_test(test_id_gaps),
		cmocka_unit_test(test_ack_and_errors), cmocka_unit_test(test_not_a_syn),
		cmocka_unit_test(test_full_batch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
