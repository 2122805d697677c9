// SPDX-License-Identifier: MIT
/* A plugin whose open() fails for a reason of its own while a thread of
 * "its library" logs errors too, before and after that reason: the core
 * must report open()'s own first error, and nothing else. */
#include <errno.h>
#include <pthread.h>

#include "common.h"

static void *library_thread(void *arg)
{
	const struct synsink_host *h = arg;

	h->log(h, SYNSINK_LOG_ERR, "library thread: connection refused");
	return NULL;
}

static int tl_open(void **st, const struct synsink_value *v, const struct synsink_host *h)
{
	pthread_t t;

	(void)v;
	*st = NULL;
	if (pthread_create(&t, NULL, library_thread, (void *)h))
		return -EAGAIN;
	pthread_join(t, NULL);
	h->log(h, SYNSINK_LOG_ERR, "the real reason: topic refused");
	h->log(h, SYNSINK_LOG_ERR, "a second line of open's own");
	if (pthread_create(&t, NULL, library_thread, (void *)h))
		return -EAGAIN;
	pthread_join(t, NULL);
	return -EIO;
}

static const struct synsink_plugin desc = {
	SYNSINK_PLUGIN_INIT,
	.name = "thread_log",
	.description = "test plugin: open fails while another thread logs",
	TP_WITH_OPEN(tl_open),
};

SYNSINK_PLUGIN_DEFINE(desc)
