// SPDX-License-Identifier: MIT
/*
 * redis.c - the Redis sink: XADD to a stream (default), PUBLISH to a
 * channel, or LPUSH/RPUSH to a list, pipelined, reconnecting, accounted.
 *
 * Every event the core hands over enters a bounded FIFO; pump() sends the
 * FIFO's head in pipelined chunks and pops only what Redis acknowledged.
 * So at any moment:  seen = delivered + failed + dropped + pending.
 *   delivered  Redis answered with a non-error reply
 *   failed     Redis answered with an error (counted by kind too)
 *   dropped    the FIFO was full (Redis away for too long)
 *   pending    still in the FIFO
 * When the connection breaks mid-pipeline, the unanswered events stay in
 * the FIFO and are sent again after reconnecting: delivery is at least
 * once (a command Redis ran just before it died may run twice).
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

#include <hiredis/hiredis.h>
#include <synsink/plugin.h>

#include "cmd.h"
#include "outbox.h"

#define CHUNK		256		/* commands per pipeline write */
#define DEPTH		2		/* chunks in flight: Redis runs one while we encode the next */
#define SLICE_NS	(10 * 1000000ull)	/* longest a write() pumps */
#define RESP_BUF	(CHUNK * 2048)	/* room for a chunk of XADDs */

enum { OPT_HOST, OPT_PORT, OPT_SOCKET, OPT_DB, OPT_USERNAME, OPT_PASSWORD,
       OPT_MODE, OPT_KEY, OPT_MAXLEN, OPT_BUFFER, OPT_CONNECT_TIMEOUT,
       OPT_COMMAND_TIMEOUT, N_OPTS };

static const char *const modes[] = { "xadd", "publish", "lpush", "rpush", NULL };

static const struct synsink_option options[N_OPTS] = {
	[OPT_HOST] = { "host", SYNSINK_OPT_STRING, "127.0.0.1", "server address", NULL, 0, 0 },
	[OPT_PORT] = { "port", SYNSINK_OPT_UINT, "6379", "server port", NULL, 1, 65535 },
	[OPT_SOCKET] = { "socket", SYNSINK_OPT_STRING, NULL,
			 "unix socket path (instead of host and port)", NULL, 0, 0 },
	[OPT_DB] = { "db", SYNSINK_OPT_UINT, "0", "database number (SELECT)", NULL, 0, 65535 },
	[OPT_USERNAME] = { "username", SYNSINK_OPT_STRING, NULL,
			   "ACL user for AUTH (needs password)", NULL, 0, 0 },
	[OPT_PASSWORD] = { "password", SYNSINK_OPT_STRING, NULL, "AUTH password", NULL, 0, 0 },
	[OPT_MODE] = { "mode", SYNSINK_OPT_ENUM, "xadd",
		       "xadd: stream entry per event; publish: JSON to a channel; lpush/rpush: JSON to a list",
		       modes, 0, 0 },
	[OPT_KEY] = { "key", SYNSINK_OPT_STRING, "synsink", "stream, channel or list name", NULL, 0, 0 },
	[OPT_MAXLEN] = { "maxlen", SYNSINK_OPT_UINT, "1000000",
			 "xadd: trim the stream to about this many entries (0: never)",
			 NULL, 0, UINT64_MAX },
	[OPT_BUFFER] = { "buffer", SYNSINK_OPT_UINT, "100000",
			 "events held while Redis is away; beyond that they are dropped and counted",
			 NULL, 1, 100000000 },
	[OPT_CONNECT_TIMEOUT] = { "connect_timeout", SYNSINK_OPT_UINT, "1000",
				  "connect timeout, ms", NULL, 1, 600000 },
	[OPT_COMMAND_TIMEOUT] = { "command_timeout", SYNSINK_OPT_UINT, "2000",
				  "timeout of one pipeline round trip, ms", NULL, 1, 600000 },
};

