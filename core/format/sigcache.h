/* SPDX-License-Identifier: MIT */
/*
 * sigcache.h - a SYN's p0f signature (the event's "fp") and the label
 * p0f's database gives it, remembered per thread by the fields they are
 * computed from.  A flood, a scan or a busy server sends few distinct
 * signatures; computing both anew for every SYN was a third of the JSON
 * formatter's time (bench/README.md, round two).
 *
 * Each thread has its own small direct-mapped table: no locks, and an
 * entry lives until a SYN of another signature lands on its slot.
 */
#ifndef SYNSINK_SIGCACHE_H
#define SYNSINK_SIGCACHE_H

#include <stddef.h>

#include <synsink/event.h>

#include "fingerprint.h"
#include "p0fdb.h"

struct syn_sig {
	char fp[SYN_FP_MAX];	       /* syn_fingerprint()'s text, NUL-terminated */
	size_t fp_len;		       /* 0: it did not fit (never for a decoded SYN) */
	const struct p0f_label *label; /* p0f_db_match()'s answer, with db */
	enum p0f_how how;
};

/* ev's signature, and with db (else label NULL, how P0F_NONE) its label.
 * Valid in the calling thread until its next call. */
const struct syn_sig *syn_sig_of(const struct synsink_event *ev, const struct p0f_db *db);

/* Forgets every thread's entries: call when the database changes. */
void syn_sig_forget(void);

#endif
