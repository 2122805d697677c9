// SPDX-License-Identifier: MIT
/* A plugin built for ABI 1 (write without a sequence number, no settle):
 * refused with the version it has and the one needed. */
#include "common.h"

static const struct synsink_plugin desc = {
	.abi_version = 1,
	.struct_size = sizeof(struct synsink_plugin),
	.ptr_size = sizeof(void *),
	.event_size = sizeof(struct synsink_event),
	.name = "abi1",
	TP_FUNCS,
};

SYNSINK_PLUGIN_DEFINE(desc)
