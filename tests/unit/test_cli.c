// SPDX-License-Identifier: MIT
/* The command line and sink specifications: what is accepted, and one
 * clear error for each thing that is not. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "capture.h"
#include "cli.h"
#include "ebpfprog.h"
#include "hostport.h"
#include "log.h"
#include "options.h"
#include "owner.h"
#include "sinkspec.h"

#define ARGV(...)	     ((char *[]){ "synsink", __VA_ARGS__, NULL })
#define ARGC(...)	     ((int)(sizeof((char *[]){ "synsink", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(cfg, err, ...) cli_parse(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), cfg, err, sizeof(err))

static void test_defaults(void **state)
{
	struct cli_config cfg;
	char err[256];
	char *argv[] = { "synsink", NULL };

	(void)state;
	assert_int_equal(cli_parse(1, argv, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.queue_lo, 1);
	assert_int_equal(cfg.queue_hi, 1);
	assert_int_equal(cfg.n_sinks, 0);
	assert_int_equal(cfg.queue_maxlen, DEFAULT_QUEUE_MAXLEN);
	assert_int_equal(cfg.ring_size, DEFAULT_RING_SIZE);
	assert_int_equal(cfg.stats_interval, 0);
	assert_int_equal(cfg.log_level, SYNSINK_LOG_INFO);
}

/* The flag table: defaults, and which keys a --config file may set. */
static void test_flag_table(void **state)
{
	struct cli_config cfg;

	(void)state;
	cli_defaults(&cfg);
	assert_int_equal(cfg.flush_timeout_ms, DEFAULT_FLUSH_MS);
	assert_int_equal(cfg.retx_window, DEFAULT_RETX_WINDOW);
	assert_int_equal(cfg.retx_table, DEFAULT_RETX_TABLE);
	assert_int_equal(cfg.queue_lo, DEFAULT_QUEUE);
	for (const char *const *k =
		     (const char *const[]){ "queue", "ring-size", "user", "metrics", "sensor",
					    "dedup", "flush-timeout", "log-level", NULL };
	     *k; k++)
		assert_true(cli_file_key(*k));
	for (const char *const *k = (const char *const[]){ "sink", "config", "help", "version",
							   "list-sinks", "no-such-flag", NULL };
	     *k; k++)
		assert_false(cli_file_key(*k));
}

/* The one HOST:PORT parser (--metrics, the syslog target). */
static void test_hostport(void **state)
{
	static const char *const bad[] = { "h",	       ":80",	"fd00::1:80", "[fd00::1]80",
					   "[fd00::1", "[]:80", NULL };
	char host[16];
	uint16_t port;
	size_t i;

	(void)state;
	assert_int_equal(hostport_split("127.0.0.1:9464", host, sizeof(host), &port), 0);
	assert_string_equal(host, "127.0.0.1");
	assert_int_equal(port, 9464);
	assert_int_equal(hostport_split("[fd00::1]:1", host, sizeof(host), &port), 0);
	assert_string_equal(host, "fd00::1");
	assert_int_equal(port, 1);
	assert_int_equal(hostport_split("logs.example:65535", host, sizeof(host), &port), 0);
	for (i = 0; bad[i]; i++)
		assert_int_equal(hostport_split(bad[i], host, sizeof(host), &port), -EINVAL);
	assert_int_equal(hostport_split("h:", host, sizeof(host), &port), -ERANGE);
	assert_int_equal(hostport_split("h:0", host, sizeof(host), &port), -ERANGE);
	assert_int_equal(hostport_split("h:65536", host, sizeof(host), &port), -ERANGE);
	assert_int_equal(hostport_split("h:-1", host, sizeof(host), &port), -ERANGE);
	assert_int_equal(hostport_split("h:0x50", host, sizeof(host), &port), -ERANGE);
	assert_int_equal(hostport_split("a-very-long-host-name:80", host, sizeof(host), &port),
			 -EINVAL); /* does not fit */
}

