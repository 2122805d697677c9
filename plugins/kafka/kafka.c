// SPDX-License-Identifier: MIT
/*
 * kafka.c - the Kafka sink, on librdkafka.
 *
 * Every event is produced with its own result checked and carries the
 * core's sequence number as its opaque; its delivery report settles it
 * with the core: delivered, given back (timed out, purged: the core
 * offers it again or spools it), or failed.  QUEUE_FULL gives the rest of
 * the batch back (the core backs off; capture never waits).  Delivery
 * reports are polled after every batch and on the core's idle tick.  A
 * clean stop flushes with the core's --flush-timeout, then purges what is
 * left, whose reports give it back to the core's spool.  Defaults aim at
 * no loss and no duplicates: acks=all and the idempotent producer.
 * What open() asks the cluster first is in probe.c; TLS and SASL are set
 * in security.c.
 */
#include <errno.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "fmtpick.h"
#include "ksink.h"
#include "tlsopt.h"
/* Choices by name: an enum value indexes its own string. */
enum { KEY_SRC, KEY_DST, KEY_FLOW, KEY_NONE, N_KEYS };
enum { FMT_JSON, FMT_TEXT, N_FMTS };

static const char *const keys[] = {
	[KEY_SRC] = "src",   [KEY_DST] = "dst", [KEY_FLOW] = "flow",
	[KEY_NONE] = "none", [N_KEYS] = NULL,
};
static const char *const formats[] = { [FMT_JSON] = "json", [FMT_TEXT] = "text", [N_FMTS] = NULL };

static const struct synsink_option options[N_OPTS] = {
	[OPT_BROKERS] = { "brokers", SYNSINK_OPT_STRING, "127.0.0.1:9092",
			  "bootstrap servers, host:port,host:port", NULL, 0, 0 },
	[OPT_TOPIC] = { "topic", SYNSINK_OPT_STRING, "synsink", "topic", NULL, 0, 0 },
	[OPT_KEY] = { "key", SYNSINK_OPT_ENUM, "src",
		      "message key: source address (one source stays in order in one partition), destination, the 4-tuple, or none",
		      keys, 0, 0 },
	[OPT_FORMAT] = { "format", SYNSINK_OPT_ENUM, "json", "message value", formats, 0, 0 },
	[OPT_TLS] = { "tls", SYNSINK_OPT_BOOL, "false",
		      "TLS to the brokers, their names checked against their certificates", NULL, 0,
		      0 },
	TLSOPT_TABLE("broker"),
	[OPT_SASL_MECHANISM] = { "sasl_mechanism", SYNSINK_OPT_ENUM, "none",
				 "SASL over TLS: PLAIN or SCRAM", kafka_sasl_mechanisms, 0, 0 },
	[OPT_SASL_USERNAME] = { "sasl_username", SYNSINK_OPT_STRING, NULL, "SASL user name", NULL,
				0, 0 },
	[OPT_SASL_PASSWORD] = { "sasl_password", SYNSINK_OPT_SECRET, NULL, "SASL password", NULL, 0,
				0 },
	[OPT_RDKAFKA] = { "rdkafka.", SYNSINK_OPT_PREFIX, NULL,
			  "any librdkafka property, e.g. rdkafka.linger.ms=20", NULL, 0, 0 },
};

/* Our defaults; any of them can be overridden with rdkafka.NAME=VALUE. */
static const char *const defaults[][2] = {
	{ "acks", "all" },
	{ "enable.idempotence", "true" },
	{ "compression.codec", "lz4" },
	{ "linger.ms", "5" },
	{ "batch.num.messages", "10000" },
	{ "queue.buffering.max.messages", "100000" },
	{ "message.timeout.ms", "300000" },
	/* The Java client's: the same key lands in the same partition from
	 * synsink and from any Java producer (Kafka Streams joins need it). */
	{ "partitioner", "murmur2_random" },
};

