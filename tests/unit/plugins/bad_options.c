// SPDX-License-Identifier: MIT
/* An enum option without choices: the table itself is malformed. */
#include "common.h"

static const struct synsink_option opts[] = {
	{ .name = "mode", .type = SYNSINK_OPT_ENUM, .def = "a", .help = "broken" },
};

static const struct synsink_plugin desc = {
	SYNSINK_PLUGIN_INIT, .name = "bad_options", .options = opts, .n_options = 1, TP_FUNCS,
};

SYNSINK_PLUGIN_DEFINE(desc)