enum { ERRK_WRONGTYPE, ERRK_OOM, ERRK_NOAUTH, ERRK_NOPERM, ERRK_OTHER, N_ERRK };
static const char *const errk_names[N_ERRK] = {
	"err_wrongtype", "err_oom", "err_noauth", "err_noperm", "err_other",
};

struct rsink {
	const struct synsink_host *host;
	const struct synsink_value *v;
	enum redis_mode mode;
	redisContext *c;
	int down;			/* logged as down, not yet back */
	struct outbox ob;		/* events not yet answered by Redis */
	size_t inflight;		/* the first this many of them are sent */
	uint64_t slice_end_ns;		/* pump() returns after this (0: never) */

	/* Counters: stats() reads them from any thread. */
	atomic_ullong delivered, failed, reconnects, connect_errors,
		      io_errors, build_errors, errk[N_ERRK];
	char line[SYNSINK_LINE_MAX];
	struct redis_cmd cmd;
	char *resp;			/* one chunk's commands, RESP-encoded */
};

static struct timeval ms_tv(uint64_t ms)
{
	struct timeval tv = { (time_t)(ms / 1000), (suseconds_t)(ms % 1000 * 1000) };

	return tv;
}

static void disconnect(struct rsink *s)
{
	if (s->c)
		redisFree(s->c);
	s->c = NULL;
	s->inflight = 0;	/* unanswered commands go again on the next connection */
}

/* Runs one command right away (AUTH, SELECT).  Returns 0, or -1 with the
 * reason in why. */
static int simple_command(struct rsink *s, int argc, const char **argv,
			  char *why, size_t len)
{
	redisReply *r = redisCommandArgv(s->c, argc, argv, NULL);
	int ret = 0;

	if (!r) {
		snprintf(why, len, "%s: %s", argv[0], s->c->errstr);
		return -1;
	}
	if (r->type == REDIS_REPLY_ERROR) {
		snprintf(why, len, "%s refused: %s", argv[0], r->str);
		ret = -1;
	}
	freeReplyObject(r);
	return ret;
}

/* Connects, authenticates and selects the database.  Returns 0, -EACCES
 * when AUTH was refused, or -ECONNREFUSED / -EIO with the reason in why. */
static int try_connect(struct rsink *s, char *why, size_t len)
{
	const struct synsink_value *v = s->v;
	struct timeval ctv = ms_tv(v[OPT_CONNECT_TIMEOUT].num);
	struct timeval rtv = ms_tv(v[OPT_COMMAND_TIMEOUT].num);

	if (v[OPT_SOCKET].str)
		s->c = redisConnectUnixWithTimeout(v[OPT_SOCKET].str, ctv);
	else
		s->c = redisConnectWithTimeout(v[OPT_HOST].str,
					       (int)v[OPT_PORT].num, ctv);
	if (!s->c || s->c->err) {
		snprintf(why, len, "connect to %s%s%s: %s",
			 v[OPT_SOCKET].str ? v[OPT_SOCKET].str : v[OPT_HOST].str,
			 v[OPT_SOCKET].str ? "" : ":",
			 v[OPT_SOCKET].str ? "" : v[OPT_PORT].str,
			 s->c ? s->c->errstr : "out of memory");
		disconnect(s);
		return -ECONNREFUSED;
	}
	redisSetTimeout(s->c, rtv);
	if (!v[OPT_SOCKET].str)
		redisEnableKeepAlive(s->c);
	if (v[OPT_PASSWORD].str) {
		const char *argv[3];
		int argc = 0;

		argv[argc++] = "AUTH";
		if (v[OPT_USERNAME].str)
			argv[argc++] = v[OPT_USERNAME].str;
		argv[argc++] = v[OPT_PASSWORD].str;
		if (simple_command(s, argc, argv, why, len)) {
			disconnect(s);
			return -EACCES;
		}
	}
	if (v[OPT_DB].num) {
		const char *argv[2] = { "SELECT", v[OPT_DB].str };

		if (simple_command(s, 2, argv, why, len)) {
			disconnect(s);
			return -EIO;
		}
	}
	return 0;
}

