// SPDX-License-Identifier: MIT OR GPL-2.0-only
/*
 * synsink.bpf.c - the ebpf source's tc program: every TCP SYN without ACK
 * that crosses an interface, ingress or egress, as one record in a BPF
 * ring buffer (ebpfrec.h), with nothing held and no rule anywhere.
 *
 * It parses Ethernet (up to two 802.1Q/802.1ad tags), IPv4, or IPv6 with
 * a bounded walk of the extension-header chain (bpf_loop, kernel 5.17) (hop-by-hop, routing,
 * destination options, fragment, AH: what the kernel's own walk takes),
 * and keeps what a "--tcp-flags FIN,SYN,RST,ACK SYN" rule keeps: the first
 * fragment or a whole packet, SYN set, ACK, RST and FIN clear.  Of such a
 * packet it copies the IP header on, through the TCP header and its
 * options; user space decodes that with the decoder every source uses.
 *
 * Every SYN it keeps is counted (seen); one the ring cannot take is
 * counted too (lost), so seen = records + lost, exactly.  It never drops
 * or changes a packet: TC_ACT_OK always.
 *
 * The tc programs are built with the kernel's UAPI headers alone: they
 * read packet bytes and __sk_buff fields, which are ABI.  The connect
 * hook (syn_owner, loaded only for --owner) runs where connect() moves
 * the socket to SYN_SENT (tp_btf/inet_sock_set_state: no kprobe, no
 * tracefs), in the connecting task's own context, and records who it is
 * under the socket's cookie; the egress program puts that in the SYN's
 * record.  It reads two kernel structure fields (a task's start time, a
 * socket's network namespace), relocated by CO-RE against the kernel's
 * BTF.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/pkt_cls.h>

/* The two kernel structures the connect hook reads, as far as it reads
 * them: their offsets are relocated against the running kernel's BTF at
 * load (CO-RE), so no vmlinux.h is needed. */
struct task_struct {
	struct task_struct *group_leader;
	__u64 start_boottime;
} __attribute__((preserve_access_index));
struct ns_common {
	unsigned int inum; /* what stat() of /proc/PID/ns/net says st_ino is */
} __attribute__((preserve_access_index));
struct net {
	struct ns_common ns;
} __attribute__((preserve_access_index));
typedef struct {
	struct net *net;
} __attribute__((preserve_access_index)) possible_net_t;
struct sock_common {
	possible_net_t skc_net;
	__u32 skc_daddr; /* network order, as all of these but skc_num */
	__u32 skc_rcv_saddr;
	__u16 skc_dport;
	__u16 skc_num; /* the local port, host order */
	unsigned short skc_family;
	struct in6_addr skc_v6_daddr;
	struct in6_addr skc_v6_rcv_saddr;
} __attribute__((preserve_access_index));
struct sock {
	struct sock_common __sk_common;
} __attribute__((preserve_access_index));

#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "ebpfrec.h"

#define AF_INET	 2 /* <sys/socket.h>'s, which a BPF program has not */
#define AF_INET6 10

char LICENSE[] SEC("license") = "Dual MIT/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22); /* user space sets the size it wants */
} syn_ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, EBPF_CTR_N);
	__type(key, __u32);
	__type(value, __u64);
} syn_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, EBPF_OWNERS_MAX); /* 1 without --owner */
	__type(key, __u64);		      /* the socket's cookie */
	__type(value, struct ebpf_owner);
} syn_owners SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, EBPF_OWNERS_MAX); /* 1 unless want_tuple */
	__type(key, struct ebpf_tuple);
	__type(value, struct ebpf_owner);
} syn_owners_tuple SEC(".maps");

/* Set before load: the egress program looks owners up (--owner with this
 * source); the hook keeps them by 4-tuple too (for the netfilter sources). */
