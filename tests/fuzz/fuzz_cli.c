// SPDX-License-Identifier: MIT
/*
 * fuzz_cli.c - libFuzzer target for the command line and sink options:
 * the input, split at NUL bytes, is argv; every --sink it accepts is then
 * parsed against an option table with every option type.  Any input must
 * end in success or one error line, never a crash.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "options.h"
#include "sinkspec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What synsink would print for err: it must be exactly one line. */
static void check_one_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void check_one_line(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = log_vformat(line, sizeof(line), NULL, fmt, ap);
	va_end(ap);
	if (n < 1 || line[n - 1] != '\n' || memchr(line, '\n', n - 1))
		abort();
}

static const char *const choices[] = { "a", "bb", NULL };
static const struct synsink_option opts[] = {
	{ .name = "s", .type = SYNSINK_OPT_STRING, .def = "x" },
	{ .name = "n", .type = SYNSINK_OPT_UINT, .def = "3", .min = 1, .max = 1000 },
	{ .name = "b", .type = SYNSINK_OPT_BOOL, .def = "no" },
	{ .name = "e", .type = SYNSINK_OPT_ENUM, .def = "a", .choices = choices },
	{ .name = "lib.", .type = SYNSINK_OPT_PREFIX },
};
static const struct synsink_plugin plug = {
	SYNSINK_PLUGIN_INIT,
	.name = "t",
	.options = opts,
	.n_options = 5,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[34], *buf, err[512];
	struct cli_config cfg;
	int argc = 1;
	size_t i, start = 0;

	if (size > 4096)
		return 0;
	buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[0] = "synsink";
	for (i = 0; i <= size && argc < 33; i++) {
		if (i == size || buf[i] == '\0') {
			buf[i] = '\0';
			argv[argc++] = buf + start;
			start = i + 1;
		}
	}
	argv[argc] = NULL;
	if (cli_parse(argc, argv, &cfg, err, sizeof(err)) == 0) {
		for (i = 0; i < cfg.n_sinks; i++) {
			struct synsink_value vals[5];
			struct synsink_kv kv[SINKSPEC_MAX_KV];
			struct sink_spec spec;

			if (sinkspec_parse(cfg.sinks[i], &spec, err, sizeof(err))) {
				check_one_line("%s", err);
				continue;
			}
			if (option_values_parse(&plug, &spec, vals, kv, err, sizeof(err)))
				check_one_line("%s", err);
			sinkspec_free(&spec);
		}
	} else {
		check_one_line("%s", err);
	}
	free(buf);
	return 0;
}
