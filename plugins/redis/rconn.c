// SPDX-License-Identifier: MIT
/*
 * rconn.c - the Redis sink's connection: connect, handshake, pipelined
 * chunks out, replies in, every outcome settled (see rsink.h for the
 * states).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <hiredis/sds.h>

#include "rsink.h"

static const char *const tempk_prefix[N_TEMPK] = {
	"LOADING",
	"BUSY",
	"MASTERDOWN",
	"TRYAGAIN",
};

void rconn_disconnect(struct rsink *s)
{
	if (s->tls.c)
		tlsc_close(s->tls.c); /* before its socket goes */
	s->tls.read_want = s->tls.write_want = 0;
	s->tls.woff = s->tls.wlen = 0;
	if (s->c)
		redisFree(s->c);
	s->c = NULL;
	s->state = RC_DOWN;
	s->handshake = 0;
	s->wpending = 0;
	s->due_ns = 0;
	s->inflight = 0; /* unanswered commands go again on the next connection */
}

/* A connect or handshake failed with s->why: back off, say so once. */
static void connect_failed(struct rsink *s, int code)
{
	rconn_disconnect(s);
	s->open_code = code;
	link_failed(&s->link, "%s", s->why);
}

/* An established connection broke or hung: the events it had out stay in
 * the FIFO and go again after the minimum backoff.  why may be hiredis'
 * errstr, which the disconnect frees: it is said first. */
static void lost_connection(struct rsink *s, const char *why)
{
	link_lost(&s->link, "connection lost: %s", why);
	rconn_disconnect(s);
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

/* Sends AUTH, SELECT and a PING; data waits for their replies. */
static void send_handshake(struct rsink *s)
{
	const struct synsink_value *v = s->v;

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
}

/* The connect finished (the socket turned writable): check it, then
 * begin TLS or the handshake.  Returns 0, or -1 after connect_failed. */
static int connect_done(struct rsink *s)
{
	const struct synsink_value *v = s->v;
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(s->c->fd, SOL_SOCKET, SO_ERROR, &err, &len) || err) {
		snprintf(s->why, sizeof(s->why), "connect to %s: %s", s->server,
			 strerror(err ? err : errno));
		connect_failed(s, -ECONNREFUSED);
		return -1;
	}
	if (!v[OPT_SOCKET].str)
		redisEnableKeepAlive(s->c);
	if (!s->tls.c) {
		send_handshake(s);
		return 0;
	}
	if (tlsc_begin(s->tls.c, s->c->fd, s->why, sizeof(s->why))) {
		connect_failed(s, -ENOMEM);
		return -1;
	}
	s->state = RC_TLS;
	s->tls.step_want = POLLOUT; /* the ClientHello goes first */
	s->due_ns = s->host->now_ns() + ms_ns(v[OPT_COMMAND_TIMEOUT].num);
	return 0;
}

/* One step of the TLS handshake.  Returns 0, or -1 after connect_failed
 * (the server's certificate refused: -EACCES, any other TLS failure:
 * -EPROTO; neither is "away", so open() refuses to start). */
static int tls_step(struct rsink *s)
{
	char why[300];
	int r = tlsc_step(s->tls.c, &s->tls.verify, why, sizeof(why));

	if (r > 0) {
		s->tls.step_want = r;
		return 0;
	}
	if (r < 0) {
		snprintf(s->why, sizeof(s->why), "%s: %s", s->server, why);
		connect_failed(s, s->tls.verify ? -EACCES : -EPROTO);
		return -1;
	}
	send_handshake(s);
	return 0;
}

/* Writes hiredis' output buffer as far as the socket takes it.  Returns
 * 0, or -1 with why. */
static int buffer_write(struct rsink *s, char *why, size_t len)
{
	struct rtls *t = &s->tls;
	int done = 0, want;

	if (!t->c) {
		if (redisBufferWrite(s->c, &done) != REDIS_OK) {
			snprintf(why, len, "%s", s->c->errstr);
			return -1;
		}
		s->wpending = !done;
		return 0;
	}
	t->write_want = 0;
	while (t->woff < sdslen(s->c->obuf)) {
		size_t left = sdslen(s->c->obuf) - t->woff;
		size_t n = t->wlen ? t->wlen : left < TLS_WCHUNK ? left : TLS_WCHUNK;
		ssize_t w = tlsc_write(t->c, s->c->obuf + t->woff, n, &want, why, len);

		if (w < 0)
			return -1;
		if (!w) { /* the same bytes again, once the socket is ready */
			t->wlen = n;
			t->write_want = want;
			return 0;
		}
		t->wlen = 0;
		t->woff += (size_t)w;
	}
	/* All out: hiredis' buffer emptied once, not moved for each write. */
	sdsclear(s->c->obuf);
	t->woff = 0;
	s->wpending = 0;
	return 0;
}

/* Reads what has come into hiredis' reader.  Returns 0, or -1 with
 * why. */
static int buffer_read(struct rsink *s, char *why, size_t len)
{
	struct rtls *t = &s->tls;
	char buf[TLS_RCHUNK];
	int i, want;

	if (!t->c) {
		if (redisBufferRead(s->c) == REDIS_OK)
			return 0;
		snprintf(why, len, "%s", s->c->errstr);
		return -1;
	}
	t->read_want = 0;
	/* Bounded: what is left after that is in the socket, where poll()
	 * sees it (a read takes whole records). */
	for (i = 0; i < 64; i++) {
		ssize_t r = tlsc_read(t->c, buf, sizeof(buf), &want, why, len);

		if (r < 0)
			return -1;
		if (!r) {
			t->read_want = want == POLLOUT ? POLLOUT : 0;
			return 0;
		}
		if (redisReaderFeed(s->c->reader, buf, (size_t)r) != REDIS_OK) {
			snprintf(why, len, "%s", s->c->reader->errstr);
			return -1;
		}
	}
	return 0;
}

