// SPDX-License-Identifier: MIT
/* A shared object without the entry point. */
__attribute__((visibility("default"))) int not_a_plugin(void);
int not_a_plugin(void)
{
	return 0;
}
