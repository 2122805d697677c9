// SPDX-License-Identifier: MIT
/* ebpfprog.c - the tc program loaded, its ring and counters (ebpfprog.h). */
#include "ebpfprog.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
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

/* What is loaded: the tc programs and the ring, with or without the
 * connect hook (the ebpf source), or the hook alone, keeping owners by
 * 4-tuple (--owner=full with a netfilter source). */
enum load_what { LOAD_TC, LOAD_TC_OWNER, LOAD_HOOK };

static int load(struct ebpf_prog *p, uint32_t ring_bytes, enum load_what what, char *err,
		size_t errlen)
{
	struct synsink_bpf *k;
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
	k = p->skel = synsink_bpf__open();
	if (!k) {
		ret = -errno;
		snprintf(err, errlen, "ebpf: cannot open the program: %s", strerror(errno));
		return ret;
	}
	k->rodata->want_owner = what == LOAD_TC_OWNER;
	k->rodata->want_tuple = what == LOAD_HOOK;
	if (what == LOAD_HOOK) {
		struct stat ns;

		if (stat("/proc/self/ns/net", &ns)) {
			ret = -errno;
			snprintf(err, errlen, "ebpf: /proc/self/ns/net: %s", strerror(errno));
			ebpf_prog_close(p);
			return ret;
		}
		k->rodata->want_netns = (uint32_t)ns.st_ino;
	}
	k->rodata->wake_bytes = ring_bytes / 4 < EBPF_WAKE_MAX ? ring_bytes / 4 : EBPF_WAKE_MAX;
	/* What is not used is not loaded, and its maps are as small as maps go. */
	ret = bpf_map__set_max_entries(k->maps.syn_ring, ring_bytes);
	if (!ret && what == LOAD_TC)
		ret = bpf_program__set_autoload(k->progs.syn_owner, false)
			      ?: bpf_map__set_max_entries(k->maps.syn_owners, 1);
	if (!ret && what != LOAD_HOOK)
		ret = bpf_map__set_max_entries(k->maps.syn_owners_tuple, 1);
	if (!ret && what == LOAD_HOOK)
		ret = bpf_program__set_autoload(k->progs.syn_in, false)
			      ?: bpf_program__set_autoload(k->progs.syn_out, false);
	/* Quiet: a load refused for want of a capability is one line of
	 * ours, not libbpf's five (its probes, its RLIMIT_MEMLOCK hint). */
	ebpf_libbpf_quiet(true);
	if (!ret)
		ret = synsink_bpf__load(k);
	ebpf_libbpf_quiet(false);
	if (ret) {
		if (ret == -EPERM && what == LOAD_HOOK)
			snprintf(
				err, errlen,
				"loading the connect hook is not permitted (it needs CAP_BPF and CAP_PERFMON)");
		else if (ret == -EPERM)
			snprintf(
				err, errlen,
				"ebpf: loading the program is not permitted (it needs CAP_BPF and CAP_NET_ADMIN%s)",
				what == LOAD_TC_OWNER ? ", and CAP_PERFMON for --owner" : "");
		else
			snprintf(err, errlen, "ebpf: cannot load the program: %s", strerror(-ret));
		ebpf_prog_close(p);
		return ret;
	}
	if (what != LOAD_TC) {
		p->owner = bpf_program__attach(k->progs.syn_owner);
		if (!p->owner) {
			ret = -errno;
			snprintf(err, errlen, "ebpf: attaching the connect hook (tp_btf/%s): %s",
				 "inet_sock_set_state", strerror(errno));
			ebpf_prog_close(p);
			return ret;
		}
	}
	return 0;
}

int ebpf_prog_load(struct ebpf_prog *p, uint32_t ring_bytes, bool owner, char *err, size_t errlen)
{
	return load(p, ring_bytes, owner ? LOAD_TC_OWNER : LOAD_TC, err, errlen);
}

int ebpf_hook_open(struct ebpf_prog *p, char *err, size_t errlen)
{
	return load(p, EBPF_RING_MIN, LOAD_HOOK, err, errlen);
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

bool ebpf_hook_find(const struct ebpf_prog *p, struct synsink_event *ev)
{
	struct ebpf_tuple t;
	struct ebpf_owner o;
	size_t alen = ev->family == AF_INET6 ? 16 : 4;

	if (!p->skel)
		return false;
	memset(&t, 0, sizeof(t));
	memcpy(t.saddr, ev->saddr, alen);
	memcpy(t.daddr, ev->daddr, alen);
	t.sport = ev->sport;
	t.dport = ev->dport;
	t.family = ev->family;
	if (bpf_map_lookup_elem(bpf_map__fd(p->skel->maps.syn_owners_tuple), &t, &o))
		return false;
	put_owner(ev, &o);
	return true;
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
