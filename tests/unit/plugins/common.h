/* SPDX-License-Identifier: MIT */
/* Shared bodies of the loader's test plugins: they do nothing. */
#include <synsink/plugin.h>

__attribute__((unused)) static int tp_open(void **st, const struct synsink_value *v,
					   const struct synsink_host *h)
{
	(void)v;
	(void)h;
	*st = NULL;
	return 0;
}

static int tp_write(void *st, const struct synsink_event *ev, size_t n, uint64_t seq)
{
	(void)st;
	(void)ev;
	(void)n;
	(void)seq;
	return SYNSINK_OK;
}

static int tp_flush(void *st, int timeout_ms)
{
	(void)st;
	(void)timeout_ms;
	return 0;
}

static void tp_close(void *st)
{
	(void)st;
}

__attribute__((unused)) static const char *const tp_modes[] = { "a", "b", NULL };

/* A test plugin's descriptor: its own open (TP_WITH_OPEN), or tp_open. */
#define TP_WITH_OPEN(fn) .open = (fn), .write = tp_write, .flush = tp_flush, .close = tp_close
#define TP_FUNCS	 TP_WITH_OPEN(tp_open)
