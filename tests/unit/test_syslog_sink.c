// SPDX-License-Identifier: MIT
/* The syslog sink's accounting over TCP, through the real plugin and the
 * core's queue: every event it was offered ends delivered or failed, or
 * is still pending with the core, whatever happens to the collector; and
 * a configuration that can never make a frame is refused at open. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "sink.h"
#include "sink_int.h" /* offer() is the sink thread's step */
#include "sinkstats.h"

static const struct sink_env env = {
	.plugin_dir = SYSLOG_PLUGIN_DIR,
	.n_rings = 1,
	.ring_size = 8,
};

/* What the sink thread does with a batch: into the core's queue, offered
 * to the plugin, its answer recorded.  Returns the answer. */
static int offer(struct sink *s, const struct synsink_event *ev, size_t n)
{
	const struct synsink_event *run;
	uint64_t seq;
	size_t k;
	int code;

	dqueue_push(&s->q, ev, n);
	k = dqueue_take(&s->q, n, 1, &run, &seq);
	assert_int_equal(k, n);
	code = s->pl.desc->write(s->state, run, k, seq);
	dqueue_answer(&s->q, seq, k, code);
	return code;
}

/* A listening socket on 127.0.0.1; its port in *port. */
static int listener(unsigned int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t l = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &l), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

static void test_equation_tcp(void **state)
{
	struct synsink_event ev[100];
	char spec[160], err[512];
	unsigned int port;
	struct sink_counts c;
	struct sink *s;
	int lfd, i;

	(void)state;
	memset(ev, 0, sizeof(ev));
	for (i = 0; i < 100; i++) {
		ev[i].family = AF_INET;
		ev[i].sport = (uint16_t)(40000 + i);
		ev[i].dport = 22;
	}
	lfd = listener(&port);
	snprintf(spec, sizeof(spec),
		 "syslog:target=tcp:127.0.0.1:%u,format=json,max_size=480,buffer=250", port);
	assert_int_equal(sink_open(&s, spec, &env, err, sizeof(err)), 0);
	/* Connected (the backlog accepts for us): all 100 delivered. */
	assert_int_equal(offer(s, ev, 100), SYNSINK_PENDING);
	sink_counts(s, &c);
	assert_int_equal(c.delivered, 100);
	assert_int_equal(c.failed + c.pending, 0);
	/* The collector goes away: what cannot be sent stays with the core
	 * (RETRY, or given back), and the sum stays the number offered. */
	close(lfd);
	for (i = 0; i < 3; i++) {
		int code = offer(s, ev, 50);

		assert_true(code == SYNSINK_PENDING || code == SYNSINK_RETRY);
	}
	sink_counts(s, &c);
	assert_int_equal(c.delivered + c.failed + c.pending, 250);
	assert_int_equal(c.settle_errors, 0);
	sink_close(s);
}

static void test_no_room_for_a_message(void **state)
{
	char spec[800], err[512];
	struct sink *s;
	int n;

	(void)state;
	n = snprintf(spec, sizeof(spec), "syslog:target=tcp:127.0.0.1:9,max_size=480,tag=");
	memset(spec + n, 't', 500);
	spec[n + 500] = '\0';
	assert_int_equal(sink_open(&s, spec, &env, err, sizeof(err)), SINK_E_USAGE);
	/* RFC 5424's 48 for an APP-NAME come first: with them no header
	 * leaves no room (syslog_hdr_check stays, test_syslog_frame's). */
	assert_non_null(strstr(err, "not 1-48 printable US-ASCII characters"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equation_tcp),
		cmocka_unit_test(test_no_room_for_a_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
