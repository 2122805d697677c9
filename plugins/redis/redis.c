// SPDX-License-Identifier: MIT
/*
 * redis.c - the Redis sink: XADD to a stream (default), PUBLISH to a
 * channel, or LPUSH/RPUSH to a list, pipelined, reconnecting, accounted.
 *
 * write() takes events only while connected, into a FIFO of what is on
 * its way; pump() sends the FIFO's head in pipelined chunks and settles
 * each event with the core once Redis answered: delivered (a non-error
 * reply), failed (an error, counted by kind too), or, for "not now"
 * (LOADING, BUSY, ...), given back to be offered again later.  While
 * Redis is away write() says SYNSINK_RETRY and the core holds the events
 * (buffer=, spool=).  When the connection breaks mid-pipeline, the
 * unanswered events stay in the FIFO and are sent again after
 * reconnecting: delivery is at least once (a command Redis ran just
 * before it died may run twice).
 *
 * This file is the plugin (options, open, write, flush, close, stats);
 * rconn.c is the connection and its pipeline; rsink.h their shared state.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "rsink.h"
#include "tlsopt.h"

static const char *const modes[] = { "xadd", "publish", "lpush", "rpush", NULL };

static const struct synsink_option options[N_OPTS] = {
	[OPT_HOST] = { "host", SYNSINK_OPT_STRING, "127.0.0.1", "server address", NULL, 0, 0 },
	[OPT_PORT] = { "port", SYNSINK_OPT_UINT, "6379", "server port", NULL, 1, 65535 },
	[OPT_SOCKET] = { "socket", SYNSINK_OPT_STRING, NULL,
			 "unix socket path (instead of host and port)", NULL, 0, 0 },
	[OPT_DB] = { "db", SYNSINK_OPT_UINT, "0", "database number (SELECT)", NULL, 0, 65535 },
	[OPT_USERNAME] = { "username", SYNSINK_OPT_STRING, NULL,
			   "ACL user for AUTH (needs password)", NULL, 0, 0 },
	[OPT_PASSWORD] = { "password", SYNSINK_OPT_SECRET, NULL, "AUTH password", NULL, 0, 0 },
	[OPT_MODE] = { "mode", SYNSINK_OPT_ENUM, "xadd",
		       "xadd: stream entry per event; publish: JSON to a channel; lpush/rpush: JSON to a list",
		       modes, 0, 0 },
	[OPT_KEY] = { "key", SYNSINK_OPT_STRING, "synsink", "stream, channel or list name", NULL, 0,
		      0 },
	[OPT_MAXLEN] = { "maxlen", SYNSINK_OPT_UINT, "1000000",
			 "xadd: trim the stream to about this many entries (0: never)", NULL, 0,
			 UINT64_MAX },
	[OPT_CONNECT_TIMEOUT] = { "connect_timeout", SYNSINK_OPT_UINT, "1000",
				  "connect timeout, ms", NULL, 1, 600000 },
	[OPT_COMMAND_TIMEOUT] = { "command_timeout", SYNSINK_OPT_UINT, "2000",
				  "timeout of one pipeline round trip, ms", NULL, 1, 600000 },
	[OPT_TLS] = { "tls", SYNSINK_OPT_BOOL, "false",
		      "TLS to the server (its tls-port), its certificate checked", NULL, 0, 0 },
	TLSOPT_TABLE("server"),
	TLSOPT_NAME("server", "host"),
};

static const char *const errk_names[N_ERRK] = {
	"err_wrongtype", "err_oom", "err_noauth", "err_noperm", "err_other",
};

static const char *const tempk_names[N_TEMPK] = {
	"retry_loading",
	"retry_busy",
	"retry_masterdown",
	"retry_tryagain",
};

static void rsink_free(struct rsink *s)
{
	outbox_free(&s->ob);
	tlsc_free(s->tls.c);
	free(s->resp);
	free(s);
}

/* tls=true: the settings, checked and loaded.  Returns 0, or -EINVAL
 * after one line. */
static int tls_setup(struct rsink *s, const struct synsink_value *v)
{
	char why[400];

	if (tlsopt_check(v[OPT_TLS].num, "tls=true", v[OPT_CA].str, v[OPT_CERT].str,
			 v[OPT_TLS_KEY].str, v[OPT_TLS_NAME].str, why, sizeof(why)))
		goto refuse;
	if (!v[OPT_TLS].num)
		return 0;
	if (v[OPT_SOCKET].str) {
		snprintf(why, sizeof(why), "tls=true is for host and port, not socket");
		goto refuse;
	}
	s->tls.c = tlsc_new(v[OPT_CA].str, v[OPT_CERT].str, v[OPT_TLS_KEY].str,
			    v[OPT_TLS_NAME].str ? v[OPT_TLS_NAME].str : v[OPT_HOST].str, "server",
			    why, sizeof(why));
	if (s->tls.c)
		return 0;
refuse:
	s->host->log(s->host, SYNSINK_LOG_ERR, "%s", why);
	return -EINVAL;
}

/* What open sets up before it connects: the server's name, the
 * credentials' combination, the TLS context (its files read).  0, or
 * -EINVAL after one line. */
static int redis_setup(struct rsink *s, const struct synsink_value *v,
		       const struct synsink_host *host)
{
	s->host = host;
	s->v = v;
	s->mode = (enum redis_mode)v[OPT_MODE].num;
	if (v[OPT_SOCKET].str)
		snprintf(s->server, sizeof(s->server), "%s", v[OPT_SOCKET].str);
	else
		snprintf(s->server, sizeof(s->server), "%s:%s", v[OPT_HOST].str, v[OPT_PORT].str);
	if (v[OPT_USERNAME].str && !v[OPT_PASSWORD].str) {
		host->log(host, SYNSINK_LOG_ERR, "username needs a password (or password_file)");
		return -EINVAL;
	}
	return tls_setup(s, v);
}

