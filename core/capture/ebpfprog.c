// SPDX-License-Identifier: MIT
/* ebpfprog.c - the tc program loaded, its ring and counters (ebpfprog.h). */
#include "ebpfprog.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "decode.h"
#include "log.h"
#include "synsink.skel.h"

static _Thread_local bool quiet;

void ebpf_libbpf_quiet(bool on)
{
	quiet = on;
}

/* libbpf's own messages: its warnings as one line of ours each (through
 * our log, which never blocks), the rest dropped (a failed load is said
 * once, by ebpf_prog_load). */
__attribute__((format(printf, 2, 0))) static int libbpf_print(enum libbpf_print_level level,
							      const char *fmt, va_list ap)
{
	char line[256];
	const char *text = line;
	size_t n;

	if (level != LIBBPF_WARN || quiet)
		return 0;
	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	if (n && line[n - 1] == '\n')
		line[n - 1] = '\0';
	if (!strncmp(text, "libbpf: ", 8))
		text += 8;
	log_msg(SYNSINK_LOG_WARN, "libbpf: %s", text);
	return 0;
}

int ebpf_prog_load(struct ebpf_prog *p, uint32_t ring_bytes, bool owner, char *err, size_t errlen)
{
	int ret;

	libbpf_set_print(libbpf_print);
	p->skel = NULL;
	p->owner = NULL;
	if (ring_bytes < EBPF_RING_MIN || (ring_bytes & (ring_bytes - 1))) {
		snprintf(err, errlen, "ebpf: a ring of %u bytes: not a power of two of at least %u",
			 ring_bytes, EBPF_RING_MIN);
		return -EINVAL;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		snprintf(err, errlen, "ebpf: this kernel has no BTF (/sys/kernel/btf/vmlinux)");
		return -ENOENT;
	}
	p->skel = synsink_bpf__open();
	if (!p->skel) {
		ret = -errno;
		snprintf(err, errlen, "ebpf: cannot open the program: %s", strerror(errno));
		return ret;
	}
	ret = bpf_map__set_max_entries(p->skel->maps.syn_ring, ring_bytes);
	p->skel->rodata->want_owner = owner;
	if (!ret && !owner) /* no hook, and its map as small as maps go */
		ret = bpf_program__set_autoload(p->skel->progs.syn_owner, false)
			      ?: bpf_map__set_max_entries(p->skel->maps.syn_owners, 1);
	/* Quiet: a load refused for want of a capability is one line of
	 * ours, not libbpf's five (its probes, its RLIMIT_MEMLOCK hint). */
	ebpf_libbpf_quiet(true);
	if (!ret)
		ret = synsink_bpf__load(p->skel);
	ebpf_libbpf_quiet(false);
	if (ret) {
		if (ret == -EPERM)
			snprintf(
				err, errlen,
				"ebpf: loading the program is not permitted (it needs CAP_BPF and CAP_NET_ADMIN%s)",
				owner ? ", and CAP_PERFMON for --owner" : "");
		else
			snprintf(err, errlen, "ebpf: cannot load the program: %s", strerror(-ret));
		ebpf_prog_close(p);
		return ret;
	}
	if (owner) {
		p->owner = bpf_program__attach(p->skel->progs.syn_owner);
		if (!p->owner) {
			ret = -errno;
			snprintf(err, errlen,
				 "ebpf: --owner: attaching the connect hook (tp_btf/%s): %s",
				 "inet_sock_set_state", strerror(errno));
			ebpf_prog_close(p);
			return ret;
		}
	}
	return 0;
}

int ebpf_prog_fd(const struct ebpf_prog *p, enum ebpf_dir dir)
{
	return bpf_program__fd(dir == EBPF_DIR_OUT ? p->skel->progs.syn_out
						   : p->skel->progs.syn_in);
}

int ebpf_ring_fd(const struct ebpf_prog *p)
{
	return bpf_map__fd(p->skel->maps.syn_ring);
}

int ebpf_owners_fd(const struct ebpf_prog *p)
{
	return bpf_map__fd(p->skel->maps.syn_owners);
}

int ebpf_prog_counters(const struct ebpf_prog *p, uint64_t *out)
{
	int ncpu = libbpf_num_possible_cpus(), fd = bpf_map__fd(p->skel->maps.syn_counters);
	uint64_t vals[512];
	uint32_t k;
	int c;

	if (ncpu < 0)
		return ncpu;
	if ((size_t)ncpu > sizeof(vals) / sizeof(vals[0]))
		return -E2BIG;
	for (k = 0; k < EBPF_CTR_N; k++) {
		if (bpf_map_lookup_elem(fd, &k, vals))
			return -errno;
		out[k] = 0;
		for (c = 0; c < ncpu; c++)
			out[k] += vals[c];
	}
	return 0;
}

void ebpf_prog_close(struct ebpf_prog *p)
{
	bpf_link__destroy(p->owner); /* NULL is a no-op */
	p->owner = NULL;
	synsink_bpf__destroy(p->skel); /* NULL is a no-op */
	p->skel = NULL;
}

/* The connect hook's owner into ev, in the units /proc gives (owner.h):
 * the start in clock ticks after boot, as /proc/PID/stat has it. */
static void put_owner(struct synsink_event *ev, const struct ebpf_owner *o)
{
	static long hz;

	if (!hz)
		hz = sysconf(_SC_CLK_TCK) > 0 ? sysconf(_SC_CLK_TCK) : 100;
	ev->uid = o->uid;
	ev->gid = o->gid;
	ev->pid = o->tgid;
	ev->pid_start = o->start_boottime / (1000000000ull / (unsigned long)hz);
	memcpy(ev->comm, o->comm, sizeof(ev->comm));
	ev->comm[sizeof(ev->comm) - 1] = '\0';
	/* Looked: owner_enrich has nothing to add. */
	ev->owner |= SYNSINK_OWN_UID | SYNSINK_OWN_PID | SYNSINK_OWN_LOOKED;
}

int ebpf_record_decode(const void *data, size_t size, struct synsink_event *ev, uint64_t *mono_ns)
{
	const struct ebpf_record *r = data;
	enum syn_decode_err derr;

	if (size < EBPF_RECORD_HDR || r->len >= EBPF_PKT_MAX || size < EBPF_RECORD_HDR + r->len)
		return -1;
	*mono_ns = r->tstamp_ns;
	ev->mark = r->mark;
	if (r->dir == EBPF_DIR_OUT) {
		ev->outdev = r->ifindex;
	} else {
		/* As NFQUEUE gives it with an input device: the source. */
		ev->indev = r->ifindex;
		memcpy(ev->hwaddr, r->smac, sizeof(r->smac));
		ev->hwaddr_len = sizeof(r->smac);
		ev->flags |= SYNSINK_F_HAS_HW;
	}
	derr = syn_decode(r->pkt, r->len, ev);
	if (r->has_owner)
		put_owner(ev, &r->owner);
	return (int)derr;
}