static void test_good_lines(void **state)
{
	struct cli_config cfg;
	char err[256];

	(void)state;
	assert_int_equal(PARSE(&cfg, err, "-q", "0-3", "-s", "stdout:format=json", "--sink",
			       "stdout", "--stats-interval", "5", "--ring-size", "1024",
			       "--queue-maxlen", "4096"),
			 0);
	assert_int_equal(cfg.queue_lo, 0);
	assert_int_equal(cfg.queue_hi, 3);
	assert_int_equal(cfg.n_sinks, 2);
	assert_string_equal(cfg.sinks[0], "stdout:format=json");
	assert_int_equal(cfg.stats_interval, 5);
	assert_int_equal(cfg.ring_size, 1024);
	assert_int_equal(cfg.retx_window, DEFAULT_RETX_WINDOW);
	assert_false(cfg.dedup);
	assert_int_equal(PARSE(&cfg, err, "--dedup", "5", "--retx-table", "1024"), 0);
	assert_true(cfg.dedup);
	assert_int_equal(cfg.retx_window, 5);
	assert_int_equal(cfg.retx_table, 1024);
	assert_int_equal(PARSE(&cfg, err, "--queue=65535"), 0);
	assert_int_equal(cfg.queue_lo, 65535);
	assert_int_equal(PARSE(&cfg, err, "--list-sinks", "--plugin-dir", "/x"), 0);
	assert_true(cfg.list_sinks);
	assert_string_equal(cfg.plugin_dir, "/x");
	assert_int_equal(PARSE(&cfg, err, "--log-level", "warning"), 0);
	assert_int_equal(cfg.log_level, SYNSINK_LOG_WARN);
	assert_int_equal(PARSE(&cfg, err, "--log-level=debug"), 0);
	assert_int_equal(cfg.log_level, SYNSINK_LOG_DEBUG);
	assert_int_equal(cfg.owner, OWNER_OFF);
	assert_int_equal(PARSE(&cfg, err, "--owner"), 0);
	assert_int_equal(cfg.owner, OWNER_SOCKET);
	assert_int_equal(PARSE(&cfg, err, "--owner=full", "-q", "2"), 0);
	assert_int_equal(cfg.owner, OWNER_FULL);
	assert_int_equal(PARSE(&cfg, err, "--owner=socket"), 0);
	assert_int_equal(cfg.owner, OWNER_SOCKET);
	assert_int_equal(PARSE(&cfg, err, "--owner=proc"), 0);
	assert_int_equal(cfg.owner, OWNER_PROC);
	/* --source: nflog groups, nfqueue queues; --queue is nfqueue's */
	assert_int_equal(cfg.source, CAPTURE_NFQUEUE);
	assert_int_equal(PARSE(&cfg, err, "--source", "nflog:5-7", "--nflog-batch", "16",
			       "--nflog-timeout", "50", "--nflog-rcvbuf", "65536"),
			 0);
	assert_int_equal(cfg.source, CAPTURE_NFLOG);
	assert_int_equal(cfg.queue_lo, 5);
	assert_int_equal(cfg.queue_hi, 7);
	assert_int_equal(cfg.nflog_batch, 16);
	assert_int_equal(cfg.nflog_timeout, 50);
	assert_int_equal(cfg.nflog_rcvbuf, 65536);
	assert_int_equal(PARSE(&cfg, err, "--source", "nflog:5", "--queue", "2"), 0);
	assert_int_equal(cfg.source, CAPTURE_NFQUEUE); /* the last one says */
	assert_int_equal(cfg.queue_lo, 2);
	assert_int_equal(PARSE(&cfg, err, "--source=nfqueue:3"), 0);
	assert_int_equal(cfg.source, CAPTURE_NFQUEUE);
	assert_int_equal(cfg.queue_lo, 3);
	assert_int_equal(PARSE(&cfg, err, "--source", "nflog:1"), 0);
	assert_int_equal(cfg.nflog_batch, NFLOG_DEFAULT_QTHRESH);
	assert_int_equal(cfg.nflog_timeout, NFLOG_DEFAULT_TIMEOUT_CS * 10);
	/* --source ebpf: the interfaces, the hooks, the ring */
	assert_null(cfg.ebpf_ifaces);
	assert_int_equal(cfg.ebpf_dirs, EBPF_HOOK_BOTH);
	assert_int_equal(cfg.ebpf_ring, EBPF_RING_DEFAULT);
	assert_int_equal(PARSE(&cfg, err, "--source", "ebpf:eth0,veth-lab1", "--ebpf-dir", "out",
			       "--ebpf-ring", "65536"),
			 0);
	assert_int_equal(cfg.source, CAPTURE_EBPF);
	assert_string_equal(cfg.ebpf_ifaces, "eth0,veth-lab1");
	assert_int_equal(cfg.ebpf_dirs, EBPF_HOOK_OUT);
	assert_int_equal(cfg.ebpf_ring, 65536);
	assert_int_equal(PARSE(&cfg, err, "--source", "ebpf:eth0", "--ebpf-dir=in"), 0);
	assert_int_equal(cfg.ebpf_dirs, EBPF_HOOK_IN);
	assert_int_equal(PARSE(&cfg, err, "--source", "ebpf:eth0", "--queue", "2"), 0);
	assert_int_equal(cfg.source, CAPTURE_NFQUEUE); /* the last one says */
	assert_null(cfg.ebpf_ifaces);
}