/* --check-config: the setup alone, nothing connected. */
static int redis_check(const struct synsink_value *v, const struct synsink_host *host)
{
	struct rsink *s = calloc(1, sizeof(*s));
	int ret;

	if (!s)
		return -ENOMEM;
	ret = redis_setup(s, v, host);
	rsink_free(s);
	return ret;
}

static int redis_open(void **state, const struct synsink_value *v, const struct synsink_host *host)
{
	struct rsink *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	if (redis_setup(s, v, host)) {
		rsink_free(s);
		return -EINVAL;
	}
	s->resp = malloc(RESP_BUF);
	if (!s->resp || outbox_init(&s->ob, OUTBOX_CAP, host)) {
		rsink_free(s);
		return -ENOMEM;
	}
	/* At start, a server that refuses us is a sink that cannot start:
	 * connect and handshake once, within both timeouts. */
	link_init(&s->link, &s->ob, host);
	s->link.quiet = true;
	s->slice_end_ns = host->now_ns() + ms_ns(v[OPT_CONNECT_TIMEOUT].num) +
			  ms_ns(v[OPT_COMMAND_TIMEOUT].num);
	rconn_pump(s, true);
	if (s->state != RC_UP && (host->flags & SYNSINK_HOST_SPOOL) &&
	    (s->state != RC_DOWN || s->open_code == -ECONNREFUSED || s->open_code == -ETIMEDOUT)) {
		/* Away, not refusing us: with a spool, start and keep
		 * retrying; the core spools meanwhile. */
		host->log(host, SYNSINK_LOG_WARN,
			  "%s; starting anyway, events are spooled until it answers",
			  s->state == RC_DOWN ? s->why : "no answer yet");
		s->link.quiet = false;
		link_mark_down(&s->link);
		if (s->state != RC_DOWN) {
			rconn_disconnect(s);
			outbox_connect_failed(&s->ob);
		}
		*state = s;
		return 0;
	}
	if (s->state != RC_UP) {
		int code = s->state == RC_DOWN ? s->open_code : -ETIMEDOUT;

		if (s->state != RC_DOWN) {
			snprintf(s->why, sizeof(s->why), "no answer from %s within %llu ms",
				 s->server,
				 (unsigned long long)(v[OPT_CONNECT_TIMEOUT].num +
						      v[OPT_COMMAND_TIMEOUT].num));
		}
		host->log(host, SYNSINK_LOG_ERR, "%s", s->why);
		rconn_disconnect(s);
		rsink_free(s);
		return code ? code : -EIO;
	}
	s->link.quiet = false;
	s->link.connect_errors = 0; /* counted from the start on */
	*state = s;
	return 0;
}

static int redis_write(void *state, const struct synsink_event *ev, size_t n, uint64_t seq)
{
	struct rsink *s = state;
	uint64_t now = s->host->now_ns();

	s->slice_end_ns = now + SLICE_NS;
	if (s->state != RC_UP || outbox_room(&s->ob) < n)
		rconn_pump(s, true); /* connect, or make room */
	if (s->state != RC_UP || now < s->hold_until_ns || outbox_room(&s->ob) < n) {
		s->slice_end_ns = 0;
		s->refused = 1;
		return SYNSINK_RETRY; /* away, or "not now": the core keeps them */
	}
	outbox_add(&s->ob, ev, n, seq);
	rconn_pump_fn(s);
	s->slice_end_ns = 0;
	return SYNSINK_PENDING;
}

static int redis_flush(void *state, int timeout_ms)
{
	struct rsink *s = state;
	int ret;

	s->slice_end_ns = s->host->now_ns() + ms_ns((uint64_t)timeout_ms);
	if (s->refused && s->state == RC_DOWN)
		rconn_pump(s, true); /* the core holds events for us */
	ret = outbox_drain(&s->ob, timeout_ms, rconn_pump_fn, s);
	s->slice_end_ns = 0;
	rconn_ready_again(s);

	if (ret && timeout_ms > 0)
		s->host->log(s->host, SYNSINK_LOG_WARN, "%zu events undelivered at the deadline",
			     s->ob.count);
	return ret;
}

static void redis_close(void *state)
{
	struct rsink *s = state;

	rconn_disconnect(s);
	outbox_requeue_all(&s->ob); /* unanswered: the core spools them */
	rsink_free(s);
}

static void redis_stats(void *state, synsink_emit_fn emit, void *arg)
{
	struct rsink *s = state;
	int i;

	emit(arg, "on_the_way", s->ob.count);
	link_stats(&s->link, emit, arg, "io_errors");
	emit(arg, "build_errors", s->build_errors);
	for (i = 0; i < N_ERRK; i++)
		emit(arg, errk_names[i], s->errk[i]);
	for (i = 0; i < N_TEMPK; i++)
		emit(arg, tempk_names[i], s->tempk[i]);
}

static const struct synsink_plugin redis_plugin = {
	SYNSINK_PLUGIN_INIT,
	.name = "redis",
	.description = "Redis: stream (XADD), channel (PUBLISH) or list (LPUSH/RPUSH), pipelined",
	.options = options,
	.n_options = N_OPTS,
	.open = redis_open,
	.write = redis_write,
	.flush = redis_flush,
	.close = redis_close,
	.stats = redis_stats,
	.check = redis_check,
};

SYNSINK_PLUGIN_DEFINE(redis_plugin)
