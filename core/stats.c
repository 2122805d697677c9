// SPDX-License-Identifier: MIT
#include "stats.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const unsigned int lat_bounds_us[LAT_N_BUCKETS - 1] = {
	1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 100000,
};

void stats_lat_add(struct queue_stats *st, uint64_t lat_ns, unsigned long long n)
{
	int b = 0;

	while (b < LAT_N_BUCKETS - 1 && lat_ns > (uint64_t)lat_bounds_us[b] * 1000u)
		b++;
	stat_add(&st->lat[b], n);
	stat_add(&st->lat_sum_ns, lat_ns * n);
}

int nfq_kstats_parse(const char *line, struct nfq_kstats *ks)
{
	unsigned int v[9];
	int n;

	n = sscanf(line, "%u %u %u %u %u %u %u %u %u", &v[0], &v[1], &v[2],
		   &v[3], &v[4], &v[5], &v[6], &v[7], &v[8]);
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

int nfq_kstats_read_fd(int fd, uint16_t queue, struct nfq_kstats *ks)
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
			struct nfq_kstats k;

			*nl = '\0';
			if (!nfq_kstats_parse(line, &k) && k.queue == queue) {
				*ks = k;
				return 0;
			}
		}
		used = strlen(line);	/* a partial line waits for the rest */
		if (used == sizeof(buf) - 1)
			used = 0;	/* no line is that long: skip it */
		memmove(buf, line, used);
	}
}

int nfq_kstats_read(const char *path, uint16_t queue, struct nfq_kstats *ks)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = nfq_kstats_read_fd(fd, queue, ks);
	close(fd);
	return ret;
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sb->oom)
		return;
	for (;;) {
		size_t room = sb->cap - sb->len;

		va_start(ap, fmt);
		n = vsnprintf(sb->s ? sb->s + sb->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0) {
			sb->oom = 1;
			return;
		}
		if ((size_t)n < room) {
			sb->len += (size_t)n;
			return;
		}
		size_t cap = (sb->cap ? sb->cap * 2 : 1024) + (size_t)n;
		char *s = realloc(sb->s, cap);

		if (!s) {
			sb->oom = 1;
			return;
		}
		sb->s = s;
		sb->cap = cap;
	}
}

void sb_free(struct strbuf *sb)
{
	free(sb->s);
	memset(sb, 0, sizeof(*sb));
}

void stats_queue_json(struct strbuf *sb, uint16_t queue,
		      const struct queue_stats *st, const struct nfq_kstats *ks)
{
	int i;

	sb_printf(sb, "{\"queue\":%u,\"received\":%llu,\"events\":%llu,"
		  "\"verdicts\":%llu,\"verdict_msgs\":%llu,\"verdict_errors\":%llu,"
		  "\"id_gaps\":%llu,\"enobufs\":%llu,\"msg_trunc\":%llu,"
		  "\"opt_bad\":%llu,\"retx\":%llu,\"retx_evictions\":%llu,"
		  "\"decode_errors\":{",
		  queue, stat_get(&st->received), stat_get(&st->events),
		  stat_get(&st->verdicts), stat_get(&st->verdict_msgs),
		  stat_get(&st->verdict_errors), stat_get(&st->id_gaps),
		  stat_get(&st->enobufs), stat_get(&st->msg_trunc),
		  stat_get(&st->opt_bad), stat_get(&st->retx),
		  stat_get(&st->retx_evictions));
	for (i = 1; i < SYN_ERR__COUNT; i++)
		sb_printf(sb, "%s\"%s\":%llu", i > 1 ? "," : "",
			  syn_decode_errname((enum syn_decode_err)i),
			  stat_get(&st->decode_errors[i]));
	sb_printf(sb, "},\"verdict_latency_us\":{");
	for (i = 0; i < LAT_N_BUCKETS; i++) {
		if (i < LAT_N_BUCKETS - 1)
			sb_printf(sb, "\"le_%u\":%llu,", lat_bounds_us[i], stat_get(&st->lat[i]));
		else
			sb_printf(sb, "\"inf\":%llu,", stat_get(&st->lat[i]));
	}
	sb_printf(sb, "\"sum_ns\":%llu}", stat_get(&st->lat_sum_ns));
	if (ks)
		sb_printf(sb, ",\"kernel\":{\"queue_total\":%u,\"queue_dropped\":%u,"
			  "\"user_dropped\":%u,\"id_sequence\":%u}",
			  ks->queue_total, ks->queue_dropped, ks->user_dropped,
			  ks->id_sequence);
	else
		sb_printf(sb, ",\"kernel\":null");
	sb_printf(sb, "}");
}
