// SPDX-License-Identifier: MIT
/* The Redis and syslog sinks' FIFO: order, a full FIFO pumping once and
 * then counting drops, an emptied FIFO starting again at slot 0, and the
 * reconnect backoff doubling up to its cap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "outbox.h"

static uint64_t fake_now;
static uint64_t now_fn(void) { return fake_now; }

static struct synsink_event evs[16];
static int pumps, pump_frees;

/* A pump that delivers pump_frees events each time it is called. */
static void pump(void *sink)
{
	struct outbox *o = sink;
	size_t n = (size_t)pump_frees < o->count ? (size_t)pump_frees : o->count;

	pumps++;
	outbox_pop(o, n);
}

static void setup_events(void)
{
	size_t i;

	for (i = 0; i < 16; i++) {
		memset(&evs[i], 0, sizeof(evs[i]));
		evs[i].packet_id = (uint32_t)i;
	}
}

static void test_order_and_drops(void **state)
{
	struct outbox o;

	(void)state;
	setup_events();
	assert_int_equal(outbox_init(&o, 4, now_fn), 0);
	pumps = 0;
	pump_frees = 1;
	outbox_add(&o, evs, 3, pump, &o);
	assert_int_equal(o.count, 3);
	assert_int_equal(pumps, 0);
	outbox_add(&o, evs + 3, 3, pump, &o);	/* one fits, two after a pump each */
	assert_int_equal(o.count, 4);
	assert_int_equal(o.dropped, 0);
	assert_int_equal(pumps, 2);
	assert_int_equal(outbox_at(&o, 0)->packet_id, 2);
	assert_int_equal(outbox_at(&o, 3)->packet_id, 5);
	pump_frees = 0;				/* the server is away */
	outbox_add(&o, evs + 6, 2, pump, &o);
	assert_int_equal(o.count, 4);
	assert_int_equal(o.dropped, 2);		/* one pump, then both counted */
	assert_int_equal(pumps, 3);
	assert_int_equal(outbox_at(&o, 3)->packet_id, 5);
	outbox_free(&o);
}

static void test_empty_starts_at_zero(void **state)
{
	struct outbox o;

	(void)state;
	setup_events();
	assert_int_equal(outbox_init(&o, 8, now_fn), 0);
	outbox_add(&o, evs, 5, pump, &o);
	outbox_pop(&o, 3);
	assert_int_equal(o.head, 3);
	outbox_pop(&o, 2);
	assert_int_equal(o.count, 0);
	assert_int_equal(o.head, 0);	/* the next events reuse the first slots */
	outbox_add(&o, evs + 7, 1, pump, &o);
	assert_ptr_equal(outbox_at(&o, 0), &o.fifo[0]);
	assert_int_equal(outbox_at(&o, 0)->packet_id, 7);
	outbox_free(&o);
}

static void test_backoff(void **state)
{
	struct outbox o;
	uint64_t want = OUTBOX_BACKOFF_MIN_NS;
	int i;

	(void)state;
	fake_now = 1000;
	assert_int_equal(outbox_init(&o, 0, now_fn), 0);
	assert_true(outbox_may_connect(&o));
	for (i = 0; i < 10; i++) {
		outbox_connect_failed(&o);
		assert_int_equal(o.backoff_ns, want);
		assert_false(outbox_may_connect(&o));
		want = want * 2 > OUTBOX_BACKOFF_MAX_NS ? OUTBOX_BACKOFF_MAX_NS : want * 2;
	}
	fake_now += OUTBOX_BACKOFF_MAX_NS;
	assert_true(outbox_may_connect(&o));
	outbox_connected(&o);
	assert_int_equal(o.backoff_ns, 0);
	outbox_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_drops),
		cmocka_unit_test(test_empty_starts_at_zero),
		cmocka_unit_test(test_backoff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
