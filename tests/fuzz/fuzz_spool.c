// SPDX-License-Identifier: MIT
/*
 * fuzz_spool.c - libFuzzer target: any bytes as a spool segment left by a
 * previous run (after a crash, a bad disk, or someone's editor), read back
 * by the spool's own reader from a real directory.  Half the inputs get a
 * valid segment header in front, so the record parser is reached.  The
 * sanitizers catch bad reads; the checks catch a reader that returns more
 * events than the bytes can hold, or leaves the segment behind.  The
 * reader's warnings go to stderr: run it with -close_fd_mask=2.
 */
#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spool.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];

static void empty_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		abort();
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
}

static void remove_dir(void)
{
	empty_dir();
	rmdir(dir);
}

static void write_file(const char *name, const void *a, size_t alen, const void *b, size_t blen)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, a, alen) != (ssize_t)alen || write(fd, b, blen) != (ssize_t)blen)
		abort();
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct synsink_event out[64];
	uint8_t hdr[SPOOL_HDR_LEN] = "SYNSPOOL";
	uint32_t ver = 1, esz = sizeof(struct synsink_event);
	unsigned long long got = 0;
	uint64_t seq = 0;
	struct spool sp;
	char err[512];
	size_t k;

	if (!dir[0]) {
		const char *tmp = getenv("TMPDIR");

		snprintf(dir, sizeof(dir), "%s/synsink-fuzz-spool.XXXXXX", tmp ? tmp : "/tmp");
		if (!mkdtemp(dir))
			abort();
		atexit(remove_dir);
	}
	empty_dir();
	memcpy(hdr + 8, &ver, 4);
	memcpy(hdr + 12, &esz, 4);
	if (size && (data[0] & 1))
		write_file("0000000100000000.seg", hdr, sizeof(hdr), data + 1, size - 1);
	else
		write_file("0000000100000000.seg", "", 0, data, size);
	if (spool_open(&sp, dir, SPOOL_DEFAULT_MAX, geteuid(), getegid(), err, sizeof(err)))
		abort();
	while ((k = spool_read(&sp, out, 64, seq)) > 0) {
		got += k;
		seq += k;
	}
	if (got * SPOOL_REC_LEN > size || !spool_empty(&sp))
		abort();
	spool_settled(&sp, seq);
	spool_close(&sp);
	return 0;
}