static void count_err(struct ksink *s, rd_kafka_resp_err_t code)
{
	int i;

	for (i = 0; i < N_ERRCODES; i++) {
		if (s->errs[i].n && s->errs[i].code != code)
			continue;
		s->errs[i].code = code;
		s->errs[i].n++;
		return;
	}
}

/* Latency buckets: LAT_SUB per power of two of microseconds, so a
 * quantile is known within 1/LAT_SUB of its value. */
static int lat_bucket(uint64_t us)
{
	int octave = 0;

	if (us < LAT_SUB)
		return (int)us;
	while ((us >> octave) >= 2 * LAT_SUB)
		octave++;
	if ((octave + 1) * LAT_SUB >= LAT_BUCKETS)
		return LAT_BUCKETS - 1;
	return (octave + 1) * LAT_SUB + (int)((us >> octave) - LAT_SUB);
}

/* The upper bound of bucket b, microseconds. */
static uint64_t lat_bound(int b)
{
	int octave = b / LAT_SUB - 1;

	if (b < LAT_SUB)
		return (uint64_t)b + 1;
	return ((uint64_t)(LAT_SUB + b % LAT_SUB) + 1) << octave;
}

/* Errors after which the event may well get through later: librdkafka
 * gave up on it for now (timed out, purged at a stop, brokers away). */
static bool again_later(rd_kafka_resp_err_t err)
{
	switch (err) {
	case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
	case RD_KAFKA_RESP_ERR__PURGE_QUEUE:
	case RD_KAFKA_RESP_ERR__PURGE_INFLIGHT:
	case RD_KAFKA_RESP_ERR__TRANSPORT:
	case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
	case RD_KAFKA_RESP_ERR__TIMED_OUT:
	case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS:
	case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND:
	case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
	case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
	case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
		return true;
	default:
		return false;
	}
}

/* Delivery reports: run from rd_kafka_poll()/flush() in the sink thread. */
static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
	struct ksink *s = opaque;
	uint64_t seq = (uint64_t)(uintptr_t)m->_private;
	int64_t us = rd_kafka_message_latency(m);

	(void)rk;
	if (m->err) {
		bool again = again_later(m->err);

		count_err(s, m->err);
		if (again)
			s->requeued++;
		else
			s->failed++;
		/* host->log holds back all but one line per format every
		 * 5 s, and counts the rest. */
		if (again)
			s->host->log(s->host, SYNSINK_LOG_WARN,
				     "topic '%s' partition %d: %s; given back to be sent again",
				     s->topic, (int)m->partition, rd_kafka_err2str(m->err));
		else
			s->host->log(s->host, SYNSINK_LOG_WARN,
				     "topic '%s' partition %d: delivery failed: %s", s->topic,
				     (int)m->partition, rd_kafka_err2str(m->err));
		s->host->settle(s->host, seq, 1, again ? SYNSINK_REQUEUE : SYNSINK_FAILED);
		return;
	}
	s->delivered++;
	s->lat[lat_bucket(us > 0 ? (uint64_t)us : 0)]++;
	s->host->settle(s->host, seq, 1, SYNSINK_DELIVERED);
}

/* librdkafka's log lines, into ours (called from its threads too). */
static void on_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
	struct ksink *s = rd_kafka_opaque(rk);
	int lvl = level <= 3   ? SYNSINK_LOG_ERR
		  : level == 4 ? SYNSINK_LOG_WARN
		  : level <= 6 ? SYNSINK_LOG_INFO
			       : SYNSINK_LOG_DEBUG;

	if (lvl <= SYNSINK_LOG_WARN)
		s->host->log(s->host, lvl, "librdkafka %s: %s", fac, buf);
}

/* librdkafka's errors (a broker refused our TLS or SASL, a connection
 * lost): counted by code, and the last one kept for open(). */
