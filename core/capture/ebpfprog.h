/* SPDX-License-Identifier: MIT */
/*
 * ebpfprog.h - the ebpf source's kernel side, loaded: the tc program
 * (bpf/synsink.bpf.c, embedded as a bpftool skeleton: one binary, nothing
 * installed beside it), its ring buffer and its counters; and a record's
 * decoding into an event, through the decoder every source uses.
 */
#ifndef SYNSINK_EBPFPROG_H
#define SYNSINK_EBPFPROG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <synsink/event.h>

#include "bpf/ebpfrec.h"

struct synsink_bpf;
struct bpf_link;

struct ebpf_prog {
	struct synsink_bpf *skel;
	struct bpf_link *owner; /* the connect hook, attached (--owner) */
};

/* The ring buffer's size unless told otherwise, and its least. */
#define EBPF_RING_DEFAULT (4u << 20)
#define EBPF_RING_MIN	  4096u

/* The reader is not woken for each record, as a wake-up costs more than
 * the record: the program wakes it when a quarter of the ring, at most
 * EBPF_WAKE_MAX bytes, waits, and it reads every EBPF_READ_MS besides. */
#define EBPF_WAKE_MAX (64u << 10)
#define EBPF_READ_MS  10

/*
 * Opens and loads the program with a ring of ring_bytes (a power of two,
 * at least EBPF_RING_MIN); with owner, the connect hook too, attached.
 * Returns 0, or a negative errno with one line in err: -EPERM says which
 * capability is missing, -ENOENT that the kernel has no BTF.
 */
int ebpf_prog_load(struct ebpf_prog *p, uint32_t ring_bytes, bool owner, char *err, size_t errlen);
/*
 * The connect hook alone, attached, keeping owners by 4-tuple for the
 * netfilter sources (--owner=full).  Returns 0, or a negative errno with
 * one line in err.
 */
int ebpf_hook_open(struct ebpf_prog *p, char *err, size_t errlen);
/* The owner the hook kept for ev's 4-tuple (a SYN this host sent) into
 * ev, as ebpf_record_decode puts it.  False when it has none.  Any
 * thread. */
bool ebpf_hook_find(const struct ebpf_prog *p, struct synsink_event *ev);
/* The program for a direction, as a file descriptor (attach or test run). */
int ebpf_prog_fd(const struct ebpf_prog *p, enum ebpf_dir dir);
/* The ring buffer map's file descriptor (ring_buffer__new). */
int ebpf_ring_fd(const struct ebpf_prog *p);
/* The connect hook's map of owners by socket cookie (tests read it). */
int ebpf_owners_fd(const struct ebpf_prog *p);
/* The program's counters, summed over the CPUs, into out[EBPF_CTR_N].
 * Returns 0 or a negative errno. */
int ebpf_prog_counters(const struct ebpf_prog *p, uint64_t *out);
void ebpf_prog_close(struct ebpf_prog *p);
/* libbpf's warnings dropped (on) or said (off), for the calling thread:
 * around a probe whose failure is expected and handled. */
void ebpf_libbpf_quiet(bool on);

/*
 * One ring record (size bytes at data) into *ev: its packet through
 * syn_decode, its interface, mark and (ingress) source address, the
 * connect hook's owner (uid, gid, pid, pid_start, comm) if it has one; its
 * kernel time, CLOCK_MONOTONIC, into *mono_ns.  Returns what syn_decode returns (0 or
 * an enum syn_decode_err), or -1 when the record is not one (shorter than
 * its header says).
 */
int ebpf_record_decode(const void *data, size_t size, struct synsink_event *ev, uint64_t *mono_ns);

#endif