/* What the connection waits for in poll(). */
static short poll_events(const struct rsink *s)
{
	const struct rtls *t = &s->tls;
	short ev = POLLIN;

	if (s->state == RC_CONNECTING)
		return POLLOUT;
	if (s->state == RC_TLS)
		return (short)t->step_want;
	if (s->wpending && t->write_want != POLLIN)
		ev |= POLLOUT;
	return ev | (short)t->read_want;
}

/* Tells the core, if write() refused it, that events are taken again. */
void rconn_ready_again(struct rsink *s)
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
			 auth		     ? "AUTH"
			 : s->handshake == 2 ? "SELECT"
					     : "PING",
			 r->str);
		connect_failed(s, auth ? -EACCES : -EIO);
		return;
	}
	if (--s->handshake)
		return;
	s->state = RC_UP;
	s->due_ns = 0;
	if (link_up(&s->link))
		s->host->log(s->host, SYNSINK_LOG_INFO, "reconnected; %zu events to send",
			     (size_t)s->ob.count);
	rconn_ready_again(s);
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
		size_t len = s->host->format_json(s->host, ev, s->line, sizeof(s->line));
		size_t r;

		if (!len || redis_cmd_build(&s->cmd, s->mode, key, maxlen, s->line, len))
			break; /* cannot happen with the core's formatter */
		r = redis_cmd_resp(&s->cmd, s->resp + used, RESP_BUF - used);
		if (!r)
			break; /* the chunk is full */
		used += r;
		queued++;
	}
	if (!queued)
		return 0;
	if (redisAppendFormattedCommand(s->c, s->resp, used) != REDIS_OK)
		return 0;
	if (!s->inflight) /* the first reply is due from now */
		s->due_ns = s->host->now_ns() + ms_ns(s->v[OPT_COMMAND_TIMEOUT].num);
	s->inflight += queued;
	s->wpending = 1;
	return queued;
}

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
	s->host->log(s->host, SYNSINK_LOG_WARN, "Redis says '%.100s'; events kept, retrying", msg);
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
		s->hold_ns = 0; /* answered: no more holding back */
		outbox_settle(&s->ob, 1,
			      r->type == REDIS_REPLY_ERROR ? SYNSINK_FAILED : SYNSINK_DELIVERED);
		freeReplyObject(r);
		s->inflight--;
		if (!s->inflight)
			s->due_ns = 0;
	}
}

/* The connection broke: before the handshake's replies, a failed
 * connect (a TLS port spoken to in the clear does that), else a lost
 * one. */
static void broken(struct rsink *s, const char *why)
{
	if (s->state != RC_HANDSHAKE) {
		lost_connection(s, why);
		return;
	}
	snprintf(s->why, sizeof(s->why), "%s: %.290s%s", s->server, why,
		 s->tls.c || s->v[OPT_SOCKET].str
			 ? ""
			 : " before answering (is it a TLS port? then tls=true)");
	connect_failed(s, -EIO);
}

/*
 * Moves things along without blocking past s->slice_end_ns: connects when
 * there is something to send (or connect is set), queues chunks (DEPTH in
 * flight), writes what the socket takes, reads what has come.  Returns
 * when nothing is left to do, the connection is down (backoff), or the
 * slice is over.  So the core keeps moving events from the small ring into
 * the FIFO, the sink's real buffer, even while Redis hangs.
 */
void rconn_pump(struct rsink *s, bool connect)
{
	int late = 0;

	for (;;) {
		uint64_t now = s->host->now_ns(), until;
		struct pollfd pfd;
		char why[320];
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
			s->build_errors++; /* the head cannot be encoded: count it */
			outbox_settle(&s->ob, 1, SYNSINK_FAILED);
		}
		if (s->wpending && s->state >= RC_HANDSHAKE && buffer_write(s, why, sizeof(why))) {
			if (s->tls.c && s->state == RC_HANDSHAKE)
				(void)tlsc_refusal(s->tls.c, why, sizeof(why));
			broken(s, why);
			return;
		}
		if (s->state == RC_UP && !s->inflight && !s->wpending &&
		    (!s->ob.count || (now < s->hold_until_ns && now >= s->slice_end_ns)))
			return; /* all sent and answered, or held back */
		if (s->due_ns && now >= s->due_ns) {
			if (s->state == RC_UP) {
				snprintf(why, sizeof(why), "no reply within %llu ms",
					 (unsigned long long)s->v[OPT_COMMAND_TIMEOUT].num);
				lost_connection(s, why);
			} else if (s->state == RC_TLS) {
				snprintf(
					s->why, sizeof(s->why),
					"%s: TLS handshake: no answer within %llu ms (is it a TLS port?)",
					s->server,
					(unsigned long long)s->v[OPT_COMMAND_TIMEOUT].num);
				connect_failed(s, -EPROTO);
			} else {
				snprintf(s->why, sizeof(s->why), "%s %s: timed out",
					 s->state == RC_CONNECTING ? "connect to"
								   : "no answer from",
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
			until = s->hold_until_ns; /* then send again */
		ms = until > now ? (int)((until - now + 999999) / 1000000) : 0;
		pfd.fd = s->c->fd;
		pfd.events = poll_events(s);
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
		if (s->state == RC_TLS) {
			if (tls_step(s))
				return;
			continue;
		}
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR) || s->tls.read_want) {
			if (buffer_read(s, why, sizeof(why))) {
				broken(s, why);
				return;
			}
			if (take_replies(s))
				return;
		}
	}
}

void rconn_pump_fn(void *sink)
{
	rconn_pump(sink, false);
}
