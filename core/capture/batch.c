// SPDX-License-Identifier: MIT
/*
 * batch.c - the pending batch every source fills (capture_int.h): each
 * packet decoded into the next event, with what the kernel said of it
 * besides its bytes (NFQUEUE's and NFLOG's attributes differ in type
 * numbers, not in payload), then the whole batch handed on.
 */
#include "capture_int.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <linux/netfilter/nfnetlink_queue.h>

#include "decode.h"
#include "log.h"

/* The name of interface idx into out (SYNSINK_IFNAMSIZ), through cache
 * (IFCACHE_SLOTS entries, each re-read after IFCACHE_TTL_NS). */
static void ifname(struct ifcache_ent *cache, uint32_t idx, uint64_t now, char *out)
{
	struct ifcache_ent *e = &cache[idx % IFCACHE_SLOTS];

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

/* What m says of the packet, into ev. */
static void put_meta(struct ifcache_ent *cache, struct synsink_event *ev, const struct pkt_meta *m,
		     uint64_t now_mono)
{
	_Static_assert(sizeof(struct nfqnl_msg_packet_hw) == sizeof(struct nfulnl_msg_packet_hw) &&
			       offsetof(struct nfqnl_msg_packet_hw, hw_addr) ==
				       offsetof(struct nfulnl_msg_packet_hw, hw_addr),
		       "NFQUEUE's and NFLOG's hardware address differ");

	if (m->mark)
		ev->mark = attr_u32(m->mark);
	if (m->indev) {
		ev->indev = attr_u32(m->indev);
		ifname(cache, ev->indev, now_mono, ev->indev_name);
	}
	if (m->outdev) {
		ev->outdev = attr_u32(m->outdev);
		ifname(cache, ev->outdev, now_mono, ev->outdev_name);
	}
	if (m->hwaddr) {
		const struct nfqnl_msg_packet_hw *hw = mnl_attr_get_payload(m->hwaddr);
		uint16_t hl = ntohs(hw->hw_addrlen);

		if (hl > sizeof(ev->hwaddr))
			hl = sizeof(ev->hwaddr);
		memcpy(ev->hwaddr, hw->hw_addr, hl);
		ev->hwaddr_len = (uint8_t)hl;
		ev->flags |= SYNSINK_F_HAS_HW;
	}
	/* The socket's owner, for a packet with a local socket (both come
	 * together). */
	if (m->uid && m->gid) {
		ev->uid = attr_u32(m->uid);
		ev->gid = attr_u32(m->gid);
		ev->owner |= SYNSINK_OWN_UID;
	}
}

void capture_ifname(struct capture *c, uint32_t idx, uint64_t now_mono, char *out)
{
	ifname(c->batch->ifc, idx, now_mono, out);
}

struct synsink_event *capture_slot(struct capture *c)
{
	struct capture_batch *b = c->batch;
	struct synsink_event *ev;

	if (b->n == PENDING_MAX)
		c->ops->publish(c);
	ev = &b->pending[b->n];
	memset(ev, 0, sizeof(*ev));
	return ev;
}

struct synsink_event *capture_commit(struct capture *c, struct synsink_event *ev,
				     enum syn_decode_err derr, uint32_t id, uint64_t kts,
				     uint64_t now_real)
{
	struct capture_batch *b = c->batch;

	if (derr != SYN_OK) {
		stat_add(&c->st.decode_errors[derr], 1);
		log_ratelimited(&b->rl_decode, SYNSINK_LOG_WARN, "%s %u: packet %u not decoded: %s",
				c->ops->noun, c->queue, id, syn_decode_errname(derr));
		return NULL;
	}
	ev->packet_id = id;
	ev->queue = c->queue;
	ev->ts_ns = kts ? kts : now_real;
	if (kts)
		ev->flags |= SYNSINK_F_KERNEL_TS;
	if (ev->flags & SYNSINK_F_OPT_BAD)
		stat_add(&c->st.opt_bad, 1);
	b->n++;
	return ev;
}

struct synsink_event *capture_take(struct capture *c, const struct nlattr *payload, uint32_t id,
				   uint64_t kts, const struct pkt_meta *m, uint64_t now_real,
				   uint64_t now_mono)
{
	struct synsink_event *ev = capture_slot(c);
	enum syn_decode_err derr = SYN_ERR_SHORT_IP;

	if (payload)
		derr = syn_decode(mnl_attr_get_payload(payload), mnl_attr_get_payload_len(payload),
				  ev);
	if (!capture_commit(c, ev, derr, id, kts, now_real))
		return NULL;
	put_meta(c->batch->ifc, ev, m, now_mono);
	return ev;
}

void capture_emit(struct capture *c)
{
	struct capture_batch *b = c->batch;

	source_emit(&c->out, &c->st, b->pending, b->hash, b->n);
	b->n = 0;
}

const char *capture_noun(const struct capture *c)
{
	return c->ops->noun;
}
