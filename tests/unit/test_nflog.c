// SPDX-License-Identifier: MIT
/*
 * NFLOG's packet half (nflogrx.c) driven with netlink bytes laid out as
 * the kernel's nfnetlink_log writes them: a batch of NFULNL_MSG_PACKET
 * messages (nlmsghdr, nfgenmsg, NFULA_* in the kernel's order) ended by
 * an NLMSG_DONE whose payload is junk, sequence numbers with gaps, a
 * message cut short, an attribute this build does not know, one too
 * short for its type, and a batch larger than the pending one.
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
#include <linux/netfilter/nfnetlink_log.h>

#include "nflog_int.h"
#include "nltest.h"

#define GROUP	    5
#define NFULA_LATER (NFULA_MAX + 7) /* a newer kernel's attribute */

struct opts {
	int ts, uid, hw, later, short_mark, no_seq;
	uint32_t mark, indev;
};

/* One NFULNL_MSG_PACKET of group GROUP with sequence number seq. */
static void put_packet(struct dgram *d, uint32_t seq, const uint8_t *pkt, size_t len,
		       const struct opts *o)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(d->buf + d->len);
	struct nfgenmsg *g;
	struct nfulnl_msg_packet_hdr ph = { .hw_protocol = htons(0x0800), .hook = 0 };

	nlh->nlmsg_type = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET;
	nlh->nlmsg_flags = NLM_F_MULTI;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = AF_INET;
	g->version = NFNETLINK_V0;
	g->res_id = htons(GROUP);
	mnl_attr_put(nlh, NFULA_PACKET_HDR, sizeof(ph), &ph);
	if (o && o->short_mark) {
		uint16_t two = 1;

		mnl_attr_put(nlh, NFULA_MARK, sizeof(two), &two); /* a u32 of 2 bytes */
	} else if (o && o->mark) {
		mnl_attr_put_u32(nlh, NFULA_MARK, htonl(o->mark));
	}
	if (o && o->ts) {
		struct nfulnl_msg_packet_timestamp ts = { .sec = htobe64(1700000000ull - 2),
							  .usec = htobe64(500000) };

		mnl_attr_put(nlh, NFULA_TIMESTAMP, sizeof(ts), &ts);
	}
	if (o && o->indev)
		mnl_attr_put_u32(nlh, NFULA_IFINDEX_INDEV, htonl(o->indev));
	if (o && o->hw) {
		struct nfulnl_msg_packet_hw hw = { .hw_addrlen = htons(6),
						   .hw_addr = { 2, 0, 0x5e, 0, 0, 1 } };

		mnl_attr_put(nlh, NFULA_HWADDR, sizeof(hw), &hw);
	}
	mnl_attr_put(nlh, NFULA_PAYLOAD, len, pkt);
	if (o && o->uid) {
		mnl_attr_put_u32(nlh, NFULA_UID, htonl(1000));
		mnl_attr_put_u32(nlh, NFULA_GID, htonl(100));
	}
	if (!o || !o->no_seq) {
		mnl_attr_put_u32(nlh, NFULA_SEQ, htonl(seq));
		mnl_attr_put_u32(nlh, NFULA_SEQ_GLOBAL, htonl(seq + 1000));
	}
	if (o && o->later)
		mnl_attr_put_u32(nlh, NFULA_LATER, htonl(1));
	d->len += NLMSG_ALIGN(nlh->nlmsg_len);
	assert_true(d->len < sizeof(d->buf) - 4096);
}

/* The batch's end: NLMSG_DONE, its payload junk (older kernels left it
 * uninitialised). */
static void put_done(struct dgram *d)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(d->buf + d->len);
	uint8_t *junk = mnl_nlmsg_put_extra_header(nlh, 16);

	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	memset(junk, 0xa5, 16);
	d->len += NLMSG_ALIGN(nlh->nlmsg_len);
}

static int feed(struct capture *c, const struct dgram *d, uint32_t seq)
{
	return nflog_datagram(c, d->buf, d->len, seq, NOW_REAL, NOW_MONO);
}

/* A batch of three and its NLMSG_DONE: three events, every attribute in
 * them, the sequence number as the id, flagged as NFLOG's. */
static void test_batch(void **state)
{
	struct capture *c = cap_new(CAPTURE_NFLOG, GROUP);
	static struct dgram d;
	uint8_t pkt[PKT_MAX];
	const struct opts rich = { .ts = 1, .uid = 1, .hw = 1, .mark = 9, .indev = 1 };
	const struct synsink_event *ev;

	(void)state;
	d.len = 0;
	put_packet(&d, 0, pkt, syn4(pkt, 1000, 22), NULL);
	put_packet(&d, 1, pkt, syn4(pkt, 1001, 22), NULL);
	put_packet(&d, 2, pkt, syn4(pkt, 1002, 22), &rich);
	put_done(&d);
	assert_int_equal(feed(c, &d, 0), 1);
	assert_int_equal(c->lrx->b.n, 3);
	assert_int_equal(got(&c->st.received), 3);
	assert_int_equal(got(&c->st.id_gaps), 0);

	ev = &c->lrx->b.pending[0];
	assert_int_equal(ev->sport, 1000);
	assert_int_equal(ev->dport, 22);
	assert_int_equal(ev->queue, GROUP);
	assert_int_equal(ev->packet_id, 0);
	assert_true(ev->flags & SYNSINK_F_NFLOG);
	assert_int_equal(ev->ts_ns, NOW_REAL);

	ev = &c->lrx->b.pending[2];
	assert_int_equal(ev->packet_id, 2);
	assert_int_equal(ev->mark, 9);
	assert_int_equal(ev->indev, 1);
	assert_string_equal(ev->indev_name, "lo");
	assert_true(ev->flags & SYNSINK_F_KERNEL_TS);
	assert_int_equal(ev->ts_ns, (1700000000ull - 2) * 1000000000ull + 500000000ull);
	assert_true(ev->flags & SYNSINK_F_HAS_HW);
	assert_int_equal(ev->hwaddr_len, 6);
	assert_int_equal(ev->uid, 1000);
	assert_int_equal(ev->gid, 100);
	assert_true(ev->owner & SYNSINK_OWN_UID);
	cap_free(c);
}

