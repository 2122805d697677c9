/* SPDX-License-Identifier: MIT */
/* util.h - small helpers shared by the core. */
#ifndef SYNSINK_UTIL_H
#define SYNSINK_UTIL_H

#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Parses a whole decimal string (no sign, no spaces) within [min, max].
 * Returns 0, or -EINVAL / -ERANGE with *out untouched. */
int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
/* The same with an optional K, M, G or T suffix (powers of 1024). */
int parse_size(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* One multiply-xorshift round: folds the 64-bit word v into the hash h.
 * The tables' hash (retx.c, sigcache.c), a word at a time. */
static inline uint64_t mix64(uint64_t h, uint64_t v)
{
	h = (h ^ v) * 0x9e3779b97f4a7c15ull;
	return h ^ (h >> 29);
}

uint64_t clock_mono_ns(void);
uint64_t clock_real_ns(void);

/* Names the calling thread (printf's format), cut to the kernel's 15
 * characters, so top -H, ps -L and perf tell the threads apart. */
__attribute__((format(printf, 1, 2))) void thread_name(const char *fmt, ...);

#endif
