/* SPDX-License-Identifier: MIT */
/* counter.h - a counter one thread writes and any thread reads. */
#ifndef SYNSINK_COUNTER_H
#define SYNSINK_COUNTER_H

#include <stdatomic.h>

/* Single-writer add: no locked read-modify-write needed. */
static inline void stat_add(atomic_ullong *c, unsigned long long n)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n,
			      memory_order_relaxed);
}

static inline unsigned long long stat_get(const atomic_ullong *c)
{
	return atomic_load_explicit((atomic_ullong *)c, memory_order_relaxed);
}

#endif
