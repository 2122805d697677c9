/* SPDX-License-Identifier: MIT */
/*
 * fmtpick.h - the formatter a format=json|text option picks, for the
 * plugins that may write text (SYNSINK_PLUGIN_TEXT): fields= selects JSON
 * keys, so an instance that writes text refuses it.
 */
#ifndef SYNSINK_FMTPICK_H
#define SYNSINK_FMTPICK_H

#include <stdbool.h>
#include <stddef.h>

#include <synsink/plugin.h>

typedef size_t (*fmt_fn)(const struct synsink_host *h, const struct synsink_event *ev, char *buf,
			 size_t len);

/* host->format_json, or host->format_text; NULL (after one line saying
 * why: open() then returns -EINVAL) for text when fields= is given. */
static inline fmt_fn fmt_pick(const struct synsink_host *h, bool json)
{
	if (json)
		return h->format_json;
	if (h->flags & SYNSINK_HOST_FIELDS) {
		h->log(h, SYNSINK_LOG_ERR,
		       "option 'fields' selects JSON keys, and this sink writes text (format=json)");
		return NULL;
	}
	return h->format_text;
}

#endif
