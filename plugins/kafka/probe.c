// SPDX-License-Identifier: MIT
/*
 * probe.c - what the Kafka sink's open() asks before it says yes: a topic
 * name Kafka takes, a cluster that answers, the topic there (or created
 * on first use), and, when no broker answers, whether one refused us
 * (TLS, SASL, the wrong protocol): that is one line and exit 1, while
 * brokers merely away are a warning.
 */
#include "ksink.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether the last error means the brokers answered and refused us: a
 * TLS handshake that failed (an unknown CA, an expired certificate, a
 * name that does not match, TLS against a plaintext port), a TLS alert
 * after it (our client certificate, or none, refused: librdkafka reports
 * it as a failed receive), SASL credentials refused, or a plaintext
 * client against a TLS port (which librdkafka recognises: "connecting to
 * a SSL listener?"; its other security.protocol hint comes with any early
 * disconnect, a broker that stops included, and is not taken for a
 * refusal). */
static bool refused_us(const struct ksink *s)
{
	return atomic_load(&s->tls.x509_err) || s->last_err == RD_KAFKA_RESP_ERR__SSL ||
	       s->last_err == RD_KAFKA_RESP_ERR__AUTHENTICATION ||
	       (s->last_err == RD_KAFKA_RESP_ERR__TRANSPORT &&
		(strstr(s->last_reason, "SSL listener") ||
		 strstr(s->last_reason, "SSL alert number")));
}

/* A broker's TLS alert about our certificate when we sent none. */
static const char *cert_hint(const struct ksink *s)
{
	if (s->client_cert || (!strstr(s->last_reason, "alert bad certificate") &&
			       !strstr(s->last_reason, "alert certificate required")))
		return "";
	return " (the broker wants a client certificate: cert= and tls_key=)";
}

/* librdkafka before 2.6.1 (Debian 12 has 2.0.2) sends a SCRAM proof that
 * Kafka 4 brokers reject (the client nonce twice; librdkafka #4895):
 * said when a SCRAM login is refused. */
static const char *scram_hint(const struct ksink *s)
{
	if (!s->scram || s->last_err != RD_KAFKA_RESP_ERR__AUTHENTICATION ||
	    rd_kafka_version() >= 0x020601ff)
		return "";
	return " (if the password is right: librdkafka before 2.6.1, as here, cannot log in with SCRAM to Kafka 4 brokers; use PLAIN over TLS there)";
}

/* Kafka's own rule for topic names (its Topic.validate): 1 to 249 of
 * [a-zA-Z0-9._-], and not "." or "..".  Checked before librdkafka starts,
 * so a bad name is one short line (exit 64), not the name quoted back. */
int kafka_topic_check(const struct synsink_host *host, const char *t)
{
	size_t len = strlen(t), i;

	if (len > TOPIC_MAX) {
		host->log(host, SYNSINK_LOG_ERR,
			  "topic name is %zu bytes long; Kafka allows at most %d", len, TOPIC_MAX);
		return -EINVAL;
	}
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)t[i]) && !strchr("._-", t[i]))
			break;
	if (i < len || !strcmp(t, ".") || !strcmp(t, "..")) {
		host->log(host, SYNSINK_LOG_ERR,
			  "topic '%s': Kafka allows only letters, digits, '.', '_' and '-'", t);
		return -EINVAL;
	}
	return 0;
}

/*
 * A broker's auto.create.topics.enable, asked with DescribeConfigs: 1, 0,
 * or -1 when it cannot be known (not allowed to ask, no answer in time).
 */
