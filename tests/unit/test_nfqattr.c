// SPDX-License-Identifier: MIT
/* NFQA_TIMESTAMP at the 4-byte alignment netlink gives it: read without a
 * misaligned access (the ASan/UBSan build aborts on one). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "nfqattr.h"

/* be64 sec = 1700000000, be64 usec = 123456, starting at offset off. */
static void put_ts(uint8_t *buf, size_t off)
{
	uint64_t sec = htobe64(1700000000ull), usec = htobe64(123456ull);

	memcpy(buf + off, &sec, 8);
	memcpy(buf + off + 8, &usec, 8);
}

static void test_timestamp_misaligned(void **state)
{
	_Alignas(8) uint8_t buf[32];
	size_t off;

	(void)state;
	for (off = 0; off < 8; off += 4) { /* aligned, then as netlink has it */
		put_ts(buf, off);
		assert_int_equal(nfq_timestamp_ns(buf + off, 16),
				 1700000000ull * 1000000000ull + 123456000ull);
	}
}

static void test_timestamp_short(void **state)
{
	uint8_t buf[16] = { 1 };

	(void)state;
	assert_int_equal(nfq_timestamp_ns(buf, 15), 0);
	assert_int_equal(nfq_timestamp_ns(NULL, 16), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timestamp_misaligned),
		cmocka_unit_test(test_timestamp_short),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
