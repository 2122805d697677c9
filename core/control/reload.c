// SPDX-License-Identifier: MIT
/*
 * reload.c - the settings read, the sinks opened into a set, and that set
 * replaced on SIGHUP while capture goes on (reload.h).
 */
#include "reload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "daemon.h"
#include "log.h"
#include "privs.h"
#include "sink.h"
#include "sinkstats.h"
#include "strbuf.h"
#include "util.h"

/* The --config line a value came from, or 0 if it came from argv: the
 * value is one of the file's arguments, or the part of "--key=value"
 * after the '='. */
static int file_line(const struct config_file *file, const char *arg)
{
	int j;

	for (j = 0; j < file->argc; j++) {
		const char *a = file->argv[j];

		if (arg >= a && arg <= a + strlen(a))
			return file->line[j];
	}
	return 0;
}

int reload_settings(struct cli_config *cfg, struct config_file *file, int argc, char **argv,
		    char *err, size_t errlen)
{
	char why[384];
	int line;

	if (cli_parse(argc, argv, cfg, err, errlen))
		return -1;
	if (!cfg->config)
		return 0; /* cli_parse checked it */
	if (config_file_load(cfg->config, file, err, errlen))
		return -1;
	cli_defaults(cfg);
	if (cli_apply(file->argc, file->argv, cfg, why, sizeof(why))) {
		snprintf(err, errlen, "%s:%d: %s", file->path, file->line[cfg->err_index], why);
		return -1;
	}
	if (cli_apply(argc, argv, cfg, err, errlen))
		return -1;
	if (cli_check(cfg, why, sizeof(why))) {
		line = file_line(file, cfg->group); /* the one check there is */
		if (line)
			snprintf(err, errlen, "%s:%d: %s", file->path, line, why);
		else
			snprintf(err, errlen, "%s", why);
		return -1;
	}
	return 0;
}

/* What every sink of cfg gets.  Returns 0, or -1 with one line in err. */
static int sink_env_of(const struct daemon *d, const struct cli_config *cfg, struct sink_env *env,
		       char *err, size_t errlen)
{
	memset(env, 0, sizeof(*env));
	env->plugin_dir = d->plugin_dir;
	env->n_rings = (size_t)cfg->queue_hi - cfg->queue_lo + 1;
	env->ring_size = cfg->ring_size;
	env->uid = geteuid();
	env->gid = getegid();
	if (cfg->user && privs_lookup(cfg->user, cfg->group, &env->uid, &env->gid, err, errlen))
		return -1;
	return 0;
}

/* The sinks cfg names: its --sink specs, or stdout alone. */
static size_t sink_specs(const struct cli_config *cfg, const char *const **specs)
{
	static const char *const dflt[] = { "stdout" };

	*specs = cfg->n_sinks ? cfg->sinks : dflt;
	return cfg->n_sinks ? cfg->n_sinks : 1;
}

/* One sink's failure to open or check, with the --config line if it came
 * from there, into line. */
static void sink_line(const struct config_file *file, const char *spec, const char *err, char *line,
		      size_t len)
{
	int at = file_line(file, spec);

	if (at) /* a [sink] section of the --config file */
		snprintf(line, len, "%s:%d: %s", file->path, at, err);
	else
		snprintf(line, len, "%s", err);
}

