// SPDX-License-Identifier: MIT
/* secctx.c - the security context table (see secctx.h).  Entries are only
 * ever added: a writer fills one under the lock, then publishes the count
 * (release); readers look only below the count (acquire). */
#include "secctx.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

static char names[SECCTX_SLOTS][SECCTX_MAX_LEN + 1];
static atomic_size_t n_names; /* slots 1 .. n_names-1 are in use */
static atomic_ullong dropped;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* A published slot holding s, or 0. */
static uint16_t find(const char *s, size_t len, size_t n)
{
	size_t i;

	for (i = 1; i < n; i++)
		if (!strncmp(names[i], s, len) && !names[i][len])
			return (uint16_t)i;
	return 0;
}

uint16_t secctx_id(const char *s, size_t len)
{
	size_t n;
	uint16_t id;

	while (len && !s[len - 1])
		len--;
	if (!len || len > SECCTX_MAX_LEN || memchr(s, 0, len)) {
		atomic_fetch_add_explicit(&dropped, 1, memory_order_relaxed);
		return 0;
	}
	id = find(s, len, atomic_load_explicit(&n_names, memory_order_acquire));
	if (id)
		return id;
	pthread_mutex_lock(&lock);
	n = atomic_load_explicit(&n_names, memory_order_relaxed);
	if (!n)
		n = 1; /* 0 means none */
	id = find(s, len, n);
	if (!id && n < SECCTX_SLOTS) {
		memcpy(names[n], s, len);
		names[n][len] = 0;
		id = (uint16_t)n;
		atomic_store_explicit(&n_names, n + 1, memory_order_release);
	}
	pthread_mutex_unlock(&lock);
	if (!id)
		atomic_fetch_add_explicit(&dropped, 1, memory_order_relaxed);
	return id;
}

const char *secctx_name(uint16_t id)
{
	if (!id || id >= atomic_load_explicit(&n_names, memory_order_acquire))
		return NULL;
	return names[id];
}

unsigned long long secctx_dropped(void)
{
	return atomic_load_explicit(&dropped, memory_order_relaxed);
}
