/* SPDX-License-Identifier: MIT */
/*
 * synsink/event.h - one decoded TCP SYN, as every sink receives it.
 *
 * The struct is fixed-size and self-contained (no pointers), so it can be
 * copied through the core's rings and handed to plugins in batches.  Its
 * layout is part of the plugin ABI: any change bumps SYNSINK_PLUGIN_ABI.
 */
#ifndef SYNSINK_EVENT_H
#define SYNSINK_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#define SYNSINK_IFNAMSIZ 16   /* same as the kernel's IFNAMSIZ */
#define SYNSINK_MAX_OPTS 40   /* TCP option space is 40 bytes */
#define SYNSINK_LINE_MAX 8192 /* longest text or JSON line of one event */

/* Bits of synsink_event.opt_present. */
#define SYNSINK_HAS_MSS	   (1u << 0)
#define SYNSINK_HAS_WSCALE (1u << 1)
#define SYNSINK_HAS_SACKOK (1u << 2)
#define SYNSINK_HAS_TS	   (1u << 3)

/* Bits of synsink_event.flags. */
#define SYNSINK_F_ECN_SETUP    (1u << 0)  /* ECE and CWR both set (RFC 3168) */
#define SYNSINK_F_IP_DF	       (1u << 1)  /* IPv4 don't-fragment */
#define SYNSINK_F_IP_MF	       (1u << 2)  /* first fragment of a fragmented IPv4/IPv6 packet */
#define SYNSINK_F_OPT_BAD      (1u << 3)  /* a wrong option length, or a walk cut short ("bad") */
#define SYNSINK_F_TRUNC	       (1u << 4)  /* NFQA_CAP_LEN < packet length (copy range) */
#define SYNSINK_F_HAS_HW       (1u << 5)  /* hwaddr is valid */
#define SYNSINK_F_KERNEL_TS    (1u << 6)  /* ts_ns came from NFQA_TIMESTAMP */
#define SYNSINK_F_IP_RES       (1u << 7)  /* IPv4 reserved ("evil") flag bit set */
#define SYNSINK_F_OPT_TRAIL    (1u << 8)  /* non-zero bytes after the EOL option (p0f's "opt+") */
#define SYNSINK_F_RETX	       (1u << 9)  /* same 4-tuple and ISN seen within the window */
#define SYNSINK_F_TCP_NS       (1u << 10) /* the TCP header's NS bit (p0f counts it as "ecn") */
#define SYNSINK_F_OPT_TS1_ZERO (1u << 11) /* a timestamp option with TSval 0 ("ts1-") */
#define SYNSINK_F_OPT_TS2_NZ   (1u << 12) /* a timestamp option with TSecr set ("ts2+") */
#define SYNSINK_F_OPT_EXWS     (1u << 13) /* a window scale over 14 ("exws") */
#define SYNSINK_F_NFLOG \
	(1u << 14) /* from NFLOG: queue is the log group, packet_id its sequence number */
#define SYNSINK_F_EBPF \
	(1u << 15) /* from the ebpf source: queue 0, packet_id the ring's record number */

/* Bits of synsink_event.owner: which of the owner fields are valid. */
#define SYNSINK_OWN_UID	   (1u << 0) /* uid, gid (NFQA_UID, NFQA_GID) */
#define SYNSINK_OWN_SECCTX (1u << 1) /* secctx (NFQA_SECCTX) */
#define SYNSINK_OWN_PID	   (1u << 2) /* pid, pid_start, comm (--owner=full) */
#define SYNSINK_OWN_LOOKED (1u << 3) /* the process was looked for (--owner=full) */

/* TCP option kinds the decoder names; any other kind is kept by number. */
#define SYNSINK_TCPOPT_EOL    0
#define SYNSINK_TCPOPT_NOP    1
#define SYNSINK_TCPOPT_MSS    2
#define SYNSINK_TCPOPT_WSCALE 3
#define SYNSINK_TCPOPT_SACKOK 4
#define SYNSINK_TCPOPT_SACK   5
#define SYNSINK_TCPOPT_TS     8

struct synsink_event {
	uint64_t ts_ns;	    /* CLOCK_REALTIME, nanoseconds */
	uint32_t packet_id; /* NFQUEUE packet id */
	uint16_t queue;	    /* NFQUEUE number */
	uint8_t family;	    /* AF_INET or AF_INET6 */
	uint8_t ttl;	    /* IPv4 TTL or IPv6 hop limit */
	uint8_t saddr[16];  /* network order; IPv4 in the first 4 bytes */
	uint8_t daddr[16];
	uint16_t sport; /* host order */
	uint16_t dport;
	uint32_t seq;
	uint32_t ack;	      /* the ack field as sent (0 for a well-behaved SYN) */
	uint16_t win;	      /* raw window, not scaled */
	uint8_t tcp_flags;    /* CWR ECE URG ACK PSH RST SYN FIN */
	uint8_t tos;	      /* IPv4 TOS or IPv6 traffic class */
	uint16_t ip_id;	      /* IPv4 identification (0 for IPv6) */
	uint16_t payload_len; /* TCP payload bytes (SYN with data) */
	uint8_t ipopt_len;    /* IPv4 header option bytes */
	uint8_t n_exthdr;     /* IPv6 extension headers walked */
	uint16_t flags;	      /* SYNSINK_F_* */
	uint32_t flowlabel;   /* IPv6 flow label */
	/* TCP options */
	uint16_t mss;
	uint8_t wscale;
	uint8_t opt_present; /* SYNSINK_HAS_* */
	uint32_t tsval;
	uint32_t tsecr;
	uint8_t n_opts;			     /* entries used in opt_order */
	uint8_t opt_order[SYNSINK_MAX_OPTS]; /* option kinds, in wire order */
	uint8_t doff;			     /* TCP header length in 32-bit words */
	uint8_t eol_pad;		     /* option bytes after an EOL option */
	uint16_t urg_ptr;		     /* urgent pointer as sent */
	/* queue metadata */
	uint8_t hwaddr_len;
	uint8_t hwaddr[8];
	uint32_t mark;
	uint32_t indev; /* ifindex, 0 when absent */
	uint32_t outdev;
	char indev_name[SYNSINK_IFNAMSIZ]; /* NUL-terminated, "" when unknown */
	char outdev_name[SYNSINK_IFNAMSIZ];
	/* The socket's owner, for a SYN this host sends (--owner; ABI 3) */
	uint32_t uid; /* the socket's file owner */
	uint32_t gid;
	uint32_t pid;	    /* the process holding the socket */
	uint16_t secctx;    /* the core's number for the security context */
	uint8_t owner;	    /* SYNSINK_OWN_* */
	uint8_t owner_res;  /* zero */
	uint64_t pid_start; /* the process's start (clock ticks after boot): pid reuse */
	char comm[16];	    /* its name as /proc/PID/comm had it, NUL-terminated */
};

#endif /* SYNSINK_EVENT_H */
