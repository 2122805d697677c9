// SPDX-License-Identifier: MIT
/*
 * main.c - wiring: parse the command line, open the sinks, bind the
 * queues, start the threads, wait for signals, shut down in order.
 *
 * Order matters.  Sinks open before any queue is bound, so a sink that
 * cannot start costs no packet.  At shutdown the capture threads stop first
 * (accepting everything still queued), then the sinks drain their rings
 * and flush, then the final counters are printed.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "cli.h"
#include "config.h"
#include "daemon.h"
#include "ebpfprog.h"
#include "format.h"
#include "loader.h"
#include "log.h"
#include "metrics.h"
#include "owner.h"
#include "p0fdb.h"
#include "privs.h"
#include "reload.h"
#include "sink.h"
#include "sinklist.h"
#include "sinkstats.h"
#include "util.h"

#ifndef SYNSINK_VERSION
#define SYNSINK_VERSION "0.0.0"
#endif
#ifndef SYNSINK_PLUGIN_RELDIR
#define SYNSINK_PLUGIN_RELDIR "../lib/synsink"
#endif

/* A netfilter source's --owner=full: the connect hook, for a connection
 * closed before sock_diag finds its socket (owner.h). */
static struct ebpf_prog owner_hook;

struct owner_json {
	struct strbuf *sb;
	int n;
};

static void owner_json(void *arg, const char *name, const char *help, unsigned long long v)
{
	struct owner_json *oj = arg;

	(void)help;
	sb_printf(oj->sb, "%s\"%s\":%llu", oj->n++ ? "," : "", name, v);
}

/* The ebpf source's ring, with its program's counters (null when they
 * cannot be read). */
static void ring_json(struct strbuf *sb, struct capture *c)
{
	uint64_t seen, lost;

	if (ebpf_counters(c, &seen, &lost))
		stats_ring_json(sb, c->queue, &c->st, NULL, 0);
	else
		stats_ring_json(sb, c->queue, &c->st, &seen, lost);
}

/* The counters of every capture, as the JSON arrays "queues" (always)
 * and "groups" or "rings" (for those sources). */
static void caps_json(struct daemon *d, struct strbuf *sb)
{
	static const char *const arrays[] = {
		[CAPTURE_NFQUEUE] = "queues", [CAPTURE_NFLOG] = "groups", [CAPTURE_EBPF] = "rings"
	};
	size_t i, k;

	for (k = 0; k < ARRAY_SIZE(arrays); k++) {
		bool first = true;

		if (k != CAPTURE_NFQUEUE && (!d->n_caps || d->caps[0].kind != (enum capture_kind)k))
			continue;
		sb_printf(sb, ",\"%s\":[", arrays[k]);
		for (i = 0; i < d->n_caps; i++) {
			struct capture *c = &d->caps[i];
			struct kq_stats ks;

			if (c->kind != (enum capture_kind)k)
				continue;
			sb_printf(sb, "%s", first ? "" : ",");
			first = false;
			if (c->kind == CAPTURE_NFLOG)
				stats_group_json(sb, c->queue, &c->st);
			else if (c->kind == CAPTURE_EBPF)
				ring_json(sb, c);
			else
				stats_queue_json(sb, c->queue, &c->st,
						 capture_kstats(c, &ks) ? NULL : &ks);
		}
		sb_printf(sb, "]");
	}
}

static void print_stats(struct daemon *d, int final)
{
	struct strbuf sb = { 0 };
	size_t i;

	sb_printf(&sb, "{\"stats\":{\"final\":%s,\"uptime_ms\":%llu,\"log_dropped\":%llu",
		  final ? "true" : "false",
		  (unsigned long long)((clock_mono_ns() - d->started_ns) / 1000000), log_dropped());
	caps_json(d, &sb);
	sb_printf(&sb, ",\"sinks\":[");
	for (i = 0; i < d->set->n; i++) {
		if (i)
			sb_printf(&sb, ",");
		sink_stats_json(d->set->sinks[i], &sb);
	}
	sb_printf(&sb, "],\"reloads\":%llu,\"reload_errors\":%llu,\"sink_flush_failures\":%llu",
		  (unsigned long long)atomic_load(&d->reloads.done),
		  (unsigned long long)atomic_load(&d->reloads.errors),
		  (unsigned long long)atomic_load(&d->reloads.flush_failures));
	if (owner_level() != OWNER_OFF) {
		struct owner_json oj = { &sb, 0 };

		sb_printf(&sb, ",\"owner\":{");
		owner_counts_each(owner_json, &oj);
		sb_printf(&sb, "}");
	}
	sb_printf(&sb, "}}\n");
	if (sb.oom)
		log_msg(SYNSINK_LOG_ERR, "stats: out of memory");
	else
		log_write(sb.s, sb.len);
	sb_free(&sb);
}

