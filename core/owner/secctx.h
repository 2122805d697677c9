/* SPDX-License-Identifier: MIT */
/*
 * secctx.h - security contexts (NFQA_SECCTX) by number.  An event carries
 * the number (synsink_event.secctx), not the string: a host has a handful
 * of distinct contexts, and the event stays fixed-size.  The numbers are
 * this run's: an event replayed from the spool after a restart has lost
 * its context (written as null, counted as secctx_lost).
 */
#ifndef SYNSINK_SECCTX_H
#define SYNSINK_SECCTX_H

#include <stddef.h>
#include <stdint.h>

#define SECCTX_MAX_LEN 255 /* longer contexts are refused (0) */
#define SECCTX_SLOTS   256 /* distinct contexts per run */

/* The number of context s (len bytes, a trailing NUL allowed), taking a
 * new one if needed; 0 when s is empty, too long or the table is full
 * (secctx_dropped counts those).  Any thread. */
uint16_t secctx_id(const char *s, size_t len);
/* The context numbered id, or NULL.  Any thread, lock-free. */
const char *secctx_name(uint16_t id);
/* Contexts that could not be numbered. */
unsigned long long secctx_dropped(void);

#endif
