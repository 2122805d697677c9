// SPDX-License-Identifier: MIT
/* The retransmitted-SYN table: hits within the window, misses outside it
 * or on another ISN, and bounded memory with counted evictions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "retx.h"

#define S 1000000000ull

static struct synsink_event ev(uint16_t sport, uint32_t seq, int v6)
{
	struct synsink_event e;

	memset(&e, 0, sizeof(e));
	e.family = v6 ? AF_INET6 : AF_INET;
	e.saddr[0] = v6 ? 0xfd : 198;
	e.daddr[0] = v6 ? 0xfd : 198;
	e.daddr[15] = 2;
	e.sport = sport;
	e.dport = 22;
	e.seq = seq;
	return e;
}

static void test_window(void **state)
{
	struct retx_table t;
	struct synsink_event a = ev(40000, 7, 0), b = ev(40000, 8, 0), c = ev(40000, 7, 1);

	(void)state;
	assert_int_equal(retx_init(&t, 1024, 3 * S), 0);
	assert_false(retx_check(&t, &a, 10 * S));
	assert_true(retx_check(&t, &a, 11 * S));  /* Linux retries after 1 s */
	assert_true(retx_check(&t, &a, 13 * S));  /* and after 2 s more */
	assert_false(retx_check(&t, &b, 13 * S)); /* another ISN: a new attempt */
	assert_false(retx_check(&t, &c, 13 * S)); /* another family */
	assert_false(retx_check(&t, &a, 20 * S)); /* outside the window */
	assert_true(retx_check(&t, &a, 21 * S));
	assert_int_equal(t.evictions, 0);
	retx_free(&t);
}

static void test_bounded(void **state)
{
	struct retx_table t;
	struct synsink_event e[9];
	int i;

	(void)state;
	assert_int_equal(retx_init(&t, 7, S), -22);
	assert_int_equal(retx_init(&t, 8, 10 * S), 0); /* every probe sees every slot */
	for (i = 0; i < 9; i++) {
		e[i] = ev((uint16_t)(1000 + i), (uint32_t)i, 0);
		assert_false(retx_check(&t, &e[i], (uint64_t)(i + 1) * S));
	}
	assert_int_equal(t.evictions, 1);	     /* the ninth pushed out the oldest */
	assert_false(retx_check(&t, &e[0], 10 * S)); /* forgotten ... */
	assert_int_equal(t.evictions, 2);	     /* ... and it pushed out e[1] */
	assert_true(retx_check(&t, &e[8], 10 * S));  /* the newest is remembered */
	retx_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
