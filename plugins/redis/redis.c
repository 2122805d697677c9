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
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/socket.h>

#include <hiredis/hiredis.h>
#include <synsink/plugin.h>

#include "cmd.h"
#include "link.h"
#include "outbox.h"

#define CHUNK		256		/* commands per pipeline write */
#define DEPTH		2		/* chunks in flight: Redis runs one while we encode the next */
#define SLICE_NS	(10 * 1000000ull)	/* longest a write() pumps */
#define RESP_BUF	(CHUNK * 2048)	/* room for a chunk of XADDs */
#define RETRY_MIN_NS	(100 * 1000000ull)	/* after "not now" (LOADING, BUSY) */
#define RETRY_MAX_NS	(1000 * 1000000ull)

enum { OPT_HOST, OPT_PORT, OPT_SOCKET, OPT_DB, OPT_USERNAME, OPT_PASSWORD,
       OPT_MODE, OPT_KEY, OPT_MAXLEN, OPT_CONNECT_TIMEOUT,
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
	[OPT_CONNECT_TIMEOUT] = { "connect_timeout", SYNSINK_OPT_UINT, "1000",
				  "connect timeout, ms", NULL, 1, 600000 },
	[OPT_COMMAND_TIMEOUT] = { "command_timeout", SYNSINK_OPT_UINT, "2000",
				  "timeout of one pipeline round trip, ms", NULL, 1, 600000 },
};

enum { ERRK_WRONGTYPE, ERRK_OOM, ERRK_NOAUTH, ERRK_NOPERM, ERRK_OTHER, N_ERRK };
static const char *const errk_names[N_ERRK] = {
	"err_wrongtype", "err_oom", "err_noauth", "err_noperm", "err_other",
};

/* Replies that say "not now": the server is loading its data set or busy
 * with a script.  The event is sent again later, not counted failed. */
enum { TEMPK_LOADING, TEMPK_BUSY, TEMPK_MASTERDOWN, TEMPK_TRYAGAIN, N_TEMPK };
static const char *const tempk_prefix[N_TEMPK] = {
	"LOADING", "BUSY", "MASTERDOWN", "TRYAGAIN",
};
static const char *const tempk_names[N_TEMPK] = {
	"retry_loading", "retry_busy", "retry_masterdown", "retry_tryagain",
};

/*
 * The connection, never waited on longer than the caller allows: the
 * socket is non-blocking and every wait is a poll() bounded by the slice
 * (write) or the deadline (flush).  DOWN -> CONNECTING (connect() under
 * way, by connect_timeout) -> HANDSHAKE (AUTH, SELECT and a PING sent;
 * data waits for their replies, so a hung server never gets a pipeline it
 * might run twice) -> UP.  A reply not seen within command_timeout of the
 * last one means a hung server: reconnect, events kept.
 */
enum rconn { RC_DOWN, RC_CONNECTING, RC_HANDSHAKE, RC_UP };

struct rsink {
	const struct synsink_host *host;
	const struct synsink_value *v;
	enum redis_mode mode;
	redisContext *c;
	enum rconn state;
	size_t handshake;		/* handshake replies still due */
	int wpending;			/* hiredis' output buffer is not empty */
	uint64_t due_ns;		/* connect, or the next reply, by then (0: none) */
	int open_code;			/* open(): why holds the reason, and this -errno */
	char why[512];
	char server[160];		/* host:port or the socket, for messages */
	struct outbox ob;		/* events not yet answered by Redis */
	struct link link;		/* down and back: counted and said */
	size_t inflight;		/* the first this many of them are sent */
	uint64_t slice_end_ns;		/* pump() returns by then */
	uint64_t hold_ns, hold_until_ns;	/* "not now": no new commands until then */
	int refused;			/* write() said RETRY: wake the core when ready */

	/* Counters: stats() reads them from any thread. */
	atomic_ullong build_errors, errk[N_ERRK], tempk[N_TEMPK];
	char line[SYNSINK_LINE_MAX];
	struct redis_cmd cmd;
	char *resp;			/* one chunk's commands, RESP-encoded */
};

