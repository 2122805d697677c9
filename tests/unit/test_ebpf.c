// SPDX-License-Identifier: MIT
/*
 * test_ebpf.c - the ebpf source's tc program (core/capture/bpf), run on
 * crafted frames with bpf_prog_test_run_opts: what reaches its ring.
 *
 * For every SYN without ACK (IPv4, IPv6 with chains of 9, 41 and 150
 * extension headers, first fragments, one or two VLAN tags, ECN, data,
 * a TCP data offset below 5) exactly one record: the packet's bytes from
 * its IP header, through the TCP header and its options, as they were,
 * so the decoder every source uses sees what it sees from NFQUEUE.  For
 * everything else (SYN-ACK, RST, FIN, later fragments, UDP, ARP, a frame
 * cut before the TCP flags) nothing.  The program's own counters agree:
 * seen is every record, and with a ring too small for a burst, seen =
 * records + lost exactly.  The connect hook (--owner), loaded and
 * attached, records a real connect() on loopback under the socket's
 * cookie, as the process making it, and (alone, for the netfilter
 * sources) under its 4-tuple once it is established; a record carrying an owner decodes
 * into the event's owner fields, in /proc's units.  Needs root (loading
 * BPF programs).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <sys/socket.h>

#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/pkt_cls.h>

#include "decode.h"
#include "ebpfprog.h"
#include "pkt.h"

#define MAX_GOT 256

struct got {
	size_t n;
	size_t size[MAX_GOT];
	struct ebpf_record rec[MAX_GOT];
};

static int on_record(void *ctx, void *data, size_t size)
{
	struct got *g = ctx;

	if (g->n < MAX_GOT) {
		memcpy(&g->rec[g->n], data, size < sizeof(g->rec[0]) ? size : sizeof(g->rec[0]));
		g->size[g->n] = size;
	}
	g->n++;
	return 0;
}

struct fixture {
	struct ebpf_prog prog;
	struct ring_buffer *rb;
	struct got got;
	size_t records; /* that expect_record saw */
};

static struct fixture *fixture_new(uint32_t ring)
{
	static struct fixture f; /* large: the records */
	char err[256];

	memset(&f, 0, sizeof(f));
	if (ebpf_prog_load(&f.prog, ring, false, err, sizeof(err)))
		fail_msg("%s", err);
	f.rb = ring_buffer__new(ebpf_ring_fd(&f.prog), on_record, &f.got, NULL);
	assert_non_null(f.rb);
	return &f;
}

static void fixture_free(struct fixture *f)
{
	ring_buffer__free(f->rb);
	ebpf_prog_close(&f->prog);
}

/* Runs the program on one frame; returns the records it wrote. */
static size_t run(struct fixture *f, const uint8_t *frame, size_t len, enum ebpf_dir dir)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = (uint32_t)len);

	assert_int_equal(bpf_prog_test_run_opts(ebpf_prog_fd(&f->prog, dir), &o), 0);
	assert_int_equal(o.retval, TC_ACT_OK);
	f->got.n = 0;
	assert_true(ring_buffer__consume(f->rb) >= 0);
	return f->got.n;
}

static const uint8_t src4[4] = { 198, 18, 0, 1 }, dst4[4] = { 198, 18, 0, 2 };
static const uint8_t src6[16] = { 0xfd, 0, 0x5e, [15] = 1 }, dst6[16] = { 0xfd, 0, 0x5e, [15] = 2 };
static const uint8_t linux_opts[] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0,
				      0, 1, 0,	  0,	0, 0, 1, 3,  3, 7 };

/* An Ethernet frame around ip: with n_vlan tags (802.1ad outside). */
static size_t frame_of(uint8_t *out, const uint8_t *ip, size_t iplen, int n_vlan, uint16_t type)
{
	size_t off = 12;
	int i;

	memset(out, 0, 12);
	out[0] = 0x02; /* locally administered */
	out[6] = 0x02;
	out[11] = 1;
	for (i = 0; i < n_vlan; i++) {
		pkt_put16(out + off, i + 1 < n_vlan ? 0x88a8 : 0x8100);
		pkt_put16(out + off + 2, (uint16_t)(100 + i));
		off += 4;
	}
	pkt_put16(out + off, type);
	memcpy(out + off + 2, ip, iplen);
	return off + 2 + iplen;
}

