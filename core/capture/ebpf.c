// SPDX-License-Identifier: MIT
/*
 * ebpf.c - the ebpf source (source.h): the tc program (ebpfprog.c) on
 * each interface named, ingress and/or egress, and one thread reading its
 * ring buffer.  No rule anywhere and nothing held: the program copies each
 * SYN's headers into the ring and the packet goes on at once.
 *
 * Attached through clsact beside whatever else is there: the qdisc is
 * made if missing (and left at exit: another program may use it by
 * then), and our filter has its own handle and priority (EBPF_TC_HANDLE,
 * EBPF_TC_PRIO), detached at the stop.  A filter a killed synsink left at
 * that place is ours by its program's name and is replaced at the next
 * start, so a SIGKILL leaves no duplicate; a filter of another program
 * there is refused in one line.
 *
 * The program counts every SYN it matched (seen) and every one the ring
 * could not take (lost), per CPU.  At the stop the filters go first; then
 * the ring is read until what the counters say is all there: seen =
 * records read + lost, exactly.
 */
#include "capture_int.h"

#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ebpfprog.h"
#include "log.h"
#include "util.h"

/* Our filter's place on each hook: "SY" and a priority far from tc's
 * defaults (49152 down) and from Cilium's (1) and others' (low numbers).
 * One synsink per interface: a second takes the first's place. */
#define EBPF_TC_HANDLE 0x5359u
#define EBPF_TC_PRIO   0x5359u

/* After the filters are gone, the reads of the ring it takes at most for
 * the counters to agree (a program still running on another CPU ends
 * within microseconds; each read yields the CPU). */
#define EBPF_SETTLE_TRIES 100000

struct ebpf_if {
	char name[SYNSINK_IFNAMSIZ];
	int ifindex;
	bool attached[2]; /* per enum ebpf_dir */
};

struct ebpf_rx {
	struct capture_batch b;
	struct ebpf_prog prog;
	struct ring_buffer *rb;
	struct ebpf_if ifs[EBPF_IFACES_MAX];
	size_t n_ifs;
	uint32_t next_id;  /* the next record's number */
	uint64_t now_real; /* the read under way: when it began */
	uint64_t now_mono;
	uint64_t final[EBPF_CTR_N]; /* the program's counters at the stop */
	atomic_int have_final;
	struct ratelimit rl_settle;
};

int ebpf_ifaces_parse(const char *list, char (*names)[SYNSINK_IFNAMSIZ], size_t max, char *err,
		      size_t errlen)
{
	size_t n = 0;
	const char *p = list;

	for (;;) {
		size_t len = strcspn(p, ",");

		if (!len || len >= SYNSINK_IFNAMSIZ) {
			snprintf(err, errlen,
				 "--source ebpf: '%.*s' is not an interface name (1-%d characters)",
				 (int)len, p, SYNSINK_IFNAMSIZ - 1);
			return -EINVAL;
		}
		if (n == max) {
			snprintf(err, errlen, "--source ebpf: more than %zu interfaces", max);
			return -EINVAL;
		}
		if (names) {
			memcpy(names[n], p, len);
			names[n][len] = '\0';
		}
		n++;
		p += len;
		if (!*p)
			return (int)n;
		p++;
	}
}

/* The link type of interface name (an ARPHRD_*), or -1. */
static int link_type(const char *name)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret = -1;

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (!ioctl(fd, SIOCGIFHWADDR, &ifr))
		ret = ifr.ifr_hwaddr.sa_family;
	close(fd);
	return ret;
}

int ebpf_ifaces_check(const char *list, int *ifindex, char *err, size_t errlen)
{
	char names[EBPF_IFACES_MAX][SYNSINK_IFNAMSIZ];
	int n, k, type;

	n = ebpf_ifaces_parse(list, names, EBPF_IFACES_MAX, err, errlen);
	for (k = 0; k < n; k++) {
		int idx = (int)if_nametoindex(names[k]);

		if (!idx) {
			snprintf(err, errlen, "ebpf: no interface '%s' here", names[k]);
			return -ENODEV;
		}
		/* The program reads an Ethernet header first (loopback has
		 * one too); on a device without (tun, WireGuard) every SYN
		 * would pass unseen, so such a device is refused. */
		type = link_type(names[k]);
		if (type != ARPHRD_ETHER && type != ARPHRD_LOOPBACK) {
			snprintf(
				err, errlen,
				"ebpf: '%s' is not an Ethernet device (link type %d): the tc program reads Ethernet frames",
				names[k], type);
			return -EPROTONOSUPPORT;
		}
		if (ifindex)
			ifindex[k] = idx;
	}
	return n;
}