static void disconnect(struct rsink *s)
{
	if (s->c)
		redisFree(s->c);
	s->c = NULL;
	s->state = RC_DOWN;
	s->handshake = 0;
	s->wpending = 0;
	s->due_ns = 0;
	s->inflight = 0;	/* unanswered commands go again on the next connection */
}

static uint64_t ms_ns(uint64_t ms)
{
	return ms * 1000000u;
}

/* A connect or handshake failed with s->why: back off, say so once. */
static void connect_failed(struct rsink *s, int code)
{
	disconnect(s);
	s->open_code = code;
	link_failed(&s->link, "%s", s->why);
}

/* An established connection broke or hung: the events it had out stay in
 * the FIFO and go again after the minimum backoff. */
static void lost_connection(struct rsink *s, const char *why)
{
	disconnect(s);
	link_lost(&s->link, "connection lost: %s", why);
}

/* Starts a non-blocking connect.  Returns 0, or -1 after connect_failed. */
static int start_connect(struct rsink *s)
{
	const struct synsink_value *v = s->v;

	if (v[OPT_SOCKET].str)
		s->c = redisConnectUnixNonBlock(v[OPT_SOCKET].str);
	else
		s->c = redisConnectNonBlock(v[OPT_HOST].str, (int)v[OPT_PORT].num);
	if (!s->c || s->c->err) {
		snprintf(s->why, sizeof(s->why), "connect to %s: %s", s->server,
			 s->c ? s->c->errstr : "out of memory");
		connect_failed(s, -ECONNREFUSED);
		return -1;
	}
	s->state = RC_CONNECTING;
	s->due_ns = s->host->now_ns() + ms_ns(v[OPT_CONNECT_TIMEOUT].num);
	return 0;
}

/* The connect finished (the socket turned writable): check it, then send
 * the handshake.  Returns 0, or -1 after connect_failed. */
static int connect_done(struct rsink *s)
{
	const struct synsink_value *v = s->v;
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(s->c->fd, SOL_SOCKET, SO_ERROR, &err, &len) || err) {
		snprintf(s->why, sizeof(s->why), "connect to %s: %s",
			 s->server, strerror(err ? err : errno));
		connect_failed(s, -ECONNREFUSED);
		return -1;
	}
	if (!v[OPT_SOCKET].str)
		redisEnableKeepAlive(s->c);
	s->handshake = 0;
	if (v[OPT_PASSWORD].str) {
		const char *argv[3];
		int argc = 0;

		argv[argc++] = "AUTH";
		if (v[OPT_USERNAME].str)
			argv[argc++] = v[OPT_USERNAME].str;
		argv[argc++] = v[OPT_PASSWORD].str;
		redisAppendCommandArgv(s->c, argc, argv, NULL);
		s->handshake++;
	}
	if (v[OPT_DB].num) {
		const char *argv[2] = { "SELECT", v[OPT_DB].str };

		redisAppendCommandArgv(s->c, 2, argv, NULL);
		s->handshake++;
	}
	redisAppendCommand(s->c, "PING");
	s->handshake++;
	s->wpending = 1;
	s->state = RC_HANDSHAKE;
	s->due_ns = s->host->now_ns() + ms_ns(v[OPT_COMMAND_TIMEOUT].num);
	return 0;
}

/* Tells the core, if write() refused it, that events are taken again. */
static void ready_again(struct rsink *s)
{
	if (s->refused && s->state == RC_UP && s->host->now_ns() >= s->hold_until_ns) {
		s->refused = 0;
		s->host->wake(s->host);
	}
}

/* One handshake reply (AUTH, SELECT, PING, in that order). */
static void handshake_reply(struct rsink *s, const redisReply *r)
{
	if (r->type == REDIS_REPLY_ERROR) {
		int auth = s->v[OPT_PASSWORD].str &&
			   s->handshake == 1 + (s->v[OPT_DB].num ? 1 : 0) + 1;

		snprintf(s->why, sizeof(s->why), "%s refused: %s",
			 auth ? "AUTH" : s->handshake == 2 ? "SELECT" : "PING", r->str);
		connect_failed(s, auth ? -EACCES : -EIO);
		return;
	}
	if (--s->handshake)
		return;
	s->state = RC_UP;
	s->due_ns = 0;
	if (link_up(&s->link))
		s->host->log(s->host, SYNSINK_LOG_INFO,
			     "reconnected; %zu events to send", (size_t)s->ob.count);
	ready_again(s);
}

