// SPDX-License-Identifier: MIT
/* Sets a reserved field: a plugin for some later ABI, refused. */
#include "common.h"

static const struct synsink_plugin desc = {
	SYNSINK_PLUGIN_INIT,
	.name = "reserved",
	TP_FUNCS,
	.reserved = { NULL, (void *)1 },
};

SYNSINK_PLUGIN_DEFINE(desc)
