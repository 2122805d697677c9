// SPDX-License-Identifier: MIT
/* The Redis and syslog sinks' FIFO: order, settles to the core in runs of
 * consecutive numbers, everything given back at close, an emptied FIFO
 * starting again at slot 0, and the reconnect backoff doubling up to its
 * cap.  Their link: down said once, every failure counted, back counted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "link.h"
#include "outbox.h"
#include "testhost.h"

static const struct synsink_host *host_p(void)
{
	static struct synsink_host host;

	host = testhost_host();
	return &host;
}

static struct synsink_event evs[16];

static void setup_events(void)
{
	size_t i;

	for (i = 0; i < 16; i++) {
		memset(&evs[i], 0, sizeof(evs[i]));
		evs[i].packet_id = (uint32_t)i;
	}
	testhost_reset();
}

static void test_order_and_settle(void **state)
{
	struct outbox o;

	(void)state;
	setup_events();
	assert_int_equal(outbox_init(&o, 8, host_p()), 0);
	outbox_add(&o, evs, 3, 100);
	outbox_add(&o, evs + 3, 3, 200); /* another batch, numbered apart */
	assert_int_equal(o.count, 6);
	assert_int_equal(outbox_room(&o), 2);
	assert_int_equal(outbox_at(&o, 0)->packet_id, 0);
	assert_int_equal(outbox_at(&o, 5)->packet_id, 5);
	outbox_settle(&o, 4, SYNSINK_DELIVERED); /* 100-102 and 200: two runs */
	assert_int_equal(th.n_calls, 2);
	assert_int_equal(th.calls[0].seq, 100);
	assert_int_equal(th.calls[0].n, 3);
	assert_int_equal(th.calls[1].seq, 200);
	assert_int_equal(th.calls[1].n, 1);
	assert_int_equal(th.calls[1].o, SYNSINK_DELIVERED);
	assert_int_equal(outbox_at(&o, 0)->packet_id, 4);
	outbox_requeue_all(&o); /* close: 201-202 back */
	assert_int_equal(th.n_calls, 3);
	assert_int_equal(th.calls[2].seq, 201);
	assert_int_equal(th.calls[2].n, 2);
	assert_int_equal(th.calls[2].o, SYNSINK_REQUEUE);
	assert_int_equal(o.count, 0);
	outbox_free(&o);
}

static void test_empty_starts_at_zero(void **state)
{
	struct outbox o;

	(void)state;
	setup_events();
	assert_int_equal(outbox_init(&o, 8, host_p()), 0);
	outbox_add(&o, evs, 5, 0);
	outbox_settle(&o, 3, SYNSINK_DELIVERED);
	assert_int_equal(o.head, 3);
	outbox_settle(&o, 2, SYNSINK_FAILED);
	assert_int_equal(o.count, 0);
	assert_int_equal(o.head, 0); /* the next events reuse the first slots */
	outbox_add(&o, evs + 7, 1, 5);
	assert_ptr_equal(outbox_at(&o, 0), &o.fifo[0]);
	assert_int_equal(outbox_at(&o, 0)->packet_id, 7);
	outbox_free(&o);
}

/* "Not now" for the oldest: it goes to the back with its number, even in
 * a full FIFO. */
static void test_rotate(void **state)
{
	struct outbox o;

	(void)state;
	setup_events();
	assert_int_equal(outbox_init(&o, 3, host_p()), 0);
	outbox_add(&o, evs, 3, 10);
	outbox_rotate(&o);
	assert_int_equal(o.count, 3);
	assert_int_equal(outbox_at(&o, 0)->packet_id, 1);
	assert_int_equal(outbox_at(&o, 2)->packet_id, 0);
	outbox_settle(&o, 3, SYNSINK_DELIVERED); /* 11-12, then 10 */
	assert_int_equal(th.n_calls, 2);
	assert_int_equal(th.calls[0].seq, 11);
	assert_int_equal(th.calls[0].n, 2);
	assert_int_equal(th.calls[1].seq, 10);
	assert_int_equal(th.calls[1].n, 1);
	outbox_free(&o);
}