/* A jump in the group's numbers is what the kernel logged and could not
 * deliver: counted lost, exactly; the first number counts from 0. */
static void test_gaps_counted_lost(void **state)
{
	struct capture *c = cap_new(CAPTURE_NFLOG, GROUP);
	static struct dgram d;
	uint8_t pkt[PKT_MAX];

	(void)state;
	d.len = 0;
	put_packet(&d, 3, pkt, syn4(pkt, 1, 22), NULL); /* 0-2 lost before our first read */
	put_packet(&d, 4, pkt, syn4(pkt, 2, 22), NULL);
	put_packet(&d, 10, pkt, syn4(pkt, 3, 22), NULL); /* 5-9 */
	put_done(&d);
	feed(c, &d, 0);
	d.len = 0;
	put_packet(&d, 11, pkt, syn4(pkt, 4, 22), NULL);
	put_packet(&d, 13, pkt, syn4(pkt, 5, 22), NULL); /* 12 */
	feed(c, &d, 0);
	assert_int_equal(got(&c->st.id_gaps), 3 + 5 + 1);
	assert_int_equal(got(&c->st.received), 5);
	/* received + lost is every number the kernel gave: 0..13 */
	assert_int_equal(got(&c->st.received) + got(&c->st.id_gaps), 14);
	cap_free(c);
}

/* Unknown attributes are passed over; one too short for its type makes
 * the message malformed (counted, not read past); a datagram cut inside
 * a message keeps the whole messages before it. */
static void test_malformed(void **state)
{
	struct capture *c = cap_new(CAPTURE_NFLOG, GROUP);
	static struct dgram d;
	uint8_t pkt[PKT_MAX];
	const struct opts later = { .later = 1 }, short_mark = { .short_mark = 1 };

	(void)state;
	d.len = 0;
	put_packet(&d, 0, pkt, syn4(pkt, 1, 22), &later);
	put_packet(&d, 1, pkt, syn4(pkt, 2, 22), &short_mark);
	put_packet(&d, 2, pkt, syn4(pkt, 3, 22), NULL);
	put_packet(&d, 3, pkt, syn4(pkt, 4, 22), NULL);
	d.len -= 8; /* the last one cut */
	feed(c, &d, 0);
	assert_int_equal(c->lrx->b.n, 2);
	assert_int_equal(c->lrx->b.pending[0].sport, 1);
	assert_int_equal(c->lrx->b.pending[1].sport, 3);
	assert_int_equal(got(&c->st.decode_errors[SYN_ERR_SHORT_IP]), 1);
	/* the malformed one is received, counted, and not lost as well */
	assert_int_equal(got(&c->st.received), 3);
	assert_int_equal(got(&c->st.id_gaps), 0);
	cap_free(c);
}

/* An ack to a config message is returned; the kernel's refusal too. */
static void test_acks(void **state)
{
	struct capture *c = cap_new(CAPTURE_NFLOG, GROUP);
	static struct dgram d;
	struct nlmsghdr *nlh;
	struct nlmsgerr *e;

	(void)state;
	d.len = 0;
	nlh = mnl_nlmsg_put_header(d.buf);
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_seq = 42;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = -EBUSY;
	d.len = NLMSG_ALIGN(nlh->nlmsg_len);
	assert_int_equal(feed(c, &d, 42), -EBUSY);
	assert_int_equal(feed(c, &d, 41), 1); /* not ours: logged */
	cap_free(c);
}

/* A kernel batch larger than the pending one: handed on as it fills,
 * nothing lost, every event through the retransmit pass. */
static void test_large_batch(void **state)
{
	struct capture *c = cap_new(CAPTURE_NFLOG, GROUP);
	static struct dgram d;
	uint8_t pkt[PKT_MAX];
	uint32_t seq;

	(void)state;
	d.len = 0;
	for (seq = 0; seq < PENDING_MAX + 40; seq++)
		put_packet(&d, seq, pkt, syn4(pkt, (uint16_t)(2000 + seq), 22), NULL);
	put_done(&d);
	feed(c, &d, 0);
	assert_int_equal(got(&c->st.events), PENDING_MAX);
	assert_int_equal(c->lrx->b.n, 40);
	capture_emit(c);
	assert_int_equal(got(&c->st.events), PENDING_MAX + 40);
	assert_int_equal(got(&c->st.received), PENDING_MAX + 40);
	assert_int_equal(got(&c->st.id_gaps), 0);
	cap_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batch),	    cmocka_unit_test(test_gaps_counted_lost),
		cmocka_unit_test(test_malformed),   cmocka_unit_test(test_acks),
		cmocka_unit_test(test_large_batch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
