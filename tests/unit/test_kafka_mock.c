// SPDX-License-Identifier: MIT
/*
 * The Kafka sink against librdkafka's built-in mock cluster (no JVM):
 * delivery, injected request errors, a broker down at start, message
 * timeouts and a full local queue, each with exact counters.  The plugin's
 * source is included so the test can reach its producer handle.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "../../plugins/kafka/kafka.c"

#include <librdkafka/rdkafka_mock.h> /* after rdkafka.h, which kafka.c has */

#define APIKEY_PRODUCE 0 /* Kafka protocol ApiKey of Produce requests */

#include "format.h"
#include "options.h"
#include "sinkspec.h"
#include "testhost.h"
#include "util.h"

static size_t test_format_text(const struct synsink_host *h, const struct synsink_event *ev,
			       char *buf, size_t len)
{
	(void)h;
	return syn_format_text(ev, buf, len);
}

static size_t test_format_json(const struct synsink_host *h, const struct synsink_event *ev,
			       char *buf, size_t len)
{
	(void)h;
	return syn_format_json(ev, buf, len);
}

/* testhost.h's, with the core's formatters and the real clock. */
static struct synsink_host host;

static void host_setup(void)
{
	host = testhost_host();
	host.format_text = test_format_text;
	host.format_json = test_format_json;
	host.now_ns = clock_mono_ns;
}

struct fixture {
	struct sink_spec spec;
	struct synsink_value vals[N_OPTS];
	struct synsink_kv kvbuf[SINKSPEC_MAX_KV];
	struct ksink *s;
	rd_kafka_mock_cluster_t *mc;
};

static struct fixture *open_sink(const char *extra)
{
	static struct fixture f;
	char spec[512], err[256];

	memset(&f, 0, sizeof(f));
	testhost_reset();
	host_setup();
	snprintf(spec, sizeof(spec),
		 "kafka:topic=t,rdkafka.test.mock.num.brokers=1,"
		 "rdkafka.retry.backoff.ms=10%s%s",
		 extra ? "," : "", extra ? extra : "");
	assert_int_equal(sinkspec_parse(spec, &f.spec, err, sizeof(err)), 0);
	assert_int_equal(
		option_values_parse(&kafka_plugin, &f.spec, f.vals, f.kvbuf, err, sizeof(err)), 0);
	assert_int_equal(kafka_open((void **)&f.s, f.vals, &host), 0);
	f.mc = rd_kafka_handle_mock_cluster(f.s->rk);
	assert_non_null(f.mc);
	return &f;
}

static void close_sink(struct fixture *f)
{
	kafka_close(f->s);
	sinkspec_free(&f->spec);
}

static void produce(struct fixture *f, int n)
{
	struct synsink_event ev[64];
	int i;

	assert_true(n <= 64);
	memset(ev, 0, sizeof(ev));
	for (i = 0; i < n; i++) {
		ev[i].family = AF_INET;
		inet_pton(AF_INET, "198.18.0.1", ev[i].saddr);
		inet_pton(AF_INET, "198.18.0.2", ev[i].daddr);
		ev[i].sport = (uint16_t)(40000 + i);
		ev[i].dport = 22;
		ev[i].packet_id = (uint32_t)i;
	}
	th.taken += (uint64_t)n;
	assert_int_equal(kafka_write(f->s, ev, (size_t)n, th.taken - (uint64_t)n), SYNSINK_PENDING);
}

static void test_delivers(void **state)
{
	struct fixture *f = open_sink(NULL);

	(void)state;
	produce(f, 50);
	assert_int_equal(kafka_flush(f->s, 10000), 0);
	assert_int_equal(f->s->accepted, 50);
	assert_int_equal(f->s->delivered, 50);
	assert_int_equal(f->s->failed, 0);
	assert_int_equal(th.by_outcome[SYNSINK_DELIVERED], 50);
	assert_int_equal(rd_kafka_outq_len(f->s->rk), 0);
	close_sink(f);
}

static void test_request_errors_retried(void **state)
{
	struct fixture *f = open_sink(NULL);

	(void)state;
	rd_kafka_mock_push_request_errors(f->mc, APIKEY_PRODUCE, 3,
					  RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
					  RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
					  RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS);
	produce(f, 20);
	assert_int_equal(kafka_flush(f->s, 10000), 0);
	assert_int_equal(f->s->delivered, 20);
	assert_int_equal(f->s->failed, 0);
	close_sink(f);
}

