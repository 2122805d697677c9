// SPDX-License-Identifier: MIT
/* The right ABI number on a smaller descriptor (built from a mangled
 * header): refused before any field past the layout is read. */
#include "common.h"

static const struct synsink_plugin desc = {
	.abi_version = SYNSINK_PLUGIN_ABI,
	.struct_size = 64,
	.ptr_size = sizeof(void *),
	.event_size = sizeof(struct synsink_event),
	.name = "bad_layout",
	TP_FUNCS,
};

SYNSINK_PLUGIN_DEFINE(desc)
