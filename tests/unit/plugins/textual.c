// SPDX-License-Identifier: MIT
/* A third party's plugin that may write text: SYNSINK_PLUGIN_TEXT, and
 * its own option, not named "format", says which.  The core tells it
 * about fields= (SYNSINK_HOST_FIELDS); it refuses fields= for text, and
 * for JSON refuses to open when the core failed to tell it. */
#include <errno.h>
#include <stddef.h>

#include "common.h"

static const char *const styles[] = { "plain", "json", "json_expect_fields", NULL };

static const struct synsink_option options[] = {
	{ "style", SYNSINK_OPT_ENUM, "plain", "plain text or JSON", styles, 0, 0 },
};

static int tx_open(void **st, const struct synsink_value *v, const struct synsink_host *h)
{
	int fields = SYNSINK_HOST_HAS(h, flags) && (h->flags & SYNSINK_HOST_FIELDS);

	*st = NULL;
	if (v[0].num == 0 && fields) {
		h->log(h, SYNSINK_LOG_ERR, "style=plain writes no JSON keys");
		return -EINVAL;
	}
	if (v[0].num == 2 && !fields) {
		h->log(h, SYNSINK_LOG_ERR, "fields= given, and the core did not say so");
		return -EIO;
	}
	return 0;
}

static const struct synsink_plugin desc = {
	SYNSINK_PLUGIN_INIT,
	.name = "textual",
	.description = "test plugin: text or JSON, by an option of its own",
	.options = options,
	.n_options = 1,
	TP_WITH_OPEN(tx_open),
	.flags = SYNSINK_PLUGIN_TEXT,
};

SYNSINK_PLUGIN_DEFINE(desc)
