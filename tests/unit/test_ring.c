// SPDX-License-Identifier: MIT
/* The SPSC ring: wraparound, full, and a real concurrent producer and
 * consumer checking every event arrives once, in order, or is counted. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <pthread.h>
#include <cmocka.h>

#include "ring.h"

static struct synsink_event ev_n(uint32_t n)
{
	struct synsink_event ev = { 0 };

	ev.packet_id = n;
	return ev;
}

static void test_bad_capacity(void **state)
{
	struct ring r;

	(void)state;
	assert_int_equal(ring_init(&r, 0), -22);
	assert_int_equal(ring_init(&r, 3), -22);
	assert_int_equal(ring_init(&r, 1), -22);
}

static void test_full_and_wrap(void **state)
{
	struct synsink_event in[6];
	struct synsink_event *out;
	struct ring r;
	uint32_t i;

	(void)state;
	assert_int_equal(ring_init(&r, 4), 0);
	for (i = 0; i < 6; i++)
		in[i] = ev_n(i);
	assert_true(ring_empty(&r));
	assert_int_equal(ring_push(&r, in, 3), 3);
	assert_int_equal(ring_peek(&r, &out), 3);
	assert_int_equal(out[0].packet_id, 0);
	ring_release(&r, 2);
	/* 1 held; room for 3 of these 6: two before the end, one wrapped */
	assert_int_equal(ring_push(&r, in, 6), 3);
	assert_int_equal(r.dropped, 3);
	assert_int_equal(ring_peek(&r, &out), 2); /* slots 2,3 */
	assert_int_equal(out[0].packet_id, 2);
	assert_int_equal(out[1].packet_id, 0);
	ring_release(&r, 2);
	assert_int_equal(ring_peek(&r, &out), 2); /* wrapped: slots 0,1 */
	assert_int_equal(out[0].packet_id, 1);
	assert_int_equal(out[1].packet_id, 2);
	ring_release(&r, 2);
	assert_true(ring_empty(&r));
	assert_int_equal(ring_peek(&r, &out), 0);
	ring_free(&r);
}

#define N_EVENTS 2000000u

static void *producer(void *arg)
{
	struct ring *r = arg;
	struct synsink_event batch[7];
	uint32_t next = 0, i;

	while (next < N_EVENTS) {
		uint32_t n = N_EVENTS - next < 7 ? N_EVENTS - next : 7;

		for (i = 0; i < n; i++)
			batch[i] = ev_n(next + i);
		ring_push(r, batch, n); /* what does not fit is counted */
		next += n;
	}
	return NULL;
}

static void test_concurrent(void **state)
{
	struct ring r;
	pthread_t t;
	uint64_t seen = 0;
	uint32_t last = 0;
	int have_last = 0, done = 0;

	(void)state;
	assert_int_equal(ring_init(&r, 256), 0);
	assert_int_equal(pthread_create(&t, NULL, producer, &r), 0);
	while (!done || !ring_empty(&r)) {
		struct synsink_event *ev;
		size_t n = ring_peek(&r, &ev), i;

		for (i = 0; i < n; i++) {
			if (have_last)
				assert_true(ev[i].packet_id > last); /* in order, no dup */
			last = ev[i].packet_id;
			have_last = 1;
		}
		ring_release(&r, n);
		seen += n;
		if (!done && !n && pthread_tryjoin_np(t, NULL) == 0)
			done = 1;
	}
	if (!done)
		pthread_join(t, NULL);
	assert_int_equal(seen + r.dropped, N_EVENTS);
	ring_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_capacity),
		cmocka_unit_test(test_full_and_wrap),
		cmocka_unit_test(test_concurrent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
