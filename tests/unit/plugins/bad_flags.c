// SPDX-License-Identifier: MIT
/* Sets a flag this synsink does not know: refused. */
#include "common.h"

static const struct synsink_plugin desc = {
	SYNSINK_PLUGIN_INIT,
	.name = "bad_flags",
	TP_FUNCS,
	.flags = 1u << 31,
};

SYNSINK_PLUGIN_DEFINE(desc)