static int open_queues(struct daemon *d)
{
	struct capture_cfg cc = {
		.maxlen = d->cfg.queue_maxlen,
		.retx_table = d->cfg.retx_table,
		.retx_window_ns = (uint64_t)d->cfg.retx_window * 1000000000u,
		.dedup = d->cfg.dedup,
		.owner = d->cfg.owner != OWNER_OFF,
		.nflog_qthresh = d->cfg.nflog_batch,
		.nflog_timeout_cs = (d->cfg.nflog_timeout + 9) / 10,
		.nflog_rcvbuf = d->cfg.nflog_rcvbuf,
		.ebpf_ifaces = d->cfg.ebpf_ifaces,
		.ebpf_dirs = (unsigned int)d->cfg.ebpf_dirs,
		.ebpf_ring = d->cfg.ebpf_ring,
	};
	char err[512];
	unsigned int q;

	if (d->cfg.source == CAPTURE_EBPF) { /* one ring for every interface */
		if (ebpf_open(&d->caps[0], &cc, &d->set, 0, err, sizeof(err))) {
			log_msg(SYNSINK_LOG_ERR, "%s", err);
			return -1;
		}
		d->n_caps = 1;
		return 0;
	}
	for (q = d->cfg.queue_lo; q <= d->cfg.queue_hi; q++) {
		struct capture *c = &d->caps[d->n_caps];
		int ret = d->cfg.source == CAPTURE_NFLOG
				  ? nflog_open(c, (uint16_t)q, &cc, &d->set, d->n_caps, err,
					       sizeof(err))
				  : capture_open(c, (uint16_t)q, &cc, &d->set, d->n_caps, err,
						 sizeof(err));

		if (ret) {
			log_msg(SYNSINK_LOG_ERR, "%s", err);
			return -1;
		}
		d->n_caps++;
	}
	return 0;
}

static void close_all(struct daemon *d)
{
	bool all = true;
	size_t i;

	for (i = 0; i < d->n_caps; i++)
		capture_close(&d->caps[i]);
	for (i = 0; d->set && i < d->set->n; i++)
		all &= sink_close(d->set->sinks[i]);
	if (all) { /* else the set keeps the sinks given up on reachable */
		free(d->set);
		d->set = NULL;
	}
	owner_set_hook(NULL);
	ebpf_prog_close(&owner_hook);
	owner_close();
}

static bool owner_hook_find(struct synsink_event *ev)
{
	return ebpf_hook_find(&owner_hook, ev);
}

/* Loads the hook where --owner asks for it and the kernel and the
 * privileges allow; the start line, which says where the owner comes
 * from, into line. */
static void owner_start(const struct cli_config *cfg, char *line, size_t len)
{
	static const char packet[] = "uid and gid with each packet";
	static const char proc[] = "the process from sock_diag and /proc after the verdict";
	char why[256];

	if (cfg->source == CAPTURE_EBPF) {
		snprintf(
			line, len,
			"from the connect hook (tp_btf/inet_sock_set_state), in the connecting process, as the SYN is made");
	} else if (cfg->owner == OWNER_SOCKET) {
		snprintf(line, len, "%s", packet);
	} else if (cfg->owner == OWNER_PROC) {
		snprintf(line, len, "%s; %s (--owner=proc)", packet, proc);
	} else if (ebpf_hook_open(&owner_hook, why, sizeof(why))) {
		snprintf(line, len, "%s; %s (no connect hook: %s)", packet, proc, why);
	} else {
		owner_set_hook(owner_hook_find);
		snprintf(
			line, len,
			"%s; %s, or from the connect hook (tp_btf/inet_sock_set_state) when the socket is gone",
			packet, proc);
	}
}

/* What the source watches, for a line: "queue 1", "queues 1-4", "nflog
 * group 1", "ebpf on eth0,eth1 (both)". */