/* Reconnects when due.  Returns whether there is a connection. */
static int ensure_connected(struct rsink *s)
{
	char why[256];

	if (s->c)
		return 1;
	if (!outbox_may_connect(&s->ob))
		return 0;
	if (try_connect(s, why, sizeof(why))) {
		s->connect_errors++;
		outbox_connect_failed(&s->ob);
		if (!s->down)
			s->host->log(s->host, SYNSINK_LOG_WARN,
				     "%s; retrying, holding up to %zu events",
				     why, s->ob.cap);
		s->down = 1;
		return 0;
	}
	if (s->down) {
		s->reconnects++;
		s->host->log(s->host, SYNSINK_LOG_INFO,
			     "reconnected; %zu events to send", s->ob.count);
	}
	s->down = 0;
	outbox_connected(&s->ob);
	return 1;
}

static void lost_connection(struct rsink *s)
{
	s->io_errors++;
	s->host->log(s->host, SYNSINK_LOG_WARN, "connection lost: %s",
		     s->c->errstr[0] ? s->c->errstr : "unknown error");
	disconnect(s);
	s->down = 1;
	outbox_connection_lost(&s->ob);
}

static void count_error(struct rsink *s, const char *msg)
{
	static const char *const prefixes[] = { "WRONGTYPE", "OOM", "NOAUTH", "NOPERM" };
	size_t i;

	s->failed++;
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		if (!strncmp(msg, prefixes[i], strlen(prefixes[i]))) {
			s->errk[i]++;
			return;
		}
	}
	if (!s->errk[ERRK_OTHER])
		s->host->log(s->host, SYNSINK_LOG_WARN, "Redis error: %s", msg);
	s->errk[ERRK_OTHER]++;
}

/* Encodes the next chunk after the commands in flight and writes it out.
 * Returns how many commands went (0: the next event cannot be encoded),
 * or -1 when the connection broke. */
static int send_chunk(struct rsink *s)
{
	size_t avail = s->ob.count - s->inflight;
	size_t n = avail < CHUNK ? avail : CHUNK, i, sent = 0, used = 0;
	const char *key = s->v[OPT_KEY].str;
	uint64_t maxlen = s->v[OPT_MAXLEN].num;
	int done = 0;

	/* Our own RESP encoding: hiredis' printf-style one was a fifth of
	 * the sink's time. */
	for (i = 0; i < n; i++) {
		const struct syn_event *ev = outbox_at(&s->ob, s->inflight + i);
		size_t len = s->host->format_json(ev, s->line, sizeof(s->line));
		size_t r;

		if (!len || redis_cmd_build(&s->cmd, s->mode, key, maxlen,
					    s->line, len))
			break;	/* cannot happen with the core's formatter */
		r = redis_cmd_resp(&s->cmd, s->resp + used, RESP_BUF - used);
		if (!r)
			break;	/* the chunk is full */
		used += r;
		sent++;
	}
	if (!sent)
		return 0;
	if (redisAppendFormattedCommand(s->c, s->resp, used) != REDIS_OK)
		goto lost;
	while (!done)
		if (redisBufferWrite(s->c, &done) != REDIS_OK)
			goto lost;
	s->inflight += sent;
	return (int)sent;
lost:
	lost_connection(s);
	return -1;
}

/* Reads the replies to the n oldest commands in flight and lets their
 * events go.  Returns 0, or -1 when the connection broke. */
static int read_replies(struct rsink *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		redisReply *r;

		if (redisGetReply(s->c, (void **)&r) != REDIS_OK) {
			lost_connection(s);
			return -1;
		}
		if (r->type == REDIS_REPLY_ERROR)
			count_error(s, r->str);
		else
			s->delivered++;
		freeReplyObject(r);
		outbox_pop(&s->ob, 1);
		s->inflight--;
	}
	return 0;
}

