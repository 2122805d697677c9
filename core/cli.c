// SPDX-License-Identifier: MIT
/* cli.c - parsing the command line, with one clear line per mistake. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "format.h"
#include "util.h"

enum {
	OPT_PLUGIN_DIR = 256,
	OPT_LIST_SINKS,
	OPT_STATS_INTERVAL,
	OPT_QUEUE_MAXLEN,
	OPT_RING_SIZE,
	OPT_FLUSH_TIMEOUT,
	OPT_RETX_WINDOW,
	OPT_RETX_TABLE,
	OPT_DEDUP,
	OPT_USER,
	OPT_GROUP,
	OPT_CONFIG,
	OPT_METRICS,
	OPT_SENSOR,
};

static const struct option long_opts[] = {
	{ "queue",		required_argument, NULL, 'q' },
	{ "sink",		required_argument, NULL, 's' },
	{ "plugin-dir",		required_argument, NULL, OPT_PLUGIN_DIR },
	{ "list-sinks",		no_argument,	   NULL, OPT_LIST_SINKS },
	{ "stats-interval",	required_argument, NULL, OPT_STATS_INTERVAL },
	{ "queue-maxlen",	required_argument, NULL, OPT_QUEUE_MAXLEN },
	{ "ring-size",		required_argument, NULL, OPT_RING_SIZE },
	{ "flush-timeout",	required_argument, NULL, OPT_FLUSH_TIMEOUT },
	{ "retx-window",	required_argument, NULL, OPT_RETX_WINDOW },
	{ "retx-table",		required_argument, NULL, OPT_RETX_TABLE },
	{ "dedup",		required_argument, NULL, OPT_DEDUP },
	{ "user",		required_argument, NULL, OPT_USER },
	{ "group",		required_argument, NULL, OPT_GROUP },
	{ "config",		required_argument, NULL, OPT_CONFIG },
	{ "metrics",		required_argument, NULL, OPT_METRICS },
	{ "sensor",		required_argument, NULL, OPT_SENSOR },
	{ "help",		no_argument,	   NULL, 'h' },
	{ "version",		no_argument,	   NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

void cli_usage(FILE *out)
{
	fputs(
"Usage: synsink [-q|--queue N|N-M] [-s|--sink NAME[:key=value,...]]... [options]\n"
"\n"
"Reads TCP SYNs from NFQUEUE, accepts each at once, and writes one event per\n"
"new connection to every sink.\n"
"\n"
"  -q, --queue N|N-M        queue number, or a range with one thread per queue\n"
"                           (default 1; pair a range with --queue-balance N:M)\n"
"  -s, --sink SPEC          add a sink: NAME or NAME:key=value,key=value\n"
"                           (repeatable; default: stdout)\n"
"      --list-sinks         list the sink plugins found and their options\n"
"      --plugin-dir DIR     where sink plugins are (absolute; default: beside\n"
"                           the executable, or $SYNSINK_PLUGIN_DIR)\n"
"      --stats-interval SEC print counters as a JSON line on stderr every SEC\n"
"                           seconds (0: only on SIGUSR1 and at exit; default 0)\n"
"      --queue-maxlen N     kernel queue length (default 16384)\n"
"      --ring-size N        events buffered per queue and sink, a power of two\n"
"                           (default 8192)\n"
"      --flush-timeout MS   how long the sinks may take to drain and flush at exit;\n"
"                           a sink still busy then is given up on (default 5000)\n"
"      --retx-window SEC    a SYN seen again (same 4-tuple and ISN) within SEC\n"
"                           seconds is marked retx (default 10)\n"
"      --dedup SEC          drop such retransmitted SYNs instead, counting them\n"
"      --retx-table N       SYNs remembered per queue, a power of two (default\n"
"                           65536; the oldest is evicted and counted past that)\n"
"      --user NAME          after binding the queues and opening the sinks,\n"
"                           run as NAME, keeping only CAP_NET_ADMIN\n"
"      --group NAME         with --user: this group (default: NAME's own)\n"
"      --metrics ADDR:PORT  serve the counters and the verdict-latency\n"
"                           histogram in Prometheus format at /metrics\n"
"      --sensor NAME        this sensor's name in every event (\"host\"), the\n"
"                           syslog HOSTNAME and a Kafka header (default: the\n"
"                           host name)\n"
"      --config FILE        read these settings, and sinks as [sink NAME]\n"
"                           sections, from FILE; flags given override it\n"
"  -h, --help               this text\n"
"  -V, --version            the version\n"
"\n"
"Exit status: 0 after SIGTERM/SIGINT, 64 for a bad command line, 1 when a\n"
"queue or a sink cannot start.\n", out);
}

int cli_parse_queues(const char *s, uint16_t *lo, uint16_t *hi, char *err,
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
		snprintf(err, errlen, "--queue: '%s' is outside 0-65535", s);
		return -EINVAL;
	}
	if (b < a) {
		snprintf(err, errlen, "--queue: range '%s' is reversed", s);
		return -EINVAL;
	}
	if (b - a + 1 > CLI_MAX_QUEUES) {
		snprintf(err, errlen, "--queue: '%s' is more than %d queues", s,
			 CLI_MAX_QUEUES);
		return -EINVAL;
	}
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
bad:
	snprintf(err, errlen, "--queue: '%s' is not a number N or a range N-M", s);
	return -EINVAL;
}

static int parse_u32_opt(const char *flag, const char *s, uint64_t min,
			 uint64_t max, uint32_t *out, char *err, size_t errlen)
{
	uint64_t v;

	if (parse_u64(s, min, max, &v)) {
		snprintf(err, errlen, "%s: '%s' is not a number in %llu-%llu",
			 flag, s, (unsigned long long)min, (unsigned long long)max);
		return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

void cli_defaults(struct cli_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->queue_lo = cfg->queue_hi = DEFAULT_QUEUE;
	cfg->queue_maxlen = DEFAULT_QUEUE_MAXLEN;
	cfg->ring_size = DEFAULT_RING_SIZE;
	cfg->flush_timeout_ms = DEFAULT_FLUSH_MS;
	cfg->retx_window = DEFAULT_RETX_WINDOW;
	cfg->retx_table = DEFAULT_RETX_TABLE;
}

bool cli_file_key(const char *name)
{
	const struct option *o;

	for (o = long_opts; o->name; o++)
		if (!strcmp(o->name, name))
			return o->has_arg == required_argument &&
			       strcmp(name, "sink") && strcmp(name, "config");
	return false;
}

int cli_parse(int argc, char **argv, struct cli_config *cfg, char *err, size_t errlen)
{
	int ret;

	cli_defaults(cfg);
	ret = cli_apply(argc, argv, cfg, err, errlen);
	if (!ret && !cfg->config)	/* else once the file is in too */
		ret = cli_check(cfg, err, errlen);
	return ret;
}