static void on_error(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
	struct ksink *s = opaque;

	(void)rk;
	count_err(s, (rd_kafka_resp_err_t)err);
	s->last_err = (rd_kafka_resp_err_t)err;
	snprintf(s->last_reason, sizeof(s->last_reason), "%s", reason);
	/* As librdkafka logs them without an error_cb; during open() the
	 * one line is open()'s. */
	if (s->opened)
		s->host->log(s->host, SYNSINK_LOG_WARN, "librdkafka: %s: %s",
			     rd_kafka_err2name((rd_kafka_resp_err_t)err), reason);
}

/* security.c's verify callback relies on it (ksink.h). */
_Static_assert(offsetof(struct ksink, tls) == 0, "ktls_seen must open struct ksink");

static unsigned long long json_top_u64(const char *json, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(json, pat); /* top-level counters come before the nested ones */
	return p ? strtoull(p + strlen(pat), NULL, 10) : 0;
}

static int on_stats(rd_kafka_t *rk, char *json, size_t len, void *opaque)
{
	struct ksink *s = opaque;

	(void)rk;
	(void)len;
	s->st_msg_cnt = json_top_u64(json, "msg_cnt");
	s->st_tx = json_top_u64(json, "tx");
	s->st_txmsgs = json_top_u64(json, "txmsgs");
	s->st_txretries = json_top_u64(json, "txretries");
	s->st_txerrs = json_top_u64(json, "txerrs");
	return 0; /* librdkafka frees json */
}

/* Ours and the rdkafka.* ones, named as given: rdkafka.KEY. */
static int conf_set(struct ksink *s, rd_kafka_conf_t *conf, const char *k, const char *v)
{
	return kafka_conf_put(conf, "rdkafka.", k, v, s->host);
}

/* What open sets up before librdkafka starts: the topic's name, the
 * format, the whole configuration (the TLS files read into tls_fds).
 * Returns the configuration, or NULL after one line. */
