// SPDX-License-Identifier: MIT
#include "stats.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

const unsigned int stats_lat_bounds_us[LAT_N_BUCKETS - 1] = {
	1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 100000,
};

/* clang-format takes the stringizing # for a directive: */
/* clang-format off */
#define QC(k, m, h) { #k, m, h, offsetof(struct queue_stats, k), #k, NULL, NULL, true }
#define QC_NL(k, m, h) { #k, m, h, offsetof(struct queue_stats, k), #k, NULL, NULL, false }
#define QC_NFQ(k, m, h) { #k, m, h, offsetof(struct queue_stats, k), NULL, NULL, NULL, false }
#define QC_AS(k, m, h, lk, lm, lh) { #k, m, h, offsetof(struct queue_stats, k), lk, lm, lh, false }
/* clang-format on */
const struct queue_counter stats_queue_counters[] = {
	QC(received, "synsink_packets_received_total",
	   "Packets read from the queue or group, records from the ebpf ring."),
	QC(events, "synsink_events_total", "SYNs decoded into events."),
	QC_NFQ(verdicts, "synsink_verdicts_total", "Packets accepted by sent verdicts."),
	QC_NFQ(verdict_msgs, "synsink_verdict_msgs_total", "Verdict batches sent."),
	QC_NFQ(verdict_errors, "synsink_verdict_errors_total",
	       "Verdicts the kernel refused or that failed to send."),
	QC_AS(id_gaps, "synsink_id_gaps_total", "Packets the kernel queued but could not deliver.",
	      "lost", "synsink_nflog_lost_total",
	      "Packets the kernel logged for the group and could not deliver (sequence gaps)."),
	QC_NL(enobufs, "synsink_enobufs_total", "Receive buffer overruns."),
	QC_NL(msg_trunc, "synsink_msg_trunc_total", "Netlink messages cut by synsink's buffer."),
	QC(opt_bad, "synsink_opt_bad_total",
	   "Events with an option of the wrong length, or options cut short (p0f's bad)."),
	QC(retx, "synsink_retransmits_total", "Retransmitted SYNs seen."),
	QC(retx_evictions, "synsink_retx_evictions_total",
	   "Retransmit table entries evicted before their window ended."),
};
#undef QC
#undef QC_NL
#undef QC_NFQ
#undef QC_AS
const size_t stats_n_queue_counters = ARRAY_SIZE(stats_queue_counters);

void stats_lat_add(struct queue_stats *st, uint64_t lat_ns, unsigned long long n)
{
	int b = 0;

	while (b < LAT_N_BUCKETS - 1 && lat_ns > (uint64_t)stats_lat_bounds_us[b] * 1000u)
		b++;
	stat_add(&st->lat[b], n);
	stat_add(&st->lat_sum_ns, lat_ns * n);
}

int stats_kq_parse(const char *line, struct kq_stats *ks)
{
	unsigned int v[9];
	int n;

	n = sscanf(line, "%u %u %u %u %u %u %u %u %u", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
		   &v[6], &v[7], &v[8]);
	if (n < 8)
		return -EINVAL;
	ks->queue = v[0];
	ks->portid = v[1];
	ks->queue_total = v[2];
	ks->copy_mode = v[3];
	ks->copy_range = v[4];
	ks->queue_dropped = v[5];
	ks->user_dropped = v[6];
	ks->id_sequence = v[7];
	return 0;
}

int stats_kq_read_fd(int fd, uint16_t queue, struct kq_stats *ks)
{
	char buf[4096];
	size_t used = 0;
	off_t off = 0;

	/* pread from 0 restarts the seq_file: an fd opened once serves for
	 * the daemon's life, from any thread. */
	for (;;) {
		ssize_t n = pread(fd, buf + used, sizeof(buf) - 1 - used, off);
		char *line, *nl;

		if (n < 0)
			return -errno;
		if (n == 0)
			return -ENOENT;
		off += n;
		used += (size_t)n;
		buf[used] = '\0';
		for (line = buf; (nl = strchr(line, '\n')); line = nl + 1) {
			struct kq_stats k;

			*nl = '\0';
			if (!stats_kq_parse(line, &k) && k.queue == queue) {
				*ks = k;
				return 0;
			}
		}
		used = strlen(line); /* a partial line waits for the rest */
		if (used == sizeof(buf) - 1)
			used = 0; /* no line is that long: skip it */
		memmove(buf, line, used);
	}
}