static void expect_error(int argc, char **argv, const char *needle)
{
	struct cli_config cfg;
	char err[256] = "";

	assert_int_equal(cli_parse(argc, argv, &cfg, err, sizeof(err)), -22);
	if (!strstr(err, needle))
		fail_msg("error '%s' does not mention '%s'", err, needle);
	assert_null(strchr(err, '\n')); /* one line */
}

#define EXPECT_ERROR(needle, ...) expect_error(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), needle)

static void test_bad_lines(void **state)
{
	(void)state;
	EXPECT_ERROR("outside 0-65535", "--queue", "65536");
	EXPECT_ERROR("outside 0-65535", "--queue", "1-70000");
	EXPECT_ERROR("reversed", "--queue", "5-2");
	EXPECT_ERROR("not a number", "--queue", "abc");
	EXPECT_ERROR("not a number", "--queue", "-1");
	EXPECT_ERROR("not a number", "--queue", "1-");
	EXPECT_ERROR("not a number", "--queue", "");
	EXPECT_ERROR("not a number", "--queue", " 1");
	EXPECT_ERROR("more than 64 queues", "--queue", "0-64");
	EXPECT_ERROR("unknown option '--bogus'", "--bogus");
	EXPECT_ERROR("needs a value", "--queue");
	EXPECT_ERROR("not a number in 0-86400", "--stats-interval", "-1");
	EXPECT_ERROR("not a number in 0-86400", "--stats-interval", "1x");
	EXPECT_ERROR("power of two", "--ring-size", "1000");
	EXPECT_ERROR("--sensor: 'a b' is not 1-255 printable ASCII", "--sensor", "a b");
	EXPECT_ERROR("--sensor: '' is not", "--sensor", "");
	EXPECT_ERROR("unexpected argument 'extra'", "extra");
	EXPECT_ERROR("not a number in 1-16777216", "--queue-maxlen", "0");
	EXPECT_ERROR("--dedup: '0' is not a number in 1-3600", "--dedup", "0");
	EXPECT_ERROR("--retx-window: 'x'", "--retx-window", "x");
	EXPECT_ERROR("--retx-table: 1000 is not a power of two", "--retx-table", "1000");
	EXPECT_ERROR("--group needs --user", "--group", "nogroup");
	EXPECT_ERROR("--owner: 'all' is not socket, full or proc", "--owner=all");
	EXPECT_ERROR("--owner: '' is not socket, full or proc", "--owner=");
	EXPECT_ERROR("unexpected argument 'full'", "--owner", "full"); /* the value takes '=' */
	EXPECT_ERROR("--log-level: 'warn' is not err, warning, info or debug", "--log-level",
		     "warn");
	EXPECT_ERROR(
		"--source: 'ulog:1' is not nfqueue:N|N-M, nflog:N|N-M or ebpf:IFACE[,IFACE...]",
		"--source", "ulog:1");
	EXPECT_ERROR("--source ebpf: '' is not an interface name", "--source", "ebpf:");
	EXPECT_ERROR("--source ebpf: '' is not an interface name", "--source", "ebpf:eth0,");
	EXPECT_ERROR("--source ebpf: 'abcdefghijklmnopq' is not an interface name", "--source",
		     "ebpf:abcdefghijklmnopq");
	EXPECT_ERROR("--source ebpf: more than 16 interfaces", "--source",
		     "ebpf:a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q");
	EXPECT_ERROR("--ebpf-dir: 'up' is not in, out or both", "--ebpf-dir", "up");
	EXPECT_ERROR("--ebpf-ring: 6000 is not a power of two", "--ebpf-ring", "6000");
	EXPECT_ERROR("--ebpf-ring: '1024' is not a number in 4096-", "--ebpf-ring", "1024");
	EXPECT_ERROR("--owner=proc: with --source ebpf the owner comes from the connect hook alone",
		     "--source", "ebpf:eth0", "--owner=proc");
	EXPECT_ERROR("--owner with --ebpf-dir in: the owner is put in a SYN as it leaves",
		     "--source", "ebpf:eth0", "--ebpf-dir", "in", "--owner");
	EXPECT_ERROR("--source: '70000' is outside 0-65535", "--source", "nflog:70000");
	EXPECT_ERROR("--source: '' is not a number", "--source", "nflog:");
	EXPECT_ERROR("--nflog-timeout: '5' is not a number in 10-60000", "--nflog-timeout", "5");
}