static struct tcp_spec syn(uint8_t flags)
{
	struct tcp_spec t = { .sport = 40000,
			      .dport = 22,
			      .seq = 1234,
			      .win = 64240,
			      .flags = flags,
			      .opts = linux_opts,
			      .optlen = sizeof(linux_opts) };
	return t;
}

/* An IPv6 chain: n destination-options headers after a hop-by-hop one,
 * then optionally a fragment header with offset frag_off. */
static size_t chain_of(uint8_t *chain, size_t cap, int n_ext, int frag, uint16_t frag_off)
{
	size_t len = 0;
	int i, total = 1 + n_ext;

	for (i = 0; i < total; i++)
		len = pkt_ext_append(chain, len, cap, i + 1 < total ? 60 : frag ? 44 : 6, 8);
	if (frag) {
		uint8_t f[8] = { 6, 0, 0, 0, 0x5e, 0x5e, 0, 1 };

		pkt_put16(f + 2, (uint16_t)(frag_off | 1)); /* more fragments */
		memcpy(chain + len, f, sizeof(f));
		len += sizeof(f);
	}
	return len;
}

/* One frame that must make one record: its bytes are the IP packet's
 * first want_len, and the decoder says the same of both. */
static void expect_record(struct fixture *f, const uint8_t *ip, size_t iplen, int n_vlan,
			  uint16_t type, size_t want_len, enum ebpf_dir dir)
{
	uint8_t frame[PKT_MAX + 16];
	size_t flen = frame_of(frame, ip, iplen, n_vlan, type);
	const struct ebpf_record *r = &f->got.rec[0];
	struct synsink_event a, b;
	uint64_t mono = 0;

	assert_int_equal(run(f, frame, flen, dir), 1);
	assert_int_equal(r->len, want_len);
	assert_int_equal(f->got.size[0], EBPF_RECORD_HDR + want_len);
	assert_memory_equal(r->pkt, ip, want_len);
	assert_int_equal(r->dir, dir);
	assert_int_equal(r->vlans, n_vlan);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	assert_int_equal(syn_decode(ip, iplen, &a),
			 ebpf_record_decode(r, f->got.size[0], &b, &mono));
	assert_int_equal(a.sport, b.sport);
	assert_int_equal(a.seq, b.seq);
	assert_int_equal(a.n_exthdr, b.n_exthdr);
	assert_int_equal(a.flags, b.flags & ~SYNSINK_F_HAS_HW);
	assert_int_equal(a.n_opts, b.n_opts);
	assert_true(mono > 0);
	assert_int_equal(dir == EBPF_DIR_OUT ? b.outdev : b.indev, r->ifindex);
	/* The frame's source address, as NFQUEUE's hwaddr: ingress only. */
	assert_int_equal(b.hwaddr_len, dir == EBPF_DIR_IN ? 6 : 0);
	if (dir == EBPF_DIR_IN)
		assert_memory_equal(b.hwaddr, frame + 6, 6);
	f->records++;
}

static void expect_none(struct fixture *f, const uint8_t *ip, size_t iplen, uint16_t type)
{
	uint8_t frame[PKT_MAX + 16];

	assert_int_equal(run(f, frame, frame_of(frame, ip, iplen, 0, type), EBPF_DIR_IN), 0);
}