static void source_what(const struct cli_config *cfg, char *out, size_t len)
{
	static const char *const hooks[] = {
		[EBPF_HOOK_IN] = "in", [EBPF_HOOK_OUT] = "out", [EBPF_HOOK_BOTH] = "both"
	};
	const char *noun = cfg->source == CAPTURE_NFLOG ? "nflog group" : "queue";

	if (cfg->source == CAPTURE_EBPF)
		snprintf(out, len, "ebpf on %s (%s)", cfg->ebpf_ifaces, hooks[cfg->ebpf_dirs]);
	else if (cfg->queue_hi != cfg->queue_lo)
		snprintf(out, len, "%ss %u-%u", noun, cfg->queue_lo, cfg->queue_hi);
	else
		snprintf(out, len, "%s %u", noun, cfg->queue_lo);
}

/* A daemon that has seen no packet for this long says once that perhaps
 * no rule sends it any. */
#define NO_PACKET_HINT_NS (60 * 1000000000ull)

/* If no queue has had a packet since start: one line saying where to look. */
static void no_packet_hint(struct daemon *d)
{
	char what[160];
	size_t i;

	for (i = 0; i < d->n_caps; i++)
		if (stat_get(&d->caps[i].st.received))
			return;
	source_what(&d->cfg, what, sizeof(what));
	if (d->cfg.source == CAPTURE_EBPF)
		log_msg(SYNSINK_LOG_INFO, "no SYN in %llu s: %s", NO_PACKET_HINT_NS / 1000000000ull,
			what);
	else
		log_msg(SYNSINK_LOG_INFO,
			"no packet in %llu s: does a rule send SYNs to %s? (synsink-rules show)",
			NO_PACKET_HINT_NS / 1000000000ull, what);
}

/* Waits for signals; returns 0 on SIGTERM/SIGINT, 1 when a thread failed.
 * Meanwhile: the stats line every --stats-interval, and the hint above. */
static int wait_signals(struct daemon *d, const sigset_t *set)
{
	uint64_t period = (uint64_t)d->cfg.stats_interval * 1000000000u;
	uint64_t next = period ? clock_mono_ns() + period : UINT64_MAX;
	uint64_t hint = d->started_ns + NO_PACKET_HINT_NS;

	for (;;) {
		uint64_t now = clock_mono_ns(), until = next < hint ? next : hint;
		uint64_t wait = until > now ? until - now : 0;
		struct timespec ts;
		siginfo_t si;
		int sig;

		if (wait > 3600 * 1000000000ull)
			wait = 3600 * 1000000000ull;
		ts.tv_sec = (time_t)(wait / 1000000000u);
		ts.tv_nsec = (long)(wait % 1000000000u);
		sig = sigtimedwait(set, &si, &ts);
		if (sig < 0) {
			now = clock_mono_ns();
			if (now >= next) {
				print_stats(d, 0);
				next += period;
			}
			if (now >= hint) {
				no_packet_hint(d);
				hint = UINT64_MAX;
			}
			continue;
		}
		switch (sig) {
		case SIGTERM:
		case SIGINT:
			return 0;
		case SIGUSR1:
			print_stats(d, 0);
			break;
		case SIGUSR2:
			return 1;
		case SIGHUP:
			reload_sighup(d);
			break;
		default:
			break;
		}
	}
}

/* --sensor, or the host name, read once: in every event from here on. */
static int set_sensor(const char *name)
{
	char host[SYN_SENSOR_MAX + 2] = "";

	if (!name) {
		if (gethostname(host, sizeof(host) - 1)) {
			log_msg(SYNSINK_LOG_ERR, "gethostname: %s; give --sensor NAME",
				strerror(errno));
			return -1;
		}
		name = host;
	}
	if (syn_format_set_sensor(name)) {
		log_msg(SYNSINK_LOG_ERR,
			"the host name '%s' cannot name this sensor (printable ASCII, no space, at most %d characters); give --sensor NAME",
			name, SYN_SENSOR_MAX);
		return -1;
	}
	return 0;
}

/* --p0f-db: the file given, "none", or by default Debian's if it is
 * there.  Loaded as root, before anything else opens.  Returns -1 to go
 * on, or EX_USAGE with one line. */
static int load_p0f(struct daemon *d)
{
	const char *path = d->cfg.p0f_db;
	char err[512];

	if (path && !strcmp(path, "none"))
		return -1;
	if (!path) {
		if (access(P0F_DB_DEFAULT, R_OK))
			return -1;
		path = P0F_DB_DEFAULT;
	}
	if (p0f_db_load(&d->p0f, path, err, sizeof(err))) {
		log_msg(SYNSINK_LOG_ERR, "%s", err);
		return EX_USAGE;
	}
	syn_format_set_p0f(&d->p0f);
	return -1;
}