static void test_broker_down_at_start(void **state)
{
	struct fixture *f = open_sink(NULL);

	(void)state;
	rd_kafka_mock_broker_set_down(f->mc, 1);
	produce(f, 10);
	assert_int_equal(kafka_flush(f->s, 300), -ETIMEDOUT);
	assert_int_equal(f->s->delivered, 0);
	assert_int_equal(rd_kafka_outq_len(f->s->rk), 10);
	rd_kafka_mock_broker_set_up(f->mc, 1);
	assert_int_equal(kafka_flush(f->s, 15000), 0);
	assert_int_equal(f->s->delivered, 10);
	assert_int_equal(f->s->accepted, f->s->delivered + f->s->failed);
	close_sink(f);
}

/* How many errors of code the sink counted (delivery reports and
 * librdkafka's error_cb share the table). */
static unsigned long long err_count(struct ksink *s, rd_kafka_resp_err_t code)
{
	int i;

	for (i = 0; i < N_ERRCODES; i++)
		if (s->errs[i].n && s->errs[i].code == (int)code)
			return s->errs[i].n;
	return 0;
}

/* A message librdkafka gave up on for now goes back to the core. */
static void test_message_timeout_requeued(void **state)
{
	struct fixture *f = open_sink("rdkafka.message.timeout.ms=300");

	(void)state;
	rd_kafka_mock_broker_set_down(f->mc, 1);
	produce(f, 10);
	kafka_flush(f->s, 5000);
	assert_int_equal(f->s->accepted, 10);
	assert_int_equal(f->s->requeued, 10);
	assert_int_equal(f->s->failed, 0);
	assert_int_equal(th.by_outcome[SYNSINK_REQUEUE], 10);
	assert_int_equal(f->s->delivered, 0);
	assert_int_equal(err_count(f->s, RD_KAFKA_RESP_ERR__MSG_TIMED_OUT), 10);
	close_sink(f);
}

/* A full local queue gives the rest of the batch back, nothing dropped. */
static void test_queue_full_requeues(void **state)
{
	struct fixture *f = open_sink("rdkafka.queue.buffering.max.messages=5");

	(void)state;
	rd_kafka_mock_broker_set_down(f->mc, 1);
	produce(f, 12);
	assert_int_equal(f->s->accepted, 5);
	assert_int_equal(f->s->queue_full, 1);
	assert_int_equal(th.by_outcome[SYNSINK_REQUEUE], 7);
	rd_kafka_mock_broker_set_up(f->mc, 1);
	assert_int_equal(kafka_flush(f->s, 15000), 0);
	assert_int_equal(f->s->delivered, 5);
	assert_int_equal(th.by_outcome[SYNSINK_DELIVERED], 5);
	close_sink(f);
}

/* close() while the broker is away: what is queued is purged and given
 * back to the core (for its spool), every event settled before it returns. */
static void test_close_gives_back(void **state)
{
	struct fixture *f = open_sink(NULL);

	(void)state;
	rd_kafka_mock_broker_set_down(f->mc, 1);
	produce(f, 10);
	assert_int_equal(kafka_flush(f->s, 200), -ETIMEDOUT);
	assert_int_equal(th.by_outcome[SYNSINK_REQUEUE] + th.by_outcome[SYNSINK_DELIVERED], 0);
	close_sink(f);
	assert_int_equal(th.by_outcome[SYNSINK_REQUEUE], 10);
}

static void test_bad_property(void **state)
{
	struct sink_spec spec;
	struct synsink_value vals[N_OPTS];
	struct synsink_kv kvbuf[SINKSPEC_MAX_KV];
	char err[256];
	void *st;

	(void)state;
	assert_int_equal(sinkspec_parse("kafka:rdkafka.acks=maybe", &spec, err, sizeof(err)), 0);
	assert_int_equal(option_values_parse(&kafka_plugin, &spec, vals, kvbuf, err, sizeof(err)),
			 0);
	assert_int_equal(kafka_open(&st, vals, &host), -EINVAL);
	sinkspec_free(&spec);
}

static void test_latency_buckets(void **state)
{
	uint64_t us;
	int last = -1;

	(void)state;
	/* buckets grow with the value, and each value is at most its bound,
	 * which is within 1/LAT_SUB of it */
	for (us = 0; us < 5000000; us += us < 100 ? 1 : us / 50) {
		int b = lat_bucket(us);

		assert_true(b >= last);
		assert_true(us < lat_bound(b));
		assert_true(lat_bound(b) <= us + us / LAT_SUB + 1);
		last = b;
	}
	assert_int_equal(lat_bucket(UINT64_MAX / 2), LAT_BUCKETS - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delivers),
		cmocka_unit_test(test_request_errors_retried),
		cmocka_unit_test(test_broker_down_at_start),
		cmocka_unit_test(test_message_timeout_requeued),
		cmocka_unit_test(test_queue_full_requeues),
		cmocka_unit_test(test_close_gives_back),
		cmocka_unit_test(test_bad_property),
		cmocka_unit_test(test_latency_buckets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