/* Sends what the FIFO holds while the connection lasts, DEPTH chunks in
 * flight, so Redis runs one chunk while the next is encoded and written.
 * Called from write(), it stops after SLICE_NS (unless the FIFO is full),
 * so the core keeps moving events from the small ring into the FIFO, the
 * sink's real buffer, while Redis is slower than the SYNs for a while. */
static void pump(void *sink)
{
	struct rsink *s = sink;

	while (s->ob.count && ensure_connected(s)) {
		if (s->slice_end_ns && s->ob.count < s->ob.cap &&
		    s->host->now_ns() >= s->slice_end_ns)
			break;
		if (s->ob.count > s->inflight && s->inflight < DEPTH * CHUNK) {
			int sent = send_chunk(s);

			if (sent < 0)
				break;
			if (sent > 0)
				continue;
			if (!s->inflight) {	/* the head cannot be encoded: count it */
				s->build_errors++;
				s->failed++;
				outbox_pop(&s->ob, 1);
				continue;
			}
		}
		if (read_replies(s, s->inflight < CHUNK ? s->inflight : CHUNK))
			break;
	}
}

static int redis_open(void **state, const struct synsink_value *v,
		      const struct synsink_host *host)
{
	struct rsink *s = calloc(1, sizeof(*s));
	char why[256];
	int ret;

	if (!s)
		return -ENOMEM;
	s->host = host;
	s->v = v;
	s->mode = (enum redis_mode)v[OPT_MODE].num;
	if (v[OPT_USERNAME].str && !v[OPT_PASSWORD].str) {
		host->log(host, SYNSINK_LOG_ERR, "username needs a password");
		free(s);
		return -EINVAL;
	}
	s->resp = malloc(RESP_BUF);
	if (!s->resp || outbox_init(&s->ob, v[OPT_BUFFER].num, host->now_ns)) {
		free(s->resp);
		free(s);
		return -ENOMEM;
	}
	ret = try_connect(s, why, sizeof(why));
	if (ret) {
		host->log(host, SYNSINK_LOG_ERR, "%s", why);
		outbox_free(&s->ob);
		free(s->resp);
		free(s);
		return ret;
	}
	*state = s;
	return 0;
}

static int redis_write(void *state, const struct syn_event *ev, size_t n)
{
	struct rsink *s = state;

	s->slice_end_ns = s->host->now_ns() + SLICE_NS;
	outbox_add(&s->ob, ev, n, pump, s);
	pump(s);
	s->slice_end_ns = 0;	/* flush() pumps until done or its deadline */
	return SYNSINK_OK;
}

static int redis_flush(void *state, int timeout_ms)
{
	struct rsink *s = state;
	int ret = outbox_drain(&s->ob, timeout_ms, pump, s);

	if (ret && timeout_ms > 0)
		s->host->log(s->host, SYNSINK_LOG_WARN,
			     "%zu events undelivered at the deadline", s->ob.count);
	return ret;
}

static void redis_close(void *state)
{
	struct rsink *s = state;

	disconnect(s);
	outbox_free(&s->ob);
	free(s->resp);
	free(s);
}

static void redis_stats(void *state, synsink_emit_fn emit, void *arg)
{
	struct rsink *s = state;
	int i;

	emit(arg, "delivered", s->delivered);
	emit(arg, "failed", s->failed);
	emit(arg, "dropped", s->ob.dropped);
	emit(arg, "pending", s->ob.count);
	emit(arg, "reconnects", s->reconnects);
	emit(arg, "connect_errors", s->connect_errors);
	emit(arg, "io_errors", s->io_errors);
	emit(arg, "build_errors", s->build_errors);
	for (i = 0; i < N_ERRK; i++)
		emit(arg, errk_names[i], s->errk[i]);
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
};

SYNSINK_PLUGIN_DEFINE(redis_plugin)
