// SPDX-License-Identifier: MIT
/*
 * cli.c - parsing the command line, with one clear line per mistake.
 *
 * Every flag is one row of flags[]: its names, the kind of value, range,
 * default and help.  The row drives getopt, --help, the defaults, which
 * keys a --config file may set, and (through --help) the docs check:
 * adding a flag is one edit here and one in the docs.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <string.h>

#include "capture.h"
#include "ebpfprog.h"
#include "format.h"
#include "log.h"
#include "owner.h"
#include "util.h"

enum flag_kind {
	F_BOOL,	     /* no value: sets the bool at off */
	F_STR,	     /* a string, at off */
	F_U32,	     /* a number in [min, max] (a power of two if pow2), at off */
	F_QUEUES,    /* N or N-M */
	F_SOURCE,    /* nfqueue:N|N-M, nflog:N|N-M or ebpf:IFACE[,IFACE...] */
	F_SINK,	     /* one more sink (the first on a line replaces earlier ones) */
	F_DEDUP,     /* --dedup SEC: the retx window, and drop instead of mark */
	F_SENSOR,    /* a sensor name (format.h) */
	F_LOG_LEVEL, /* a level name (log.h), as its SYNSINK_LOG_* at off; def is the default */
	F_OWNER,     /* an optional level (owner.h), as its enum owner_level at off */
	F_HOOKS,     /* in, out or both, as EBPF_HOOK_* at off; def is the default */
};

struct flag {
	const char *name;
	int short_name; /* 0: none */
	enum flag_kind kind;
	size_t off;		/* F_BOOL, F_STR, F_U32: the field in struct cli_config */
	uint32_t min, max, def; /* F_U32: the range, and the default shown in --help */
	bool pow2;
	bool file;	  /* a --config file may set it */
	const char *arg;  /* the value's name in --help */
	const char *help; /* --help's text; " (default N)" is added for F_U32 */
};

#define CF(field) offsetof(struct cli_config, field)