static void test_sinkspec(void **state)
{
	struct sink_spec s;
	char err[256];

	(void)state;
	assert_int_equal(sinkspec_parse("stdout", &s, err, sizeof(err)), 0);
	assert_string_equal(s.name, "stdout");
	assert_int_equal(s.n_kv, 0);
	sinkspec_free(&s);

	assert_int_equal(sinkspec_parse("kafka:brokers=a:1,b:2,topic=syn", &s, err, sizeof(err)),
			 0);
	assert_string_equal(s.name, "kafka");
	assert_int_equal(s.n_kv, 2);
	assert_string_equal(s.kv[0].key, "brokers");
	assert_string_equal(s.kv[0].val, "a:1,b:2");
	assert_string_equal(s.kv[1].key, "topic");
	assert_string_equal(s.kv[1].val, "syn");
	sinkspec_free(&s);

	assert_int_equal(sinkspec_parse("x:k=", &s, err, sizeof(err)), 0);
	assert_string_equal(s.kv[0].val, "");
	sinkspec_free(&s);
}

/* ring=N belongs to the core: taken out of the spec, checked, and the size
 * left alone when absent. */
static void test_sinkspec_ring(void **state)
{
	struct sink_spec s;
	struct sink_core_opts o = { .ring = 8192 };
	char err[256];

	(void)state;
	assert_int_equal(sinkspec_parse("kafka:topic=t,ring=65536,key=dst", &s, err, sizeof(err)),
			 0);
	assert_int_equal(sinkspec_take_core(&s, &o, err, sizeof(err)), 0);
	assert_int_equal(o.ring, 65536);
	assert_int_equal(s.n_kv, 2);
	assert_string_equal(s.kv[0].key, "topic");
	assert_string_equal(s.kv[1].key, "key");
	sinkspec_free(&s);

	assert_int_equal(sinkspec_parse("stdout:ring=2", &s, err, sizeof(err)), 0);
	assert_int_equal(sinkspec_take_core(&s, &o, err, sizeof(err)), 0);
	assert_int_equal(o.ring, 2);
	assert_int_equal(s.n_kv, 0);
	sinkspec_free(&s);

	o.ring = 8192;
	assert_int_equal(sinkspec_parse("stdout:format=json", &s, err, sizeof(err)), 0);
	assert_int_equal(sinkspec_take_core(&s, &o, err, sizeof(err)), 0);
	assert_int_equal(o.ring, 8192);
	sinkspec_free(&s);

	for (const char *const *bad =
		     (const char *const[]){ "stdout:ring=1000", "stdout:ring=1",
					    "stdout:ring=33554432", "stdout:ring=x",
					    "stdout:ring=", NULL };
	     *bad; bad++) {
		assert_int_equal(sinkspec_parse(*bad, &s, err, sizeof(err)), 0);
		assert_int_equal(sinkspec_take_core(&s, &o, err, sizeof(err)), -22);
		assert_non_null(strstr(err, "sink stdout: option 'ring'"));
		assert_int_equal(o.ring, 8192);
		sinkspec_free(&s);
	}
}