/* Whether an error reply means "not now"; counts it by kind then. */
static bool temporary_error(struct rsink *s, const char *msg)
{
	size_t i;

	for (i = 0; i < N_TEMPK; i++) {
		if (!strncmp(msg, tempk_prefix[i], strlen(tempk_prefix[i]))) {
			s->tempk[i]++;
			return true;
		}
	}
	return false;
}

static void count_error(struct rsink *s, const char *msg)
{
	static const char *const prefixes[] = { "WRONGTYPE", "OOM", "NOAUTH", "NOPERM" };
	size_t i;

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

/* Encodes the next chunk after the commands in flight into hiredis'
 * output buffer (sent as the socket takes it).  Returns how many
 * commands were queued (0: the next event cannot be encoded). */
static size_t queue_chunk(struct rsink *s)
{
	size_t avail = s->ob.count - s->inflight;
	size_t n = avail < CHUNK ? avail : CHUNK, i, queued = 0, used = 0;
	const char *key = s->v[OPT_KEY].str;
	uint64_t maxlen = s->v[OPT_MAXLEN].num;

	/* Our own RESP encoding: hiredis' printf-style one was a fifth of
	 * the sink's time. */
	for (i = 0; i < n; i++) {
		const struct synsink_event *ev = outbox_at(&s->ob, s->inflight + i);
		size_t len = s->host->format_json(ev, s->line, sizeof(s->line));
		size_t r;

		if (!len || redis_cmd_build(&s->cmd, s->mode, key, maxlen,
					    s->line, len))
			break;	/* cannot happen with the core's formatter */
		r = redis_cmd_resp(&s->cmd, s->resp + used, RESP_BUF - used);
		if (!r)
			break;	/* the chunk is full */
		used += r;
		queued++;
	}
	if (!queued)
		return 0;
	if (redisAppendFormattedCommand(s->c, s->resp, used) != REDIS_OK)
		return 0;
	if (!s->inflight)	/* the first reply is due from now */
		s->due_ns = s->host->now_ns() + ms_ns(s->v[OPT_COMMAND_TIMEOUT].num);
	s->inflight += queued;
	s->wpending = 1;
	return queued;
}

static void pump(void *sink);

/*
 * Redis said "not now" (LOADING, BUSY...) to the oldest command in flight:
 * its event goes to the back of the FIFO, to be sent again, and no new
 * command goes out for a while (100 ms, doubling to 1 s while it lasts;
 * write() says SYNSINK_RETRY meanwhile, so the core holds what is newer).
 * The commands already out are answered one by one as usual, so none is
 * sent twice.
 */
static void retry_later(struct rsink *s, const char *msg)
{
	uint64_t now = s->host->now_ns();

	outbox_rotate(&s->ob);
	s->inflight--;
	s->hold_ns = s->hold_ns ? s->hold_ns * 2 : RETRY_MIN_NS;
	if (s->hold_ns > RETRY_MAX_NS)
		s->hold_ns = RETRY_MAX_NS;
	s->hold_until_ns = now + s->hold_ns;
	s->host->log(s->host, SYNSINK_LOG_WARN, "Redis says '%.100s'; events kept, retrying",
		     msg);
	if (!s->inflight)
		s->due_ns = 0;
}

/* Takes the replies hiredis has parsed.  Returns 0, or -1 when the
 * connection went (broken, refused, or "not now"). */
static int take_replies(struct rsink *s)
{
	redisReply *r;

	for (;;) {
		if (redisGetReply(s->c, (void **)&r) != REDIS_OK) {
			lost_connection(s, s->c->errstr);
			return -1;
		}
		if (!r)
			return 0;
		s->due_ns = s->host->now_ns() + ms_ns(s->v[OPT_COMMAND_TIMEOUT].num);
		if (s->state == RC_HANDSHAKE) {
			handshake_reply(s, r);
			freeReplyObject(r);
			if (s->state == RC_DOWN)
				return -1;
			continue;
		}
		if (r->type == REDIS_REPLY_ERROR && temporary_error(s, r->str)) {
			retry_later(s, r->str);
			freeReplyObject(r);
			continue;
		}
		if (r->type == REDIS_REPLY_ERROR)
			count_error(s, r->str);
		s->hold_ns = 0;	/* answered: no more holding back */
		outbox_settle(&s->ob, 1, r->type == REDIS_REPLY_ERROR ?
				  SYNSINK_FAILED : SYNSINK_DELIVERED);
		freeReplyObject(r);
		s->inflight--;
		if (!s->inflight)
			s->due_ns = 0;
	}
}

/*
 * Moves things along without blocking past s->slice_end_ns: connects when
 * there is something to send (or connect is set), queues chunks (DEPTH in
 * flight), writes what the socket takes, reads what has come.  Returns
 * when nothing is left to do, the connection is down (backoff), or the
 * slice is over.  So the core keeps moving events from the small ring into
 * the FIFO, the sink's real buffer, even while Redis hangs.
 */
static void pump_conn(struct rsink *s, bool connect)
{
	int late = 0;

	for (;;) {
		uint64_t now = s->host->now_ns(), until;
		struct pollfd pfd;
		int ms, ret;

		if (s->state == RC_DOWN) {
			if ((!s->ob.count && !connect) || !link_may_connect(&s->link))
				return;
			if (start_connect(s))
				return;
		}
		while (s->state == RC_UP && s->ob.count > s->inflight &&
		       s->inflight < DEPTH * CHUNK && now >= s->hold_until_ns) {
			if (queue_chunk(s))
				continue;
			if (s->inflight)
				break;
			s->build_errors++;	/* the head cannot be encoded: count it */
			outbox_settle(&s->ob, 1, SYNSINK_FAILED);
		}
		if (s->wpending && s->state != RC_CONNECTING) {
			int done = 0;

			if (redisBufferWrite(s->c, &done) != REDIS_OK) {
				lost_connection(s, s->c->errstr);
				return;
			}
			s->wpending = !done;
		}
		if (s->state == RC_UP && !s->inflight && !s->wpending &&
		    (!s->ob.count || (now < s->hold_until_ns && now >= s->slice_end_ns)))
			return;		/* all sent and answered, or held back */
		if (s->due_ns && now >= s->due_ns) {
			char why[128];

			if (s->state == RC_UP) {
				snprintf(why, sizeof(why), "no reply within %llu ms",
					 (unsigned long long)s->v[OPT_COMMAND_TIMEOUT].num);
				lost_connection(s, why);
			} else {
				snprintf(s->why, sizeof(s->why), "%s %s: timed out",
					 s->state == RC_CONNECTING ? "connect to" : "no answer from",
					 s->server);
				connect_failed(s, -ETIMEDOUT);
			}
			return;
		}
		/* Past the slice: one more look at what is ready, no wait. */
		if (now >= s->slice_end_ns && late++)
			return;
		until = s->due_ns && s->due_ns < s->slice_end_ns ? s->due_ns : s->slice_end_ns;
		if (s->hold_until_ns > now && s->hold_until_ns < until)
			until = s->hold_until_ns;	/* then send again */
		ms = until > now ? (int)((until - now + 999999) / 1000000) : 0;
		pfd.fd = s->c->fd;
		pfd.events = s->state == RC_CONNECTING ? POLLOUT :
			     POLLIN | (s->wpending ? POLLOUT : 0);
		ret = poll(&pfd, 1, ms);
		if (ret < 0 && errno != EINTR)
			return;
		if (ret <= 0)
			continue;
		if (s->state == RC_CONNECTING) {
			if (connect_done(s))
				return;
			continue;
		}
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
			if (redisBufferRead(s->c) != REDIS_OK) {
				if (s->state == RC_HANDSHAKE) {
					snprintf(s->why, sizeof(s->why), "%s: %s",
						 s->server, s->c->errstr);
					connect_failed(s, -EIO);
				} else {
					lost_connection(s, s->c->errstr);
				}
				return;
			}
			if (take_replies(s))
				return;
		}
	}
}