static void test_syns(void **state)
{
	struct fixture *f = fixture_new(1u << 20);
	uint8_t ip[PKT_MAX], chain[1400];
	struct tcp_spec t = syn(0x02);
	uint64_t ctr[EBPF_CTR_N];
	size_t n;
	static const int chains[] = { 8, 40, 149 };
	unsigned i;

	(void)state;
	n = pkt_ipv4(ip, sizeof(ip), src4, dst4, 64, 0x4000, NULL, 0, &t);
	expect_record(f, ip, n, 0, 0x0800, n, EBPF_DIR_IN);
	expect_record(f, ip, n, 0, 0x0800, n, EBPF_DIR_OUT);
	expect_record(f, ip, n, 1, 0x0800, n, EBPF_DIR_IN);
	n = pkt_ipv6(ip, sizeof(ip), src6, dst6, 64, 6, NULL, 0, &t);
	expect_record(f, ip, n, 2, 0x86dd, n, EBPF_DIR_IN);
	t = syn(0xc2); /* ECN setup: CWR and ECE besides SYN */
	n = pkt_ipv4(ip, sizeof(ip), src4, dst4, 64, 0x4000, NULL, 0, &t);
	expect_record(f, ip, n, 0, 0x0800, n, EBPF_DIR_IN);
	t = syn(0x02);
	for (i = 0; i < sizeof(chains) / sizeof(chains[0]); i++) {
		size_t c = chain_of(chain, sizeof(chain), chains[i], 0, 0);

		n = pkt_ipv6(ip, sizeof(ip), src6, dst6, 64, 0, chain, c, &t);
		assert_true(n > 0);
		expect_record(f, ip, n, 0, 0x86dd, n, EBPF_DIR_IN);
	}
	/* First fragments: reported (the decoder marks them). */
	n = pkt_ipv4(ip, sizeof(ip), src4, dst4, 64, 0x2000, NULL, 0, &t);
	expect_record(f, ip, n, 0, 0x0800, n, EBPF_DIR_IN);
	n = pkt_ipv6(ip, sizeof(ip), src6, dst6, 64, 0, chain,
		     chain_of(chain, sizeof(chain), 0, 1, 0), &t);
	expect_record(f, ip, n, 0, 0x86dd, n, EBPF_DIR_IN);
	/* Data after the header: the record stops at the most a TCP header
	 * can take (60 bytes), the options all in. */
	t.paylen = 100;
	n = pkt_ipv6(ip, sizeof(ip), src6, dst6, 64, 6, NULL, 0, &t);
	expect_record(f, ip, n, 0, 0x86dd, 40 + 60, EBPF_DIR_IN);
	/* A data offset below 5 is a SYN to the rule too: the decoder counts
	 * it (tcp_doff), as from NFQUEUE. */
	t = syn(0x02);
	t.opts = NULL;
	t.optlen = 0;
	t.doff = 4;
	n = pkt_ipv4(ip, sizeof(ip), src4, dst4, 64, 0x4000, NULL, 0, &t);
	expect_record(f, ip, n, 0, 0x0800, n, EBPF_DIR_IN);
	/* Cut inside the options, after the flags: what is there. */
	t = syn(0x02);
	n = pkt_ipv4(ip, sizeof(ip), src4, dst4, 64, 0x4000, NULL, 0, &t);
	expect_record(f, ip, 20 + 24, 0, 0x0800, 20 + 24, EBPF_DIR_IN);

	assert_int_equal(ebpf_prog_counters(&f->prog, ctr), 0);
	assert_int_equal(ctr[EBPF_CTR_SEEN], f->records);
	assert_int_equal(ctr[EBPF_CTR_LOST], 0);
	fixture_free(f);
}

