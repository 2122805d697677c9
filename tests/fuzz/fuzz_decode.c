// SPDX-License-Identifier: MIT
/*
 * fuzz_decode.c - libFuzzer target: any bytes through the decoder, and
 * every event it accepts through both formatters.  The sanitizers catch
 * out-of-bounds reads; check_line() catches a formatter that cannot fit an
 * event in SYNSINK_LINE_MAX or writes past what it reports.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A line must be whole: reported length, NUL after it, newline last. */
static void check_line(const char *line, size_t n)
{
	if (n == 0 || n != strlen(line) || line[n - 1] != '\n')
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct synsink_event ev;
	char line[SYNSINK_LINE_MAX];
	size_t n;

	memset(&ev, 0, sizeof(ev));
	if (syn_decode(data, size, &ev) != SYN_OK)
		return 0;
	/* Let the metadata vary with the input too. */
	if (size >= 16)
		memcpy(ev.indev_name, data + size - 16, 16);
	ev.indev = size & 0xff;
	ev.ts_ns = (uint64_t)size * 1000003u;
	n = syn_format_text(&ev, line, sizeof(line));
	check_line(line, n);
	n = syn_format_json(&ev, line, sizeof(line));
	check_line(line, n);
	return 0;
}