static void pump(void *sink)
{
	pump_conn(sink, false);
}

static int redis_open(void **state, const struct synsink_value *v,
		      const struct synsink_host *host)
{
	struct rsink *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->host = host;
	s->v = v;
	s->mode = (enum redis_mode)v[OPT_MODE].num;
	if (v[OPT_SOCKET].str)
		snprintf(s->server, sizeof(s->server), "%s", v[OPT_SOCKET].str);
	else
		snprintf(s->server, sizeof(s->server), "%s:%s", v[OPT_HOST].str,
			 v[OPT_PORT].str);
	if (v[OPT_USERNAME].str && !v[OPT_PASSWORD].str) {
		host->log(host, SYNSINK_LOG_ERR, "username needs a password");
		free(s);
		return -EINVAL;
	}
	s->resp = malloc(RESP_BUF);
	if (!s->resp || outbox_init(&s->ob, OUTBOX_CAP, host)) {
		free(s->resp);
		free(s);
		return -ENOMEM;
	}
	/* At start, a server that refuses us is a sink that cannot start:
	 * connect and handshake once, within both timeouts. */
	link_init(&s->link, &s->ob, host);
	s->link.quiet = true;
	s->slice_end_ns = host->now_ns() + ms_ns(v[OPT_CONNECT_TIMEOUT].num) +
			  ms_ns(v[OPT_COMMAND_TIMEOUT].num);
	pump_conn(s, true);
	if (s->state != RC_UP && (host->flags & SYNSINK_HOST_SPOOL) &&
	    (s->state != RC_DOWN || s->open_code == -ECONNREFUSED ||
	     s->open_code == -ETIMEDOUT)) {
		/* Away, not refusing us: with a spool, start and keep
		 * retrying; the core spools meanwhile. */
		host->log(host, SYNSINK_LOG_WARN, "%s; starting anyway, events are spooled until it answers",
			  s->state == RC_DOWN ? s->why : "no answer yet");
		s->link.quiet = false;
		link_mark_down(&s->link);
		if (s->state != RC_DOWN) {
			disconnect(s);
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
		disconnect(s);
		outbox_free(&s->ob);
		free(s->resp);
		free(s);
		return code ? code : -EIO;
	}
	s->link.quiet = false;
	s->link.connect_errors = 0;	/* counted from the start on */
	*state = s;
	return 0;
}

static int redis_write(void *state, const struct synsink_event *ev, size_t n,
		       uint64_t seq)
{
	struct rsink *s = state;
	uint64_t now = s->host->now_ns();

	s->slice_end_ns = now + SLICE_NS;
	if (s->state != RC_UP || outbox_room(&s->ob) < n)
		pump_conn(s, true);	/* connect, or make room */
	if (s->state != RC_UP || now < s->hold_until_ns || outbox_room(&s->ob) < n) {
		s->slice_end_ns = 0;
		s->refused = 1;
		return SYNSINK_RETRY;	/* away, or "not now": the core keeps them */
	}
	outbox_add(&s->ob, ev, n, seq);
	pump(s);
	s->slice_end_ns = 0;
	return SYNSINK_PENDING;
}

static int redis_flush(void *state, int timeout_ms)
{
	struct rsink *s = state;
	int ret;

	s->slice_end_ns = s->host->now_ns() + ms_ns((uint64_t)timeout_ms);
	if (s->refused && s->state == RC_DOWN)
		pump_conn(s, true);	/* the core holds events for us */
	ret = outbox_drain(&s->ob, timeout_ms, pump, s);
	s->slice_end_ns = 0;
	ready_again(s);

	if (ret && timeout_ms > 0)
		s->host->log(s->host, SYNSINK_LOG_WARN,
			     "%zu events undelivered at the deadline", s->ob.count);
	return ret;
}

static void redis_close(void *state)
{
	struct rsink *s = state;

	disconnect(s);
	outbox_requeue_all(&s->ob);	/* unanswered: the core spools them */
	outbox_free(&s->ob);
	free(s->resp);
	free(s);
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
};

SYNSINK_PLUGIN_DEFINE(redis_plugin)
