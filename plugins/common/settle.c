// SPDX-License-Identifier: MIT
/* settle.c - outcomes to the core in runs (see settle.h). */
#include "settle.h"

void settle_add(struct settle_run *r, uint64_t seq, enum synsink_outcome outcome)
{
	if (r->n && (outcome != r->outcome || seq != r->first + r->n))
		settle_end(r);
	if (!r->n) {
		r->first = seq;
		r->outcome = outcome;
	}
	r->n++;
}

void settle_end(struct settle_run *r)
{
	if (r->n)
		r->host->settle(r->host, r->first, r->n, r->outcome);
	r->n = 0;
}
