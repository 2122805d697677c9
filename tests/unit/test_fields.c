// SPDX-License-Identifier: MIT
/* test_fields.c - the JSON keys' table against the schema, fields= lists,
 * and the JSON object with a selection of keys. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fields.h"
#include "format.h"
#include "owner.h"
#include "testev.h"

/* The table is the schema's properties, in its order: one list of keys,
 * which fields= and the formatter share, held to the one the consumers
 * read. */
static void test_names_are_the_schemas(void **state)
{
	FILE *f = fopen(SYNSINK_SCHEMA, "r");
	char line[512], name[64];
	bool in = false;
	size_t n = 0;

	(void)state;
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		/* "properties": { ... }, each one a line of four spaces, "name": { */
		if (!strcmp(line, "  \"properties\": {\n"))
			in = true;
		else if (!strncmp(line, "  }", 3))
			in = false;
		if (!in || sscanf(line, "    \"%63[a-z_]\": {", name) != 1 || line[4] != '"')
			continue;
		assert_true(n < SF_N);
		assert_string_equal(name, syn_field_names[n]);
		n++;
	}
	fclose(f);
	assert_int_equal(n, SF_N);
}

/* The features syn_fields_parse is told are on. */
static unsigned int feats;

static uint64_t parse_ok(const char *list)
{
	char err[256] = "";
	uint64_t m = 0;

	assert_int_equal(syn_fields_parse(list, feats, &m, err, sizeof(err)), 0);
	return m;
}

static void refused(const char *list, const char *what)
{
	char err[256] = "";
	uint64_t m = 42;

	assert_int_equal(syn_fields_parse(list, feats, &m, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, what));
	assert_int_equal(m, 42); /* untouched */
}

static void test_parse(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("src"), SF_BIT(SF_SRC));
	assert_int_equal(parse_ok("dport,src,ts"),
			 SF_BIT(SF_SRC) | SF_BIT(SF_DPORT) | SF_BIT(SF_TS));
	assert_int_equal(parse_ok("host,v"), SF_BIT(SF_V) | SF_BIT(SF_HOST));
	refused("sourceip", "'sourceip' is not a key of the JSON event");
	refused("src,src", "'src' given twice");
	refused("", "an empty key");
	refused("src,", "an empty key");
	refused(",src", "an empty key");
	refused("src,,dst", "an empty key");
	refused("Src", "is not a key");
	refused("sr", "is not a key");
	refused("srcx", "is not a key");
}

static void test_parse_needs_the_feature(void **state)
{
	char err[256];

	(void)state;
	feats = syn_format_features();
	assert_int_equal(feats, 0);
	refused("src,os", "'os' needs a p0f database (--p0f-db)");
	refused("uid", "'uid' needs --owner");
	refused("pid", "'pid' needs --owner=full");
	assert_int_equal(owner_open(OWNER_SOCKET, err, sizeof(err)), 0);
	feats = syn_format_features();
	assert_int_equal(feats, SF_FEAT_OWNER);
	assert_int_equal(parse_ok("uid,secctx"), SF_BIT(SF_UID) | SF_BIT(SF_SECCTX));
	refused("exe", "'exe' needs --owner=full");
	owner_close();
	feats = SF_FEAT_P0F | SF_FEAT_OWNER | SF_FEAT_OWNER_FULL;
	assert_int_equal(parse_ok("os,exe"), SF_BIT(SF_OS) | SF_BIT(SF_EXE));
	feats = 0;
}

static size_t sel(const struct synsink_event *ev, char *buf, size_t len, const char *list)
{
	return syn_format_json_sel(ev, buf, len, parse_ok(list));
}

static void test_selection(void **state)
{
	struct synsink_event ev = test_event(AF_INET, "198.18.0.1", "198.18.0.2");
	char full[SYNSINK_LINE_MAX], buf[SYNSINK_LINE_MAX];

	(void)state;
	ev.mss = 1460;
	ev.opt_present = SYNSINK_HAS_MSS;
	/* In the schema's order whatever the list's; only those keys. */
	assert_true(sel(&ev, buf, sizeof(buf), "dport,dst,src") > 0);
	assert_string_equal(buf, "{\"src\":\"198.18.0.1\",\"dst\":\"198.18.0.2\",\"dport\":22}\n");
	assert_true(sel(&ev, buf, sizeof(buf), "mss") > 0);
	assert_string_equal(buf, "{\"mss\":1460}\n");
	/* A key the event does not have stays out, as in the full object:
	 * here none is left. */
	ev.opt_present = 0;
	assert_true(sel(&ev, buf, sizeof(buf), "mss,wscale") > 0);
	assert_string_equal(buf, "{}\n");
	assert_true(sel(&ev, buf, sizeof(buf), "flowlabel,ip_id") > 0);
	assert_string_equal(buf, "{\"ip_id\":0}\n");
	/* Every key: the full object, byte for byte. */
	assert_int_equal(syn_format_json_sel(&ev, buf, sizeof(buf), SF_ALL),
			 syn_format_json(&ev, full, sizeof(full)));
	assert_string_equal(buf, full);
	assert_memory_equal(buf, "{\"v\":1,", 7);
	/* Bounded as ever: too small is 0, never a torn line. */
	assert_int_equal(sel(&ev, buf, 10, "src,dst"), 0);
	assert_int_equal(sel(&ev, buf, 3, "mss"), 0);
	assert_int_equal(sel(&ev, buf, 4, "mss"), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_are_the_schemas),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_needs_the_feature),
		cmocka_unit_test(test_selection),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
