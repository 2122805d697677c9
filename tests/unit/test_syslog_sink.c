// SPDX-License-Identifier: MIT
/* The syslog sink's accounting over TCP, through the real plugin: every
 * event it was given ends in exactly one of sent, failed, dropped or
 * pending, whatever happens to the collector; and a configuration that
 * can never make a frame is refused at open. */
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

struct counts {
	unsigned long long sent, failed, dropped, pending;
};

static void take(void *arg, const char *name, uint64_t v)
{
	struct counts *c = arg;

	if (!strcmp(name, "sent"))
		c->sent = v;
	else if (!strcmp(name, "failed"))
		c->failed = v;
	else if (!strcmp(name, "dropped"))
		c->dropped = v;
	else if (!strcmp(name, "pending"))
		c->pending = v;
}

static struct counts counts(struct sink *s)
{
	struct counts c = { 0 };

	sink_plugin_stats(s, take, &c);
	return c;
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
	struct counts c;
	struct sink s;
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
		 "syslog:target=tcp:127.0.0.1:%u,format=json,max_size=480,buffer=50", port);
	assert_int_equal(sink_open(&s, spec, SYSLOG_PLUGIN_DIR, 1, 8, err, sizeof(err)), 0);
	/* Connected (the backlog accepts for us): all 100 sent. */
	assert_int_equal(s.pl.desc->write(s.state, ev, 100), SYNSINK_OK);
	c = counts(&s);
	assert_int_equal(c.sent, 100);
	assert_int_equal(c.failed + c.dropped + c.pending, 0);
	/* The collector goes away: what cannot be sent is held (50) or
	 * dropped, and the sum stays the number given. */
	close(lfd);
	for (i = 0; i < 3; i++)
		assert_int_equal(s.pl.desc->write(s.state, ev, 100), SYNSINK_OK);
	c = counts(&s);
	assert_int_equal(c.sent + c.failed + c.dropped + c.pending, 400);
	assert_true(c.pending <= 50);
	sink_close(&s);
}

static void test_no_room_for_a_message(void **state)
{
	char spec[800], err[512];
	struct sink s;
	int n;

	(void)state;
	n = snprintf(spec, sizeof(spec), "syslog:target=tcp:127.0.0.1:9,max_size=480,tag=");
	memset(spec + n, 't', 500);
	spec[n + 500] = '\0';
	assert_int_equal(sink_open(&s, spec, SYSLOG_PLUGIN_DIR, 1, 8, err, sizeof(err)),
			 SINK_E_USAGE);
	assert_non_null(strstr(err, "leaves no room for a message within max_size=480"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equation_tcp),
		cmocka_unit_test(test_no_room_for_a_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
