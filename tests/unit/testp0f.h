/* SPDX-License-Identifier: MIT */
/* testp0f.h - Debian's p0f database, loaded once for a group of tests
 * (cmocka group setup and teardown). */
#ifndef SYNSINK_TESTP0F_H
#define SYNSINK_TESTP0F_H

#include "p0fdb.h"

static struct p0f_db db;

static int load(void **state)
{
	char err[256];

	(void)state;
	if (p0f_db_load(&db, P0F_DB_DEFAULT, err, sizeof(err)))
		fail_msg("%s (Debian's p0f package provides it)", err);
	return 0;
}

static int unload(void **state)
{
	(void)state;
	p0f_db_free(&db);
	return 0;
}

#endif