static rd_kafka_conf_t *kafka_setup(struct ksink *s, const struct synsink_value *v,
				    const struct synsink_host *host, int tls_fds[3])
{
	rd_kafka_conf_t *conf;
	size_t i;

	if (kafka_topic_check(host, v[OPT_TOPIC].str))
		return NULL;
	s->host = host;
	s->scram = !strncmp(kafka_sasl_mechanisms[v[OPT_SASL_MECHANISM].num], "SCRAM", 5);
	s->client_cert = v[OPT_CERT].str != NULL;
	s->topic = v[OPT_TOPIC].str;
	s->key = (int)v[OPT_KEY].num;
	s->json = v[OPT_FORMAT].num == FMT_JSON;
	if (!fmt_pick(host, s->json))
		return NULL;
	conf = rd_kafka_conf_new();
	for (i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
		if (conf_set(s, conf, defaults[i][0], defaults[i][1]))
			goto out_conf;
	if (conf_set(s, conf, "bootstrap.servers", v[OPT_BROKERS].str) ||
	    kafka_security_conf(conf, v, host, tls_fds))
		goto out_conf;
	for (i = 0; i < v[OPT_RDKAFKA].n_kv; i++)
		if (conf_set(s, conf, v[OPT_RDKAFKA].kv[i].key, v[OPT_RDKAFKA].kv[i].value))
			goto out_conf;
	return conf;

out_conf:
	kafka_security_done(tls_fds);
	rd_kafka_conf_destroy(conf);
	return NULL;
}

/* --check-config: the setup alone; no producer, nothing connected. */
static int kafka_check(const struct synsink_value *v, const struct synsink_host *host)
{
	struct ksink *s = calloc(1, sizeof(*s));
	int tls_fds[3] = { -1, -1, -1 };
	rd_kafka_conf_t *conf;

	if (!s)
		return -ENOMEM;
	conf = kafka_setup(s, v, host, tls_fds);
	if (conf) {
		kafka_security_done(tls_fds);
		rd_kafka_conf_destroy(conf);
	}
	free(s);
	return conf ? 0 : -EINVAL;
}

static int kafka_open(void **state, const struct synsink_value *v, const struct synsink_host *host)
{
	struct ksink *s = calloc(1, sizeof(*s));
	rd_kafka_conf_t *conf;
	int tls_fds[3] = { -1, -1, -1 };
	char err[512];
	int ret;

	if (!s)
		return -ENOMEM;
	conf = kafka_setup(s, v, host, tls_fds);
	if (!conf) {
		free(s);
		return -EINVAL;
	}
	rd_kafka_conf_set_opaque(conf, s);
	rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
	rd_kafka_conf_set_log_cb(conf, on_log);
	rd_kafka_conf_set_error_cb(conf, on_error);
	rd_kafka_conf_set_stats_cb(conf, on_stats);

	s->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
	kafka_security_done(tls_fds); /* read by now */
	if (!s->rk) {
		host->log(host, SYNSINK_LOG_ERR, "%s", err);
		rd_kafka_conf_destroy(conf);
		free(s);
		return -EINVAL;
	}
	s->rkt = rd_kafka_topic_new(s->rk, v[OPT_TOPIC].str, NULL);
	if (!s->rkt) {
		host->log(host, SYNSINK_LOG_ERR, "topic %s: %s", v[OPT_TOPIC].str,
			  rd_kafka_err2str(rd_kafka_last_error()));
		rd_kafka_destroy(s->rk);
		free(s);
		return -EINVAL;
	}
	ret = kafka_topic_probe(s, v[OPT_BROKERS].str, v[OPT_TOPIC].str);
	if (ret) {
		rd_kafka_topic_destroy(s->rkt);
		rd_kafka_destroy(s->rk);
		free(s);
		return ret;
	}
	s->opened = true;
	*state = s;
	return 0;
}

/* The message key for an event; returns its length (0: no key). */
static size_t make_key(struct ksink *s, const struct synsink_event *ev)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	int n;

	switch (s->key) {
	case KEY_SRC:
		inet_ntop(ev->family, ev->saddr, s->keybuf, sizeof(s->keybuf));
		return strlen(s->keybuf);
	case KEY_DST:
		inet_ntop(ev->family, ev->daddr, s->keybuf, sizeof(s->keybuf));
		return strlen(s->keybuf);
	case KEY_FLOW:
		inet_ntop(ev->family, ev->saddr, a, sizeof(a));
		inet_ntop(ev->family, ev->daddr, b, sizeof(b));
		n = snprintf(s->keybuf, sizeof(s->keybuf), "%s %u %s %u", a, ev->sport, b,
			     ev->dport);
		return n > 0 ? (size_t)n : 0;
	default:
		return 0;
	}
}

static int kafka_write(void *state, const struct synsink_event *ev, size_t n, uint64_t seq)
{
	struct ksink *s = state;
	size_t i;

	for (i = 0; i < n; i++) {
		size_t len = (s->json ? s->host->format_json : s->host->format_text)(
			s->host, &ev[i], s->line, sizeof(s->line));
		size_t klen = make_key(s, &ev[i]);
		rd_kafka_resp_err_t err;

		if (!len) {
			s->produce_errors++;
			s->host->settle(s->host, seq + i, 1, SYNSINK_FAILED);
			continue;
		}
		err = rd_kafka_producev(
			s->rk, RD_KAFKA_V_RKT(s->rkt), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
			RD_KAFKA_V_VALUE(s->line, len - 1), /* no newline */
			/* librdkafka's macros cast their arguments unbracketed */
			RD_KAFKA_V_KEY((klen ? s->keybuf : NULL), klen),
			RD_KAFKA_V_HEADER("synsink-schema", (s->json ? "1" : "text"), -1),
			RD_KAFKA_V_HEADER("synsink-host", s->host->sensor, -1),
			RD_KAFKA_V_OPAQUE((void *)(uintptr_t)(seq + i)), RD_KAFKA_V_END);
		if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
			s->accepted++;
		} else if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
			/* librdkafka's queue is full: the rest goes back to
			 * the core, which offers it again (and backs off
			 * when nothing of a batch fits). */
			s->queue_full++;
			if (!i)
				return SYNSINK_RETRY;
			s->host->settle(s->host, seq + i, n - i, SYNSINK_REQUEUE);
			break;
		} else {
			s->produce_errors++;
			count_err(s, err);
			s->host->settle(s->host, seq + i, 1, SYNSINK_FAILED);
		}
	}
	rd_kafka_poll(s->rk, 0); /* serve delivery reports */
	return SYNSINK_PENDING;
}

