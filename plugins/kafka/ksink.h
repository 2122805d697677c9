/* SPDX-License-Identifier: MIT */
/* ksink.h - one Kafka sink instance, shared by kafka.c (the plugin: open,
 * write, reports, stats) and probe.c (what open() asks the cluster). */
#ifndef SYNSINK_KAFKA_KSINK_H
#define SYNSINK_KAFKA_KSINK_H

#include <stdatomic.h>
#include <stdbool.h>

#include "kopts.h"

#define N_ERRCODES     16
#define TOPIC_MAX      249	      /* Kafka's longest topic name */
#define TOPIC_PROBE_MS 3000	      /* how long open() asks about the topic */
#define LAT_SUB	       8	      /* latency buckets per power of two */
#define LAT_BUCKETS    (32 * LAT_SUB) /* up to 2^32 microseconds */

struct ksink {
	/* First: librdkafka's opaque is the ksink, and security.c's verify
	 * callback takes it as the ktls_seen it starts with (a pointer to a
	 * struct is one to its first member), knowing nothing else of it. */
	struct ktls_seen tls; /* what the TLS verification found */
	const struct synsink_host *host;
	rd_kafka_t *rk;
	rd_kafka_topic_t *rkt;
	const char *topic;
	int key, json;
	/* Counters: stats() reads them from any thread. */
	atomic_ullong accepted, delivered, failed, requeued, queue_full, produce_errors,
		lat[LAT_BUCKETS];
	struct {
		atomic_int code;
		atomic_ullong n;
	} errs[N_ERRCODES];
	/* from librdkafka's statistics, when statistics.interval.ms is set */
	atomic_ullong st_txmsgs, st_tx, st_txretries, st_txerrs, st_msg_cnt;
	char line[SYNSINK_LINE_MAX];
	char keybuf[128];
	/* The last error librdkafka reported (error_cb, served by
	 * rd_kafka_poll): open() tells a TLS or SASL failure from brokers
	 * that are merely away. */
	rd_kafka_resp_err_t last_err;
	char last_reason[512];
	bool opened;	  /* open() is done: errors are logged from now on */
	bool scram;	  /* sasl_mechanism is SCRAM-SHA-* */
	bool client_cert; /* cert= is given */
};

/* Kafka's rule for a topic name; else one line.  Returns 0 or -EINVAL. */
int kafka_topic_check(const struct synsink_host *host, const char *t);
/* At open: whether the cluster has the topic (or creates it) and takes
 * us.  Returns 0 (also when no broker answers: they may come later),
 * or -ENOENT / -EACCES after one line. */
int kafka_topic_probe(struct ksink *s, const char *brokers, const char *topic);

#endif