int cli_check(const struct cli_config *cfg, char *err, size_t errlen)
{
	if (cfg->group && !cfg->user) {
		snprintf(err, errlen, "--group needs --user");
		return -EINVAL;
	}
	return 0;
}

int cli_apply(int argc, char **argv, struct cli_config *cfg, char *err, size_t errlen)
{
	int c, ret = 0, own_sinks = 0;

	cfg->err_index = 0;
	optind = 0;	/* full reset, so tests may call us repeatedly */
	opterr = 0;
	while (!ret && (c = getopt_long(argc, argv, ":q:s:hV", long_opts, NULL)) != -1) {
		switch (c) {
		case 'q':
			ret = cli_parse_queues(optarg, &cfg->queue_lo,
					       &cfg->queue_hi, err, errlen);
			break;
		case 's':
			if (!own_sinks++)
				cfg->n_sinks = 0;	/* these replace earlier ones */
			if (cfg->n_sinks == CLI_MAX_SINKS) {
				snprintf(err, errlen, "--sink: more than %d sinks",
					 CLI_MAX_SINKS);
				ret = -EINVAL;
				break;
			}
			cfg->sinks[cfg->n_sinks++] = optarg;
			break;
		case OPT_PLUGIN_DIR:
			cfg->plugin_dir = optarg;
			break;
		case OPT_LIST_SINKS:
			cfg->list_sinks = true;
			break;
		case OPT_STATS_INTERVAL:
			ret = parse_u32_opt("--stats-interval", optarg, 0, 86400,
					    &cfg->stats_interval, err, errlen);
			break;
		case OPT_QUEUE_MAXLEN:
			ret = parse_u32_opt("--queue-maxlen", optarg, 1, 1u << 24,
					    &cfg->queue_maxlen, err, errlen);
			break;
		case OPT_RING_SIZE:
			ret = parse_u32_opt("--ring-size", optarg, 2, 1u << 24,
					    &cfg->ring_size, err, errlen);
			if (!ret && (cfg->ring_size & (cfg->ring_size - 1))) {
				snprintf(err, errlen,
					 "--ring-size: %u is not a power of two",
					 cfg->ring_size);
				ret = -EINVAL;
			}
			break;
		case OPT_FLUSH_TIMEOUT:
			ret = parse_u32_opt("--flush-timeout", optarg, 0, 600000,
					    &cfg->flush_timeout_ms, err, errlen);
			break;
		case OPT_RETX_WINDOW:
		case OPT_DEDUP:
			ret = parse_u32_opt(c == OPT_DEDUP ? "--dedup" : "--retx-window",
					    optarg, 1, 3600, &cfg->retx_window, err, errlen);
			if (c == OPT_DEDUP)
				cfg->dedup = true;
			break;
		case OPT_RETX_TABLE:
			ret = parse_u32_opt("--retx-table", optarg, 8, 1u << 24,
					    &cfg->retx_table, err, errlen);
			if (!ret && (cfg->retx_table & (cfg->retx_table - 1))) {
				snprintf(err, errlen,
					 "--retx-table: %u is not a power of two",
					 cfg->retx_table);
				ret = -EINVAL;
			}
			break;
		case OPT_USER:
			cfg->user = optarg;
			break;
		case OPT_GROUP:
			cfg->group = optarg;
			break;
		case OPT_CONFIG:
			cfg->config = optarg;
			break;
		case OPT_METRICS:
			cfg->metrics = optarg;
			break;
		case OPT_SENSOR:
			if (!syn_sensor_valid(optarg)) {
				snprintf(err, errlen,
					 "--sensor: '%s' is not 1-%d printable ASCII characters without space, quote or backslash",
					 optarg, SYN_SENSOR_MAX);
				ret = -EINVAL;
				break;
			}
			cfg->sensor = optarg;
			break;
		case 'h':
			cfg->help = true;
			break;
		case 'V':
			cfg->version = true;
			break;
		case ':':
			snprintf(err, errlen, "option '%s' needs a value",
				 argv[optind - 1]);
			ret = -EINVAL;
			break;
		default:
			snprintf(err, errlen, "unknown option '%s' (see --help)",
				 argv[optind - 1]);
			ret = -EINVAL;
			break;
		}
	}
	if (ret)
		cfg->err_index = optind - 1;
	if (!ret && optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s' (see --help)",
			 argv[optind]);
		ret = -EINVAL;
	}
	return ret;
}
