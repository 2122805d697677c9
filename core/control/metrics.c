// SPDX-License-Identifier: MIT
/* metrics.c - Prometheus exposition of synsink's counters. */
#include "metrics.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "capture.h"
#include "hostport.h"
#include "log.h"
#include "owner.h"
#include "sink.h"
#include "sinkstats.h"
#include "util.h"

int metrics_addr(const char *addr, struct sockaddr_storage *ss, socklen_t *len, char *err,
		 size_t errlen)
{
	char host[64];
	uint16_t port;

	memset(ss, 0, sizeof(*ss));
	if (hostport_split(addr, host, sizeof(host), &port))
		goto bad;
	if (addr[0] == '[') {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		if (inet_pton(AF_INET6, host, &in6->sin6_addr) != 1)
			goto bad;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		*len = sizeof(*in6);
	} else {
		struct sockaddr_in *in4 = (struct sockaddr_in *)ss;

		if (inet_pton(AF_INET, host, &in4->sin_addr) != 1)
			goto bad;
		in4->sin_family = AF_INET;
		in4->sin_port = htons(port);
		*len = sizeof(*in4);
	}
	return 0;
bad:
	snprintf(err, errlen, "--metrics: '%s' is not ADDR:PORT or [ADDR6]:PORT", addr);
	return -EINVAL;
}