int reload_open(struct daemon *d, bool check_only)
{
	struct sink_set *set = NULL;
	const char *const *specs;
	size_t i, n = sink_specs(&d->cfg, &specs);
	struct sink_env env;
	char err[768], line[1024];
	int ret = 0;

	if (sink_env_of(d, &d->cfg, &env, err, sizeof(err))) {
		log_msg(SYNSINK_LOG_ERR, "%s", err);
		return 1;
	}
	if (!check_only) {
		set = calloc(1, sizeof(*set));
		if (!set) {
			log_msg(SYNSINK_LOG_ERR, "out of memory");
			return 1;
		}
	}
	for (i = 0; i < n && !ret; i++) {
		env.spec_in_file = file_line(&d->file, specs[i]) != 0;
		if (check_only) {
			ret = sink_check(specs[i], &env, err, sizeof(err));
		} else {
			ret = sink_open(&set->sinks[i], specs[i], &env, err, sizeof(err));
			if (!ret) {
				sink_label_new(set->sinks[i], set->sinks, i);
				set->n = i + 1;
			}
		}
		if (ret) {
			sink_line(&d->file, specs[i], err, line, sizeof(line));
			log_msg(SYNSINK_LOG_ERR, "%s", line);
		}
	}
	if (ret) {
		if (set)
			for (i = 0; i < set->n; i++)
				sink_close(set->sinks[i]);
		free(set);
		return ret == SINK_E_USAGE || check_only ? EX_USAGE : 1;
	}
	d->set = set;
	return 0;
}

/* SIGHUP's first job: files reopened (logrotate). */
static void reopen_files(struct daemon *d)
{
	static struct ratelimit rl; /* a SIGHUP storm is one line in 5 s */
	const struct sink_set *set = d->set;
	size_t i, n = 0;

	for (i = 0; i < set->n; i++)
		n += sink_reopen(set->sinks[i]);
	if (n)
		log_ratelimited(&rl, SYNSINK_LOG_INFO, "SIGHUP: %zu sink(s) reopen their files", n);
}

static void refused(struct daemon *d, const char *why)
{
	atomic_fetch_add(&d->reloads.errors, 1);
	atomic_store(&d->reloads.last_ok, 0);
	log_msg(SYNSINK_LOG_ERR, "reload refused, the running configuration stays: %s", why);
}

static bool in_set(const struct sink *s, const struct sink_set *set)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (set->sinks[i] == s)
			return true;
	return false;
}

/* The new set for nc: the sinks of old whose spec is the same, kept
 * (marked in kept[]), the others opened.  Returns 0, or -1 with one line
 * in line and nothing opened left open. */
static int next_set(struct daemon *d, const struct cli_config *nc, const struct config_file *nf,
		    struct sink_set *set, bool *kept, char *line, size_t len)
{
	const struct sink_set *old = d->set;
	const char *const *specs;
	size_t i, j, n = sink_specs(nc, &specs);
	struct sink *fresh[SINK_SET_MAX], *named[SINK_SET_MAX];
	size_t n_fresh = 0, n_named = 0;
	struct sink_env env;
	char err[768];

	if (sink_env_of(d, nc, &env, err, sizeof(err))) {
		snprintf(line, len, "%s", err);
		return -1;
	}
	for (i = 0; i < n; i++) {
		for (j = 0; j < old->n; j++)
			if (!kept[j] && !strcmp(sink_spec(old->sinks[j]), specs[i]))
				break;
		if (j < old->n) {
			kept[j] = true;
			set->sinks[i] = old->sinks[j];
			continue;
		}
		env.spec_in_file = file_line(nf, specs[i]) != 0;
		if (sink_open(&set->sinks[i], specs[i], &env, err, sizeof(err))) {
			sink_line(nf, specs[i], err, line, len);
			while (n_fresh--)
				sink_close(fresh[n_fresh]);
			return -1;
		}
		fresh[n_fresh++] = set->sinks[i];
	}
	set->n = n;
	/* The kept keep their names; the new are named beside them. */
	for (i = 0; i < n; i++)
		if (in_set(set->sinks[i], old))
			named[n_named++] = set->sinks[i];
	for (i = 0; i < n_fresh; i++) {
		sink_label_new(fresh[i], named, n_named);
		named[n_named++] = fresh[i];
	}
	return 0;
}

/* Whether s replaces a sink of old that closes (same plugin, not kept). */
static bool replaces(const struct sink *s, const struct sink_set *old, const bool *kept)
{
	size_t j;

	for (j = 0; j < old->n; j++)
		if (!kept[j] && !strcmp(sink_plugin(old->sinks[j]), sink_plugin(s)))
			return true;
	return false;
}

static void start_sink(struct sink *s)
{
	int ret = sink_start(s);

	if (ret)
		log_msg(SYNSINK_LOG_ERR, "reload: %s: thread: %s", sink_label(s), strerror(-ret));
}

