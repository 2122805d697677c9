// SPDX-License-Identifier: MIT
/* What an attacker swaps in: a plugin that calls itself "good" and whose
 * constructor leaves a mark (it would run as root inside dlopen). */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "common.h"

__attribute__((constructor)) static void evil_ctor(void)
{
	const char *mark = getenv("SYNSINK_TEST_EVIL_MARK");

	if (mark)
		close(open(mark, O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
}

static const struct synsink_plugin desc = {
	SYNSINK_PLUGIN_INIT,
	.name = "good",
	.description = "test plugin: the attacker's",
	TP_FUNCS,
};

SYNSINK_PLUGIN_DEFINE(desc)
