// SPDX-License-Identifier: MIT
#include <stdio.h>

#include "syngen.h"

int sg_raw(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "syngen raw: not built yet\n");
	return 2;
}

int sg_odd(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "syngen odd: not built yet\n");
	return 2;
}
