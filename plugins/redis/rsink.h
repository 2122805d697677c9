/* SPDX-License-Identifier: MIT */
/*
 * rsink.h - the Redis sink's state, shared by its two files: redis.c (the
 * plugin: options, open, write, flush, close, stats) and rconn.c (the
 * connection and its pipeline).  Private to the plugin.
 */
#ifndef SYNSINK_REDIS_RSINK_H
#define SYNSINK_REDIS_RSINK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <hiredis/hiredis.h>
#include <synsink/plugin.h>

#include "cmd.h"
#include "link.h"
#include "outbox.h"
#include "tlsc.h"

#define CHUNK	     256 /* commands per pipeline write */
#define DEPTH	     2	 /* chunks in flight: Redis runs one while we encode the next */
#define SLICE_NS     (10 * 1000000ull)	/* longest a write() pumps */
#define RESP_BUF     (CHUNK * 2048)	/* room for a chunk of XADDs */
#define RETRY_MIN_NS (100 * 1000000ull) /* after "not now" (LOADING, BUSY) */
#define RETRY_MAX_NS (1000 * 1000000ull)
#define TLS_WCHUNK   (64 * 1024) /* bytes handed to one TLS write */
#define TLS_RCHUNK   (16 * 1024) /* a TLS read: a whole record (tlsc.h) */

enum {
	OPT_HOST,
	OPT_PORT,
	OPT_SOCKET,
	OPT_DB,
	OPT_USERNAME,
	OPT_PASSWORD,
	OPT_MODE,
	OPT_KEY,
	OPT_MAXLEN,
	OPT_CONNECT_TIMEOUT,
	OPT_COMMAND_TIMEOUT,
	OPT_TLS,
	OPT_CA,
	OPT_CERT,
	OPT_TLS_KEY,
	OPT_TLS_NAME,
	N_OPTS
};

enum { ERRK_WRONGTYPE, ERRK_OOM, ERRK_NOAUTH, ERRK_NOPERM, ERRK_OTHER, N_ERRK };
/* Replies that say "not now": the server is loading its data set or busy
 * with a script.  The event is sent again later, not counted failed. */
enum { TEMPK_LOADING, TEMPK_BUSY, TEMPK_MASTERDOWN, TEMPK_TRYAGAIN, N_TEMPK };
/*
 * The connection, never waited on longer than the caller allows: the
 * socket is non-blocking and every wait is a poll() bounded by the slice
 * (write) or the deadline (flush).  DOWN -> CONNECTING (connect() under
 * way, by connect_timeout) -> with tls=true TLS (the TLS handshake, by
 * command_timeout) -> HANDSHAKE (AUTH, SELECT and a PING sent;
 * data waits for their replies, so a hung server never gets a pipeline it
 * might run twice) -> UP.  A reply not seen within command_timeout of the
 * last one means a hung server: reconnect, events kept.
 */
enum rconn { RC_DOWN, RC_CONNECTING, RC_TLS, RC_HANDSHAKE, RC_UP };

/* With tls=true, hiredis encodes the commands into its output buffer and
 * parses the replies we feed its reader; the bytes go through OpenSSL. */
struct rtls {
	struct tlsc *c; /* the settings and the connection */
	int step_want;	/* RC_TLS: what the handshake waits for */
	int read_want;	/* POLLOUT: a read waits for the socket to take data */
	int write_want; /* POLLIN: a write waits for data to come */
	size_t woff;	/* hiredis' output buffer is written up to here */
	size_t wlen;	/* a write that had to wait: repeated with this length */
	bool verify;	/* the handshake refused the server's certificate */
};

struct rsink {
	const struct synsink_host *host;
	const struct synsink_value *v;
	enum redis_mode mode;
	redisContext *c;
	struct rtls tls; /* tls.c is NULL without tls=true */
	enum rconn state;
	size_t handshake; /* handshake replies still due */
	int wpending;	  /* hiredis' output buffer is not empty */
	uint64_t due_ns;  /* connect, or the next reply, by then (0: none) */
	int open_code;	  /* open(): why holds the reason, and this -errno */
	char why[512];
	char server[160];		 /* host:port or the socket, for messages */
	struct outbox ob;		 /* events not yet answered by Redis */
	struct link link;		 /* down and back: counted and said */
	size_t inflight;		 /* the first this many of them are sent */
	uint64_t slice_end_ns;		 /* pump() returns by then */
	uint64_t hold_ns, hold_until_ns; /* "not now": no new commands until then */
	int refused;			 /* write() said RETRY: wake the core when ready */

	/* Counters: stats() reads them from any thread. */
	atomic_ullong build_errors, errk[N_ERRK], tempk[N_TEMPK];
	char line[SYNSINK_LINE_MAX];
	struct redis_cmd cmd;
	char *resp; /* one chunk's commands, RESP-encoded */
};

static inline uint64_t ms_ns(uint64_t ms)
{
	return ms * 1000000u;
}

/* Closes the connection; unanswered commands go again on the next one. */
void rconn_disconnect(struct rsink *s);
/* Moves things along until s->slice_end_ns (see rconn.c); connect: even
 * with nothing to send. */
void rconn_pump(struct rsink *s, bool connect);
/* rconn_pump without connecting, as outbox_drain wants it. */
void rconn_pump_fn(void *sink);
/* Wakes the core if write() refused events and they are taken again. */
void rconn_ready_again(struct rsink *s);

#endif
