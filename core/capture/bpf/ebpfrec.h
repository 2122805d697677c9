/* SPDX-License-Identifier: MIT */
/*
 * ebpfrec.h - what the tc program (synsink.bpf.c) hands user space, for
 * both sides: one record per SYN in the BPF ring buffer, and the program's
 * own counters.  The record carries the packet from its IP header on, as
 * far as the TCP header and its options go, so user space decodes it with
 * the decoder every source uses (decode.c): one decoder, one fingerprint.
 */
#ifndef SYNSINK_EBPFREC_H
#define SYNSINK_EBPFREC_H

#include <linux/types.h>

/* Room for a record's packet bytes: a 1280-byte IPv6 packet's header
 * chain (150 extension headers, tests/unit) and a full TCP header fit; a
 * record carries at most EBPF_PKT_MAX - 1 (a power of two, so the program
 * can mask a length for the verifier). */
#define EBPF_PKT_MAX 2048

/* The longest IPv6 extension-header chain the program walks: more than a
 * 1500-byte packet can hold (8 bytes each). */
#define EBPF_EXTHDR_MAX 190

enum ebpf_dir { EBPF_DIR_IN = 0, EBPF_DIR_OUT = 1 };

/* Who made a connection, as the connect hook saw it in the connecting
 * task's own context (synsink.bpf.c, syn_owner), keyed by the socket's
 * cookie until the SYN leaves. */
struct ebpf_owner {
	__u32 tgid; /* the process */
	__u32 tid;  /* the thread that called connect() */
	__u32 uid;
	__u32 gid;
	__u64 cgroup_id;      /* its cgroup v2 */
	__u64 start_boottime; /* the process's start, ns after boot: pid reuse */
	char comm[16];	      /* the thread's name */
};

/* The owners remembered at once (LRU maps): by cookie, a connection's
 * entry lives from connect() until it leaves SYN_SENT (its SYN and any
 * retransmission are sent by then); by 4-tuple, until newer ones push it
 * out. */
#define EBPF_OWNERS_MAX 16384

/* A connection as the netfilter sources see its SYN leave: the key of
 * the owners the hook keeps for them (--owner=full), put there when the
 * socket leaves SYN_SENT, as its port is known by then.  Addresses in
 * network order, IPv4 in the first 4 bytes; ports in host order. */
struct ebpf_tuple {
	__u32 saddr[4];
	__u32 daddr[4];
	__u16 sport;
	__u16 dport;
	__u8 family; /* AF_INET or AF_INET6 */
	__u8 pad[3];
};

struct ebpf_record {
	__u64 tstamp_ns; /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u32 ifindex;
	__u32 mark;	/* skb->mark */
	__u16 len;	/* bytes of pkt[] */
	__u8 dir;	/* enum ebpf_dir */
	__u8 vlans;	/* 802.1Q/802.1ad tags in front, in the frame */
	__u8 smac[6];	/* ingress: the frame's source address (NFQUEUE's hwaddr) */
	__u8 has_owner; /* egress: owner is the connect hook's record */
	__u8 pad[7];
	struct ebpf_owner owner;
	__u8 pkt[EBPF_PKT_MAX];
};

#define EBPF_RECORD_HDR ((unsigned long)&((struct ebpf_record *)0)->pkt)

/* The program's counters, per CPU: summed by user space. */
enum ebpf_counter {
	EBPF_CTR_SEEN, /* SYNs (without ACK) the program matched */
	EBPF_CTR_LOST, /* of those, not written: the ring was full */
	EBPF_CTR_N,
};

#endif
