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

int ebpf_prog_load(struct ebpf_prog *p, uint32_t ring_bytes, char *err, size_t errlen)
{
	int ret;

	libbpf_set_print(libbpf_print);
	p->skel = NULL;
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
				"ebpf: loading the program is not permitted (it needs CAP_BPF and CAP_NET_ADMIN)");
		else
			snprintf(err, errlen, "ebpf: cannot load the program: %s", strerror(-ret));
		ebpf_prog_close(p);
		return ret;
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
	synsink_bpf__destroy(p->skel); /* NULL is a no-op */
	p->skel = NULL;
}

int ebpf_record_decode(const void *data, size_t size, struct synsink_event *ev, uint64_t *mono_ns)
{
	const struct ebpf_record *r = data;

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
	return (int)syn_decode(r->pkt, r->len, ev);
}