static int broker_auto_creates(struct ksink *s, int32_t broker)
{
	const rd_kafka_ConfigResource_t **res;
	const rd_kafka_DescribeConfigs_result_t *result;
	rd_kafka_ConfigResource_t *cr;
	rd_kafka_queue_t *q;
	rd_kafka_event_t *ev;
	char id[16];
	size_t n, i;
	int answer = -1;

	snprintf(id, sizeof(id), "%d", (int)broker);
	cr = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_BROKER, id);
	q = rd_kafka_queue_new(s->rk);
	if (!cr || !q)
		goto out;
	rd_kafka_DescribeConfigs(s->rk, &cr, 1, NULL, q);
	ev = rd_kafka_queue_poll(q, TOPIC_PROBE_MS);
	result = ev ? rd_kafka_event_DescribeConfigs_result(ev) : NULL;
	res = result ? rd_kafka_DescribeConfigs_result_resources(result, &n) : NULL;
	if (res && n == 1 && !rd_kafka_ConfigResource_error(res[0])) {
		const rd_kafka_ConfigEntry_t **ce = rd_kafka_ConfigResource_configs(res[0], &n);

		for (i = 0; i < n; i++) {
			const char *v = rd_kafka_ConfigEntry_value(ce[i]);

			if (!strcmp(rd_kafka_ConfigEntry_name(ce[i]),
				    "auto.create.topics.enable") &&
			    v)
				answer = !strcmp(v, "true");
		}
	}
	if (ev)
		rd_kafka_event_destroy(ev);
out:
	if (q)
		rd_kafka_queue_destroy(q);
	if (cr)
		rd_kafka_ConfigResource_destroy(cr);
	return answer;
}

/*
 * Asks the cluster about the topic, once, at start.  A topic that does not
 * exist on a broker that will not create it, or that we may not write, is
 * a sink that cannot start: one line, exit 1, before any queue is bound,
 * rather than events piling up for message.timeout.ms.  (A metadata
 * request names the topic without asking the broker to create it: where
 * auto.create.topics.enable is on, the first message creates it.)  A
 * cluster that does not answer is only a warning: brokers come later, and
 * a spool= covers the wait.  Returns 0 or a negative errno after logging.
 */
int kafka_topic_probe(struct ksink *s, const char *brokers, const char *topic)
{
	const struct rd_kafka_metadata *md;
	rd_kafka_resp_err_t err;
	int32_t broker;
	int creates, i;

	err = rd_kafka_metadata(s->rk, 0, s->rkt, &md, TOPIC_PROBE_MS);
	if (err) {
		/* The errors meanwhile, into on_error (a broker thread may post
		 * its error a moment after the request gave up). */
		for (i = 0; i < 4 && !refused_us(s); i++)
			rd_kafka_poll(s->rk, 50);
		if (refused_us(s)) {
			char why[160];

			if (kafka_tls_why(&s->tls, why, sizeof(why)))
				s->host->log(s->host, SYNSINK_LOG_ERR,
					     "%s: TLS refused: %s; librdkafka: %s", brokers, why,
					     s->last_reason);
			else
				s->host->log(s->host, SYNSINK_LOG_ERR, "%s refused us%s%s: %s",
					     brokers, scram_hint(s), cert_hint(s), s->last_reason);
			return -EACCES;
		}
		s->host->log(s->host, SYNSINK_LOG_WARN,
			     "no broker of %s answered within %d ms (%s); events wait for one",
			     brokers, TOPIC_PROBE_MS, rd_kafka_err2str(err));
		return 0;
	}
	err = md->topic_cnt == 1 ? md->topics[0].err : RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
	broker = md->broker_cnt ? md->brokers[0].id : -1;
	rd_kafka_metadata_destroy(md);
	switch (err) {
	case RD_KAFKA_RESP_ERR_NO_ERROR:
	case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE: /* being created */
		return 0;
	case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
		creates = broker >= 0 ? broker_auto_creates(s, broker) : -1;
		if (creates == 1)
			return 0;
		if (creates < 0) {
			s->host->log(
				s->host, SYNSINK_LOG_WARN,
				"topic '%s' does not exist on %s, and whether the brokers create it could not be asked; starting",
				topic, brokers);
			return 0;
		}
		s->host->log(s->host, SYNSINK_LOG_ERR,
			     "topic '%s' does not exist on %s (auto-create is off)", topic,
			     brokers);
		return -ENOENT;
	case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
		s->host->log(s->host, SYNSINK_LOG_ERR,
			     "topic '%s' on %s: not authorized to write it", topic, brokers);
		return -EACCES;
	default:
		s->host->log(s->host, SYNSINK_LOG_WARN, "topic '%s' on %s: %s", topic, brokers,
			     rd_kafka_err2str(err));
		return 0;
	}
}