static void test_backoff(void **state)
{
	struct outbox o;
	uint64_t want = OUTBOX_BACKOFF_MIN_NS;
	int i;

	(void)state;
	th.now = 1000;
	assert_int_equal(outbox_init(&o, 0, host_p()), 0);
	assert_true(outbox_may_connect(&o));
	for (i = 0; i < 10; i++) {
		outbox_connect_failed(&o);
		assert_int_equal(o.backoff_ns, want);
		assert_false(outbox_may_connect(&o));
		want = want * 2 > OUTBOX_BACKOFF_MAX_NS ? OUTBOX_BACKOFF_MAX_NS : want * 2;
	}
	th.now += OUTBOX_BACKOFF_MAX_NS;
	assert_true(outbox_may_connect(&o));
	outbox_connected(&o);
	assert_int_equal(o.backoff_ns, 0);
	outbox_free(&o);
}

static uint64_t stat_of(const struct link *l, const char *name);

static void test_link(void **state)
{
	struct outbox o;
	struct link l;

	(void)state;
	th.now = 1000;
	th.n_logs = 0;
	assert_int_equal(outbox_init(&o, 0, host_p()), 0);
	link_init(&l, &o, host_p());
	assert_false(link_up(&l)); /* the first connect is no reconnect */
	link_lost(&l, "connection lost: %s", "reset");
	assert_int_equal(th.n_logs, 1);
	assert_string_equal(th.last_log, "connection lost: reset");
	link_failed(&l, "connect to %s: refused", "x:1");
	assert_int_equal(th.n_logs, 2); /* a new reason is said */
	assert_string_equal(th.last_log, "connect to x:1: refused; retrying");
	link_failed(&l, "connect to %s: refused", "x:1");
	assert_int_equal(th.n_logs, 2); /* the same one, not again at once */
	th.now += 30 * 1000000000ull;
	link_failed(&l, "connect to %s: refused", "x:1");
	assert_int_equal(th.n_logs, 3); /* but after 30 s */
	link_failed(&l, "connect to %s: certificate has expired", "x:1");
	assert_int_equal(th.n_logs, 4);	    /* and another reason at once */
	assert_false(link_may_connect(&l)); /* backing off */
	th.now += OUTBOX_BACKOFF_MAX_NS;
	assert_true(link_may_connect(&l));
	assert_true(link_up(&l));
	assert_false(link_up(&l));
	assert_int_equal(stat_of(&l, "reconnects"), 1);
	assert_int_equal(stat_of(&l, "connect_errors"), 4);
	assert_int_equal(stat_of(&l, "send_errors"), 1);
	/* open() reports its own failure: a quiet link only counts. */
	l.quiet = true;
	link_failed(&l, "connect to %s: refused", "x:1");
	assert_int_equal(th.n_logs, 4);
	assert_int_equal(stat_of(&l, "connect_errors"), 5);
	l.quiet = false;
	link_failed(&l, "connect to %s: refused", "x:1"); /* still down: quiet */
	assert_int_equal(th.n_logs, 4);
	outbox_free(&o);
}

static struct {
	const char *name;
	uint64_t v;
} stat_seen;

static void emit(void *arg, const char *name, uint64_t v)
{
	(void)arg;
	if (!strcmp(name, stat_seen.name))
		stat_seen.v = v;
}

static uint64_t stat_of(const struct link *l, const char *name)
{
	stat_seen.name = name;
	stat_seen.v = UINT64_MAX;
	link_stats(l, emit, NULL, "send_errors");
	return stat_seen.v;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_settle),
		cmocka_unit_test(test_empty_starts_at_zero),
		cmocka_unit_test(test_rotate),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_link),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