static const char *dir_name(enum ebpf_dir dir)
{
	return dir == EBPF_DIR_OUT ? "egress" : "ingress";
}

/* The name of the program at our place on a hook, into name ("" when
 * it cannot be read).  Returns 0 when a filter with a program is there,
 * or a negative errno (-EINVAL: a filter libbpf cannot read, classic BPF
 * say: not ours either). */
static int occupant(struct bpf_tc_hook *hook, char *name, size_t cap)
{
	LIBBPF_OPTS(bpf_tc_opts, q, .handle = EBPF_TC_HANDLE, .priority = EBPF_TC_PRIO);
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int ret, fd;

	name[0] = '\0';
	ret = bpf_tc_query(hook, &q);
	if (ret)
		return ret;
	fd = bpf_prog_get_fd_by_id(q.prog_id);
	if (fd < 0)
		return 0;
	memset(&info, 0, sizeof(info));
	if (!bpf_obj_get_info_by_fd(fd, &info, &len))
		snprintf(name, cap, "%s", info.name);
	close(fd);
	return 0;
}

/* Our filter on one hook: the clsact qdisc made unless there, then our
 * place taken if free; if held, by what a killed synsink left (replaced)
 * or by another filter (refused).  Every step is asked with libbpf
 * quiet (it would print the kernel's "exists" as a warning); what fails
 * is said once, in err. */
static int attach_quiet(struct capture *c, struct ebpf_if *i, enum ebpf_dir dir, char *err,
			size_t errlen)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = i->ifindex,
		    .attach_point = dir == EBPF_DIR_OUT ? BPF_TC_EGRESS : BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, o, .handle = EBPF_TC_HANDLE, .priority = EBPF_TC_PRIO,
		    .prog_fd = ebpf_prog_fd(&c->erx->prog, dir));
	char held[BPF_OBJ_NAME_LEN];
	int ret;

	ret = bpf_tc_hook_create(&hook);
	if (ret && ret != -EEXIST)
		goto fail;
	ret = bpf_tc_attach(&hook, &o);
	if (ret == -EEXIST) {
		ret = occupant(&hook, held, sizeof(held));
		if (ret == -EPERM)
			goto fail;
		if (ret || (strcmp(held, "syn_in") && strcmp(held, "syn_out"))) {
			snprintf(
				err, errlen,
				"ebpf: %s %s: tc filter handle 0x%x priority %u holds another filter ('%s'); synsink will not replace it",
				i->name, dir_name(dir), EBPF_TC_HANDLE, EBPF_TC_PRIO,
				held[0] ? held : "not a synsink program");
			return -EEXIST;
		}
		log_msg(SYNSINK_LOG_INFO,
			"ebpf: %s %s: replacing the filter an earlier synsink left there", i->name,
			dir_name(dir));
		o.flags = BPF_TC_F_REPLACE;
		ret = bpf_tc_attach(&hook, &o);
	}
	if (ret)
		goto fail;
	i->attached[dir] = true;
	return 0;

fail:
	if (ret == -EPERM)
		snprintf(err, errlen,
			 "ebpf: %s %s: attaching is not permitted (it needs CAP_NET_ADMIN)",
			 i->name, dir_name(dir));
	else
		snprintf(err, errlen, "ebpf: %s %s: attach: %s", i->name, dir_name(dir),
			 strerror(-ret));
	return ret;
}

static int attach_one(struct capture *c, struct ebpf_if *i, enum ebpf_dir dir, char *err,
		      size_t errlen)
{
	int ret;

	ebpf_libbpf_quiet(true);
	ret = attach_quiet(c, i, dir, err, errlen);
	ebpf_libbpf_quiet(false);
	return ret;
}

