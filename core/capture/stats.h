/* SPDX-License-Identifier: MIT */
/* stats.h - counters, the kernel's view of a queue, and the stats line. */
#ifndef SYNSINK_STATS_H
#define SYNSINK_STATS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "counter.h"
#include "decode.h"
#include "strbuf.h"

/* Verdict latency: from the packet's arrival in the kernel queue (its
 * NFQA_TIMESTAMP when the kernel gives one, else synsink's read of it) to
 * its verdict being sent, in these buckets (upper bounds, microseconds;
 * the last is +Inf). */
#define LAT_N_BUCKETS 15
extern const unsigned int stats_lat_bounds_us[LAT_N_BUCKETS - 1];

/* Per-queue counters.  Only the queue's capture thread writes them (with
 * stat_add); any thread may read them. */
struct queue_stats {
	atomic_ullong received;	      /* packet messages read */
	atomic_ullong events;	      /* SYNs decoded into events */
	atomic_ullong verdicts;	      /* packets covered by sent verdicts */
	atomic_ullong verdict_msgs;   /* verdict batches sent */
	atomic_ullong verdict_errors; /* verdict sends or kernel errors */
	atomic_ullong id_gaps;	      /* packet ids never delivered to us */
	atomic_ullong enobufs;	      /* ENOBUFS from the socket */
	atomic_ullong msg_trunc;      /* messages cut by our buffer */
	atomic_ullong opt_bad;	      /* events whose options stopped early */
	atomic_ullong retx;	      /* retransmitted SYNs (marked, or dropped with --dedup) */
	atomic_ullong retx_evictions; /* retransmit table entries evicted early */
	atomic_ullong decode_errors[SYN_ERR__COUNT];
	atomic_ullong lat[LAT_N_BUCKETS]; /* verdict latency, not cumulative */
	atomic_ullong lat_sum_ns;
};

/* The per-queue counters, once: the stats line writes each as "key",
 * /metrics as metric{queue="N"} with its help text.  A counter added to
 * struct queue_stats goes here, and both outputs have it. */
struct queue_counter {
	const char *key;    /* in the stats line */
	const char *metric; /* in /metrics */
	const char *help;
	size_t off; /* offsetof(struct queue_stats, ...) */
	/* For an NFLOG group: its key in the stats line, or NULL when the
	 * counter is NFQUEUE's alone (verdicts); the metric is the same
	 * unless nflog_metric says otherwise. */
	const char *nflog_key;
	const char *nflog_metric, *nflog_help;
	bool ebpf; /* the ebpf source has it too (under key and metric) */
};
extern const struct queue_counter stats_queue_counters[];
extern const size_t stats_n_queue_counters;

static inline const atomic_ullong *queue_counter_of(const struct queue_stats *st,
						    const struct queue_counter *qc)
{
	return (const atomic_ullong *)((const char *)st + qc->off);
}

/* Adds n samples of lat_ns to the histogram (the owner thread only). */
void stats_lat_add(struct queue_stats *st, uint64_t lat_ns, unsigned long long n);

/* One line of /proc/net/netfilter/nfnetlink_queue. */
struct kq_stats {
	uint32_t queue, portid, queue_total, copy_mode, copy_range;
	uint32_t queue_dropped, user_dropped, id_sequence;
};

/* Parses one line of that file.  Returns 0 or -EINVAL. */
int stats_kq_parse(const char *line, struct kq_stats *ks);
/* Finds queue's line in path.  Returns 0, -ENOENT (not bound), or -errno. */
int stats_kq_read(const char *path, uint16_t queue, struct kq_stats *ks);
/* The same through fd, that file opened once: it is root's (0440), so
 * synsink opens it before --user drops the right to.  Any thread. */
int stats_kq_read_fd(int fd, uint16_t queue, struct kq_stats *ks);

#define NFQ_PROC_PATH "/proc/net/netfilter/nfnetlink_queue"

/* Appends "name":{...} counters of one queue (without kernel stats). */
void stats_queue_json(struct strbuf *sb, uint16_t queue, const struct queue_stats *st,
		      const struct kq_stats *ks);
/* The same for an NFLOG group: {"group":N, its counters, decode_errors}. */
void stats_group_json(struct strbuf *sb, uint16_t group, const struct queue_stats *st);
/* The same for the ebpf source's ring: {"ring":N, its counters,
 * decode_errors, and the program's "seen" and "lost" (null when seen is
 * NULL: the counters could not be read)}. */
void stats_ring_json(struct strbuf *sb, uint16_t ring, const struct queue_stats *st,
		     const uint64_t *seen, uint64_t lost);

#endif
