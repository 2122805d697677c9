/* SPDX-License-Identifier: MIT */
/*
 * testhost.h - the fake plugin host of the unit tests that drive a plugin,
 * or the plugins' common code, without the core.  It records every settle
 * (per event, and call by call), fails the test on an event settled again
 * after a final outcome (the host's rule: only SYNSINK_REQUEUE gives one
 * back), keeps the last log line, and has a clock the test sets.  A test
 * that needs more (the core's formatters, the real clock) copies
 * testhost_host() and sets those.  Include after cmocka.h.
 */
#ifndef SYNSINK_TESTHOST_H
#define SYNSINK_TESTHOST_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <synsink/plugin.h>

#define TESTHOST_MAX_SEQ 4096
#define TESTHOST_CALLS	 16

static struct {
	enum synsink_outcome outcome[TESTHOST_MAX_SEQ]; /* the last one */
	unsigned char times[TESTHOST_MAX_SEQ];		/* settles of each event */
	unsigned long long by_outcome[3];
	struct {
		uint64_t seq;
		size_t n;
		enum synsink_outcome o;
	} calls[TESTHOST_CALLS]; /* the first ones, call by call */
	size_t n_calls;
	uint64_t taken; /* when set: no event at or past it was taken */
	char last_log[256];
	int n_logs;
	uint64_t now; /* what now_ns says */
} th;

static inline void testhost_reset(void)
{
	memset(&th, 0, sizeof(th));
}

static void testhost_settle(const struct synsink_host *h, uint64_t seq, size_t n,
			    enum synsink_outcome o)
{
	size_t i;

	(void)h;
	for (i = 0; i < n; i++) {
		uint64_t s = seq + i;

		assert_true(s < TESTHOST_MAX_SEQ);
		if (th.taken && s >= th.taken)
			fail_msg("event %llu settled, never taken", (unsigned long long)s);
		if (th.times[s] && th.outcome[s] != SYNSINK_REQUEUE)
			fail_msg("event %llu settled again", (unsigned long long)s);
		th.outcome[s] = o;
		th.times[s]++;
	}
	th.by_outcome[o] += n;
	if (th.n_calls < TESTHOST_CALLS) {
		th.calls[th.n_calls].seq = seq;
		th.calls[th.n_calls].n = n;
		th.calls[th.n_calls].o = o;
	}
	th.n_calls++;
}

__attribute__((format(printf, 3, 4))) static void testhost_log(const struct synsink_host *h,
							       int level, const char *fmt, ...)
{
	va_list ap;

	(void)h;
	va_start(ap, fmt);
	vsnprintf(th.last_log, sizeof(th.last_log), fmt, ap);
	va_end(ap);
	th.n_logs++;
	fprintf(stderr, "testhost: <%d> %s\n", level, th.last_log);
}

static uint64_t testhost_now(void)
{
	return th.now;
}

static inline struct synsink_host testhost_host(void)
{
	return (struct synsink_host){
		.struct_size = sizeof(struct synsink_host),
		.log = testhost_log,
		.settle = testhost_settle,
		.now_ns = testhost_now,
	};
}

#endif