static void test_not_syns(void **state)
{
	struct fixture *f = fixture_new(1u << 20);
	static const uint8_t flags[] = { 0x12, 0x04, 0x06, 0x03, 0x10, 0x00, 0x11 };
	uint8_t ip[PKT_MAX], chain[64];
	struct tcp_spec t;
	uint64_t ctr[EBPF_CTR_N];
	size_t n;
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof(flags);
	     i++) { /* SYN-ACK, RST, RST+SYN, FIN+SYN, ACK, none, FIN-ACK */
		t = syn(flags[i]);
		n = pkt_ipv4(ip, sizeof(ip), src4, dst4, 64, 0x4000, NULL, 0, &t);
		expect_none(f, ip, n, 0x0800);
		n = pkt_ipv6(ip, sizeof(ip), src6, dst6, 64, 6, NULL, 0, &t);
		expect_none(f, ip, n, 0x86dd);
	}
	t = syn(0x02);
	/* Later fragments carry no TCP header. */
	n = pkt_ipv4(ip, sizeof(ip), src4, dst4, 64, 0x0003, NULL, 0, &t);
	expect_none(f, ip, n, 0x0800);
	n = pkt_ipv6(ip, sizeof(ip), src6, dst6, 64, 0, chain,
		     chain_of(chain, sizeof(chain), 0, 1, 0x0100), &t);
	expect_none(f, ip, n, 0x86dd);
	/* Not TCP; not IP. */
	n = pkt_ipv4(ip, sizeof(ip), src4, dst4, 64, 0x4000, NULL, 0, &t);
	ip[9] = 17;
	expect_none(f, ip, n, 0x0800);
	n = pkt_ipv4(ip, sizeof(ip), src4, dst4, 64, 0x4000, NULL, 0, &t);
	expect_none(f, ip, n, 0x0806);
	/* Cut before the TCP flags. */
	expect_none(f, ip, 20 + 13, 0x0800);
	/* An IPv6 chain that ends in no-next-header. */
	n = pkt_ipv6(ip, sizeof(ip), src6, dst6, 64, 59, NULL, 0, &t);
	expect_none(f, ip, n, 0x86dd);

	assert_int_equal(ebpf_prog_counters(&f->prog, ctr), 0);
	assert_int_equal(ctr[EBPF_CTR_SEEN], 0);
	fixture_free(f);
}

/* A ring of 4 KiB, 100 SYNs before anyone reads: seen = records + lost. */
static void test_overflow(void **state)
{
	struct fixture *f = fixture_new(EBPF_RING_MIN);
	uint8_t ip[PKT_MAX], frame[PKT_MAX + 16];
	struct tcp_spec t = syn(0x02);
	LIBBPF_OPTS(bpf_test_run_opts, o);
	uint64_t ctr[EBPF_CTR_N];
	size_t n, flen;

	(void)state;
	n = pkt_ipv4(ip, sizeof(ip), src4, dst4, 64, 0x4000, NULL, 0, &t);
	flen = frame_of(frame, ip, n, 0, 0x0800);
	o.data_in = frame;
	o.data_size_in = (uint32_t)flen;
	o.repeat = 100;
	assert_int_equal(bpf_prog_test_run_opts(ebpf_prog_fd(&f->prog, EBPF_DIR_IN), &o), 0);
	f->got.n = 0;
	assert_true(ring_buffer__consume(f->rb) >= 0);
	assert_int_equal(ebpf_prog_counters(&f->prog, ctr), 0);
	assert_int_equal(ctr[EBPF_CTR_SEEN], 100);
	assert_true(ctr[EBPF_CTR_LOST] > 0);
	assert_int_equal(f->got.n + ctr[EBPF_CTR_LOST], 100);
	fixture_free(f);
}

static void test_bad_ring(void **state)
{
	struct ebpf_prog p;
	char err[256];

	(void)state;
	assert_int_equal(ebpf_prog_load(&p, 3000, false, err, sizeof(err)), -22);
	assert_string_equal(err, "ebpf: a ring of 3000 bytes: not a power of two of at least 4096");
	assert_int_equal(ebpf_prog_load(&p, 2048, false, err, sizeof(err)), -22);
}

/* A listener on loopback (*l, its address in *peer; a backlog of 0, so
 * its accept queue is full with this one) and a connection to it (*s),
 * made by this thread named comm. */
static void loopback_pair(const char *comm, int *l, int *s, struct sockaddr_in *peer)
{
	socklen_t alen = sizeof(*peer);

	memset(peer, 0, sizeof(*peer));
	peer->sin_family = AF_INET;
	peer->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(prctl(PR_SET_NAME, comm), 0);
	*l = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(*l >= 0);
	assert_int_equal(bind(*l, (struct sockaddr *)peer, sizeof(*peer)), 0);
	assert_int_equal(listen(*l, 0), 0);
	assert_int_equal(getsockname(*l, (struct sockaddr *)peer, &alen), 0);
	*s = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(*s >= 0);
	assert_int_equal(connect(*s, (struct sockaddr *)peer, sizeof(*peer)), 0);
}

/* connect()s on loopback: the hook has a socket's cookie while it is in
 * SYN_SENT, with this process and this thread's name, and lets it go
 * once the connection is made. */