int metrics_listen(struct metrics *m, const char *addr, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int one = 1, ret;

	ret = metrics_addr(addr, &ss, &len, err, errlen);
	if (ret)
		return ret;
	m->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (m->fd < 0 || setsockopt(m->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(m->fd, (struct sockaddr *)&ss, len) || listen(m->fd, 64)) {
		int e = errno;

		snprintf(err, errlen, "--metrics %s: %s", addr, strerror(e));
		if (m->fd >= 0)
			close(m->fd);
		m->fd = -1;
		return -e;
	}
	return 0;
}

static void help(struct strbuf *sb, const char *name, const char *type, const char *text)
{
	sb_printf(sb, "# HELP %s %s\n# TYPE %s %s\n", name, text, name, type);
}

/* The metric a capture's value of qc goes under: an NFLOG group's own
 * when the counter has one (lost), none when the counter is NFQUEUE's
 * alone (verdicts) or not the ebpf source's (netlink's), else the
 * counter's. */
static const char *metric_of(const struct capture *c, const struct queue_counter *qc)
{
	if (c->kind == CAPTURE_EBPF)
		return qc->ebpf ? qc->metric : NULL;
	if (c->kind != CAPTURE_NFLOG)
		return qc->metric;
	if (!qc->nflog_key)
		return NULL;
	return qc->nflog_metric ? qc->nflog_metric : qc->metric;
}

/* One counter of every queue and group (labelled queue="N", group="N"),
 * each metric's series together under its one HELP and TYPE. */
static void per_queue(const struct metrics *m, struct strbuf *sb, const struct queue_counter *qc)
{
	const char *const names[2] = { qc->metric, qc->nflog_metric };
	const char *const texts[2] = { qc->help, qc->nflog_help };
	size_t i, k;

	for (k = 0; k < 2; k++) {
		int helped = 0;

		for (i = 0; names[k] && i < m->n_caps; i++) {
			const struct capture *c = &m->caps[i];

			if (metric_of(c, qc) != names[k])
				continue;
			if (!helped++)
				help(sb, names[k], "counter", texts[k]);
			sb_printf(sb, "%s{%s=\"%u\"} %llu\n", names[k], capture_noun(c), c->queue,
				  stat_get(queue_counter_of(&c->st, qc)));
		}
	}
}

struct emit_ctx {
	struct strbuf *sb;
	const char *sink;
};

struct sink_metric_ctx {
	struct strbuf *sb;
	const char *sink;
	int gauges; /* this pass prints the gauges, else the totals */
};

static void sink_metric(void *arg, const char *name, unsigned long long v, int gauge)
{
	struct sink_metric_ctx *c = arg;

	if (gauge != c->gauges)
		return;
	if (gauge)
		sb_printf(c->sb, "synsink_sink_events{sink=\"%s\",state=\"%s\"} %llu\n", c->sink,
			  name, v);
	else
		sb_printf(c->sb, "synsink_sink_events_total{sink=\"%s\",outcome=\"%s\"} %llu\n",
			  c->sink, name, v);
}

static void emit_plugin(void *arg, const char *name, uint64_t value)
{
	struct emit_ctx *e = arg;

	sb_printf(e->sb, "synsink_sink_plugin_value{sink=\"%s\",counter=\"%s\"} %llu\n", e->sink,
		  name, (unsigned long long)value);
}

/* The owner lookups' counters (--owner): synsink_owner_NAME_total. */
static void owner_metric(void *arg, const char *name, const char *text, unsigned long long v)
{
	struct strbuf *sb = arg;
	char metric[64];

	snprintf(metric, sizeof(metric), "synsink_owner_%s_total", name);
	help(sb, metric, "counter", text);
	sb_printf(sb, "%s %llu\n", metric, v);
}

/* The ebpf program's own counters, per ring: the SYNs it matched and
 * those its ring had no room for. */
static void render_ebpf(const struct metrics *m, struct strbuf *sb)
{
	uint64_t seen, lost;
	size_t i;

	for (i = 0; i < m->n_caps; i++) {
		if (ebpf_counters(&m->caps[i], &seen, &lost))
			continue;
		help(sb, "synsink_ebpf_seen_total", "counter",
		     "SYNs the ebpf program matched on the interfaces.");
		sb_printf(sb, "synsink_ebpf_seen_total{ring=\"%u\"} %llu\n", m->caps[i].queue,
			  (unsigned long long)seen);
		help(sb, "synsink_ebpf_lost_total", "counter",
		     "SYNs the ebpf program matched and its ring had no room for.");
		sb_printf(sb, "synsink_ebpf_lost_total{ring=\"%u\"} %llu\n", m->caps[i].queue,
			  (unsigned long long)lost);
	}
}

/* Per queue: the decode errors by kind and the kernel's drops. */
static void render_queue_errors(const struct metrics *m, struct strbuf *sb)
{
	size_t i;
	int b;

	help(sb, "synsink_decode_errors_total", "counter", "Packets not decoded, by kind.");
	for (i = 0; i < m->n_caps; i++)
		for (b = 1; b < SYN_ERR__COUNT; b++)
			sb_printf(sb, "synsink_decode_errors_total{%s=\"%u\",kind=\"%s\"} %llu\n",
				  capture_noun(&m->caps[i]), m->caps[i].queue,
				  syn_decode_errname((enum syn_decode_err)b),
				  stat_get(&m->caps[i].st.decode_errors[b]));

	help(sb, "synsink_kernel_queue_dropped_total", "counter",
	     "The kernel's queue_dropped and user_dropped for the queue.");
	for (i = 0; i < m->n_caps; i++) {
		struct kq_stats ks;

		if (capture_kstats(&m->caps[i], &ks))
			continue;
		sb_printf(sb, "synsink_kernel_queue_dropped_total{queue=\"%u\",by=\"queue\"} %u\n",
			  m->caps[i].queue, ks.queue_dropped);
		sb_printf(sb, "synsink_kernel_queue_dropped_total{queue=\"%u\",by=\"user\"} %u\n",
			  m->caps[i].queue, ks.user_dropped);
	}
	render_ebpf(m, sb);
}

/* Per queue: the verdict latency histogram. */
static void render_latency(const struct metrics *m, struct strbuf *sb)
{
	size_t i;
	int b;

	help(sb, "synsink_verdict_latency_seconds", "histogram",
	     "From synsink's read of a packet to its verdict being sent.");
	for (i = 0; i < m->n_caps; i++) {
		const struct queue_stats *st = &m->caps[i].st;
		unsigned long long acc = 0;

		if (m->caps[i].kind != CAPTURE_NFQUEUE)
			continue; /* no verdict */
		for (b = 0; b < LAT_N_BUCKETS; b++) {
			acc += stat_get(&st->lat[b]);
			if (b < LAT_N_BUCKETS - 1)
				sb_printf(
					sb,
					"synsink_verdict_latency_seconds_bucket{queue=\"%u\",le=\"%g\"} %llu\n",
					m->caps[i].queue, stats_lat_bounds_us[b] / 1e6, acc);
			else
				sb_printf(
					sb,
					"synsink_verdict_latency_seconds_bucket{queue=\"%u\",le=\"+Inf\"} %llu\n",
					m->caps[i].queue, acc);
		}
		sb_printf(sb, "synsink_verdict_latency_seconds_sum{queue=\"%u\"} %.9f\n",
			  m->caps[i].queue, stat_get(&st->lat_sum_ns) / 1e9);
		sb_printf(sb, "synsink_verdict_latency_seconds_count{queue=\"%u\"} %llu\n",
			  m->caps[i].queue, acc);
	}
}

/* Per sink with a spool: the bytes its segments take, and spool_max. */
static void render_spools(const struct sink_set *set, struct strbuf *sb)
{
	unsigned long long bytes, max;
	size_t i;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		const char *name = pass ? "synsink_sink_spool_max_bytes"
					: "synsink_sink_spool_bytes";
		int helped = 0;

		for (i = 0; i < set->n; i++) {
			if (!sink_spool_bytes(set->sinks[i], &bytes, &max))
				continue;
			if (!helped++)
				help(sb, name, "gauge",
				     pass ? "A sink's spool_max, in bytes."
					  : "Bytes a sink's spool segments take on disk.");
			sb_printf(sb, "%s{sink=\"%s\"} %llu\n", name, sink_label(set->sinks[i]),
				  pass ? max : bytes);
		}
	}
}