const volatile __u8 want_owner = 0;
const volatile __u8 want_tuple = 0;
/* Set before load, with want_tuple: the network namespace (its inode
 * number) whose SYNs the netfilter source sees.  The hook fires for every
 * namespace's sockets; another's 4-tuple may be the same as one of ours
 * (two containers' 10.0.0.2:40000 -> 10.0.0.1:80), and its owner is not
 * the owner of our SYN. */
const volatile __u32 want_netns = 0;
/* Set before load: the reader is woken as this much comes to wait in the
 * ring (it reads every EBPF_READ_MS besides); 0: the ring's own way, a
 * wake-up for a record that finds the reader caught up. */
const volatile __u32 wake_bytes = 0;

/* Where a record is put together before it is copied into the ring:
 * bpf_ringbuf_output takes a length known only at run time. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ebpf_record);
} syn_scratch SEC(".maps");

#define TCP_FIN	    0x01
#define TCP_SYN	    0x02
#define TCP_RST	    0x04
#define TCP_ACK	    0x10
#define TCP_HDR_MAX 60

static __always_inline void count(__u32 k)
{
	__u64 *v = bpf_map_lookup_elem(&syn_counters, &k);

	if (v)
		*v += 1;
}

/* The TCP header's offset from the IPv4 header at l3, or -1. */
static __always_inline int tcp_v4(struct __sk_buff *skb, __u32 l3)
{
	__u8 h[20];

	if (bpf_skb_load_bytes(skb, l3, h, sizeof(h)))
		return -1;
	if ((h[0] >> 4) != 4 || (h[0] & 0xf) < 5 || h[9] != IPPROTO_TCP)
		return -1;
	if (((h[6] << 8) | h[7]) & 0x1fff)
		return -1; /* a later fragment: no TCP header */
	return (h[0] & 0xf) * 4;
}

/* A walk along an IPv6 extension-header chain, one header a step. */
struct walk {
	struct __sk_buff *skb;
	__u32 l3, off; /* the header now, from the IPv6 header */
	int tcp;       /* the TCP header's offset, once found */
	__u8 nh;       /* what the header now is */
};

/* One step (bpf_loop: the verifier checks it once, not per header).
 * Returns 1 to stop: TCP found, or a header that is not an extension
 * header, a later fragment, or past the end. */
static long walk_step(__u32 i, void *ctx)
{
	struct walk *w = ctx;
	__u8 h[4];

	(void)i;
	if (w->nh == IPPROTO_TCP) {
		w->tcp = (int)w->off;
		return 1;
	}
	if (w->nh != IPPROTO_HOPOPTS && w->nh != IPPROTO_ROUTING && w->nh != IPPROTO_DSTOPTS &&
	    w->nh != IPPROTO_FRAGMENT && w->nh != IPPROTO_AH)
		return 1;
	if (bpf_skb_load_bytes(w->skb, w->l3 + w->off, h, sizeof(h)))
		return 1;
	if (w->nh == IPPROTO_FRAGMENT) {
		if (((h[2] << 8) | h[3]) & 0xfff8)
			return 1; /* a later fragment */
		w->off += 8;
	} else if (w->nh == IPPROTO_AH) {
		w->off += ((__u32)h[1] + 2) * 4;
	} else {
		w->off += ((__u32)h[1] + 1) * 8;
	}
	w->nh = h[0];
	return 0;
}

/* The TCP header's offset from the IPv6 header at l3, or -1. */
static __always_inline int tcp_v6(struct __sk_buff *skb, __u32 l3)
{
	struct walk w = { .skb = skb, .l3 = l3, .off = 40, .tcp = -1 };

	if (bpf_skb_load_bytes(skb, l3 + 6, &w.nh, 1))
		return -1;
	bpf_loop(EBPF_EXTHDR_MAX + 1, walk_step, &w, 0);
	return w.tcp;
}