static void test_owner_hook(void **state)
{
	struct ebpf_prog p;
	struct ebpf_owner o;
	struct sockaddr_in a;
	uint64_t cookie;
	socklen_t clen = sizeof(cookie);
	char err[256];
	int l, s, w;

	(void)state;
	if (ebpf_prog_load(&p, 4096, true, err, sizeof(err)))
		fail_msg("%s", err);
	loopback_pair("hooked-conn", &l, &s, &a);
	/* Established: gone from the map. */
	assert_int_equal(getsockopt(s, SOL_SOCKET, SO_COOKIE, &cookie, &clen), 0);
	assert_int_not_equal(bpf_map_lookup_elem(ebpf_owners_fd(&p), &cookie, &o), 0);
	/* The listener's queue is full: this one's SYN is dropped, and it
	 * waits in SYN_SENT. */
	w = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_true(w >= 0);
	assert_int_equal(connect(w, (struct sockaddr *)&a, sizeof(a)), -1);
	assert_int_equal(errno, EINPROGRESS);
	assert_int_equal(getsockopt(w, SOL_SOCKET, SO_COOKIE, &cookie, &clen), 0);
	assert_int_equal(bpf_map_lookup_elem(ebpf_owners_fd(&p), &cookie, &o), 0);
	assert_int_equal(o.tgid, getpid());
	assert_int_equal(o.uid, getuid());
	assert_int_equal(o.gid, getgid());
	assert_string_equal(o.comm, "hooked-conn");
	assert_true(o.start_boottime > 0);
	/* The listener never went through SYN_SENT. */
	assert_int_equal(getsockopt(l, SOL_SOCKET, SO_COOKIE, &cookie, &clen), 0);
	assert_int_not_equal(bpf_map_lookup_elem(ebpf_owners_fd(&p), &cookie, &o), 0);
	close(w);
	close(s);
	close(l);
	ebpf_prog_close(&p);
}

/* The hook alone (a netfilter source's --owner=full): a loopback
 * connection, once established, is found by its 4-tuple as a SYN event
 * would carry it, with this process; another port is not. */
static void test_owner_tuple(void **state)
{
	struct ebpf_prog p;
	struct sockaddr_in a, local;
	socklen_t llen = sizeof(local);
	struct synsink_event ev;
	char err[256];
	int l, s;

	(void)state;
	if (ebpf_hook_open(&p, err, sizeof(err)))
		fail_msg("%s", err);
	loopback_pair("tuple-conn", &l, &s, &a);
	assert_int_equal(getsockname(s, (struct sockaddr *)&local, &llen), 0);
	close(s); /* closed at once: the hook has it all the same */
	memset(&ev, 0, sizeof(ev));
	ev.family = AF_INET;
	memcpy(ev.saddr, &local.sin_addr, 4);
	memcpy(ev.daddr, &a.sin_addr, 4);
	ev.sport = ntohs(local.sin_port);
	ev.dport = ntohs(a.sin_port);
	assert_true(ebpf_hook_find(&p, &ev));
	assert_int_equal(ev.pid, getpid());
	assert_int_equal(ev.uid, getuid());
	assert_string_equal(ev.comm, "tuple-conn");
	assert_int_equal(ev.owner, SYNSINK_OWN_UID | SYNSINK_OWN_PID | SYNSINK_OWN_LOOKED);
	memset(&ev.comm, 0, sizeof(ev.comm));
	ev.owner = 0;
	ev.sport++;
	assert_false(ebpf_hook_find(&p, &ev));
	assert_int_equal(ev.owner, 0);
	close(l);
	ebpf_prog_close(&p);
}

/* The child's half of test_owner_netns: in a network namespace of its
 * own, lo up, a loopback connection like the parent's; its local port
 * and the listener's down fd, then closed at once. */
