// SPDX-License-Identifier: MIT
#include "common.h"

static const struct synsink_option opts[] = {
	{ .name = "mode",
	  .type = SYNSINK_OPT_ENUM,
	  .def = "a",
	  .choices = tp_modes,
	  .help = "a or b" },
	{ .name = "count",
	  .type = SYNSINK_OPT_UINT,
	  .def = "5",
	  .min = 1,
	  .max = 10,
	  .help = "a number" },
	{ .name = "on", .type = SYNSINK_OPT_BOOL, .def = "false", .help = "a flag" },
	{ .name = "label", .type = SYNSINK_OPT_STRING, .help = "no default" },
};

static const struct synsink_plugin desc = {
	SYNSINK_PLUGIN_INIT, .name = "good", .description = "a valid test plugin",
	.options = opts,     .n_options = 4, TP_FUNCS,
};

SYNSINK_PLUGIN_DEFINE(desc)
