// SPDX-License-Identifier: MIT
/* Its descriptor names another plugin than its file. */
#include "common.h"

static const struct synsink_plugin desc = {
	SYNSINK_PLUGIN_INIT,
	.name = "someone_else",
	TP_FUNCS,
};

SYNSINK_PLUGIN_DEFINE(desc)
