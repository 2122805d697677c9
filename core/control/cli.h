/* SPDX-License-Identifier: MIT */
/* cli.h - the command line.  Pure: parses into struct cli_config. */
#ifndef SYNSINK_CLI_H
#define SYNSINK_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sink.h"

#define CLI_MAX_SINKS  SINK_SET_MAX
#define CLI_MAX_QUEUES 64

struct cli_config {
	int source;			  /* an enum capture_kind: --queue is NFQUEUE's */
	uint16_t queue_lo, queue_hi;	  /* the queues, or the NFLOG groups (not ebpf) */
	const char *sinks[CLI_MAX_SINKS]; /* point into argv */
	size_t n_sinks;
	const char *plugin_dir;
	const char *user, *group; /* --user/--group: drop root after set-up */
	uint32_t stats_interval;  /* seconds, 0: off */
	uint32_t queue_maxlen;
	uint32_t ring_size;
	uint32_t flush_timeout_ms;
	uint32_t retx_window;	 /* seconds a SYN is remembered */
	uint32_t retx_table;	 /* entries per queue */
	uint32_t nflog_batch;	 /* --nflog-batch: packets per kernel batch */
	uint32_t nflog_timeout;	 /* --nflog-timeout: a batch's longest wait, ms */
	uint32_t nflog_rcvbuf;	 /* --nflog-rcvbuf: bytes, 0: sized for a burst */
	const char *ebpf_ifaces; /* --source ebpf:IFACES: the list, else NULL */
	int ebpf_dirs;		 /* --ebpf-dir: EBPF_HOOK_* */
	uint32_t ebpf_ring;	 /* --ebpf-ring: bytes */
	bool dedup;		 /* drop retransmitted SYNs instead of marking */
	bool list_sinks, check_config, help, version;
	const char *config;  /* --config FILE */
	const char *metrics; /* --metrics ADDR:PORT */
	const char *sensor;  /* --sensor NAME (NULL: the host name) */
	int log_level;	     /* --log-level: the SYNSINK_LOG_* threshold */
	const char *p0f_db;  /* --p0f-db FILE|none (NULL: Debian's, if there) */
	int owner;	     /* --owner: an enum owner_level */
	int err_index;	     /* argv index of the argument at fault */
};

#define DEFAULT_QUEUE	     1
#define DEFAULT_QUEUE_MAXLEN 16384
#define DEFAULT_RING_SIZE    8192
#define DEFAULT_FLUSH_MS     5000
#define DEFAULT_RETX_WINDOW  10
#define DEFAULT_RETX_TABLE   65536
#define DEFAULT_NFLOG_RCVBUF 0

/* Fills *cfg from argv (defaults first), and unless --config is given (the
 * file comes in first) runs cli_check.  Returns 0, or -EINVAL with one
 * line in err naming the problem (and cfg->err_index the argument). */
int cli_parse(int argc, char **argv, struct cli_config *cfg, char *err, size_t errlen);
/* The checks across flags, once every source is in (--group needs
 * --user).  Returns 0 or -EINVAL with err. */
int cli_check(const struct cli_config *cfg, char *err, size_t errlen);
/* The same on top of what *cfg holds; --sink here replaces earlier sinks. */
int cli_apply(int argc, char **argv, struct cli_config *cfg, char *err, size_t errlen);
void cli_defaults(struct cli_config *cfg);
/* Whether a config file may set this flag (by its long name). */
bool cli_file_key(const char *name);

/* The flags whose values differ between a and b, as "--source, --user"
 * into out, but for those a reload applies (--sink, --flush-timeout).
 * Returns how many. */
int cli_fixed_diff(const struct cli_config *a, const struct cli_config *b, char *out,
		   size_t outlen);

void cli_usage(FILE *out);

#endif