int stats_kq_read(const char *path, uint16_t queue, struct kq_stats *ks)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = stats_kq_read_fd(fd, queue, ks);
	close(fd);
	return ret;
}

/* "decode_errors":{...} */
static void decode_errors_json(struct strbuf *sb, const struct queue_stats *st)
{
	int i;

	sb_printf(sb, ",\"decode_errors\":{");
	for (i = 1; i < SYN_ERR__COUNT; i++)
		sb_printf(sb, "%s\"%s\":%llu", i > 1 ? "," : "",
			  syn_decode_errname((enum syn_decode_err)i),
			  stat_get(&st->decode_errors[i]));
	sb_printf(sb, "}");
}

void stats_group_json(struct strbuf *sb, uint16_t group, const struct queue_stats *st)
{
	size_t k;

	sb_printf(sb, "{\"group\":%u", group);
	for (k = 0; k < stats_n_queue_counters; k++)
		if (stats_queue_counters[k].nflog_key)
			sb_printf(sb, ",\"%s\":%llu", stats_queue_counters[k].nflog_key,
				  stat_get(queue_counter_of(st, &stats_queue_counters[k])));
	decode_errors_json(sb, st);
	sb_printf(sb, "}");
}

void stats_ring_json(struct strbuf *sb, uint16_t ring, const struct queue_stats *st,
		     const uint64_t *seen, uint64_t lost)
{
	size_t k;

	sb_printf(sb, "{\"ring\":%u", ring);
	for (k = 0; k < stats_n_queue_counters; k++)
		if (stats_queue_counters[k].ebpf)
			sb_printf(sb, ",\"%s\":%llu", stats_queue_counters[k].key,
				  stat_get(queue_counter_of(st, &stats_queue_counters[k])));
	decode_errors_json(sb, st);
	if (seen)
		sb_printf(sb, ",\"seen\":%llu,\"lost\":%llu", (unsigned long long)*seen,
			  (unsigned long long)lost);
	else
		sb_printf(sb, ",\"seen\":null,\"lost\":null");
	sb_printf(sb, "}");
}

void stats_queue_json(struct strbuf *sb, uint16_t queue, const struct queue_stats *st,
		      const struct kq_stats *ks)
{
	size_t k;
	int i;

	sb_printf(sb, "{\"queue\":%u", queue);
	for (k = 0; k < stats_n_queue_counters; k++)
		sb_printf(sb, ",\"%s\":%llu", stats_queue_counters[k].key,
			  stat_get(queue_counter_of(st, &stats_queue_counters[k])));
	decode_errors_json(sb, st);
	sb_printf(sb, ",\"verdict_latency_us\":{");
	for (i = 0; i < LAT_N_BUCKETS; i++) {
		if (i < LAT_N_BUCKETS - 1)
			sb_printf(sb, "\"le_%u\":%llu,", stats_lat_bounds_us[i],
				  stat_get(&st->lat[i]));
		else
			sb_printf(sb, "\"inf\":%llu,", stat_get(&st->lat[i]));
	}
	sb_printf(sb, "\"sum_ns\":%llu}", stat_get(&st->lat_sum_ns));
	if (ks)
		sb_printf(sb,
			  ",\"kernel\":{\"queue_total\":%u,\"queue_dropped\":%u,"
			  "\"user_dropped\":%u,\"id_sequence\":%u}",
			  ks->queue_total, ks->queue_dropped, ks->user_dropped, ks->id_sequence);
	else
		sb_printf(sb, ",\"kernel\":null");
	sb_printf(sb, "}");
}
