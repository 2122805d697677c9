/* SPDX-License-Identifier: MIT */
/*
 * procindex.h - which process holds a socket: an index from socket inode
 * to pid, filled by reading /proc/PID/fd of a few processes at a time.
 *
 * A miss is answered by scanning, cheapest first: the processes that
 * held the last sockets found (a client that connects again and again is
 * found at once), then every process of the sockets' uids, then all the
 * others; a scan stops as soon as every inode asked for is found.  After
 * a wide scan that still missed some (their sockets closed, or their
 * processes out of reach), the next waits PROCINDEX_WIDE_GAP.  Reading a
 * process's fd table costs one readlink per open file: a process holding
 * a thousand connections and opening more at a high rate would cost a
 * core, so the links read are capped (PROCINDEX_LINKS_S a second, some
 * 20% of a core); what a spent budget leaves unread is not found, and
 * counted (cut).  Reading another user's fd table
 * needs CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH (SECURITY.md).  Not
 * thread-safe: the caller serialises.
 */
#ifndef SYNSINK_PROCINDEX_H
#define SYNSINK_PROCINDEX_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROCINDEX_SLOTS	   (1u << 15)  /* inodes remembered; cleared when half full */
#define PROCINDEX_HOT	   8	       /* recent owners scanned first */
#define PROCINDEX_WIDE_GAP 50000000ull /* ns after a fruitless scan of /proc */
#define PROCINDEX_BATCH	   64	       /* inodes per procindex_find */
#define PROCINDEX_LINKS_S  200000      /* fd links read per second, at most */

struct pi_slot {
	uint32_t inode; /* 0: empty */
	uint32_t pid;
	uint64_t start;
};

struct procindex {
	int proc_fd; /* /proc */
	struct pi_slot *slots;
	size_t used;
	uint32_t hot[PROCINDEX_HOT]; /* pids, the latest first */
	size_t n_hot;
	uint64_t fruitless_ns; /* when a wide scan last missed */
	uint64_t budget_ns;    /* when links were last added to the budget */
	uint64_t links;	       /* fd links that may be read now */
	atomic_ullong scans;   /* fd tables read (read by any thread) */
	atomic_ullong wide;    /* scans of all of /proc */
	atomic_ullong cut;     /* scans cut short: the budget was spent */
};

/* Opens /proc (before --user, so the index keeps working after it).
 * Returns 0 or -errno. */
int procindex_open(struct procindex *pi, const char *proc);
void procindex_close(struct procindex *pi);

/* Finds the holders of n (<= PROCINDEX_BATCH) inodes (0: not wanted),
 * inode[i] owned by uid[i]: pid[i] and start[i] (the process's start
 * time, /proc/PID/stat's 22nd field), or pid[i] 0 when none was found.
 * now_ns paces the wide scans. */
void procindex_find(struct procindex *pi, const uint32_t *inode, const uint32_t *uid, size_t n,
		    uint32_t *pid, uint64_t *start, uint64_t now_ns);

/* The start time of pid from /proc/PID/stat, or 0.  Also used to tell a
 * process from a later one with the same pid. */
uint64_t procindex_start(int proc_fd, uint32_t pid);

#endif