static void netns_child(int fd)
{
	struct ifreq ifr;
	struct sockaddr_in a, local;
	socklen_t llen = sizeof(local);
	uint16_t ports[2];
	int l, s, c;

	if (unshare(CLONE_NEWNET))
		_exit(2);
	c = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, "lo", sizeof("lo"));
	if (c < 0 || ioctl(c, SIOCGIFFLAGS, &ifr))
		_exit(3);
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(c, SIOCSIFFLAGS, &ifr))
		_exit(4);
	loopback_pair("other-netns", &l, &s, &a);
	if (getsockname(s, (struct sockaddr *)&local, &llen))
		_exit(5);
	close(s);
	ports[0] = ntohs(local.sin_port);
	ports[1] = ntohs(a.sin_port);
	_exit(write(fd, ports, sizeof(ports)) == (ssize_t)sizeof(ports) ? 0 : 6);
}

/* The hook fires for every network namespace's sockets, but keeps by
 * 4-tuple only those of the namespace it was opened in: a connection
 * made in another one (the same loopback addresses ours use) is not
 * found, so it cannot lend its owner to a SYN of ours. */
static void test_owner_netns(void **state)
{
	struct ebpf_prog p;
	struct synsink_event ev;
	uint16_t ports[2];
	char err[256];
	int fds[2], st;
	pid_t pid;

	(void)state;
	if (ebpf_hook_open(&p, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		netns_child(fds[1]);
	close(fds[1]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_int_equal(read(fds[0], ports, sizeof(ports)), sizeof(ports));
	close(fds[0]);
	memset(&ev, 0, sizeof(ev));
	ev.family = AF_INET;
	ev.saddr[0] = ev.daddr[0] = 127;
	ev.saddr[3] = ev.daddr[3] = 1;
	ev.sport = ports[0];
	ev.dport = ports[1];
	assert_false(ebpf_hook_find(&p, &ev));
	assert_int_equal(ev.owner, 0);
	ebpf_prog_close(&p);
}

/* A record with an owner: the event's uid, gid, pid, comm and start (in
 * clock ticks, as /proc/PID/stat has it), marked looked for. */
static void test_owner_record(void **state)
{
	static struct ebpf_record r;
	uint8_t ip[PKT_MAX];
	struct tcp_spec t = syn(0x02);
	size_t iplen;
	struct synsink_event ev;
	uint64_t mono;
	long hz = sysconf(_SC_CLK_TCK);

	(void)state;
	iplen = pkt_ipv4(ip, sizeof(ip), src4, dst4, 64, 0x4000, NULL, 0, &t);
	memset(&r, 0, sizeof(r));
	memcpy(r.pkt, ip, iplen);
	r.len = (__u16)iplen;
	r.dir = EBPF_DIR_OUT;
	r.ifindex = 3;
	r.tstamp_ns = 1;
	r.has_owner = 1;
	r.owner.tgid = 4242;
	r.owner.tid = 4243;
	r.owner.uid = 65534;
	r.owner.gid = 65533;
	r.owner.start_boottime = 123ull * 1000000000ull;
	memcpy(r.owner.comm, "fifteen-chars-x", 16);
	memset(&ev, 0, sizeof(ev));
	assert_int_equal(ebpf_record_decode(&r, EBPF_RECORD_HDR + iplen, &ev, &mono), 0);
	assert_int_equal(ev.uid, 65534);
	assert_int_equal(ev.gid, 65533);
	assert_int_equal(ev.pid, 4242);
	assert_int_equal(ev.pid_start, 123 * hz);
	assert_string_equal(ev.comm, "fifteen-chars-x");
	assert_int_equal(ev.owner, SYNSINK_OWN_UID | SYNSINK_OWN_PID | SYNSINK_OWN_LOOKED);
	/* Without one: no owner bit. */
	r.has_owner = 0;
	memset(&ev, 0, sizeof(ev));
	assert_int_equal(ebpf_record_decode(&r, EBPF_RECORD_HDR + iplen, &ev, &mono), 0);
	assert_int_equal(ev.owner, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syns),	    cmocka_unit_test(test_not_syns),
		cmocka_unit_test(test_overflow),    cmocka_unit_test(test_bad_ring),
		cmocka_unit_test(test_owner_hook),  cmocka_unit_test(test_owner_tuple),
		cmocka_unit_test(test_owner_netns), cmocka_unit_test(test_owner_record),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