/* Per sink: its outcomes, its levels and its plugin's own counters. */
static void render_sinks(const struct sink_set *set, struct strbuf *sb)
{
	size_t i;

	help(sb, "synsink_sink_events_total", "counter",
	     "Events per sink and outcome (doc/delivery.md).");
	for (i = 0; i < set->n; i++) {
		struct sink_metric_ctx c = { sb, sink_label(set->sinks[i]), 0 };

		sink_counts_each(set->sinks[i], sink_metric, &c);
	}
	help(sb, "synsink_sink_events", "gauge",
	     "Events per sink waiting: pending (in memory), spooled (on disk), spool_start.");
	for (i = 0; i < set->n; i++) {
		struct sink_metric_ctx c = { sb, sink_label(set->sinks[i]), 1 };

		sink_counts_each(set->sinks[i], sink_metric, &c);
	}
	help(sb, "synsink_sink_flush_failed", "gauge",
	     "1 once a sink's final flush left events undelivered (at the stop).");
	for (i = 0; i < set->n; i++)
		sb_printf(sb, "synsink_sink_flush_failed{sink=\"%s\"} %d\n",
			  sink_label(set->sinks[i]), sink_flush_failed(set->sinks[i]));
	render_spools(set, sb);
	help(sb, "synsink_sink_plugin_value", "gauge",
	     "A sink plugin's own counters, as it reports them.");
	for (i = 0; i < set->n; i++) {
		struct sink *s = set->sinks[i];
		struct emit_ctx e = { sb, sink_label(s) };

		sink_plugin_stats(s, emit_plugin, &e);
	}
}

/* Reloads: how many were refused, and whether the last one applied. */
static void render_reloads(const struct metrics *m, struct strbuf *sb)
{
	help(sb, "synsink_reloads_total", "counter", "Reloads (SIGHUP with --config) applied.");
	sb_printf(sb, "synsink_reloads_total %llu\n",
		  (unsigned long long)atomic_load(&m->reload->done));
	help(sb, "synsink_reload_errors_total", "counter",
	     "Reloads (SIGHUP with --config) refused: the running configuration stayed.");
	sb_printf(sb, "synsink_reload_errors_total %llu\n",
		  (unsigned long long)atomic_load(&m->reload->errors));
	help(sb, "synsink_sink_flush_failures_total", "counter",
	     "Sinks a reload closed whose final flush left events undelivered.");
	sb_printf(sb, "synsink_sink_flush_failures_total %llu\n",
		  (unsigned long long)atomic_load(&m->reload->flush_failures));
	help(sb, "synsink_config_last_reload_successful", "gauge",
	     "0 when the last reload was refused, else 1 (also before any).");
	sb_printf(sb, "synsink_config_last_reload_successful %d\n",
		  atomic_load(&m->reload->last_ok));
}