static const struct flag flags[] = {
	{ "queue", 'q', F_QUEUES, 0, 0, 0, DEFAULT_QUEUE, false, true, "N|N-M",
	  "queue number, or a range with one thread per queue (default 1; pair a range with --queue-balance N:M)" },
	{ "source", 0, F_SOURCE, 0, 0, 0, 0, false, true, "KIND:WHAT",
	  "where SYNs come from: nfqueue:N|N-M (as --queue: held until synsink's verdict), nflog:GROUP|N-M (nftables 'log group', iptables NFLOG: a copy, nothing waits) or ebpf:IFACE[,IFACE...] (a tc program on each interface, no rule at all)" },
	{ "nflog-batch", 0, F_U32, CF(nflog_batch), 1, 65536, NFLOG_DEFAULT_QTHRESH, false, true,
	  "N", "with nflog: the kernel sends its packets in batches of up to N" },
	{ "nflog-timeout", 0, F_U32, CF(nflog_timeout), 10, 60000, NFLOG_DEFAULT_TIMEOUT_CS * 10,
	  false, true, "MS", "with nflog: or once the oldest waited MS (in steps of 10)" },
	{ "nflog-rcvbuf", 0, F_U32, CF(nflog_rcvbuf), 0, 1u << 30, DEFAULT_NFLOG_RCVBUF, false,
	  true, "BYTES", "with nflog: the receive buffer; 0 sizes it for a burst (8 MiB)" },
	{ "ebpf-dir", 0, F_HOOKS, CF(ebpf_dirs), 0, 0, EBPF_HOOK_BOTH, false, true, "in|out|both",
	  "with ebpf: the SYNs an interface receives, sends, or both (default both)" },
	{ "ebpf-ring", 0, F_U32, CF(ebpf_ring), EBPF_RING_MIN, 1u << 30, EBPF_RING_DEFAULT, true,
	  true, "BYTES",
	  "with ebpf: the ring buffer, a power of two; a SYN it has no room for is counted lost" },
	{ "sink", 's', F_SINK, 0, 0, 0, 0, false, false, "SPEC",
	  "add a sink: NAME or NAME:key=value,key=value (repeatable; default: stdout)" },
	{ "list-sinks", 0, F_BOOL, CF(list_sinks), 0, 0, 0, false, false, NULL,
	  "list the sink plugins found and their options" },
	{ "plugin-dir", 0, F_STR, CF(plugin_dir), 0, 0, 0, false, true, "DIR",
	  "where sink plugins are (absolute; default: beside the executable, or $SYNSINK_PLUGIN_DIR)" },
	{ "stats-interval", 0, F_U32, CF(stats_interval), 0, 86400, 0, false, true, "SEC",
	  "print counters as a JSON line on stderr every SEC seconds; 0: only on SIGUSR1 and at exit" },
	{ "queue-maxlen", 0, F_U32, CF(queue_maxlen), 1, 1u << 24, DEFAULT_QUEUE_MAXLEN, false,
	  true, "N", "kernel queue length" },
	{ "ring-size", 0, F_U32, CF(ring_size), 2, 1u << 24, DEFAULT_RING_SIZE, true, true, "N",
	  "events buffered per queue and sink, a power of two" },
	{ "flush-timeout", 0, F_U32, CF(flush_timeout_ms), 0, 600000, DEFAULT_FLUSH_MS, false, true,
	  "MS",
	  "how long the sinks may take to drain and deliver at exit; what is left goes to a sink's spool, and a sink still busy then is given up on" },
	{ "retx-window", 0, F_U32, CF(retx_window), 1, 3600, DEFAULT_RETX_WINDOW, false, true,
	  "SEC", "a SYN seen again (same 4-tuple and ISN) within SEC seconds is marked retx" },
	{ "dedup", 0, F_DEDUP, CF(retx_window), 1, 3600, 0, false, true, "SEC",
	  "drop such retransmitted SYNs instead, counting them" },
	{ "retx-table", 0, F_U32, CF(retx_table), 8, 1u << 24, DEFAULT_RETX_TABLE, true, true, "N",
	  "SYNs remembered per queue, a power of two; past that the oldest is evicted and counted" },
	{ "user", 0, F_STR, CF(user), 0, 0, 0, false, true, "NAME",
	  "after binding the queues and opening the sinks, run as NAME, keeping only CAP_NET_ADMIN" },
	{ "group", 0, F_STR, CF(group), 0, 0, 0, false, true, "NAME",
	  "with --user: this group (default: NAME's own)" },
	{ "metrics", 0, F_STR, CF(metrics), 0, 0, 0, false, true, "ADDR:PORT",
	  "serve the counters and the verdict-latency histogram in Prometheus format at /metrics" },
	{ "sensor", 0, F_SENSOR, CF(sensor), 0, 0, 0, false, true, "NAME",
	  "this sensor's name in every event (\"host\"), the syslog HOSTNAME and a Kafka header (default: the host name)" },
	{ "p0f-db", 0, F_STR, CF(p0f_db), 0, 0, 0, false, true, "FILE|none",
	  "label each JSON event with the OS p0f's signature file gives its SYN (default: /etc/p0f/p0f.fp if it exists)" },
	{ "owner", 0, F_OWNER, CF(owner), 0, 0, 0, false, true, "[=full|proc]",
	  "report who sent each SYN this host sends (needs the OUTPUT rule): uid, gid, user and security context; =full adds pid, comm, exe, cgroup, unit and container (through the connect hook where it loads, else sock_diag and /proc; =proc: those alone), and keeps CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH after --user" },
	{ "log-level", 0, F_LOG_LEVEL, CF(log_level), 0, 0, SYNSINK_LOG_INFO, false, true, "LEVEL",
	  "write messages up to LEVEL: err, warning, info or debug (default info); counters are not messages" },
	{ "config", 0, F_STR, CF(config), 0, 0, 0, false, false, "FILE",
	  "read these settings, and sinks as [sink NAME] sections, from FILE; flags given override it" },
	{ "check-config", 0, F_BOOL, CF(check_config), 0, 0, 0, false, false, NULL,
	  "check the settings and every sink's options (plugins loaded, secrets files read) without opening anything; exit 0 or 64" },
	{ "help", 'h', F_BOOL, CF(help), 0, 0, 0, false, false, NULL, "this text" },
	{ "version", 'V', F_BOOL, CF(version), 0, 0, 0, false, false, NULL, "the version" },
};

#define N_FLAGS	   ARRAY_SIZE(flags)
#define HELP_COL   27 /* where help text starts */
#define HELP_WIDTH 79

/* Writes text word-wrapped from column col (the cursor is at col now). */
static void wrap(FILE *out, const char *text, size_t col)
{
	size_t at = col;

	while (*text) {
		size_t w = strcspn(text, " ");

		if (at > col && at + 1 + w > HELP_WIDTH) {
			fprintf(out, "\n%*s", (int)col, "");
			at = col;
		} else if (at > col) {
			fputc(' ', out);
			at++;
		}
		fprintf(out, "%.*s", (int)w, text);
		at += w;
		text += w;
		while (*text == ' ')
			text++;
	}
	fputc('\n', out);
}

