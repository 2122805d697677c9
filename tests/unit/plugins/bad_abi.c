// SPDX-License-Identifier: MIT
/* Claims ABI 99: the loader must stop at the version, reading nothing else. */
#include "common.h"

static const struct synsink_plugin desc = {
	.abi_version = 99,
	.struct_size = sizeof(struct synsink_plugin),
	.ptr_size = sizeof(void *),
	.event_size = sizeof(struct synsink_event),
	.name = "bad_abi",
	TP_FUNCS,
};

SYNSINK_PLUGIN_DEFINE(desc)