/* buffer=, spool=, spool_max= are the core's too. */
static void test_sinkspec_core(void **state)
{
	static const struct {
		const char *arg, *needle;
	} bad[] = {
		{ "redis:buffer=0", "option 'buffer': '0'" },
		{ "redis:buffer=100000001", "option 'buffer'" },
		{ "redis:spool=rel/dir", "option 'spool': 'rel/dir' is not an absolute" },
		{ "redis:spool=/s,spool_max=1K", "option 'spool_max': '1K'" },
		{ "redis:spool=/s,spool_max=12Q", "option 'spool_max'" },
		{ "redis:spool_max=1G", "'spool_max' needs spool=DIR" },
	};
	struct sink_core_opts o = { .ring = 8192, .buffer = 7 };
	struct sink_spec s;
	char err[256];
	size_t i;

	(void)state;
	assert_int_equal(sinkspec_parse("redis:key=k,buffer=1000,spool=/var/spool/x,spool_max=512M",
					&s, err, sizeof(err)),
			 0);
	assert_int_equal(sinkspec_take_core(&s, &o, err, sizeof(err)), 0);
	assert_int_equal(o.buffer, 1000);
	assert_string_equal(o.spool, "/var/spool/x");
	assert_int_equal(o.spool_max, 512ull << 20);
	assert_int_equal(s.n_kv, 1);
	assert_string_equal(s.kv[0].key, "key");
	sinkspec_free(&s);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		o = (struct sink_core_opts){ .ring = 8192, .buffer = 7 };
		assert_int_equal(sinkspec_parse(bad[i].arg, &s, err, sizeof(err)), 0);
		assert_int_equal(sinkspec_take_core(&s, &o, err, sizeof(err)), -22);
		if (!strstr(err, bad[i].needle))
			fail_msg("%s: '%s' lacks '%s'", bad[i].arg, err, bad[i].needle);
		assert_int_equal(o.buffer, 7); /* untouched on error */
		sinkspec_free(&s);
	}
}

static void spec_error(const char *arg, const char *needle)
{
	struct sink_spec s;
	char err[256] = "";

	assert_int_equal(sinkspec_parse(arg, &s, err, sizeof(err)), -22);
	if (!strstr(err, needle))
		fail_msg("error '%s' does not mention '%s'", err, needle);
}

static void test_sinkspec_errors(void **state)
{
	(void)state;
	spec_error("stdout:format", "option 'format' needs a value");
	spec_error("Std", "bad sink name");
	spec_error("../x", "bad sink name");
	spec_error("", "bad sink name");
	spec_error("stdout:", "nothing after");
	spec_error("stdout:a=1,,b=2", "empty option");
	spec_error("stdout:=1", "empty option name");
	spec_error("stdout:a=1,a=2", "given twice");
}