/* Whether a reload applies flag f's new value. */
static bool reloadable(const struct flag *f)
{
	return f->kind == F_SINK || f->off == CF(flush_timeout_ms) || !f->file;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool same_value(const struct flag *f, const struct cli_config *a, const struct cli_config *b)
{
	const void *x = (const char *)a + f->off, *y = (const char *)b + f->off;

	switch (f->kind) {
	case F_QUEUES:
		return a->queue_lo == b->queue_lo && a->queue_hi == b->queue_hi;
	case F_SOURCE:
		return a->source == b->source && same_str(a->ebpf_ifaces, b->ebpf_ifaces);
	case F_DEDUP: /* its window is retx-window's */
		return a->dedup == b->dedup;
	case F_STR:
	case F_SENSOR:
		return same_str(*(const char *const *)x, *(const char *const *)y);
	case F_U32:
		return *(const uint32_t *)x == *(const uint32_t *)y;
	case F_BOOL:
		return *(const bool *)x == *(const bool *)y;
	case F_LOG_LEVEL:
	case F_OWNER:
	case F_HOOKS:
		return *(const int *)x == *(const int *)y;
	case F_SINK:
		break;
	}
	return true;
}

int cli_fixed_diff(const struct cli_config *a, const struct cli_config *b, char *out, size_t outlen)
{
	size_t i, at = 0;
	int n = 0;

	if (outlen)
		out[0] = '\0';
	for (i = 0; i < N_FLAGS; i++) {
		const struct flag *f = &flags[i];

		if (reloadable(f) || same_value(f, a, b))
			continue;
		if (at < outlen)
			at += (size_t)snprintf(out + at, outlen - at, "%s--%s", n ? ", " : "",
					       f->name);
		n++;
	}
	return n;
}

void cli_usage(FILE *out)
{
	size_t i;

	fputs("Usage: synsink [-q|--queue N|N-M] [-s|--sink NAME[:key=value,...]]... [options]\n"
	      "\n"
	      "Reads TCP SYNs from NFQUEUE, accepts each at once, and writes one event per\n"
	      "new connection to every sink.\n\n",
	      out);
	for (i = 0; i < N_FLAGS; i++) {
		const struct flag *f = &flags[i];
		char head[64], help[512];
		int n;

		n = snprintf(head, sizeof(head), "  %c%c%s --%s%s%s", f->short_name ? '-' : ' ',
			     f->short_name ? f->short_name : ' ', f->short_name ? "," : " ",
			     f->name, f->arg && f->kind != F_OWNER ? " " : "",
			     f->arg ? f->arg : "");
		if (f->kind == F_U32)
			snprintf(help, sizeof(help), "%s (default %u)", f->help, f->def);
		else
			snprintf(help, sizeof(help), "%s", f->help);
		if (n >= HELP_COL)
			fprintf(out, "%s\n%*s", head, HELP_COL, "");
		else
			fprintf(out, "%-*s", HELP_COL, head);
		wrap(out, help, HELP_COL);
	}
	fputs("\nExit status: 0 after SIGTERM/SIGINT, 64 for a bad command line, 1 when a\n"
	      "queue or a sink cannot start.\n",
	      out);
}

/* Parses "N" or "N-M" (0-65535, N <= M, at most CLI_MAX_QUEUES) for
 * flag.  Returns 0 or -EINVAL with err. */
static int cli_parse_queues(const char *flag, const char *s, uint16_t *lo, uint16_t *hi, char *err,
			    size_t errlen)
{
	const char *dash = strchr(s, '-');
	char first[16];
	uint64_t a, b;
	size_t n;

	n = dash ? (size_t)(dash - s) : strlen(s);
	if (n == 0 || n >= sizeof(first))
		goto bad;
	memcpy(first, s, n);
	first[n] = '\0';
	if (parse_u64(first, 0, UINT64_MAX, &a))
		goto bad;
	b = a;
	if (dash && parse_u64(dash + 1, 0, UINT64_MAX, &b))
		goto bad;
	if (a > 65535 || b > 65535) {
		snprintf(err, errlen, "%s: '%s' is outside 0-65535", flag, s);
		return -EINVAL;
	}
	if (b < a) {
		snprintf(err, errlen, "%s: range '%s' is reversed", flag, s);
		return -EINVAL;
	}
	if (b - a + 1 > CLI_MAX_QUEUES) {
		snprintf(err, errlen, "%s: '%s' is more than %d queues", flag, s, CLI_MAX_QUEUES);
		return -EINVAL;
	}
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
bad:
	snprintf(err, errlen, "%s: '%s' is not a number N or a range N-M", flag, s);
	return -EINVAL;
}

/* --source KIND:N|N-M, or ebpf:IFACE[,IFACE...]. */
static int cli_parse_source(const char *s, struct cli_config *cfg, char *err, size_t errlen)
{
	static const struct {
		const char *prefix;
		int kind;
	} kinds[] = { { "nfqueue:", CAPTURE_NFQUEUE }, { "nflog:", CAPTURE_NFLOG } };
	size_t i;

	if (!strncmp(s, "ebpf:", 5)) {
		if (ebpf_ifaces_parse(s + 5, NULL, EBPF_IFACES_MAX, err, errlen) < 0)
			return -EINVAL;
		cfg->source = CAPTURE_EBPF;
		cfg->ebpf_ifaces = s + 5;
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		size_t n = strlen(kinds[i].prefix);

		if (!strncmp(s, kinds[i].prefix, n)) {
			if (cli_parse_queues("--source", s + n, &cfg->queue_lo, &cfg->queue_hi, err,
					     errlen))
				return -EINVAL;
			cfg->source = kinds[i].kind;
			cfg->ebpf_ifaces = NULL;
			return 0;
		}
	}
	snprintf(err, errlen,
		 "--source: '%s' is not nfqueue:N|N-M, nflog:N|N-M or ebpf:IFACE[,IFACE...]", s);
	return -EINVAL;
}

static int parse_u32_opt(const char *flag, const char *s, uint64_t min, uint64_t max, uint32_t *out,
			 char *err, size_t errlen)
{
	uint64_t v;

	if (parse_u64(s, min, max, &v)) {
		snprintf(err, errlen, "%s: '%s' is not a number in %llu-%llu", flag, s,
			 (unsigned long long)min, (unsigned long long)max);
		return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

void cli_defaults(struct cli_config *cfg)
{
	size_t i;

	memset(cfg, 0, sizeof(*cfg));
	cfg->queue_lo = cfg->queue_hi = DEFAULT_QUEUE;
	for (i = 0; i < N_FLAGS; i++)
		if (flags[i].kind == F_U32)
			*(uint32_t *)((char *)cfg + flags[i].off) = flags[i].def;
		else if (flags[i].kind == F_LOG_LEVEL || flags[i].kind == F_HOOKS)
			*(int *)((char *)cfg + flags[i].off) = (int)flags[i].def;
}

bool cli_file_key(const char *name)
{
	size_t i;

	for (i = 0; i < N_FLAGS; i++)
		if (!strcmp(flags[i].name, name))
			return flags[i].file;
	return false;
}

int cli_parse(int argc, char **argv, struct cli_config *cfg, char *err, size_t errlen)
{
	int ret;

	cli_defaults(cfg);
	ret = cli_apply(argc, argv, cfg, err, errlen);
	if (!ret && !cfg->config) /* else once the file is in too */
		ret = cli_check(cfg, err, errlen);
	return ret;
}

int cli_check(const struct cli_config *cfg, char *err, size_t errlen)
{
	if (cfg->group && !cfg->user) {
		snprintf(err, errlen, "--group needs --user");
		return -EINVAL;
	}
	if (cfg->source == CAPTURE_EBPF && cfg->owner == OWNER_PROC) {
		snprintf(
			err, errlen,
			"--owner=proc: with --source ebpf the owner comes from the connect hook alone");
		return -EINVAL;
	}
	if (cfg->source == CAPTURE_EBPF && cfg->owner != OWNER_OFF &&
	    cfg->ebpf_dirs == EBPF_HOOK_IN) {
		snprintf(
			err, errlen,
			"--owner with --ebpf-dir in: the owner is put in a SYN as it leaves (--ebpf-dir out or both)");
		return -EINVAL;
	}
	return 0;
}

/* One flag's value into cfg.  *own_sinks counts this line's --sink. */
static int apply_flag(const struct flag *f, const char *arg, struct cli_config *cfg, int *own_sinks,
		      char *err, size_t errlen)
{
	char flag[40];
	void *field = (char *)cfg + f->off;
	int ret;

	snprintf(flag, sizeof(flag), "--%s", f->name);
	switch (f->kind) {
	case F_BOOL:
		*(bool *)field = true;
		return 0;
	case F_STR:
		*(const char **)field = arg;
		return 0;
	case F_QUEUES:
		cfg->source = CAPTURE_NFQUEUE;
		cfg->ebpf_ifaces = NULL;
		return cli_parse_queues(flag, arg, &cfg->queue_lo, &cfg->queue_hi, err, errlen);
	case F_SOURCE:
		return cli_parse_source(arg, cfg, err, errlen);
	case F_SINK:
		if (!(*own_sinks)++)
			cfg->n_sinks = 0; /* these replace earlier ones */
		if (cfg->n_sinks == CLI_MAX_SINKS) {
			snprintf(err, errlen, "--sink: more than %d sinks", CLI_MAX_SINKS);
			return -EINVAL;
		}
		cfg->sinks[cfg->n_sinks++] = arg;
		return 0;
	case F_SENSOR:
		if (!syn_sensor_valid(arg)) {
			snprintf(
				err, errlen,
				"--sensor: '%s' is not 1-%d printable ASCII characters without space, quote or backslash",
				arg, SYN_SENSOR_MAX);
			return -EINVAL;
		}
		*(const char **)field = arg;
		return 0;
	case F_LOG_LEVEL:
		ret = log_level_parse(arg);
		if (ret < 0) {
			snprintf(err, errlen, "%s: '%s' is not err, warning, info or debug", flag,
				 arg);
			return -EINVAL;
		}
		*(int *)field = ret;
		return 0;
	case F_OWNER:
		ret = owner_level_parse(arg);
		if (ret < 0) {
			snprintf(err, errlen, "%s: '%s' is not socket, full or proc", flag, arg);
			return -EINVAL;
		}
		*(int *)field = ret;
		return 0;
	case F_HOOKS:
		if (!strcmp(arg, "in"))
			*(int *)field = EBPF_HOOK_IN;
		else if (!strcmp(arg, "out"))
			*(int *)field = EBPF_HOOK_OUT;
		else if (!strcmp(arg, "both"))
			*(int *)field = EBPF_HOOK_BOTH;
		else {
			snprintf(err, errlen, "%s: '%s' is not in, out or both", flag, arg);
			return -EINVAL;
		}
		return 0;
	case F_DEDUP: /* the window it drops within */
		cfg->dedup = true;
		return parse_u32_opt(flag, arg, f->min, f->max, field, err, errlen);
	case F_U32:
		ret = parse_u32_opt(flag, arg, f->min, f->max, field, err, errlen);
		if (!ret && f->pow2 && (*(uint32_t *)field & (*(uint32_t *)field - 1))) {
			snprintf(err, errlen, "%s: %u is not a power of two", flag,
				 *(uint32_t *)field);
			ret = -EINVAL;
		}
		return ret;
	}
	return -EINVAL;
}

int cli_apply(int argc, char **argv, struct cli_config *cfg, char *err, size_t errlen)
{
	struct option longs[N_FLAGS + 1];
	char shorts[2 + 3 * N_FLAGS + 1];
	size_t i, ns = 0;
	int c, idx, ret = 0, own_sinks = 0;

	memset(longs, 0, sizeof(longs));
	shorts[ns++] = ':'; /* a missing value is ':', not '?' */
	for (i = 0; i < N_FLAGS; i++) {
		int has = flags[i].kind == F_BOOL    ? no_argument
			  : flags[i].kind == F_OWNER ? optional_argument
						     : required_argument;

		longs[i].name = flags[i].name;
		longs[i].has_arg = has;
		longs[i].val = 256 + (int)i;
		if (flags[i].short_name) {
			shorts[ns++] = (char)flags[i].short_name;
			if (has == required_argument)
				shorts[ns++] = ':';
		}
	}
	shorts[ns] = '\0';

	cfg->err_index = 0;
	optind = 0; /* full reset, so tests may call us repeatedly */
	opterr = 0;
	while (!ret && (c = getopt_long(argc, argv, shorts, longs, &idx)) != -1) {
		const struct flag *f = NULL;

		if (c >= 256 && c < 256 + (int)N_FLAGS) {
			f = &flags[c - 256];
		} else {
			for (i = 0; i < N_FLAGS; i++)
				if (c == flags[i].short_name)
					f = &flags[i];
		}
		if (f) {
			ret = apply_flag(f, optarg, cfg, &own_sinks, err, errlen);
		} else if (c == ':') {
			snprintf(err, errlen, "option '%s' needs a value", argv[optind - 1]);
			ret = -EINVAL;
		} else {
			snprintf(err, errlen, "unknown option '%s' (see --help)", argv[optind - 1]);
			ret = -EINVAL;
		}
	}
	if (ret)
		cfg->err_index = optind - 1;
	if (!ret && optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s' (see --help)", argv[optind]);
		ret = -EINVAL;
	}
	return ret;
}
