// SPDX-License-Identifier: MIT
/* A sink that stops consuming, or is slow: every write() holds the sink
 * thread for hold_ms, and event_us more per event, before taking the
 * batch.  For the fault tests only. */
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include <synsink/plugin.h>

static const struct synsink_option opts[] = {
	{ .name = "hold_ms",
	  .type = SYNSINK_OPT_UINT,
	  .def = "2000",
	  .min = 0,
	  .max = 60000,
	  .help = "how long each write blocks" },
	{ .name = "event_us",
	  .type = SYNSINK_OPT_UINT,
	  .def = "0",
	  .min = 0,
	  .max = 1000000,
	  .help = "and this much longer per event" },
};

struct block {
	unsigned long long ms, event_us;
	atomic_ullong taken; /* stats() reads it from any thread */
};

static int block_open(void **st, const struct synsink_value *v, const struct synsink_host *h)
{
	struct block *b = calloc(1, sizeof(*b));

	(void)h;
	if (!b)
		return -12;
	b->ms = v[0].num;
	b->event_us = v[1].num;
	*st = b;
	return 0;
}

static int block_write(void *st, const struct synsink_event *ev, size_t n, uint64_t seq)
{
	struct block *b = st;
	unsigned long long us = b->ms * 1000 + b->event_us * n;
	struct timespec ts = { (time_t)(us / 1000000), (long)(us % 1000000) * 1000 };

	(void)ev;
	(void)seq;
	nanosleep(&ts, NULL); /* the point of this plugin */
	b->taken += n;
	return SYNSINK_OK;
}

static int block_flush(void *st, int timeout_ms)
{
	(void)st;
	(void)timeout_ms;
	return 0;
}

static void block_close(void *st)
{
	free(st);
}

static void block_stats(void *st, synsink_emit_fn emit, void *arg)
{
	emit(arg, "taken", ((struct block *)st)->taken);
}

static const struct synsink_plugin desc = {
	SYNSINK_PLUGIN_INIT,
	.name = "block",
	.description = "test sink: blocks in every write",
	.options = opts,
	.n_options = 2,
	.open = block_open,
	.write = block_write,
	.flush = block_flush,
	.close = block_close,
	.stats = block_stats,
};

SYNSINK_PLUGIN_DEFINE(desc)