static const char *const modes[] = { "text", "json", NULL };
static const struct synsink_option opts[] = {
	{ .name = "format", .type = SYNSINK_OPT_ENUM, .def = "text", .choices = modes },
	{ .name = "n", .type = SYNSINK_OPT_UINT, .def = "3", .min = 1, .max = 9 },
	{ .name = "flag", .type = SYNSINK_OPT_BOOL, .def = "no" },
	{ .name = "name", .type = SYNSINK_OPT_STRING },
};
static const struct synsink_plugin plug = {
	SYNSINK_PLUGIN_INIT,
	.name = "t",
	.options = opts,
	.n_options = 4,
};

static struct synsink_kv kvbuf[SINKSPEC_MAX_KV];

static int values(const char *arg, struct synsink_value *v, char *err, size_t len)
{
	struct sink_spec s;
	int ret;

	assert_int_equal(sinkspec_parse(arg, &s, err, len), 0);
	ret = option_values_parse(&plug, &s, v, kvbuf, err, len);
	if (!ret) {
		/* keep strings valid after the spec is freed */
		static char keep[4][64];
		int i;

		for (i = 0; i < 4; i++) {
			if (v[i].str) {
				strncpy(keep[i], v[i].str, sizeof(keep[i]) - 1);
				v[i].str = keep[i];
			}
		}
	}
	sinkspec_free(&s);
	return ret;
}

static void test_values(void **state)
{
	struct synsink_value v[4];
	char err[256];

	(void)state;
	assert_int_equal(option_table_check(&plug, err, sizeof(err)), 0);
	assert_int_equal(values("t", v, err, sizeof(err)), 0);
	assert_int_equal(v[0].num, 0);
	assert_int_equal(v[1].num, 3);
	assert_int_equal(v[2].num, 0);
	assert_null(v[3].str);
	assert_false(v[0].set);

	assert_int_equal(values("t:format=json,n=9,flag=ON,name=x", v, err, sizeof(err)), 0);
	assert_int_equal(v[0].num, 1);
	assert_true(v[0].set);
	assert_int_equal(v[1].num, 9);
	assert_int_equal(v[2].num, 1);
	assert_string_equal(v[3].str, "x");

	assert_int_equal(values("t:format=xml", v, err, sizeof(err)), -22);
	assert_non_null(strstr(err, "'xml' is not one of text|json"));
	assert_int_equal(values("t:n=10", v, err, sizeof(err)), -22);
	assert_non_null(strstr(err, "not a number in 1-9"));
	assert_int_equal(values("t:n=-1", v, err, sizeof(err)), -22);
	assert_int_equal(values("t:flag=maybe", v, err, sizeof(err)), -22);
	assert_int_equal(values("t:name=", v, err, sizeof(err)), -22);
	assert_int_equal(values("t:colour=red", v, err, sizeof(err)), -22);
	assert_non_null(strstr(err, "unknown option 'colour'"));
}

static void test_table_check(void **state)
{
	static const struct synsink_option dup[] = {
		{ .name = "a", .type = SYNSINK_OPT_STRING },
		{ .name = "a", .type = SYNSINK_OPT_STRING },
	};
	static const struct synsink_option baddef[] = {
		{ .name = "n", .type = SYNSINK_OPT_UINT, .def = "x", .max = 5 },
	};
	struct synsink_plugin p = plug;
	char err[256];

	(void)state;
	p.options = dup;
	p.n_options = 2;
	assert_int_equal(option_table_check(&p, err, sizeof(err)), -22);
	assert_non_null(strstr(err, "declared twice"));
	p.options = baddef;
	p.n_options = 1;
	assert_int_equal(option_table_check(&p, err, sizeof(err)), -22);
	assert_non_null(strstr(err, "bad default"));
	for (const char *const *k =
		     (const char *const[]){ "ring", "buffer", "spool", "spool_max", NULL };
	     *k; k++) {
		const struct synsink_option core[] = { { .name = *k, .type = SYNSINK_OPT_STRING } };

		p.options = core;
		assert_int_equal(option_table_check(&p, err, sizeof(err)), -22);
		assert_non_null(strstr(err, "the core's"));
	}
	p.options = NULL;
	assert_int_equal(option_table_check(&p, err, sizeof(err)), -22);
}