/* The settings: flags, then the file under them.  Returns -1 to go on,
 * or the exit status (--help, --version, --list-sinks, or an error). */
static int settle_settings(struct daemon *d, int argc, char **argv)
{
	char err[1024];
	int ret;

	d->argc = argc;
	d->argv = argv;
	if (reload_settings(&d->cfg, &d->file, argc, argv, err, sizeof(err))) {
		log_msg(SYNSINK_LOG_ERR, "%s", err);
		return EX_USAGE;
	}
	log_setup(d->cfg.log_level);
	if (d->cfg.help) {
		cli_usage(stdout);
		return 0;
	}
	if (d->cfg.version) {
		printf("synsink %s (plugin ABI %d)\n", SYNSINK_VERSION, SYNSINK_PLUGIN_ABI);
		return 0;
	}
	if (plugin_dir_resolve(d->cfg.plugin_dir, SYNSINK_PLUGIN_RELDIR, d->plugin_dir,
			       sizeof(d->plugin_dir), err, sizeof(err))) {
		log_msg(SYNSINK_LOG_ERR, "%s", err);
		return EX_USAGE;
	}
	if (d->cfg.list_sinks) {
		ret = sinklist_print(d->plugin_dir, stdout);
		if (ret < 0) {
			log_msg(SYNSINK_LOG_ERR, "plugin directory %s: %s", d->plugin_dir,
				strerror(-ret));
			return 1;
		}
		return 0;
	}
	if (set_sensor(d->cfg.sensor))
		return 1;
	return load_p0f(d);
}

/* --check-config: what start() would open, checked with nothing opened:
 * every sink (its plugin's own check), --user, the --metrics address.
 * Exits 0 with one line, or 64 after the line start() would print. */
static int check_config(struct daemon *d)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char err[512], what[160];

	if (reload_open(d, true))
		return EX_USAGE;
	if (d->cfg.metrics && metrics_addr(d->cfg.metrics, &ss, &len, err, sizeof(err))) {
		log_msg(SYNSINK_LOG_ERR, "%s", err);
		return EX_USAGE;
	}
	if (d->cfg.source == CAPTURE_EBPF &&
	    ebpf_ifaces_check(d->cfg.ebpf_ifaces, NULL, err, sizeof(err)) < 0) {
		log_msg(SYNSINK_LOG_ERR, "%s", err);
		return EX_USAGE;
	}
	source_what(&d->cfg, what, sizeof(what));
	printf("synsink: configuration OK: %s, %zu sink(s)%s%s\n", what,
	       d->cfg.n_sinks ? d->cfg.n_sinks : 1, d->cfg.config ? ", from " : "",
	       d->cfg.config ? d->cfg.config : "");
	return 0;
}

/*
 * As root: sinks open, queues bind, /metrics binds its port; then root is
 * given up, and only then do threads start, every queue bound (a bind may
 * publish from this thread: capture_ctl.c, capture_config).  Returns -1
 * when running, the exit status when nothing was started, or 0 with
 * *failed set when a thread could not start (stop what did).
 */