static __always_inline int handle(struct __sk_buff *skb, __u8 dir)
{
	__u32 key = 0, l3 = ETH_HLEN, len;
	struct ebpf_record *r;
	__u64 wake, avail;
	__u8 vlans, flags;
	__u16 proto;
	int tcp;

	if (bpf_skb_load_bytes(skb, 12, &proto, sizeof(proto)))
		return TC_ACT_OK;
	for (vlans = 0; vlans < 2; vlans++) {
		if (proto != bpf_htons(ETH_P_8021Q) && proto != bpf_htons(ETH_P_8021AD))
			break;
		if (bpf_skb_load_bytes(skb, l3 + 2, &proto, sizeof(proto)))
			return TC_ACT_OK;
		l3 += 4;
	}
	if (proto == bpf_htons(ETH_P_IP))
		tcp = tcp_v4(skb, l3);
	else if (proto == bpf_htons(ETH_P_IPV6))
		tcp = tcp_v6(skb, l3);
	else
		return TC_ACT_OK;
	if (tcp < 0 || bpf_skb_load_bytes(skb, l3 + (__u32)tcp + 13, &flags, 1) ||
	    (flags & (TCP_FIN | TCP_SYN | TCP_RST | TCP_ACK)) != TCP_SYN)
		return TC_ACT_OK;
	count(EBPF_CTR_SEEN);
	r = bpf_map_lookup_elem(&syn_scratch, &key);
	if (!r) {
		count(EBPF_CTR_LOST);
		return TC_ACT_OK;
	}
	len = skb->len - l3; /* more than 0: the flags byte was there */
	if (len > (__u32)tcp + TCP_HDR_MAX)
		len = (__u32)tcp + TCP_HDR_MAX;
	if (len > EBPF_PKT_MAX - 1)
		len = EBPF_PKT_MAX - 1;
	barrier_var(len);	 /* so the compiler keeps the mask below: */
	len &= EBPF_PKT_MAX - 1; /* the same bound, in a form the verifier tracks */
	if (len < 1 || bpf_skb_load_bytes(skb, l3, r->pkt, len)) {
		count(EBPF_CTR_LOST);
		return TC_ACT_OK;
	}
	/* The source address NFQUEUE gives as hwaddr, with an input device
	 * alone: on ingress. */
	if (dir != EBPF_DIR_IN || bpf_skb_load_bytes(skb, 6, r->smac, sizeof(r->smac)))
		__builtin_memset(r->smac, 0, sizeof(r->smac));
	r->has_owner = 0;
	if (want_owner && dir == EBPF_DIR_OUT) {
		__u64 cookie = bpf_get_socket_cookie(skb);
		struct ebpf_owner *o = cookie ? bpf_map_lookup_elem(&syn_owners, &cookie) : 0;

		if (o) {
			__builtin_memcpy(&r->owner, o, sizeof(r->owner));
			r->has_owner = 1;
		}
	}
	r->tstamp_ns = bpf_ktime_get_ns();
	r->ifindex = skb->ifindex;
	r->mark = skb->mark;
	r->len = (__u16)len;
	r->dir = dir;
	r->vlans = vlans;
	/* One wake-up as what waits crosses wake_bytes: a reader woken
	 * reads until the ring is dry, and reads every EBPF_READ_MS. */
	wake = 0;
	if (wake_bytes) {
		avail = bpf_ringbuf_query(&syn_ring, BPF_RB_AVAIL_DATA);
		wake = avail < wake_bytes && avail + EBPF_RECORD_HDR + len >= wake_bytes
			       ? BPF_RB_FORCE_WAKEUP
			       : BPF_RB_NO_WAKEUP;
	}
	if (bpf_ringbuf_output(&syn_ring, r, EBPF_RECORD_HDR + len, wake))
		count(EBPF_CTR_LOST);
	return TC_ACT_OK;
}

SEC("tc")
int syn_in(struct __sk_buff *skb)
{
	return handle(skb, EBPF_DIR_IN);
}

SEC("tc")
int syn_out(struct __sk_buff *skb)
{
	return handle(skb, EBPF_DIR_OUT);
}