/* Every filter of ours off its hook; the qdisc stays. */
static void detach_all(struct capture *c)
{
	struct ebpf_rx *rx = c->erx;
	size_t k;
	int dir, ret;

	for (k = 0; k < rx->n_ifs; k++)
		for (dir = 0; dir < 2; dir++) {
			struct ebpf_if *i = &rx->ifs[k];
			LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = i->ifindex,
				    .attach_point = dir == EBPF_DIR_OUT ? BPF_TC_EGRESS
									: BPF_TC_INGRESS);
			LIBBPF_OPTS(bpf_tc_opts, o, .handle = EBPF_TC_HANDLE,
				    .priority = EBPF_TC_PRIO);

			if (!i->attached[dir])
				continue;
			i->attached[dir] = false;
			ret = bpf_tc_detach(&hook, &o);
			/* ENOENT/ENODEV: the interface went, and our filter with it. */
			if (ret && ret != -ENOENT && ret != -ENODEV && ret != -EINVAL)
				log_msg(SYNSINK_LOG_WARN, "ebpf: %s %s: detach: %s", i->name,
					dir_name((enum ebpf_dir)dir), strerror(-ret));
		}
}

/* One record of the ring (ring_buffer__consume's callback). */
static int on_record(void *ctx, void *data, size_t size)
{
	struct capture *c = ctx;
	struct ebpf_rx *rx = c->erx;
	struct synsink_event *ev = capture_slot(c);
	uint64_t mono = 0, kts = 0;
	uint32_t id = rx->next_id++;
	int derr;

	stat_add(&c->st.received, 1);
	derr = ebpf_record_decode(data, size, ev, &mono);
	if (derr < 0)
		derr = SYN_ERR_SHORT_IP; /* a record cut short: never from our program */
	/* The program's clock is CLOCK_MONOTONIC; an event's, CLOCK_REALTIME. */
	if (mono && mono <= rx->now_mono)
		kts = rx->now_real - (rx->now_mono - mono);
	ev = capture_commit(c, ev, (enum syn_decode_err)derr, id, kts, rx->now_real);
	if (!ev)
		return 0;
	ev->flags |= SYNSINK_F_EBPF;
	if (ev->indev)
		capture_ifname(c, ev->indev, rx->now_mono, ev->indev_name);
	if (ev->outdev)
		capture_ifname(c, ev->outdev, rx->now_mono, ev->outdev_name);
	return 0;
}

/* Reads every record in the ring; the batch goes on whenever it fills. */
static int ebpf_read(struct capture *c)
{
	struct ebpf_rx *rx = c->erx;
	int n;

	rx->now_real = clock_real_ns();
	rx->now_mono = clock_mono_ns();
	n = ring_buffer__consume(rx->rb);
	return n < 0 ? n : 0;
}

static int ebpf_fd(const struct capture *c)
{
	return ring_buffer__epoll_fd(c->erx->rb);
}

/*
 * The stop: the filters off, then the ring read until the program's
 * counters and our reads agree (seen = records + lost): a run that began
 * before the detach may still be writing on another CPU.  Then the
 * counters are kept for the final stats.
 */
static void ebpf_finish(struct capture *c)
{
	struct ebpf_rx *rx = c->erx;
	uint64_t ctr[EBPF_CTR_N] = { 0 };
	int tries;

	detach_all(c);
	for (tries = 0; tries < EBPF_SETTLE_TRIES; tries++) {
		ebpf_read(c);
		capture_emit(c);
		if (ebpf_prog_counters(&rx->prog, ctr))
			break;
		if (ctr[EBPF_CTR_SEEN] == stat_get(&c->st.received) + ctr[EBPF_CTR_LOST])
			break;
		sched_yield();
	}
	if (tries == EBPF_SETTLE_TRIES)
		log_msg(SYNSINK_LOG_WARN,
			"ebpf: at the stop the program counted %llu SYNs, %llu lost, and %llu were read",
			(unsigned long long)ctr[EBPF_CTR_SEEN],
			(unsigned long long)ctr[EBPF_CTR_LOST], stat_get(&c->st.received));
	memcpy(rx->final, ctr, sizeof(ctr));
	atomic_store(&rx->have_final, 1);
}

static void ebpf_close(struct capture *c)
{
	struct ebpf_rx *rx = c->erx;

	if (!rx)
		return;
	detach_all(c);
	ring_buffer__free(rx->rb); /* NULL is a no-op */
	ebpf_prog_close(&rx->prog);
	retx_free(&c->out.retx);
	free(rx);
	c->erx = NULL;
	c->batch = NULL;
}