static void test_prefix_option(void **state)
{
	static const struct synsink_option po[] = {
		{ .name = "topic", .type = SYNSINK_OPT_STRING, .def = "t" },
		{ .name = "lib.", .type = SYNSINK_OPT_PREFIX, .help = "passed on" },
	};
	struct synsink_plugin p = plug;
	struct synsink_value v[2];
	struct sink_spec s;
	char err[256];

	(void)state;
	p.options = po;
	p.n_options = 2;
	assert_int_equal(option_table_check(&p, err, sizeof(err)), 0);
	assert_int_equal(sinkspec_parse("x:lib.a.b=1,topic=z,lib.c=x:1,y:2", &s, err, sizeof(err)),
			 0);
	assert_int_equal(option_values_parse(&p, &s, v, kvbuf, err, sizeof(err)), 0);
	assert_string_equal(v[0].str, "z");
	assert_int_equal(v[1].n_kv, 2);
	assert_string_equal(v[1].kv[0].key, "a.b");
	assert_string_equal(v[1].kv[0].value, "1");
	assert_string_equal(v[1].kv[1].key, "c");
	assert_string_equal(v[1].kv[1].value, "x:1,y:2");
	sinkspec_free(&s);

	/* "lib." alone is no key; other names are still unknown */
	assert_int_equal(sinkspec_parse("x:lib.=1", &s, err, sizeof(err)), 0);
	assert_int_equal(option_values_parse(&p, &s, v, kvbuf, err, sizeof(err)), -22);
	sinkspec_free(&s);
	assert_int_equal(sinkspec_parse("x:libx=1", &s, err, sizeof(err)), 0);
	assert_int_equal(option_values_parse(&p, &s, v, kvbuf, err, sizeof(err)), -22);
	assert_non_null(strstr(err, "unknown option 'libx'"));
	sinkspec_free(&s);

	/* a prefix needs its dot and no default */
	{
		static const struct synsink_option bad[] = {
			{ .name = "lib", .type = SYNSINK_OPT_PREFIX },
		};
		p.options = bad;
		p.n_options = 1;
		assert_int_equal(option_table_check(&p, err, sizeof(err)), -22);
	}
}

/* Parses arg against p into v; the strings stay valid until the next
 * call (the spec is kept until then; arg NULL frees it). */
static int values_with(const struct synsink_plugin *p, const char *arg, struct synsink_value *v,
		       char *err, size_t len)
{
	static struct sink_spec s;
	static int have;

	if (have)
		sinkspec_free(&s);
	have = 0;
	if (!arg)
		return 0;
	assert_int_equal(sinkspec_parse(arg, &s, err, len), 0);
	have = 1;
	return option_values_parse(p, &s, v, kvbuf, err, len);
}

/* A secret option: inline, or NAME_file=PATH handed on as a path for the
 * core to read (OPTION_SET_FILE); not both; no plugin may declare
 * NAME_file itself. */
static void test_secret_option(void **state)
{
	static const struct synsink_option so[] = {
		{ .name = "password", .type = SYNSINK_OPT_SECRET },
		{ .name = "user", .type = SYNSINK_OPT_STRING },
	};
	static const struct synsink_option clash[] = {
		{ .name = "password", .type = SYNSINK_OPT_SECRET },
		{ .name = "password_file", .type = SYNSINK_OPT_STRING },
	};
	struct synsink_plugin p = plug;
	struct synsink_value v[2];
	char err[256];

	(void)state;
	p.options = so;
	p.n_options = 2;
	assert_int_equal(option_table_check(&p, err, sizeof(err)), 0);
	assert_int_equal(values_with(&p, "x:password=pw,user=u", v, err, sizeof(err)), 0);
	assert_string_equal(v[0].str, "pw");
	assert_int_equal(v[0].set, 1);
	assert_int_equal(values_with(&p, "x:password_file=/etc/pw", v, err, sizeof(err)), 0);
	assert_string_equal(v[0].str, "/etc/pw");
	assert_int_equal(v[0].set, OPTION_SET_FILE);
	assert_int_equal(values_with(&p, "x:password_file=/p,password=pw", v, err, sizeof(err)),
			 -22);
	assert_string_equal(err, "sink x: give 'password' or 'password_file', not both");
	assert_int_equal(values_with(&p, "x:password=pw,password_file=/p", v, err, sizeof(err)),
			 -22);
	assert_string_equal(err, "sink x: give 'password' or 'password_file', not both");
	assert_int_equal(values_with(&p, "x:user_file=/p", v, err, sizeof(err)), -22);
	assert_non_null(strstr(err, "unknown option 'user_file'")); /* not a secret */
	values_with(&p, NULL, v, err, sizeof(err));
	p.options = clash;
	assert_int_equal(option_table_check(&p, err, sizeof(err)), -22);
	assert_non_null(strstr(err, "'password_file' is the core's"));
}