static int start(struct daemon *d, bool *failed)
{
	char err[512], owner_line[512];
	size_t i;
	int ret;

	d->started_ns = clock_mono_ns();
	if (d->cfg.user && privs_fence(d->cfg.owner >= OWNER_FULL, err, sizeof(err))) {
		log_msg(SYNSINK_LOG_ERR, "%s", err);
		return 1;
	}
	if (owner_open(d->cfg.owner, err, sizeof(err))) {
		log_msg(SYNSINK_LOG_ERR, "%s", err);
		return 1;
	}
	if (d->cfg.owner != OWNER_OFF)
		owner_start(&d->cfg, owner_line, sizeof(owner_line));
	ret = reload_open(d, false);
	if (ret)
		return ret;
	d->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (d->stop_fd < 0 || open_queues(d)) {
		if (d->stop_fd < 0)
			log_msg(SYNSINK_LOG_ERR, "eventfd: %s", strerror(errno));
		close_all(d);
		return 1;
	}
	d->metrics.fd = -1;
	if (d->cfg.metrics) {
		d->metrics.caps = d->caps;
		d->metrics.n_caps = d->n_caps;
		d->metrics.sinks = d->set;
		d->metrics.reload = &d->reloads;
		d->metrics.started_ns = d->started_ns;
		ret = metrics_listen(&d->metrics, d->cfg.metrics, err, sizeof(err));
		if (ret) {
			log_msg(SYNSINK_LOG_ERR, "%s", err);
			close_all(d);
			return ret == -EINVAL ? EX_USAGE : 1;
		}
	}
	/* Root is needed no further.  Capabilities are per thread: ours all
	 * exist after this; a library's started during open (librdkafka's)
	 * lose theirs with the setuid (their keep-caps flag is off), and got
	 * the bounding set and no_new_privs from privs_fence. */
	if (d->cfg.user &&
	    privs_drop(d->cfg.user, d->cfg.group, d->cfg.owner >= OWNER_FULL, err, sizeof(err))) {
		log_msg(SYNSINK_LOG_ERR, "%s", err);
		metrics_stop(&d->metrics);
		close_all(d);
		return 1;
	}
	*failed = true;
	for (i = 0; i < d->set->n; i++) {
		ret = sink_start(d->set->sinks[i]);
		if (ret) {
			log_msg(SYNSINK_LOG_ERR, "%s: thread: %s", sink_label(d->set->sinks[i]),
				strerror(-ret));
			return 0;
		}
	}
	for (i = 0; i < d->n_caps; i++) {
		ret = capture_start(&d->caps[i], d->stop_fd);
		if (ret) {
			log_msg(SYNSINK_LOG_ERR, "%s %u: thread: %s", capture_noun(&d->caps[i]),
				d->caps[i].queue, strerror(-ret));
			return 0;
		}
	}
	if (d->cfg.metrics && metrics_start(&d->metrics, err, sizeof(err))) {
		log_msg(SYNSINK_LOG_ERR, "%s", err);
		return 0;
	}
	*failed = false;
	source_what(&d->cfg, err, sizeof(err));
	log_msg(SYNSINK_LOG_INFO, "listening on %s, %zu sink(s)", err, d->set->n);
	if (d->cfg.owner != OWNER_OFF)
		log_msg(SYNSINK_LOG_INFO, "owner: %s", owner_line);
	return -1;
}

/* The capture threads end first (each accepts what is queued and
 * unbinds), then every sink drains and flushes by one deadline, then the
 * final counters.  Returns status, or 1 if a capture thread had failed. */
static int stop(struct daemon *d, int status)
{
	static const uint64_t one = 1;
	uint64_t deadline;
	size_t i;

	if (write(d->stop_fd, &one, sizeof(one)) < 0)
		log_msg(SYNSINK_LOG_ERR, "stop: %s", strerror(errno));
	for (i = 0; i < d->n_caps; i++)
		capture_join(&d->caps[i]);
	for (i = 0; i < d->n_caps; i++)
		if (atomic_load(&d->caps[i].failed))
			status = 1;
	/* Every sink drains and flushes by one deadline, whatever it does. */
	deadline = clock_mono_ns() + d->cfg.flush_timeout_ms * 1000000ull;
	for (i = 0; i < d->set->n; i++)
		sink_stop(d->set->sinks[i], deadline);
	/* /metrics reads the plugins' counters: it stops before they close. */
	metrics_stop(&d->metrics);
	for (i = 0; i < d->set->n; i++)
		sink_shutdown(d->set->sinks[i]);
	print_stats(d, 1);
	close_all(d);
	close(d->stop_fd);
	config_file_free(&d->file);
	syn_format_set_p0f(NULL);
	p0f_db_free(&d->p0f);
	return status;
}

int main(int argc, char **argv)
{
	static struct daemon d; /* large; keep it off the stack */
	bool failed = false;
	sigset_t set;
	int ret;

	atomic_init(&d.reloads.last_ok, 1);
	(void)pthread_mutex_init(&d.metrics.lock, NULL); /* cannot fail: no attributes */
	ret = settle_settings(&d, argc, argv);
	if (ret >= 0)
		return ret;
	if (d.cfg.check_config)
		return check_config(&d);
	/* Every thread inherits this mask; only the main thread takes them. */
	(void)signal(SIGPIPE, SIG_IGN); /* cannot fail: a valid signal */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	(void)pthread_sigmask(SIG_BLOCK, &set, NULL); /* cannot fail: a valid how */

	ret = start(&d, &failed);
	if (ret >= 0 && !failed)
		return ret;
	return stop(&d, failed ? 1 : wait_signals(&d, &set));
}