static const struct capture_ops ebpf_ops = {
	.noun = "ring",
	.thread = "ebpf",
	.fd = ebpf_fd,
	.read_ms = EBPF_READ_MS,
	.read = ebpf_read,
	.publish = capture_emit,
	.finish = ebpf_finish,
	.close = ebpf_close,
};

int ebpf_counters(const struct capture *c, uint64_t *seen, uint64_t *lost)
{
	const struct ebpf_rx *rx = c->erx;
	uint64_t ctr[EBPF_CTR_N];
	int ret;

	if (c->kind != CAPTURE_EBPF || !rx)
		return -ENOENT;
	if (atomic_load(&rx->have_final)) {
		memcpy(ctr, rx->final, sizeof(ctr));
	} else {
		ret = ebpf_prog_counters(&rx->prog, ctr);
		if (ret)
			return ret;
	}
	*seen = ctr[EBPF_CTR_SEEN];
	*lost = ctr[EBPF_CTR_LOST];
	return 0;
}

int ebpf_test_run(struct capture *c, const void *frame, size_t len, uint32_t repeat, uint32_t *ns)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = (__u32)len,
		    .repeat = repeat);
	int ret;

	if (c->kind != CAPTURE_EBPF || !c->erx)
		return -ENOENT;
	ret = bpf_prog_test_run_opts(ebpf_prog_fd(&c->erx->prog, EBPF_DIR_IN), &o);
	if (ret)
		return ret;
	*ns = o.duration;
	return 0;
}

/* The interfaces named, each resolved and attached on the hooks dirs
 * asks for. */
static int attach_ifaces(struct capture *c, const struct capture_cfg *cfg, char *err, size_t errlen)
{
	struct ebpf_rx *rx = c->erx;
	char names[EBPF_IFACES_MAX][SYNSINK_IFNAMSIZ];
	int idx[EBPF_IFACES_MAX];
	int n, k, ret, dir;

	n = ebpf_ifaces_check(cfg->ebpf_ifaces, idx, err, errlen);
	if (n < 0)
		return n;
	(void)ebpf_ifaces_parse(cfg->ebpf_ifaces, names, EBPF_IFACES_MAX, err, errlen);
	for (k = 0; k < n; k++) {
		struct ebpf_if *i = &rx->ifs[rx->n_ifs++];

		memcpy(i->name, names[k], sizeof(i->name));
		i->ifindex = idx[k];
		for (dir = 0; dir < 2; dir++) {
			if (!(cfg->ebpf_dirs & (1u << dir)))
				continue;
			ret = attach_one(c, i, (enum ebpf_dir)dir, err, errlen);
			if (ret)
				return ret;
		}
	}
	return 0;
}

int ebpf_open(struct capture *c, const struct capture_cfg *cfg, struct sink_set *_Atomic *sinks,
	      size_t ring_idx, char *err, size_t errlen)
{
	struct ebpf_rx *rx;
	int ret;

	memset(c, 0, sizeof(*c));
	c->kind = CAPTURE_EBPF;
	c->ops = &ebpf_ops;
	c->queue = 0;
	c->stop_fd = -1;
	c->kfd = -1;
	c->out.sinks = sinks;
	c->out.ring_idx = ring_idx;
	c->out.dedup = cfg->dedup;
	rx = c->erx = calloc(1, sizeof(*rx));
	if (!rx) {
		snprintf(err, errlen, "ebpf: out of memory");
		return -ENOMEM;
	}
	c->batch = &rx->b;
	ret = retx_init(&c->out.retx, cfg->retx_table, cfg->retx_window_ns);
	if (ret) {
		snprintf(err, errlen, "ebpf: retransmit table: %s", strerror(-ret));
		goto out;
	}
	ret = ebpf_prog_load(&rx->prog, cfg->ebpf_ring, cfg->owner, err, errlen);
	if (ret)
		goto out;
	rx->rb = ring_buffer__new(ebpf_ring_fd(&rx->prog), on_record, c, NULL);
	if (!rx->rb) {
		ret = -errno;
		snprintf(err, errlen, "ebpf: ring buffer: %s", strerror(errno));
		goto out;
	}
	ret = cfg->ebpf_ifaces ? attach_ifaces(c, cfg, err, errlen) : 0;
	if (ret)
		goto out;
	return 0;

out:
	ebpf_close(c);
	return ret;
}