static int kafka_flush(void *state, int timeout_ms)
{
	struct ksink *s = state;
	int left;

	if (timeout_ms <= 0) {
		rd_kafka_poll(s->rk, 0);
		return 0;
	}
	rd_kafka_flush(s->rk, timeout_ms);
	left = rd_kafka_outq_len(s->rk);
	if (left > 0) {
		s->host->log(s->host, SYNSINK_LOG_WARN, "%d events still undelivered after %d ms",
			     left, timeout_ms);
		return -ETIMEDOUT;
	}
	return 0;
}

static void kafka_close(void *state)
{
	struct ksink *s = state;

	/* What is still queued or in flight goes back to the core (its
	 * reports say _PURGE_*), which spools it: destroying the handle
	 * would otherwise wait for it, or lose it. */
	rd_kafka_purge(s->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
	rd_kafka_poll(s->rk, 0);
	rd_kafka_topic_destroy(s->rkt);
	rd_kafka_destroy(s->rk);
	free(s);
}

/* The latency below which q (0..1) of the deliveries fell, microseconds. */
static unsigned long long lat_quantile(const struct ksink *s, double q)
{
	unsigned long long total = 0, acc = 0;
	int b;

	for (b = 0; b < LAT_BUCKETS; b++)
		total += s->lat[b];
	if (!total)
		return 0;
	for (b = 0; b < LAT_BUCKETS; b++) {
		acc += s->lat[b];
		if ((double)acc >= q * (double)total)
			return lat_bound(b);
	}
	return lat_bound(LAT_BUCKETS - 1);
}

static void kafka_stats(void *state, synsink_emit_fn emit, void *arg)
{
	struct ksink *s = state;
	char name[64];
	int i;

	emit(arg, "accepted", s->accepted);
	emit(arg, "delivered", s->delivered);
	emit(arg, "failed", s->failed);
	emit(arg, "requeued", s->requeued);
	emit(arg, "queue_full", s->queue_full);
	emit(arg, "produce_errors", s->produce_errors);
	emit(arg, "in_flight", (uint64_t)rd_kafka_outq_len(s->rk));
	emit(arg, "latency_p50_us", lat_quantile(s, 0.50));
	emit(arg, "latency_p99_us", lat_quantile(s, 0.99));
	for (i = 0; i < N_ERRCODES && s->errs[i].n; i++) {
		snprintf(name, sizeof(name), "err_%s", rd_kafka_err2name(s->errs[i].code));
		emit(arg, name, s->errs[i].n);
	}
	if (s->st_tx || s->st_msg_cnt) {
		emit(arg, "rdkafka_msg_cnt", s->st_msg_cnt);
		emit(arg, "rdkafka_tx", s->st_tx);
		emit(arg, "rdkafka_txmsgs", s->st_txmsgs);
		emit(arg, "rdkafka_txretries", s->st_txretries);
		emit(arg, "rdkafka_txerrs", s->st_txerrs);
	}
}

static const struct synsink_plugin kafka_plugin = {
	SYNSINK_PLUGIN_INIT,
	.flags = SYNSINK_PLUGIN_TEXT,
	.name = "kafka",
	.description =
		"Apache Kafka via librdkafka: acks=all, idempotent, delivery reports counted",
	.options = options,
	.n_options = N_OPTS,
	.open = kafka_open,
	.write = kafka_write,
	.flush = kafka_flush,
	.close = kafka_close,
	.stats = kafka_stats,
	.check = kafka_check,
};

SYNSINK_PLUGIN_DEFINE(kafka_plugin)