/* The socket's 4-tuple into t, the family as its SYN has it (an IPv4
 * connection on an IPv6 socket is IPv4).  False for another family. */
static __always_inline int tuple_of(struct sock *sk, struct ebpf_tuple *t)
{
	unsigned short family = sk->__sk_common.skc_family;

	__builtin_memset(t, 0, sizeof(*t));
	t->sport = sk->__sk_common.skc_num;
	t->dport = bpf_ntohs(sk->__sk_common.skc_dport);
	if (family == AF_INET6) {
		bpf_probe_read_kernel(t->saddr, 16, &sk->__sk_common.skc_v6_rcv_saddr);
		bpf_probe_read_kernel(t->daddr, 16, &sk->__sk_common.skc_v6_daddr);
		/* ::ffff:a.b.c.d, both ends: an IPv4 SYN */
		if (t->daddr[0] || t->daddr[1] || t->daddr[2] != bpf_htonl(0xffff)) {
			t->family = AF_INET6;
			return 1;
		}
		__builtin_memset(t->saddr, 0, sizeof(t->saddr));
		__builtin_memset(t->daddr, 0, sizeof(t->daddr));
	} else if (family != AF_INET) {
		return 0;
	}
	t->family = AF_INET;
	t->saddr[0] = sk->__sk_common.skc_rcv_saddr;
	t->daddr[0] = sk->__sk_common.skc_daddr;
	return 1;
}

/* connect(): who is making the connection, in its own context, as the
 * socket enters SYN_SENT, before its SYN is built (its port may not be
 * chosen yet).  When the socket leaves SYN_SENT (established, refused,
 * or closed: the port is known then, the context may be softirq's) the
 * entry goes; with want_tuple, that owner is kept by 4-tuple instead.  Never fails
 * the call: a full map evicts its oldest entry. */
SEC("tp_btf/inet_sock_set_state")
int syn_owner(__u64 *ctx)
{
	struct sock *sk = (struct sock *)ctx[0];
	struct task_struct *task;
	struct ebpf_owner o, *known;
	struct ebpf_tuple t;
	__u64 id, ug, cookie;

	/* Every state change of every TCP socket comes here: the ones into
	 * and out of SYN_SENT first, the cheapest test. */
	if ((int)ctx[2] != BPF_TCP_SYN_SENT && (int)ctx[1] != BPF_TCP_SYN_SENT)
		return 0;
	if (want_tuple && sk->__sk_common.skc_net.net->ns.inum != want_netns)
		return 0;
	if ((int)ctx[2] != BPF_TCP_SYN_SENT) {
		/* Its SYNs are sent: the entry by cookie goes (so the map
		 * holds the connections being made, never a full LRU's
		 * worth), by 4-tuple for the netfilter sources. */
		cookie = bpf_get_socket_cookie(sk);
		known = bpf_map_lookup_elem(&syn_owners, &cookie);
		if (known && want_tuple && tuple_of(sk, &t))
			bpf_map_update_elem(&syn_owners_tuple, &t, known, BPF_ANY);
		if (known)
			bpf_map_delete_elem(&syn_owners, &cookie);
		return 0;
	}
	task = bpf_get_current_task_btf();
	id = bpf_get_current_pid_tgid();
	ug = bpf_get_current_uid_gid();
	cookie = bpf_get_socket_cookie(sk);
	__builtin_memset(&o, 0, sizeof(o));
	o.tgid = (__u32)(id >> 32);
	o.tid = (__u32)id;
	o.uid = (__u32)ug;
	o.gid = (__u32)(ug >> 32);
	o.cgroup_id = bpf_get_current_cgroup_id();
	o.start_boottime = task->group_leader->start_boottime;
	bpf_get_current_comm(o.comm, sizeof(o.comm));
	bpf_map_update_elem(&syn_owners, &cookie, &o, BPF_ANY);
	return 0;
}