/* A sink no longer named: drained by the deadline, its last counters in
 * one line, closed. */
static void retire(struct daemon *d, struct sink *s, uint64_t deadline_ns)
{
	struct strbuf sb = { 0 };

	sink_stop(s, deadline_ns);
	sink_shutdown(s);
	if (sink_flush_failed(s))
		atomic_fetch_add(&d->reloads.flush_failures, 1);
	sb_printf(&sb, "{\"sink_closed\":");
	sink_stats_json(s, &sb);
	sb_printf(&sb, "}\n");
	if (!sb.oom)
		log_write(sb.s, sb.len);
	sb_free(&sb);
	if (!sink_close(s) && d->n_given_up < sizeof(d->given_up) / sizeof(d->given_up[0]))
		d->given_up[d->n_given_up++] = s;
}

/* Publishes set: from the next batch on, every capture thread pushes to it,
 * and neither they nor /metrics read the old one any more. */
static void publish(struct daemon *d, struct sink_set *set)
{
	struct sink_set *old = d->set;
	size_t i;

	metrics_set_sinks(&d->metrics, set);
	atomic_store(&d->set, set);
	for (i = 0; i < d->n_caps; i++)
		source_release_wait(&d->caps[i].out, old);
}

static void apply(struct daemon *d, struct sink_set *set, const bool *kept, uint32_t flush_ms)
{
	static struct ratelimit same_rl;
	struct sink_set *old = d->set;
	bool later[SINK_SET_MAX] = { false };
	size_t i, n_new = 0, n_closed = 0;
	uint64_t deadline;

	publish(d, set);
	for (i = 0; i < set->n; i++) {
		if (in_set(set->sinks[i], old))
			continue;
		n_new++;
		later[i] = replaces(set->sinks[i], old, kept);
		if (!later[i])
			start_sink(set->sinks[i]);
	}
	deadline = clock_mono_ns() + flush_ms * 1000000ull;
	for (i = 0; i < old->n; i++)
		if (!kept[i]) {
			retire(d, old->sinks[i], deadline);
			n_closed++;
		}
	for (i = 0; i < set->n; i++)
		if (later[i])
			start_sink(set->sinks[i]);
	if (n_new || n_closed)
		log_msg(SYNSINK_LOG_INFO, "reload: %zu sink(s): %zu kept, %zu opened, %zu closed",
			set->n, set->n - n_new, n_new, n_closed);
	else /* a SIGHUP storm is one line in 5 s */
		log_ratelimited(&same_rl, SYNSINK_LOG_INFO, "reload: %zu sink(s), all kept",
				set->n);
	free(old);
}

void reload_sighup(struct daemon *d)
{
	struct cli_config nc;
	struct config_file nf = { 0 };
	struct sink_set *set = NULL;
	bool kept[SINK_SET_MAX] = { 0 };
	char err[1024], fixed[512];

	if (d->cfg.config) {
		cli_defaults(&nc);
		if (reload_settings(&nc, &nf, d->argc, d->argv, err, sizeof(err))) {
			refused(d, err);
			goto out;
		}
		set = calloc(1, sizeof(*set));
		if (!set) {
			refused(d, "out of memory");
			goto out;
		}
		if (next_set(d, &nc, &nf, set, kept, err, sizeof(err))) {
			refused(d, err);
			goto out;
		}
		if (cli_fixed_diff(&d->cfg, &nc, fixed, sizeof(fixed)))
			log_msg(SYNSINK_LOG_WARN,
				"reload: %s cannot change at run time: as at start until a restart",
				fixed);
		d->cfg.flush_timeout_ms = nc.flush_timeout_ms;
		apply(d, set, kept, d->cfg.flush_timeout_ms);
		set = NULL;
		atomic_fetch_add(&d->reloads.done, 1);
		atomic_store(&d->reloads.last_ok, 1);
	}
	reopen_files(d);
out:
	free(set);
	config_file_free(&nf);
}