static void metrics_render(struct metrics *m, struct strbuf *sb)
{
	size_t k;

	help(sb, "synsink_uptime_seconds", "gauge", "Seconds since start.");
	sb_printf(sb, "synsink_uptime_seconds %.3f\n",
		  (double)(clock_mono_ns() - m->started_ns) / 1e9);
	help(sb, "synsink_log_dropped_total", "counter",
	     "Log and stats lines dropped: stderr was full (a reader that does not read).");
	sb_printf(sb, "synsink_log_dropped_total %llu\n", log_dropped());
	help(sb, "synsink_metrics_connections_cut_total", "counter",
	     "Connections to /metrics ended at their deadline (a client too slow).");
	sb_printf(sb, "synsink_metrics_connections_cut_total %llu\n",
		  (unsigned long long)atomic_load(&m->guard.cut));
	for (k = 0; k < stats_n_queue_counters; k++)
		per_queue(m, sb, &stats_queue_counters[k]);
	render_queue_errors(m, sb);
	render_latency(m, sb);
	render_reloads(m, sb);
	pthread_mutex_lock(&m->lock); /* a reload frees the sinks it closes */
	render_sinks(m->sinks, sb);
	pthread_mutex_unlock(&m->lock);
	if (owner_level() != OWNER_OFF)
		owner_counts_each(owner_metric, sb);
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **ptr)
{
	struct metrics *m = cls;
	struct MHD_Response *resp;
	struct strbuf sb = { 0 };
	enum MHD_Result ret;
	unsigned int code = MHD_HTTP_OK;

	(void)version;
	(void)upload;
	(void)upload_size;
	(void)ptr;
	if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
		code = MHD_HTTP_METHOD_NOT_ALLOWED;
		sb_printf(&sb, "only GET\n");
	} else if (strcmp(url, "/metrics")) {
		code = MHD_HTTP_NOT_FOUND;
		sb_printf(&sb, "see /metrics\n");
	} else {
		metrics_render(m, &sb);
	}
	if (sb.oom)
		return MHD_NO;
	resp = MHD_create_response_from_buffer(sb.len, sb.s, MHD_RESPMEM_MUST_COPY);
	sb_free(&sb);
	if (!resp)
		return MHD_NO;
	if (code == MHD_HTTP_OK)
		MHD_add_response_header(resp, "Content-Type", "text/plain; version=0.0.4");
	ret = MHD_queue_response(conn, code, resp);
	MHD_destroy_response(resp);
	return ret;
}

int metrics_start(struct metrics *m, char *err, size_t errlen)
{
	int ret = httpguard_start(&m->guard);

	if (ret) {
		snprintf(err, errlen, "--metrics: %s", strerror(-ret));
		return ret;
	}
	/* A slow client is cut at its deadline (httpguard.h), and one
	 * address holds at most a quarter of the slots. */
	m->mhd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, answer, m,
				  MHD_OPTION_LISTEN_SOCKET, m->fd, MHD_OPTION_CONNECTION_TIMEOUT,
				  (unsigned int)(HTTPGUARD_DEADLINE_NS / 1000000000u),
				  MHD_OPTION_CONNECTION_LIMIT, (unsigned int)HTTPGUARD_SLOTS,
				  MHD_OPTION_PER_IP_CONNECTION_LIMIT,
				  (unsigned int)(HTTPGUARD_SLOTS / 4), MHD_OPTION_NOTIFY_CONNECTION,
				  httpguard_notify, &m->guard, MHD_OPTION_END);
	if (!m->mhd) {
		httpguard_stop(&m->guard);
		snprintf(err, errlen, "--metrics: cannot start the HTTP server");
		return -EIO;
	}
	return 0;
}

void metrics_set_sinks(struct metrics *m, const struct sink_set *set)
{
	pthread_mutex_lock(&m->lock);
	m->sinks = set;
	pthread_mutex_unlock(&m->lock);
}

void metrics_stop(struct metrics *m)
{
	httpguard_stop(&m->guard);
	if (m->mhd)
		MHD_stop_daemon(m->mhd); /* closes the listening socket too */
	else if (m->fd >= 0)
		close(m->fd);
	m->mhd = NULL;
	m->fd = -1;
}
