/* SPDX-License-Identifier: MIT */
/*
 * procindex.h - which process holds a socket: an index from socket inode
 * to pid, filled by reading /proc/PID/fd of a few processes at a time.
 *
 * A miss is answered by scanning, cheapest first: the processes that
 * held the last sockets of the same uid (a client that connects again and
 * again is found at once), then every process of that uid, then all the
 * others; a scan stops as soon as every inode asked for is found.  After
 * a wide scan that still missed some (their sockets closed, or their
 * processes out of reach), that uid's next waits PROCINDEX_WIDE_GAP.
 * Reading a process's fd table costs one readlink per open file: a
 * process holding a thousand connections and opening more at a high rate
 * would cost a core, so the links read are capped (PROCINDEX_LINKS_S a
 * second, some 20% of a core); what a spent budget leaves unread is not
 * found, and counted (cut).  The budget is shared fairly: what is looked
 * for on behalf of a socket's uid is charged to that uid, and no uid may
 * spend more than PROCINDEX_UID_LINKS_S of it, so one user's huge fd
 * tables and closed sockets cannot blind the lookups of another's.
 * Reading another user's fd table
 * needs CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH (SECURITY.md).  Not
 * thread-safe: the caller serialises.
 */
#ifndef SYNSINK_PROCINDEX_H
#define SYNSINK_PROCINDEX_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROCINDEX_SLOTS	      (1u << 15)  /* inodes remembered; cleared when half full */
#define PROCINDEX_HOT	      8		  /* recent owners scanned first */
#define PROCINDEX_WIDE_GAP    50000000ull /* ns after a fruitless scan of /proc */
#define PROCINDEX_BATCH	      64	  /* inodes per procindex_find */
#define PROCINDEX_LINKS_S     200000	  /* fd links read per second, at most */
#define PROCINDEX_UID_LINKS_S (PROCINDEX_LINKS_S / 4) /* ... on behalf of one uid */
#define PROCINDEX_UIDS	      16 /* uids with a budget of their own; the oldest goes */

struct pi_slot {
	uint32_t inode; /* 0: empty */
	uint32_t pid;
	uint64_t start;
};

/* A token bucket of fd links: refilled at rate a second, at most one
 * second's worth saved up. */
struct pi_bucket {
	uint64_t links;	    /* fd links that may be read now */
	uint64_t budget_ns; /* when links were last added */
};

/* What one uid's lookups may spend, and when its last wide scan missed. */
struct pi_uid {
	uint32_t uid;
	struct pi_bucket b;
	uint64_t fruitless_ns;
	uint64_t used_ns; /* 0: a free entry */
};

struct procindex {
	int proc_fd; /* /proc */
	struct pi_slot *slots;
	size_t used;
	struct {
		uint32_t pid, uid; /* uid: the socket's it was found for */
	} hot[PROCINDEX_HOT];	   /* the latest first */
	size_t n_hot;
	struct pi_bucket all; /* everybody's */
	struct pi_uid uids[PROCINDEX_UIDS];
	atomic_ullong scans; /* fd tables read (read by any thread) */
	atomic_ullong wide;  /* scans of all of /proc */
	atomic_ullong cut;   /* scans cut short: the budget was spent */
};

/* Opens /proc (before --user, so the index keeps working after it).
 * Returns 0 or -errno. */
int procindex_open(struct procindex *pi, const char *proc);
void procindex_close(struct procindex *pi);

/* Finds the holders of n (<= PROCINDEX_BATCH) inodes (0: not wanted),
 * inode[i] owned by uid[i]: pid[i] and start[i] (the process's start
 * time, /proc/PID/stat's 22nd field), or pid[i] 0 when none was found.
 * Each uid's inodes are looked for on its own budget.  now_ns paces the
 * wide scans and refills the budgets. */
void procindex_find(struct procindex *pi, const uint32_t *inode, const uint32_t *uid, size_t n,
		    uint32_t *pid, uint64_t *start, uint64_t now_ns);

/* The start time of pid from /proc/PID/stat, or 0.  Also used to tell a
 * process from a later one with the same pid. */
uint64_t procindex_start(int proc_fd, uint32_t pid);

#endif