static size_t fmt_line(char *line, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static size_t fmt_line(char *line, size_t len, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = log_vformat(line, len, NULL, fmt, ap);
	va_end(ap);
	return n;
}

/* Found by fuzz_cli: an argument holding a newline made a two-line error. */
static void test_error_stays_one_line(void **state)
{
	struct cli_config cfg;
	char err[256], line[512];
	char *argv[] = { "synsink", "--q\n", NULL };
	size_t n;

	(void)state;
	assert_int_equal(cli_parse(2, argv, &cfg, err, sizeof(err)), -22);
	n = fmt_line(line, sizeof(line), "%s", err);
	assert_string_equal(line, "synsink: unknown option '--q?' (see --help)\n");
	assert_int_equal(n, strlen(line));
	n = fmt_line(line, 16, "%s", "a very long message indeed\x1b[2J");
	assert_int_equal(n, 15);
	assert_string_equal(line, "synsink: a ver\n");
}

/* What a reload cannot apply is named, flag by flag; sinks and
 * --flush-timeout are not. */
static void test_fixed_diff(void **state)
{
	struct cli_config a, b;
	char err[256], out[256];

	(void)state;
	assert_int_equal(PARSE(&a, err, "--queue", "1", "--sink", "stdout"), 0);
	assert_int_equal(PARSE(&b, err, "--queue", "1", "--sink", "file:path=/x", "--flush-timeout",
			       "9"),
			 0);
	assert_int_equal(cli_fixed_diff(&a, &b, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	assert_int_equal(PARSE(&b, err, "--source", "nflog:1", "--user", "nobody", "--dedup", "5",
			       "--owner"),
			 0);
	assert_int_equal(cli_fixed_diff(&a, &b, out, sizeof(out)), 5);
	assert_string_equal(out, "--source, --retx-window, --dedup, --user, --owner");
	assert_int_equal(cli_fixed_diff(&a, &b, out, 12), 5); /* cut, still counted */
	assert_string_equal(out, "--source, -");
	/* The ebpf source's interfaces and hooks are fixed too. */
	assert_int_equal(PARSE(&a, err, "--source", "ebpf:eth0"), 0);
	assert_int_equal(PARSE(&b, err, "--source", "ebpf:eth1", "--ebpf-dir", "in"), 0);
	assert_int_equal(cli_fixed_diff(&a, &b, out, sizeof(out)), 2);
	assert_string_equal(out, "--source, --ebpf-dir");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),	cmocka_unit_test(test_flag_table),
		cmocka_unit_test(test_hostport),	cmocka_unit_test(test_good_lines),
		cmocka_unit_test(test_bad_lines),	cmocka_unit_test(test_sinkspec),
		cmocka_unit_test(test_sinkspec_ring),	cmocka_unit_test(test_sinkspec_core),
		cmocka_unit_test(test_sinkspec_errors), cmocka_unit_test(test_values),
		cmocka_unit_test(test_table_check),	cmocka_unit_test(test_prefix_option),
		cmocka_unit_test(test_secret_option),	cmocka_unit_test(test_error_stays_one_line),
		cmocka_unit_test(test_fixed_diff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
