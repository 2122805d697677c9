// SPDX-License-Identifier: MIT
/*
 * The core's delivery queue: numbering, offers in order, settles in any
 * order, retries before anything newer, a settle naming events not in
 * flight ignored and counted, an emptied queue starting again at slot 0,
 * and the drain that hands what is unsettled to the spool at a stop.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dqueue.h"

static struct synsink_event evs[64];

static void setup(void)
{
	size_t i;

	memset(evs, 0, sizeof(evs));
	for (i = 0; i < 64; i++)
		evs[i].packet_id = (uint32_t)i;
}

static void test_offer_and_settle(void **state)
{
	const struct synsink_event *ev;
	struct dqueue q;
	uint64_t seq;

	(void)state;
	setup();
	assert_int_equal(dqueue_init(&q, 8), 0);
	assert_int_equal(dqueue_push(&q, evs, 5), 0);
	assert_int_equal(dqueue_room(&q), 3);
	assert_int_equal(dqueue_take(&q, 3, 1, &ev, &seq), 3);
	assert_int_equal(seq, 0);
	assert_int_equal(ev[2].packet_id, 2);
	assert_int_equal(dqueue_take(&q, 8, 1, &ev, &seq), 2);
	assert_int_equal(seq, 3);
	assert_int_equal(dqueue_take(&q, 8, 1, &ev, &seq), 0);
	/* Out of order: tail moves only past a settled prefix. */
	dqueue_settle(&q, 3, 2, SYNSINK_DELIVERED);
	assert_int_equal(dqueue_marks(&q).tail, 0);
	assert_int_equal(dqueue_count(&q), 5);
	dqueue_settle(&q, 0, 3, SYNSINK_FAILED);
	assert_int_equal(dqueue_marks(&q).tail, 5);
	assert_int_equal(dqueue_count(&q), 0);
	assert_int_equal(q.delivered, 2);
	assert_int_equal(q.failed, 3);
	/* Empty: the next push lands in slot 0 again (no RSS creep). */
	assert_int_equal(q.base, 0);
	assert_int_equal(dqueue_push(&q, evs + 10, 1), 5);
	assert_int_equal(dqueue_take(&q, 8, 1, &ev, &seq), 1);
	assert_ptr_equal(ev, &q.ev[0]);
	dqueue_answer(&q, seq, 1, SYNSINK_OK);
	assert_int_equal(q.delivered, 3);
	dqueue_free(&q);
}

static void test_retry_first(void **state)
{
	const struct synsink_event *ev;
	struct dqueue q;
	uint64_t seq;

	(void)state;
	setup();
	assert_int_equal(dqueue_init(&q, 16), 0);
	dqueue_push(&q, evs, 6);
	assert_int_equal(dqueue_take(&q, 4, 1, &ev, &seq), 4); /* 0-3 */
	dqueue_answer(&q, seq, 4, SYNSINK_PENDING);
	dqueue_settle(&q, 1, 2, SYNSINK_REQUEUE); /* 1-2 come back */
	assert_int_equal(dqueue_marks(&q).n_retry, 2);
	assert_int_equal(q.retried, 2);
	/* Not yet time for the retry: nothing newer goes out meanwhile. */
	assert_int_equal(dqueue_take(&q, 8, 0, &ev, &seq), 0);
	assert_int_equal(dqueue_take(&q, 8, 1, &ev, &seq), 2);
	assert_int_equal(seq, 1);
	assert_int_equal(ev[0].packet_id, 1);
	dqueue_answer(&q, seq, 2, SYNSINK_RETRY); /* still away */
	assert_int_equal(dqueue_marks(&q).n_retry, 2);
	assert_int_equal(dqueue_take(&q, 8, 1, &ev, &seq), 2);
	dqueue_answer(&q, seq, 2, SYNSINK_OK);
	assert_int_equal(dqueue_take(&q, 8, 1, &ev, &seq), 2); /* then 4-5 */
	assert_int_equal(seq, 4);
	dqueue_answer(&q, seq, 2, SYNSINK_ERROR);
	dqueue_settle(&q, 0, 1, SYNSINK_DELIVERED);
	dqueue_settle(&q, 3, 1, SYNSINK_DELIVERED);
	assert_int_equal(dqueue_count(&q), 0);
	assert_int_equal(q.delivered, 4);
	assert_int_equal(q.failed, 2);
	assert_int_equal(q.settle_errors, 0);
	dqueue_free(&q);
}

/* A plugin's bug (a settle twice, of events never offered, or far out of
 * range) changes nothing but settle_errors. */
static void test_bad_settles(void **state)
{
	const struct synsink_event *ev;
	struct dqueue q;
	uint64_t seq;

	(void)state;
	setup();
	assert_int_equal(dqueue_init(&q, 8), 0);
	dqueue_push(&q, evs, 4);
	assert_int_equal(dqueue_take(&q, 2, 1, &ev, &seq), 2);
	dqueue_settle(&q, 0, 1, SYNSINK_DELIVERED);
	dqueue_settle(&q, 0, 1, SYNSINK_DELIVERED); /* twice */
	dqueue_settle(&q, 2, 2, SYNSINK_DELIVERED); /* queued, not offered */
	dqueue_settle(&q, UINT64_MAX - 1, 5, SYNSINK_FAILED);
	assert_int_equal(q.settle_errors, 1 + 2 + 5);
	assert_int_equal(q.delivered, 1);
	assert_int_equal(q.failed, 0);
	assert_int_equal(dqueue_count(&q), 3);
	dqueue_free(&q);
}

static struct synsink_event got[64];
static size_t n_got, n_runs;

static void collect(void *arg, uint64_t seq, const struct synsink_event *ev, size_t n)
{
	(void)arg;
	for (size_t i = 0; i < n; i++) /* seq is the number of the run's first */
		assert_int_equal(ev[i].packet_id, seq + i);
	memcpy(got + n_got, ev, n * sizeof(*ev));
	n_got += n;
	n_runs++;
}

/* The drain: every unsettled event once, oldest first, across the wrap. */
static void test_drain(void **state)
{
	const struct synsink_event *ev;
	static const uint32_t want[6] = { 5, 6, 8, 9, 10, 11 };
	struct dqueue q;
	uint64_t seq;
	size_t i;

	(void)state;
	setup();
	assert_int_equal(dqueue_init(&q, 8), 0);
	dqueue_push(&q, evs, 6);
	assert_int_equal(dqueue_take(&q, 6, 1, &ev, &seq), 6);
	dqueue_settle(&q, 0, 5, SYNSINK_DELIVERED);	       /* tail at slot 5 */
	dqueue_push(&q, evs + 6, 6);			       /* 6-11, slots 6,7,0-3 */
	assert_int_equal(dqueue_take(&q, 8, 1, &ev, &seq), 2); /* to the wrap */
	dqueue_settle(&q, 7, 1, SYNSINK_DELIVERED);	       /* a hole */
	n_got = n_runs = 0;
	assert_int_equal(dqueue_drain(&q, collect, NULL), 6);
	assert_int_equal(n_got, 6);
	for (i = 0; i < 6; i++)
		assert_int_equal(got[i].packet_id, want[i]);
	assert_int_equal(dqueue_count(&q), 0);
	dqueue_free(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offer_and_settle),
		cmocka_unit_test(test_retry_first),
		cmocka_unit_test(test_bad_settles),
		cmocka_unit_test(test_drain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
